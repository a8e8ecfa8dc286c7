"""Text helpers shared by models, import and search: folding names and slugs."""

import hashlib
import itertools
import re
import unicodedata

from django.utils.text import slugify as ascii_slugify
from unidecode import unidecode

# Letters that Unicode does not decompose into a base letter plus an accent.
_UNDECOMPOSED = str.maketrans(
    {
        "ø": "o",
        "Ø": "O",
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "ħ": "h",
        "ı": "i",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "þ": "th",
        "ð": "d",
    }
)
_WORDS = re.compile(r"\w+")
# C0 control characters other than tab, newline and carriage return: invisible, and not allowed in XML.
# C0 controls but tab and newlines, DEL, and the bidirectional embeddings, overrides and isolates:
# a name holding U+202E (right-to-left override) shows every word after it reversed.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")


def fold(text):
    """Lower-case `text` and strip diacritics: "Zaporižžja" -> "zaporizzja"."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_UNDECOMPOSED))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def name_key(name):
    """The form under which two spellings count as the same name.

    Case, diacritics, punctuation and spacing do not matter, so "Al-Qaeda",
    "al Qaeda" and "AL QAEDA" share one key. An empty key means the name has
    no letters or digits at all.
    """
    return " ".join(_WORDS.findall(fold(name)))


_NUMBER = re.compile(r"\d+")


def alphabetical_key(name, *, surname_first=False):
    """Where a name goes in an A–Z list: its name key with numbers padded so that they sort as
    numbers ("3rd" before "48th" before "246th"), and for a person the surname first, as
    readers look people up ("zelenskyy volodymyr")."""
    words = name_key(name).split()
    if surname_first and len(words) > 1:
        words = [words[-1], *words[:-1]]
    return _NUMBER.sub(lambda number: number.group().zfill(8), " ".join(words))[:250]


def squash_spaces(text):
    return " ".join(without_control_characters(text).split())


def without_control_characters(text):
    """Text with the invisible control characters removed; they would break feeds and sitemaps,
    or turn the text after them around."""
    return _CONTROL_CHARACTERS.sub("", text)


def slug_base(text, max_length):
    """An ASCII slug for any script, cut at a word boundary."""
    slug = ascii_slugify(unidecode(text))
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0] or slug[:max_length]
    return slug.strip("-")


def unique_slug(queryset, text, *, max_length, fallback, exclude_pk=None, taken=()):
    """A slug for `text` that no row of `queryset` uses yet, nor any slug in `taken`.

    Each candidate is an indexed equality check; after a few taken numbers a
    short hash keeps the loop bounded however popular a headline is.
    """
    base = slug_base(text, max_length - 9) or fallback
    others = queryset.exclude(pk=exclude_pk) if exclude_pk else queryset
    numbered = (f"{base}-{n}" for n in range(2, 7))
    hashed = (f"{base}-{hashlib.blake2s(f'{text}/{n}'.encode(), digest_size=4).hexdigest()}" for n in itertools.count())
    for candidate in itertools.chain([base], numbered, hashed):
        if candidate not in taken and not others.filter(slug=candidate).exists():
            return candidate

"""Keys that make the spellings of one name meet, across scripts and transliterations.

The press writes one person as Зеленський, Зеленский, Zelenskyi, Zelensky, Zelenskiy
and Zelenskyy. Each name and alias is given keys under which such spellings are equal:

- its name key (archive.lib.text.name_key: case, diacritics and punctuation folded);
- for Cyrillic, the name romanised as Ukrainian and as Russian (ICU's BGN/PCGN transforms:
  the script alone does not say which language a name is in, and the two read и, г and
  е differently), then folded alike;
- a sound key of each: the letters transliteration systems disagree on made equal
  (y, j and i; kh, ch and h; w and v; doubled letters; Polish sz and cz, German sch and
  tsch), so Zelenskyy and Zelensky meet, and Szewczenko and Schewtschenko meet Shevchenko.

A name's parts (a surname, a distinctive word of a place's name) get the same keys, so
that a reader's "Zelensky" finds Volodymyr Zelenskyy.
"""

import re
import threading

import icu

from archive.lib.text import name_key

_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_RUSSIAN_ONLY = re.compile(r"[ыэъёЫЭЪЁ]")
_UKRAINIAN_ONLY = re.compile(r"[іїєґІЇЄҐ]")
_LATIN = re.compile(r"[^\W\d_]", re.ASCII)
# Apostrophes and soft signs romanised as marks (Zelensʹkyy, Khar'kov): dropped, so that the word stays whole.
_MARKS = re.compile(r"[ʹʺʼ'’`´]")
_SOUNDS = [
    (re.compile(pattern), replacement)
    for pattern, replacement in [
        (r"ph", "f"),  # first: the p and h of "Pylypchuk" are not one sound
        # Polish and German write ш and ч so; ч (ch) and х (kh) are then one, as ch is х to both.
        (r"tsch", "ch"),
        (r"sch", "sh"),
        (r"sz", "sh"),
        (r"cz", "ch"),
        (r"[kc]h", "h"),
        (r"[yj]", "i"),
        (r"w", "v"),
        (r"([a-z])\1+", r"\1"),  # doubled letters; never digits: the 100th brigade is not the 10th
    ]
]
TRANSFORMS = {"uk": "Ukrainian-Latin/BGN", "ru": "Russian-Latin/BGN"}
_local = threading.local()


def _transliterator(language):
    # ICU transliterators are not safe to share between threads; each thread makes its own.
    made = getattr(_local, "transliterators", None)
    if made is None:
        made = _local.transliterators = {}
    if language not in made:
        made[language] = icu.Transliterator.createInstance(f"{TRANSFORMS[language]}; Any-Latin; Latin-ASCII")
    return made[language]


def is_cyrillic(text):
    return bool(_CYRILLIC.search(text))


def language_of(text):
    """ "uk" or "ru" where the letters tell (і, ї, є, ґ are only Ukrainian; ы, э, ъ, ё only
    Russian), else "": the script alone does not say."""
    ukrainian, russian = bool(_UKRAINIAN_ONLY.search(text)), bool(_RUSSIAN_ONLY.search(text))
    return "uk" if ukrainian and not russian else "ru" if russian and not ukrainian else ""


class SpellingWithLanguage(str):
    """A spelling read from an import, with the language it is in where the file says so."""

    language = ""

    def __new__(cls, text, language=""):
        spelling = super().__new__(cls, text)
        spelling.language = language
        return spelling


def romanised(text):
    """The Latin spellings of `text`: itself if it is not Cyrillic, else as Ukrainian and as Russian."""
    if not is_cyrillic(text):
        return [text]
    return list(dict.fromkeys(romanised_as(text, language) for language in TRANSFORMS))


def romanised_as(text, language):
    """Cyrillic `text` in Latin letters as `language` ("uk" or "ru") is romanised, marks dropped."""
    return _MARKS.sub("", _transliterator(language).transliterate(text))


def sound_key(key):
    """`key` (a folded name key) with the letters transliterations disagree on made equal."""
    words = []
    for word in key.split():
        for pattern, replacement in _SOUNDS:
            word = pattern.sub(replacement, word)
        words.append(word)
    return " ".join(words)


def spelling_keys(text):
    """{key: how} for a spelling: "exact" for its own name key, "romanised" for its Latin
    spellings, "sound" for their sound keys. Empty if it has no letters or digits."""
    own = name_key(text)
    if not own:
        return {}
    keys = {own: "exact"}
    latin = [name_key(_MARKS.sub("", spelling)) for spelling in romanised(text)]
    for key in latin:
        keys.setdefault(key, "romanised")
    for key in [own, *latin]:
        if _LATIN.search(key):
            keys.setdefault(sound_key(key), "sound")
    return keys


# Words that say what kind of place a name is ("Zaporozhye region", "Kharkiv Oblast"): without
# them, what remains names the place.
PLACE_DESIGNATORS = frozenset(
    "region oblast raion district city town village province county republic municipality krai okrug "
    "territory hromada область обл район місто город село селище".split()
)


def parts(text, *, kind=None):
    """The parts of a spelling that may stand for the whole name, folded: a person's names
    after the first (a first name is shared by too many to stand for one), a place's name
    without the word that says what kind of place it is. Other kinds have none: their
    words ("National", "Bank") say too little alone."""
    words = name_key(text).split()
    if len(words) < 2:
        return []
    if kind == "person":
        return [word for word in words[1:] if len(word) >= 3 and not word.isdigit()]
    if kind == "place":
        rest = [word for word in words if word not in PLACE_DESIGNATORS]
        return [" ".join(rest)] if rest and len(rest) < len(words) else []
    return []


STRENGTH = {"exact": 0, "romanised": 1, "sound": 2, "inflection": 3}  # "inflection": of a query only
KEY_LENGTH = 200


def keys_of(spellings, *, kind=None):
    """{(key, is part): how} for an entity's spellings (its name and aliases), the strongest
    way for each key; `kind` (an entity kind's key) says which parts stand for the name."""
    found = {}

    def keep(key, how, part):
        key = key[:KEY_LENGTH]
        current = found.get((key, part))
        if current is None or STRENGTH[how] < STRENGTH[current]:
            found[(key, part)] = how

    for spelling in spellings:
        for key, how in spelling_keys(spelling).items():
            keep(key, how, False)
        for part in parts(spelling, kind=kind):
            for key, how in spelling_keys(part).items():
                keep(key, how, True)
    return found


# Words that identify nothing, in each language names are written in: an alias "the" or "та"
# would make every article name its entity. Search operators too.
NOT_A_NAME = frozenset(
    """a an the of and or not nor but if in on at to for from by with as is are was were be been it its
    this that these those he she they we you i his her their our my your no yes so than then there here
    і й та в у на з із зі до не що це як про за від по або чи але а о об при під над для без
    и с со не что это как по за от из к о об у же а но или ли для без над под при при""".split()
)
SHORT_NAME = 3  # letters; shorter names (not abbreviations in capitals) match other words too


def name_refusal(name):
    """Why `name` cannot name an entity (no letters, one letter, a word that identifies nothing),
    or None."""
    letters = re.findall(r"[^\W\d_]", name)
    if not letters and not re.search(r"\d", name):
        return f"“{name}” has no letters or digits."
    if len(letters) == 1 and not re.search(r"\d", name):
        return f"“{name}” is a single letter: it would name anything."
    if name_key(name) in NOT_A_NAME:
        return f"“{name}” is a common word, not a name: every article would seem to name it."
    return None


def name_warning(name):
    """Why `name` may name more than its entity (a short word not written in capitals), or None."""
    letters = re.findall(r"[^\W\d_]", name)
    if len(letters) <= SHORT_NAME and not name.isupper():
        return f"“{name}” is very short: write an abbreviation in capitals, or it matches other words."
    return None

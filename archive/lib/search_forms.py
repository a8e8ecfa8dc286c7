"""What the search index holds beside an article's text, so that readers find it as they type:
the other forms of its words.

- The base forms of its Ukrainian and Russian words (archive.lib.morphology): "Сибіга" finds
  "з міністром Сибігою".
- A sound token of each name it uses, a capitalised word keyed as names are (archive.lib.names:
  romanised from Cyrillic, in its base forms too, then folded by sound), with a prefix no word
  has: "Hordiyenko", "Hordienko" and "Гордієнком" all hold `sndhordienko`, which a query for
  any of them also asks for. An article that spells a person otherwise than the archive does,
  and is not linked to them, is then still found by the name.

Both databases index these as they index the text, so a query's own forms match them alike.
"""

import re
from functools import lru_cache

from archive.lib.morphology import base_forms, base_forms_of_text
from archive.lib.names import is_cyrillic, romanised, sound_key
from archive.lib.text import name_key

SOUND_PREFIX = "snd"
MIN_NAME_LETTERS = 4  # shorter capitalised words (UN, Kyiv's "Rada" aside) sound like too much
_CAPITALISED = re.compile(r"(?<![^\W_])[^\W\d_]*[A-ZА-ЯІЇЄҐЁ\u00c0-\u024f][^\W_]*")


@lru_cache(maxsize=100_000)
def sound_tokens(word):
    """The sound tokens of a name's word, written in any script or case; () for a short word."""
    letters = re.sub(r"[\W\d_]", "", word)
    if len(letters) < MIN_NAME_LETTERS or letters.isupper():
        return ()  # an abbreviation is matched as written
    spellings = [word, *base_forms(word)] if is_cyrillic(word) else [word]
    tokens = {}
    for spelling in spellings:
        for latin in romanised(spelling):
            key = sound_key(name_key(latin)).replace(" ", "")
            if key.isascii() and key.isalnum():
                tokens.setdefault(SOUND_PREFIX + key, None)
    return tuple(tokens)


def names_in(text):
    """The capitalised words of `text`: where names are."""
    return [word for word in _CAPITALISED.findall(text or "") if word[:1].isupper()]


def search_forms_of_text(*texts):
    """Every other form of the words of `texts` the index holds, each once, space-separated."""
    sounds = {}
    for text in texts:
        for word in names_in(text):
            for token in sound_tokens(word):
                sounds.setdefault(token, None)
    return " ".join(filter(None, [base_forms_of_text(*texts), " ".join(sounds)]))


def query_forms(word):
    """The other forms a query's word is also looked for as: its base forms and its sound tokens."""
    return [*base_forms(word), *sound_tokens(word)]

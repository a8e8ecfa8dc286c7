"""Base forms of Ukrainian and Russian words, so that an inflected form finds its word.

Ukrainian and Russian inflect nouns and names: "з міністром Сибігою" is Sybiha
with the minister, "у Харкові" is in Kharkiv. Neither database has a stemmer
for Ukrainian (PostgreSQL has Russian, SQLite's FTS5 neither), so both
databases index the base forms worked out here, the same way, and a query's
Cyrillic words are looked for by their base forms too.

pymorphy3, with the OpenCorpora (Russian) and VESUM (Ukrainian) dictionaries,
parses a word form into its possible readings; a word it does not know (most
surnames) is parsed by analogy with known endings. A form is often ambiguous
("Києві": of Kyiv, or of a cue), and the script does not say which language
a word is in, so every reading's base form is kept, in both languages: an
inflected form then meets its word whichever reading is right, at the price of
an occasional meeting with a homograph.
"""

import re
import threading
from functools import lru_cache

import pymorphy3

from archive.lib.names import language_of

LANGUAGES = ("uk", "ru")
MAX_FORMS = 6  # base forms of one word worth keeping; the rest are far-fetched guesses
MIN_LETTERS = 3  # shorter words (prepositions, conjunctions) are not inflected nouns
_CYRILLIC_WORD = re.compile(r"[\u0400-\u04ff][\u0400-\u04ff'’ʼ-]*")
_local = threading.local()


def analyzers_for(word):
    """The analyzers of the languages `word` may be in: one where its letters say which
    (archive.lib.names.language_of), else both."""
    # One set per thread: pymorphy3's analyzers keep caches that are not made for sharing.
    analyzers = getattr(_local, "analyzers", None)
    if analyzers is None:
        analyzers = _local.analyzers = {language: pymorphy3.MorphAnalyzer(lang=language) for language in LANGUAGES}
    language = language_of(word)
    return [analyzers[language]] if language else list(analyzers.values())


@lru_cache(maxsize=100_000)
def base_forms(word):
    """The base forms of a Cyrillic word other than itself, lower-cased, most likely first;
    () for a word in another script or too short to be inflected. Accents are left to each
    database to fold, as it folds the text: "київ" must stay the word the text has."""
    word = word.lower()
    if len(word) < MIN_LETTERS or not _CYRILLIC_WORD.fullmatch(word):
        return ()
    found = {}
    for analyzer in analyzers_for(word):
        for parse in analyzer.parse(word):
            form = parse.normal_form.lower()
            if form and form != word and " " not in form:
                found.setdefault(form, None)
    return tuple(found)[:MAX_FORMS]


def cyrillic_words(text):
    return _CYRILLIC_WORD.findall(text or "")


def base_forms_of_text(*texts):
    """The base forms of every Cyrillic word of `texts`, each once, space-separated: what the
    search index holds beside the text. Empty for a text without Cyrillic words."""
    forms = {}
    for text in texts:
        for word in cyrillic_words(text):
            for form in base_forms(word):
                forms.setdefault(form, None)
    return " ".join(forms)

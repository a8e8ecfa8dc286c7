"""What a researcher typed, understood the same way by every search backend.

The language: words (all must match), "exact phrases", OR between two
alternatives, and -excluded words or phrases. Anything else (operators of
PostgreSQL or FTS5, brackets, stars, carets) is just punctuation between words,
so no input can reach a database as syntax. Case and diacritics never matter.
"""

import re
from dataclasses import dataclass, field

from archive.lib.text import without_control_characters

MAX_QUERY_LENGTH = 500
MAX_CLAUSES = 12
MAX_PHRASE_WORDS = 8

# PostgreSQL's English stop words, so that both backends ignore the same words.
STOP_WORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before being below
    between both but by can did do does doing don down during each few for from further had has have having
    he her here hers herself him himself his how i if in into is it its itself just me more most my myself no
    nor not now of off on once only or other our ours ourselves out over own s same she should so some such t
    than that the their theirs them themselves then there these they this those through to too under until up
    very was we were what when where which while who whom why will with you your yours yourself yourselves""".split()
)
_TOKENS = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_WORDS = re.compile(r"[^\W_]+")  # letters and digits; underscores separate words


@dataclass(frozen=True)
class Words:
    """A word, or a phrase of words in this order."""

    words: tuple

    @property
    def text(self):
        return " ".join(self.words)

    @property
    def is_phrase(self):
        return len(self.words) > 1


@dataclass(frozen=True)
class NameSounds:
    """The sound tokens of a name's words (archive.lib.search_forms), all somewhere in an
    article's other forms, in any order: a full name, however the article spells it."""

    words: tuple
    is_phrase = False

    @property
    def text(self):
        return " ".join(self.words)


@dataclass(frozen=True)
class EntityMention:
    """Articles linked to an entity, whatever their text calls it."""

    kind: str
    entity_id: int


@dataclass(frozen=True)
class Clause:
    """One requirement: any of its options must match (or, if negated, none)."""

    options: tuple
    negated: bool = False

    def with_option(self, option):
        return Clause(self.options + (option,), self.negated)


BREAK = None  # in ParsedQuery.sequence: an operator, phrase or exclusion between plain words


@dataclass
class ParsedQuery:
    text: str
    clauses: list = field(default_factory=list)
    notes: list = field(default_factory=list)  # what was changed or ignored, for the reader
    # The plain words as typed, common ones included: (word, its clause or None), or BREAK.
    # Entity names are looked for in it, so "Security Service of Ukraine" is found unquoted.
    sequence: list = field(default_factory=list)
    # Its words that are common words of the archive (search.recognition.common_words): never
    # taken for a name alike in sound.
    common: frozenset = frozenset()

    @property
    def positive(self):
        return [clause for clause in self.clauses if not clause.negated]

    @property
    def negative(self):
        return [clause for clause in self.clauses if clause.negated]

    def words(self):
        """Every word the reader is looking for, for highlighting; not the common ones."""
        found = []
        for clause in self.positive:
            for option in clause.options:
                if isinstance(option, Words):
                    found.extend(word for word in option.words if word not in STOP_WORDS)
        return found


def words_of(text):
    """Lower-case words, otherwise as typed: each database folds them as it folds its index
    (FTS5 removes accents; PostgreSQL's unaccent also turns ł into l), so a word typed as
    written always finds the text it was copied from."""
    return _WORDS.findall(text.lower())


def parse(text):
    """A ParsedQuery from raw input; never raises."""
    text = without_control_characters(str(text or "")).replace("\x00", "")
    query = ParsedQuery(text=text)
    if len(text) > MAX_QUERY_LENGTH:
        text = text[:MAX_QUERY_LENGTH]
        query.notes.append(f"Only the first {MAX_QUERY_LENGTH} characters of the search were used.")
    pending_or = False
    for negated, phrase, plain in _TOKENS.findall(text):
        if plain == "OR":
            pending_or = bool(query.clauses) and not query.clauses[-1].negated
            query.sequence.append(BREAK)
            continue
        if plain and plain.startswith("-") and len(plain) > 1:
            negated, plain = "-", plain[1:]
        words = words_of(phrase if phrase or not plain else plain)
        if not words:
            continue
        if all(word in STOP_WORDS for word in words):
            if plain and not negated and len(words) == 1:
                query.sequence.append((words[0], None))  # "of" in "Bank of England"
            continue  # "the", or "the of": nothing to look for, on either database
        option = Words(tuple(words[:MAX_PHRASE_WORDS]))
        if pending_or and not negated:
            query.clauses[-1] = query.clauses[-1].with_option(option)
            query.sequence.append(BREAK)
        else:
            clause = Clause((option,), negated=bool(negated))
            query.clauses.append(clause)
            plain_word = plain and not negated and len(words) == 1
            query.sequence.append((words[0], clause) if plain_word else BREAK)
        pending_or = False
    if len(query.clauses) > MAX_CLAUSES:
        query.clauses = query.clauses[:MAX_CLAUSES]
        query.notes.append(f"Only the first {MAX_CLAUSES} words or phrases were used.")
    if not query.clauses and any(word in STOP_WORDS for word in words_of(text)):
        query.notes.append("Words as common as “the” or “of” are not searched for on their own.")
    return query

"""What a researcher typed, understood the same way by every search backend.

The language: words (all must match), "exact phrases", OR between two
alternatives, and -excluded words or phrases. Anything else (operators of
PostgreSQL or FTS5, brackets, stars, carets) is just punctuation between words,
so no input can reach a database as syntax. Case and diacritics never matter.
"""

import re
from dataclasses import dataclass, field

from ..text import fold, without_control_characters

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
class EntityLink:
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


@dataclass
class ParsedQuery:
    text: str
    clauses: list = field(default_factory=list)
    notes: list = field(default_factory=list)  # what was changed or ignored, for the reader

    @property
    def positive(self):
        return [clause for clause in self.clauses if not clause.negated]

    @property
    def negative(self):
        return [clause for clause in self.clauses if clause.negated]

    @property
    def is_empty(self):
        return not self.positive

    def words(self):
        """Every word the reader is looking for, for highlighting."""
        found = []
        for clause in self.positive:
            for option in clause.options:
                if isinstance(option, Words):
                    found.extend(option.words)
        return found


def words_of(text):
    return _WORDS.findall(fold(text))


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
            continue
        if plain and plain.startswith("-") and len(plain) > 1:
            negated, plain = "-", plain[1:]
        words = words_of(phrase if phrase or not plain else plain)
        if phrase == "" and not plain:
            continue
        if all(word in STOP_WORDS for word in words):
            continue  # "the", or "the of": nothing to look for, on either database
        if not words:
            continue
        if len(words) > MAX_PHRASE_WORDS:
            words = words[:MAX_PHRASE_WORDS]
        option = Words(tuple(words))
        if pending_or and not negated:
            query.clauses[-1] = query.clauses[-1].with_option(option)
        else:
            query.clauses.append(Clause((option,), negated=bool(negated)))
        pending_or = False
    if len(query.clauses) > MAX_CLAUSES:
        query.clauses = query.clauses[:MAX_CLAUSES]
        query.notes.append(f"Only the first {MAX_CLAUSES} words or phrases were used.")
    if not query.positive and text.strip():
        query.clauses = []
        if any(word in STOP_WORDS for word in words_of(text)):
            query.notes.append("Words as common as “the” or “of” are not searched for on their own.")
    return query

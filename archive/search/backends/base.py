"""The two databases' ways of answering the same compiled search.

Relevance is a tier, then recency. Tier 3: every clause matches in the
headline. Tier 2: in the headline, standfirst or the linked entities (the
article is about it). Tier 1: anywhere, the body included (it mentions it).
Within a tier, newer first. Each tier is then a range of the index read in
key order and cut at the page, so no search ranks every match, and the order
is exact however many articles match.

A backend answers: the keys of a tier's matches, newest or oldest first,
from an offset; how many match, up to a cap; and the top of an exhaustive
ranking by the database's own score, used only to measure what the tiers
change. A new backend (OpenSearch, say) implements these.
"""

from dataclasses import dataclass, field

from django.db import connection

from archive.search.keys import entity_token
from archive.search.query import EntityMention, NameSounds

TIERS = (3, 2, 1)


COUNT_CAP = 10_000  # a total above this is shown as "10,000+"


# Up to this many matches, reading them all and sorting beats walking the index in key order.
FEW_MATCHES = 5_000


@dataclass
class Plan:
    clauses: list  # positive Clauses
    excluded: list  # negated Clauses
    tokens: list = field(default_factory=list)  # filter tokens that must all be present
    low_key: int | None = None
    high_key: int | None = None
    counts: dict = field(default_factory=dict)  # {cap: matches up to it}, counted once per search

    @property
    def is_empty(self):
        return not self.clauses and not self.tokens and not self.excluded


class Schema:
    """What each database's index schema shares: which of the articles' columns it reads."""

    search_forms = True  # whether articles have the column (archive.search.index.has_search_forms)

    def search_forms_of(self, alias):
        """The other forms of article `alias`'s words, or nothing before the column existed."""
        return f"{alias}.search_forms" if self.search_forms else "''"

    def derived(self):
        """Columns derived from the text that a write may change alone."""
        return ["search_forms"] if self.search_forms else []


class Backend:
    """What each database's backend implements (`where`, `keys`, `exhaustive`) and what they share."""

    schema = None  # the database's index schema: its `table` is what `where` conditions read

    def where(self, plan, tier):
        """(SQL condition, params) for the plan's matches in `tier` (None: any), or (None, None) for none."""
        raise NotImplementedError

    def keys(self, plan, *, tier=None, newest_first=True, limit, offset=0):
        """Sort keys of the plan's matches in `tier`, newest or oldest first."""
        raise NotImplementedError

    def exhaustive(self, plan, limit):
        """The top `limit` keys by the database's own relevance score, to measure the tiers against."""
        raise NotImplementedError

    def count(self, plan, cap):
        """How many match, up to `cap`; counted once per search and cap, then kept on the plan."""
        counted = plan.counts.get(cap)
        if counted is None:
            counted = plan.counts[cap] = self.capped_count(plan, cap)
        return counted

    def capped_count(self, plan, cap):
        where, params = self.where(plan, None)
        if where is None:
            return 0
        sql = f"SELECT count(*) FROM (SELECT 1 FROM {self.schema.table} WHERE {where} LIMIT %s) capped"
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, cap])
            return cursor.fetchone()[0]


def option_text(option):
    """(what to match, whether it is text rather than an entity token)."""
    if isinstance(option, EntityMention):
        return entity_token(option.kind, option.entity_id), False
    return " ".join(option.words), True


def in_body_only(option):
    """Whether the option matches only where the body tier looks (NameSounds: the other forms)."""
    return isinstance(option, NameSounds)

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

from archive.search.keys import entity_token
from archive.search.query import EntityMention

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


def option_text(option):
    """(what to match, whether it is text rather than an entity token)."""
    if isinstance(option, EntityMention):
        return entity_token(option.kind, option.entity_id), False
    return " ".join(option.words), True

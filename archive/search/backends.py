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

from .query import EntityLink
from .schema import PostgresSchema, SQLiteSchema, entity_token

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
    if isinstance(option, EntityLink):
        return entity_token(option.kind, option.entity_id), False
    return " ".join(option.words), True


class SQLiteBackend:
    schema = SQLiteSchema()
    columns_for_tier = {3: "{headline}", 2: "{headline standfirst tokens}", 1: None}

    def clauses(self, plan, columns):
        """FTS5 text requiring every clause, its words limited to `columns` (None: any column);
        entity options always look in the tokens column. None if a clause cannot match there."""
        parts = []
        for clause in plan.clauses:
            options = []
            for option in clause.options:
                text, is_text = option_text(option)
                if not is_text:
                    if columns is None or "tokens" in columns:
                        options.append(f'{{tokens}} : "{text}"')
                elif columns is None:
                    options.append(f'"{text}"')
                else:
                    options.append(f'{columns} : "{text}"')
            if not options:
                return None
            parts.append("(" + " OR ".join(options) + ")")
        parts += [f'{{tokens}} : "{token}"' for token in plan.tokens]
        return " AND ".join(parts) if parts else None

    def expression(self, plan, tier=None):
        if tier is None:
            expression = self.clauses(plan, None)
        else:
            expression = self.clauses(plan, self.columns_for_tier[tier])
            higher = self.clauses(plan, self.columns_for_tier[tier + 1]) if tier < 3 else None
            if expression is not None and higher is not None:
                expression = f"({expression}) NOT ({higher})"
        if expression is None:
            return None
        for clause in plan.excluded:
            expression = f"({expression}) NOT (" + " OR ".join(f'"{option_text(o)[0]}"' for o in clause.options) + ")"
        return expression

    def where(self, plan, tier):
        expression = self.expression(plan, tier)
        if expression is None:
            return None, []
        conditions, params = [f"{self.schema.table} MATCH %s"], [expression]
        for bound, test in [(plan.low_key, "rowid >= %s"), (plan.high_key, "rowid <= %s")]:
            if bound is not None:
                conditions.append(test)
                params.append(bound)
        return " AND ".join(conditions), params

    def run(self, select, plan, tier, tail, tail_params):
        where, params = self.where(plan, tier)
        if where is None:
            return []
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {select} FROM {self.schema.table} WHERE {where} {tail}", [*params, *tail_params])
            return cursor.fetchall()

    def keys(self, plan, *, tier=None, newest_first=True, limit, offset=0):
        order = "DESC" if newest_first else "ASC"
        rows = self.run("rowid", plan, tier, f"ORDER BY rowid {order} LIMIT %s OFFSET %s", [limit, offset])
        return [row[0] for row in rows]

    def count(self, plan, cap):
        where, params = self.where(plan, None)
        if where is None:
            return 0
        sql = f"SELECT count(*) FROM (SELECT 1 FROM {self.schema.table} WHERE {where} LIMIT %s)"
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, cap])
            return cursor.fetchone()[0]

    def exhaustive(self, plan, limit):
        """Keys ranked by bm25 over every match (headline 10, standfirst 4, body 1, entities 4)."""
        rows = self.run("rowid", plan, None, "ORDER BY bm25(archive_search, 10.0, 4.0, 1.0, 4.0) LIMIT %s", [limit])
        return [row[0] for row in rows]


class PostgresBackend:
    """Filters on `terms` (GIN, no positions); checks phrases and tiers on the positional
    vectors, the small `head_vector` first. See PostgresSchema."""

    schema = PostgresSchema()

    def word_query(self, option):
        """A tsquery for the option's words, in any order, or its entity token."""
        text, is_text = option_text(option)
        if is_text:
            return f"plainto_tsquery('{self.schema.config}', %s)", [text]
        return "to_tsquery('simple', %s)", [text]

    def phrase_check(self, option):
        sql = f"phraseto_tsquery('{self.schema.config}', %s)"
        return f"(head_vector @@ {sql} OR body_vector @@ {sql})", [option_text(option)[0]] * 2

    def head_query(self, plan, weights):
        """A tsquery over head_vector requiring every clause at these weights; None if impossible."""
        parts, params = [], []
        for clause in plan.clauses:
            options = []
            for option in clause.options:
                text, is_text = option_text(option)
                if is_text:
                    options.append(f"to_tsquery('{self.schema.config}', %s)")
                    params.append(" <-> ".join(f"{word}:{weights}" for word in option.words))
                elif "B" in weights:  # entity tokens are in head_vector at weight B
                    options.append("to_tsquery('simple', %s)")
                    params.append(f"{text}:B")
            if not options:
                return None, []
            parts.append("(" + " || ".join(options) + ")")
        return " && ".join(parts), params

    def where(self, plan, tier):
        parts, params = [], []
        # In the headline tiers, the head_vector checks below already require every clause:
        # asking `terms` too would make PostgreSQL read its far larger index as well.
        for clause in plan.clauses if tier not in (2, 3) else []:
            queries = [self.word_query(option) for option in clause.options]
            parts.append("(" + " || ".join(sql for sql, _ in queries) + ")")
            params += [param for _, option_params in queries for param in option_params]
        for token in plan.tokens:
            parts.append("to_tsquery('simple', %s)")
            params.append(token)
        for clause in plan.excluded:
            for option in clause.options:
                if not getattr(option, "is_phrase", False):
                    sql, option_params = self.word_query(option)
                    parts.append(f"!!{sql}")
                    params += option_params
        sql = [f"terms @@ ({' && '.join(parts)})"] if parts else []
        for clause in plan.clauses:
            if any(getattr(option, "is_phrase", False) for option in clause.options):
                checks = []
                for option in clause.options:
                    if getattr(option, "is_phrase", False):
                        check, check_params = self.phrase_check(option)
                    else:
                        query, check_params = self.word_query(option)
                        check = f"terms @@ {query}"
                    checks.append(check)
                    params += check_params
                sql.append("(" + " OR ".join(checks) + ")")
        for clause in plan.excluded:
            for option in clause.options:
                if getattr(option, "is_phrase", False):
                    check, check_params = self.phrase_check(option)
                    sql.append(f"NOT {check}")
                    params += check_params
        if tier is not None:
            own, own_params = self.head_query(plan, {3: "A", 2: "AB"}[tier]) if tier > 1 else (None, [])
            higher, higher_params = self.head_query(plan, {2: "A", 1: "AB"}[tier]) if tier < 3 else (None, [])
            if tier > 1 and own is None:
                return None, []
            # Headline-only checks read headline_vector: its own statistics tell the planner
            # how rare a word is in headlines, not how common it is in standfirsts.
            if own is not None:
                sql.append(f"{'headline_vector' if tier == 3 else 'head_vector'} @@ ({own})")
                params += own_params
            if higher is not None:
                sql.append(f"NOT ({'headline_vector' if tier == 2 else 'head_vector'} @@ ({higher}))")
                params += higher_params
        if plan.low_key is not None:
            sql.append("sort_key >= %s")
            params.append(plan.low_key)
        if plan.high_key is not None:
            sql.append("sort_key <= %s")
            params.append(plan.high_key)
        return " AND ".join(sql), params

    def run(self, select, plan, tier, tail, tail_params, *, all_first=False):
        """Rows of the matches; with `all_first`, every match is read before `tail` orders and cuts them."""
        where, params = self.where(plan, tier)
        if where is None:
            return []
        matches = f"SELECT {select} FROM {self.schema.table} WHERE {where}"
        sql = (
            f"WITH matches AS MATERIALIZED ({matches}) SELECT * FROM matches {tail}"
            if all_first
            else f"{matches} {tail}"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, *tail_params])
            return cursor.fetchall()

    def keys(self, plan, *, tier=None, newest_first=True, limit, offset=0):
        order = "DESC" if newest_first else "ASC"
        # Few matches: read them all from the GIN indexes and sort them. Left to itself, the
        # planner often walks the sort-key index instead, expecting matches every few rows,
        # and for a rare name reads a million rows to find two hundred (0.8-20 s).
        few = self.count(plan, COUNT_CAP + 1) <= FEW_MATCHES
        tail = f"ORDER BY sort_key {order} LIMIT %s OFFSET %s"
        return [row[0] for row in self.run("sort_key", plan, tier, tail, [limit, offset], all_first=few)]

    def count(self, plan, cap):
        """How many match, up to `cap`; asked once per search and cap (keys() asks it first)."""
        counted = plan.counts.get(cap)
        if counted is None:
            counted = plan.counts[cap] = self._count(plan, cap)
        return counted

    def _count(self, plan, cap):
        where, params = self.where(plan, None)
        if where is None:
            return 0
        sql = f"SELECT count(*) FROM (SELECT 1 FROM {self.schema.table} WHERE {where} LIMIT %s) capped"
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, cap])
            return cursor.fetchone()[0]

    def exhaustive(self, plan, limit):
        """Keys ranked by ts_rank_cd over every match, for comparison."""
        where, params = self.where(plan, None)
        if where is None:
            return []
        query, query_params = self.head_query(plan, "ABCD")
        rank = f"ts_rank_cd(head_vector || body_vector, ({query}))" if query else "0"
        sql = f"SELECT sort_key FROM {self.schema.table} WHERE {where} ORDER BY {rank} DESC LIMIT %s"
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, *query_params, limit])
            return [row[0] for row in cursor.fetchall()]


def current_backend():
    return PostgresBackend() if connection.vendor == "postgresql" else SQLiteBackend()

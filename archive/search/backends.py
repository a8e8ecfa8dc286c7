"""The two databases' ways of answering the same compiled search.

A backend answers three questions about a Plan (what must match, what must
not, which tokens filter, which key range): the matching index keys in index
order (newest or oldest first), with a relevance score for each; how many
match, up to a cap; and nothing else. Everything a reader sees (ranking
tiers, snippets, facets) is built from those answers by the engine, the same
way for both. A new backend (OpenSearch, say) implements these methods.
"""

from dataclasses import dataclass, field

from django.db import connection

from .query import EntityLink
from .schema import PostgresSchema, SQLiteSchema, entity_token


@dataclass
class Plan:
    clauses: list  # positive Clauses
    excluded: list  # negated Clauses
    tokens: list = field(default_factory=list)  # filter tokens that must all be present
    low_key: int | None = None
    high_key: int | None = None
    headline_only: bool = False  # every clause must match in the headline

    @property
    def is_empty(self):
        return not self.clauses and not self.tokens


def option_tokens(option):
    if isinstance(option, EntityLink):
        return entity_token(option.kind, option.entity_id), False
    return " ".join(option.words), True


class SQLiteBackend:
    schema = SQLiteSchema()
    # Column weights for bm25: headline, standfirst, body, tokens (a linked entity counts like a standfirst).
    weights = (10.0, 4.0, 1.0, 4.0)

    def expression(self, plan):
        parts = []
        for clause in plan.clauses:
            options = []
            for option in clause.options:
                text, is_text = option_tokens(option)
                if plan.headline_only:
                    if is_text:
                        options.append(f'{{headline}} : "{text}"')
                else:
                    options.append(f'"{text}"')
            if not options:
                return None  # this clause cannot match in a headline
            parts.append(options[0] if len(options) == 1 else "(" + " OR ".join(options) + ")")
        parts += [f'{{tokens}} : "{token}"' for token in plan.tokens]
        expression = " AND ".join(parts)
        for clause in plan.excluded:
            options = [f'"{option_tokens(option)[0]}"' for option in clause.options]
            expression += " NOT (" + " OR ".join(options) + ")"
        return expression

    def where(self, plan):
        sql, params = [], []
        if plan.low_key is not None:
            sql.append("rowid >= %s")
            params.append(plan.low_key)
        if plan.high_key is not None:
            sql.append("rowid <= %s")
            params.append(plan.high_key)
        return sql, params

    def matches(self, plan, *, newest_first=True, limit, offset=0):
        """[(key, score)], higher scores better, in index order."""
        expression = self.expression(plan)
        if expression is None:
            return []
        conditions, params = self.where(plan)
        weights = ", ".join(str(weight) for weight in self.weights)
        sql = (
            f"SELECT rowid, -bm25({self.schema.table}, {weights}) FROM {self.schema.table} "
            f"WHERE {self.schema.table} MATCH %s{''.join(' AND ' + c for c in conditions)} "
            f"ORDER BY rowid {'DESC' if newest_first else 'ASC'} LIMIT %s OFFSET %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [expression, *params, limit, offset])
            return cursor.fetchall()

    def count(self, plan, cap):
        expression = self.expression(plan)
        if expression is None:
            return 0
        conditions, params = self.where(plan)
        sql = (
            f"SELECT count(*) FROM (SELECT 1 FROM {self.schema.table} WHERE {self.schema.table} MATCH %s"
            f"{''.join(' AND ' + c for c in conditions)} LIMIT %s)"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [expression, *params, cap])
            return cursor.fetchone()[0]


class PostgresBackend:
    """Filters on `terms` (GIN, no positions), checks phrases on the positional vectors,
    ranks with the small `head_vector`; see PostgresSchema."""

    schema = PostgresSchema()

    def word_query(self, option):
        """A tsquery requiring the option's words (in any order) or its entity token."""
        text, is_text = option_tokens(option)
        if is_text:
            return f"plainto_tsquery('{self.schema.config}', %s)", [text]
        return "to_tsquery('simple', %s)", [text]

    def phrase_check(self, option):
        sql = f"phraseto_tsquery('{self.schema.config}', %s)"
        return f"(head_vector @@ {sql} OR body_vector @@ {sql})", [option_tokens(option)[0]] * 2

    def terms_query(self, plan):
        """The tsquery every match satisfies, with phrases loosened to their words."""
        parts, params = [], []
        for clause in plan.clauses:
            options = [self.word_query(option) for option in clause.options]
            parts.append("(" + " || ".join(sql for sql, _ in options) + ")")
            params += [param for _, option_params in options for param in option_params]
        for token in plan.tokens:
            parts.append("to_tsquery('simple', %s)")
            params.append(token)
        for clause in plan.excluded:
            words = [option for option in clause.options if not getattr(option, "is_phrase", False)]
            for option in words:
                sql, option_params = self.word_query(option)
                parts.append(f"!!{sql}")
                params += option_params
        return " && ".join(parts), params

    def headline_query(self, plan):
        """Every clause matched in the headline (weight A), or None if one cannot be."""
        parts, params = [], []
        for clause in plan.clauses:
            options = [option for option in clause.options if option_tokens(option)[1]]
            if not options:
                return None, []
            parts.append("(" + " || ".join(f"to_tsquery('{self.schema.config}', %s)" for _ in options) + ")")
            params += [" <-> ".join(f"{word}:A" for word in option.words) for option in options]
        return " && ".join(parts), params

    def where(self, plan):
        terms, params = self.terms_query(plan)
        sql = [f"terms @@ ({terms})"]
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
        if plan.headline_only:
            headline, headline_params = self.headline_query(plan)
            if headline is None:
                return None, []
            sql.append(f"head_vector @@ ({headline})")
            params += headline_params
        if plan.low_key is not None:
            sql.append("sort_key >= %s")
            params.append(plan.low_key)
        if plan.high_key is not None:
            sql.append("sort_key <= %s")
            params.append(plan.high_key)
        return " AND ".join(sql), params

    def matches(self, plan, *, newest_first=True, limit, offset=0):
        where, params = self.where(plan)
        if where is None:
            return []
        rank, rank_params = self.terms_query(plan)
        sql = (
            f"SELECT sort_key, ts_rank(head_vector, ({rank})) FROM {self.schema.table} WHERE {where} "
            f"ORDER BY sort_key {'DESC' if newest_first else 'ASC'} LIMIT %s OFFSET %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*rank_params, *params, limit, offset])
            return cursor.fetchall()

    def count(self, plan, cap):
        where, params = self.where(plan)
        if where is None:
            return 0
        sql = f"SELECT count(*) FROM (SELECT 1 FROM {self.schema.table} WHERE {where} LIMIT %s) capped"
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, cap])
            return cursor.fetchone()[0]


def current_backend():
    return PostgresBackend() if connection.vendor == "postgresql" else SQLiteBackend()

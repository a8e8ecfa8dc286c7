"""Search on PostgreSQL: four tsvector columns per article with GIN indexes, kept up to date
by triggers, and the plan of a search compiled to tsquery."""

from django.db import connection

from archive.search.backends.base import COUNT_CAP, FEW_MATCHES, Backend, Schema, in_body_only, option_text
from archive.search.keys import EPOCH_OFFSET, EVERY_ARTICLE, ID_BITS, UNPUBLISHED, tables, token_rows


def ascii_lower(column):
    """PostgreSQL's lower() follows the locale; SQLite's, and the Python side, only ASCII letters."""
    return f"translate({column}, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')"


class PostgresSchema(Schema):
    """Four vectors per article, so that most checks never touch the body's large one.

    `head_vector`: headline (A), standfirst and tokens (B), with positions, small enough
    to stay in the row; it ranks and decides the second tier. `headline_vector`: its A
    part, for the headline tier (with statistics of its own, see PostgresBackend.where). `body_vector`:
    the body and the other forms of its words (C), stored out of line, read only to check a
    phrase. `terms`: every lexeme of both, without positions: what the GIN index and the row-by-row
    checks use.
    """

    table = "archive_search"
    config = "archive_english"
    setting = "archive.search_deferred"

    def key(self, alias):
        moment = f"floor(extract(epoch from {alias}.published_at))::bigint"
        return (
            f"(CASE WHEN {alias}.status = 'published' AND {alias}.published_at IS NOT NULL "
            f"THEN ((({moment} + {EPOCH_OFFSET}) << {ID_BITS}) | {alias}.id) "
            f"ELSE ({UNPUBLISHED} | {alias}.id) END)"
        )

    def tokens(self, alias):
        return (
            f"to_tsvector('simple', coalesce((SELECT string_agg(token, ' ') FROM ({token_rows(alias)}) t), '') "
            f"|| ' pub' || encode(convert_to({ascii_lower(alias + '.publication')}, 'UTF8'), 'hex') "
            f"|| ' {EVERY_ARTICLE}')"
        )

    def head_vector(self, alias):
        return (
            f"setweight(to_tsvector('{self.config}', {alias}.headline), 'A') || "
            f"setweight(to_tsvector('{self.config}', {alias}.standfirst), 'B') || "
            f"setweight({self.tokens(alias)}, 'B')"
        )

    def body_vector(self, alias):
        # The other forms of its words (Article.search_forms) count as the body.
        return (
            f"setweight(to_tsvector('{self.config}', {alias}.body) || "
            f"to_tsvector('{self.config}', {self.search_forms_of(alias)}), 'C')"
        )

    def upsert_from(self, where):
        article = tables()[0]
        return (
            f"INSERT INTO {self.table}(article_id, sort_key, head_vector, body_vector) "
            f"SELECT a.id, {self.key('a')}, {self.head_vector('a')}, {self.body_vector('a')} FROM {article} a "
            f"WHERE {where} "
            "ON CONFLICT (article_id) DO UPDATE SET sort_key = EXCLUDED.sort_key, "
            "head_vector = EXCLUDED.head_vector, body_vector = EXCLUDED.body_vector"
        )

    def retoken(self, where):
        """Rebuild the small vector only: links changed, the text did not."""
        article = tables()[0]
        return (
            f"UPDATE {self.table} s SET head_vector = {self.head_vector('a')} FROM {article} a "
            f"WHERE a.id = s.article_id AND {where}"
        )

    def statements(self):
        article, incident, links, incident_links = tables()
        live = f"coalesce(current_setting('{self.setting}', true), '') <> 'on'"
        yield "CREATE EXTENSION IF NOT EXISTS unaccent"
        yield "CREATE EXTENSION IF NOT EXISTS pg_trgm"
        yield (
            "DO $$ BEGIN "
            f"IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = '{self.config}') THEN "
            f"CREATE TEXT SEARCH CONFIGURATION {self.config} (COPY = english); "
            f"ALTER TEXT SEARCH CONFIGURATION {self.config} "
            "ALTER MAPPING FOR hword_part, word WITH unaccent, english_stem; "
            "END IF; END $$"
        )
        # A hyphenated word is indexed as its parts only. PostgreSQL also indexes the whole
        # ("rostov-on-don") a position before them, so a phrase typed without the hyphens
        # ("reported in Rostov on Don") or with them over a text without them never matched;
        # queries are split into words on hyphens anyway, as FTS5 splits the text.
        yield f"ALTER TEXT SEARCH CONFIGURATION {self.config} DROP MAPPING IF EXISTS FOR asciihword, hword, numhword"
        yield (
            f"CREATE TABLE IF NOT EXISTS {self.table} ("
            # No foreign key: the triggers below delete with the article, and a TRUNCATE of
            # articles (tests flush the database so) must not be refused.
            "article_id bigint PRIMARY KEY, "
            "sort_key bigint NOT NULL, "
            "head_vector tsvector NOT NULL, "
            "body_vector tsvector NOT NULL, "
            "terms tsvector GENERATED ALWAYS AS (strip(head_vector || body_vector)) STORED, "
            "headline_vector tsvector GENERATED ALWAYS AS (ts_filter(head_vector, '{a}')) STORED)"
        )
        yield f"ALTER TABLE {self.table} ALTER COLUMN terms SET STORAGE MAIN"
        yield f"ALTER TABLE {self.table} ALTER COLUMN head_vector SET STORAGE MAIN"
        yield f"CREATE INDEX IF NOT EXISTS {self.table}_terms ON {self.table} USING gin (terms)"
        yield f"CREATE UNIQUE INDEX IF NOT EXISTS {self.table}_sort_key ON {self.table} (sort_key)"
        # The headline tiers look only here: a word in most bodies but few headlines ("said")
        # is then found from this index instead of by reading every article that has it.
        yield f"CREATE INDEX IF NOT EXISTS {self.table}_head ON {self.table} USING gin (head_vector)"
        yield f"CREATE INDEX IF NOT EXISTS {self.table}_headline ON {self.table} USING gin (headline_vector)"
        # Close names for "did you mean" use the trigram indexes on entity and alias names (migration 0007).
        yield (
            "CREATE OR REPLACE FUNCTION archive_search_reindex(ids bigint[]) RETURNS void LANGUAGE sql AS $$ "
            f"DELETE FROM {self.table} WHERE article_id = ANY(ids); "
            f"{self.upsert_from('a.id = ANY(ids)')}; $$"
        )
        yield (
            "CREATE OR REPLACE FUNCTION archive_search_article_changed() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN IF {live} THEN PERFORM archive_search_reindex(ARRAY[NEW.id]); END IF; RETURN NULL; END $$"
        )
        yield (
            "CREATE OR REPLACE FUNCTION archive_search_links_changed() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN IF {live} THEN "
            f"{self.retoken('s.article_id IN (SELECT content_object_id FROM changed_links)')}; "
            "END IF; RETURN NULL; END $$"
        )
        covered = f"s.article_id IN (SELECT content_object_id FROM {incident_links} WHERE tag_id = NEW.id)"
        yield (
            "CREATE OR REPLACE FUNCTION archive_search_incident_changed() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN IF {live} THEN {self.retoken(covered)}; END IF; RETURN NULL; END $$"
        )
        yield (
            "CREATE OR REPLACE FUNCTION archive_search_article_deleted() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN DELETE FROM {self.table} WHERE article_id = OLD.id; RETURN NULL; END $$"
        )
        yield (
            "CREATE OR REPLACE FUNCTION archive_search_articles_truncated() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN TRUNCATE {self.table}; RETURN NULL; END $$"
        )
        for name, table in self.trigger_tables():
            yield f"DROP TRIGGER IF EXISTS {name} ON {table}"
        yield (
            f"CREATE TRIGGER archive_search_article_deleted AFTER DELETE ON {article} "
            "FOR EACH ROW EXECUTE FUNCTION archive_search_article_deleted()"
        )
        yield (
            f"CREATE TRIGGER archive_search_article_truncated AFTER TRUNCATE ON {article} "
            "FOR EACH STATEMENT EXECUTE FUNCTION archive_search_articles_truncated()"
        )
        changed = " OR ".join(
            f"OLD.{column} IS DISTINCT FROM NEW.{column}"
            for column in ["headline", "standfirst", "body", "status", "published_at", "publication", *self.derived()]
        )
        yield (
            f"CREATE TRIGGER archive_search_article_inserted AFTER INSERT ON {article} "
            "FOR EACH ROW EXECUTE FUNCTION archive_search_article_changed()"
        )
        yield (
            f"CREATE TRIGGER archive_search_article_updated AFTER UPDATE ON {article} "
            f"FOR EACH ROW WHEN ({changed}) EXECUTE FUNCTION archive_search_article_changed()"
        )
        for key, table in links:
            for event, rows in [("INSERT", "NEW"), ("DELETE", "OLD")]:
                yield (
                    f"CREATE TRIGGER archive_search_{key}_link_{event.lower()} AFTER {event} ON {table} "
                    f"REFERENCING {rows} TABLE AS changed_links FOR EACH STATEMENT "
                    "EXECUTE FUNCTION archive_search_links_changed()"
                )
        yield (
            f"CREATE TRIGGER archive_search_incident_type AFTER UPDATE OF incident_type ON {incident} "
            "FOR EACH ROW WHEN (OLD.incident_type IS DISTINCT FROM NEW.incident_type) "
            "EXECUTE FUNCTION archive_search_incident_changed()"
        )

    def trigger_tables(self):
        article, incident, links, incident_links = tables()
        names = [
            ("archive_search_article_inserted", article),
            ("archive_search_article_updated", article),
            ("archive_search_article_deleted", article),
            ("archive_search_article_truncated", article),
            ("archive_search_incident_type", incident),
        ]
        for key, table in links:
            names += [(f"archive_search_{key}_link_insert", table), (f"archive_search_{key}_link_delete", table)]
        return names

    def drop_statements(self, existing_tables):
        for name, table in self.trigger_tables():
            if table in existing_tables:
                yield f"DROP TRIGGER IF EXISTS {name} ON {table}"
        for function in [
            "archive_search_article_deleted()",
            "archive_search_articles_truncated()",
            "archive_search_article_changed()",
            "archive_search_links_changed()",
            "archive_search_incident_changed()",
            "archive_search_reindex(bigint[])",
        ]:
            yield f"DROP FUNCTION IF EXISTS {function}"
        yield f"DROP TABLE IF EXISTS {self.table}"

    def reindex_statements(self, ids_sql):
        yield f"SELECT archive_search_reindex(ARRAY(SELECT id FROM ({ids_sql}) ids)::bigint[])"

    def retoken_statements(self, ids_sql):
        yield self.retoken(f"s.article_id IN ({ids_sql})")

    def rebuild_statements(self):
        yield f"TRUNCATE {self.table}"

    def set_deferred(self, cursor, deferred):
        cursor.execute("SELECT set_config(%s, %s, true)", [self.setting, "on" if deferred else "off"])


class PostgresBackend(Backend):
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
                if in_body_only(option):
                    continue  # other forms are in the body's vector
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

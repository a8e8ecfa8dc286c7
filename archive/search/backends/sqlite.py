"""Search on SQLite: an FTS5 table per article, kept up to date by triggers (or in bulk,
deferred), and the plan of a search compiled to an FTS5 MATCH."""

from django.db import connection

from archive.search.backends.base import Backend, Schema, in_body_only, option_text
from archive.search.keys import EPOCH_OFFSET, EVERY_ARTICLE, ID_BITS, UNPUBLISHED, tables, token_rows


class SQLiteSchema(Schema):
    table = "archive_search"
    control = "archive_search_control"

    def key(self, alias):
        moment = f"CAST(strftime('%s', {alias}.published_at) AS INTEGER)"
        return (
            f"(CASE WHEN {alias}.status = 'published' AND {alias}.published_at IS NOT NULL "
            f"THEN ((({moment} + {EPOCH_OFFSET}) << {ID_BITS}) | {alias}.id) "
            f"ELSE ({UNPUBLISHED} | {alias}.id) END)"
        )

    def tokens(self, alias):
        return (
            f"coalesce((SELECT group_concat(token, ' ') FROM ({token_rows(alias)})), '') "
            f"|| ' pub' || lower(hex(lower({alias}.publication))) || ' {EVERY_ARTICLE}'"
        )

    def insert_from(self, alias, where):
        article = tables()[0]
        return (
            f"INSERT INTO {self.table}(rowid, headline, standfirst, body, tokens, search_forms) "
            f"SELECT {self.key(alias)}, {alias}.headline, {alias}.standfirst, {alias}.body, {self.tokens(alias)}, "
            f"{self.search_forms_of(alias)} "
            # In rowid order: FTS5 writes its pending terms out as a new segment whenever a rowid is
            # lower than the last, and an unpublished article's key is above every published one's.
            # Unordered, a batch of 5,000 made a segment every few rows: 35 s, not 1 s, at 100,000.
            f"FROM {article} {alias} WHERE {where} ORDER BY 1"
        )

    def delete_for(self, where):
        article = tables()[0]
        return f"DELETE FROM {self.table} WHERE rowid IN (SELECT {self.key('a')} FROM {article} a WHERE {where})"

    def statements(self):
        article, incident, links, incident_links = tables()
        live = f"(SELECT deferred FROM {self.control}) = 0"
        yield self.create_table()
        yield f"CREATE TABLE IF NOT EXISTS {self.control} (deferred INTEGER NOT NULL)"
        yield f"INSERT INTO {self.control}(deferred) SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM {self.control})"
        for name in self.trigger_names():
            yield f"DROP TRIGGER IF EXISTS {name}"
        changed = " OR ".join(
            f"OLD.{column} IS NOT NEW.{column}"
            for column in ["headline", "standfirst", "body", "status", "published_at", "publication", *self.derived()]
        )
        old_key = self.key("OLD")
        yield (
            f"CREATE TRIGGER archive_search_article_inserted AFTER INSERT ON {article} WHEN {live} BEGIN "
            f"{self.insert_from('a', 'a.id = NEW.id')}; END"
        )
        yield (
            f"CREATE TRIGGER archive_search_article_updated AFTER UPDATE ON {article} "
            f"WHEN ({changed}) AND {live} BEGIN "
            f"DELETE FROM {self.table} WHERE rowid = {old_key}; {self.insert_from('a', 'a.id = NEW.id')}; END"
        )
        yield (
            f"CREATE TRIGGER archive_search_article_deleted AFTER DELETE ON {article} BEGIN "
            f"DELETE FROM {self.table} WHERE rowid = {old_key}; END"
        )
        for key, table in links:
            for event, row in [("INSERT", "NEW"), ("DELETE", "OLD")]:
                yield (
                    f"CREATE TRIGGER archive_search_{key}_link_{event.lower()} AFTER {event} ON {table} "
                    f"WHEN {live} BEGIN "
                    f"{self.delete_for(f'a.id = {row}.content_object_id')}; "
                    f"{self.insert_from('a', f'a.id = {row}.content_object_id')}; END"
                )
        covered = f"a.id IN (SELECT content_object_id FROM {incident_links} WHERE tag_id = NEW.id)"
        yield (
            f"CREATE TRIGGER archive_search_incident_type AFTER UPDATE OF incident_type ON {incident} "
            f"WHEN OLD.incident_type IS NOT NEW.incident_type AND {live} BEGIN "
            f"{self.delete_for(covered)}; {self.insert_from('a', covered)}; END"
        )

    def trigger_names(self):
        names = [
            "archive_search_article_inserted",
            "archive_search_article_updated",
            "archive_search_article_deleted",
            "archive_search_incident_type",
        ]
        for key, _table in tables()[2]:
            names += [f"archive_search_{key}_link_insert", f"archive_search_{key}_link_delete"]
        return names

    def drop_statements(self, existing_tables):
        for name in self.trigger_names():
            yield f"DROP TRIGGER IF EXISTS {name}"
        yield f"DROP TABLE IF EXISTS {self.table}"
        yield f"DROP TABLE IF EXISTS {self.control}"

    def reindex_statements(self, ids_sql):
        yield self.delete_for(f"a.id IN ({ids_sql})")
        yield self.insert_from("a", f"a.id IN ({ids_sql})")

    def retoken_statements(self, ids_sql):
        yield from self.reindex_statements(ids_sql)  # an FTS5 row is only ever replaced whole

    def rebuild_statements(self):
        # Deleting an FTS5 table's rows one by one leaves a tombstone for each (97 s at 100,000
        # articles); a new table is empty at once. The triggers name it, so they keep working.
        yield f"DROP TABLE {self.table}"
        yield self.create_table()

    def create_table(self):
        return (
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {self.table} USING fts5("
            "headline, standfirst, body, tokens, search_forms, tokenize = 'porter unicode61 remove_diacritics 2')"
        )

    def set_deferred(self, cursor, deferred):
        cursor.execute(f"UPDATE {self.control} SET deferred = %s", [1 if deferred else 0])


class SQLiteBackend(Backend):
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
                if in_body_only(option):
                    if columns is None:
                        options.append("(" + " AND ".join(f'{{search_forms}} : "{w}"' for w in option.words) + ")")
                elif not is_text:
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

    def exhaustive(self, plan, limit):
        """Keys ranked by bm25 over every match (headline 10, standfirst 4, body 1, entities 4,
        other forms 1)."""
        rows = self.run(
            "rowid", plan, None, "ORDER BY bm25(archive_search, 10.0, 4.0, 1.0, 4.0, 1.0) LIMIT %s", [limit]
        )
        return [row[0] for row in rows]

"""The search index's keys, the same on both databases: an article's sort key (publication
time and id in one integer, unpublished articles above every published one) and the tokens that
stand for entities, incident types and publications inside its document."""

from archive.models import ENTITY_KINDS, Article, Incident

EPOCH_OFFSET = 2208988800  # seconds from 1900-01-01 to 1970-01-01


ID_BITS = 30


def sort_key(published_at, article_id):
    return ((int(published_at.timestamp()) + EPOCH_OFFSET) << ID_BITS) | article_id


def article_id_of(key):
    return key & ((1 << ID_BITS) - 1)


def entity_token(kind_key, entity_id):
    return f"ent{kind_key}{entity_id}"


def type_token(incident_type):
    return "type" + incident_type.replace("_", "")


def publication_token(publication):
    # Lower-cased as SQLite's lower() does: ASCII letters only.
    lowered = "".join(letter.lower() if letter.isascii() else letter for letter in publication)
    return "pub" + lowered.encode("utf-8").hex()


# In every article's tokens: what a search that only leaves words out starts from.
EVERY_ARTICLE = "everyarticle"


# Keys of articles that are not published sort after every date: a public search is
# then a key range, "no later than now", which also leaves out scheduled articles.
UNPUBLISHED = 1 << 62


def latest_key(moment):
    """The highest key of anything published at or before `moment`."""
    return sort_key(moment, (1 << ID_BITS) - 1)


def tables():
    article = Article._meta.db_table
    incident = Incident._meta.db_table
    links = [(kind.key, kind.link_model._meta.db_table) for kind in ENTITY_KINDS.values()]
    incident_links = ENTITY_KINDS["incident"].link_model._meta.db_table
    return article, incident, links, incident_links


def token_rows(alias):
    """SQL selecting one `token` row per linked entity and incident type of article `alias`."""
    article, incident, links, incident_links = tables()
    rows = [
        f"SELECT 'ent{key}' || tag_id AS token FROM {table} WHERE content_object_id = {alias}.id"
        for key, table in links
    ]
    rows.append(
        f"SELECT 'type' || replace(i.incident_type, '_', '') FROM {incident_links} l "
        f"JOIN {incident} i ON i.id = l.tag_id WHERE l.content_object_id = {alias}.id"
    )
    return " UNION ALL ".join(rows)

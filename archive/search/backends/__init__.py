"""The search index on each database: one module per database behind the plan in `base`.

`sqlite` keeps the index in FTS5 tables, `postgres` in tsvector columns with GIN indexes; both
answer the same `Plan`. Imports the search keys and query types, never the engine or views.
"""

from django.db import connection

from archive.search.backends.postgres import PostgresBackend
from archive.search.backends.sqlite import SQLiteBackend


def current_backend():
    return PostgresBackend() if connection.vendor == "postgresql" else SQLiteBackend()

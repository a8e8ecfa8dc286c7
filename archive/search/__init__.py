"""Searching the archive: the query language (`query`), the engine that plans and ranks
(`engine`), one index backend per database (`backends`), the index's keys and upkeep (`keys`,
`index`), facets, snippets, "did you mean" and close names, the names a query recognises, and
the search form. Imports models and lib; the public pages (the search page among them) and the
admin import it."""

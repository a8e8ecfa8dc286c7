"""Search: the query language, ranking, filters and facets, the results page, suggestions and the search feed."""

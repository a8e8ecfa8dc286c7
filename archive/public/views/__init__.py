"""The reader's pages, by family: articles, entities and the date archives. Thin: parse,
ask a QuerySet, paginate, render.
"""

"""What the tests share, one module per kind of help; import from the module that holds it
(`from tests.helpers.builders import make_article`).

builders    rows made through the real models: articles, entities, staff
pages       a reader of rendered pages: elements, text, links, forms, JSON-LD
admin       the admin's forms filled in as a browser would, and its lists read back
public      the public pages read, and articles readers must not see
search      the search engine asked, and the /search/ page read
imports     files to import, and import_articles run on them
tagging     articles whose text is given, and the entities suggested for them
processes   settings and management commands in a fresh process
server      the site as `make serve` runs it, in a subprocess
"""

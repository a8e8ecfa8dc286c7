"""The editors' admin, one module per screen: the site, long lists, articles, entities, revisions,
the workflow, duplicates and merging, the login lockout page. Imports models, lib, editorial,
search and interchange.

This package registers nothing when imported: the lazy default site imports `site` from it,
and a registration made while the site is being created would land on a second site. The
admin's app config registers the models once the site exists (archive.apps.ArchiveAdminConfig).
"""

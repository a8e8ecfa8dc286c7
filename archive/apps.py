from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class ArchiveConfig(AppConfig):
    name = "archive"
    verbose_name = "Archive"

    def ready(self):
        from django.core import checks
        from django.db.models.signals import post_migrate, pre_migrate

        from archive.cache import invalidation
        from archive.editorial.checks import names_that_identify_nothing
        from archive.ops.planner import refresh_after_migrate
        from archive.search import names
        from archive.search.index import drop_triggers_before_migrate, install_after_migrate
        from archive.signals import archive_changed

        # The page cache hears of every change; the models do not know it exists.
        archive_changed.connect(invalidation.pages_changed, dispatch_uid="archive.page_cache")
        checks.register(names_that_identify_nothing)
        # The full-text index lives outside Django's models: its triggers follow the entity kinds.
        pre_migrate.connect(drop_triggers_before_migrate, sender=self)
        post_migrate.connect(install_after_migrate, sender=self)
        post_migrate.connect(names.install_after_migrate, sender=self)
        post_migrate.connect(refresh_after_migrate, sender=self)


class ArchiveAdminConfig(admin_apps.AdminConfig):
    """The admin, with our site class: see archive.admin.site.ArchiveAdminSite."""

    default = False
    default_site = "archive.admin.site.ArchiveAdminSite"

    def ready(self):
        super().ready()
        from archive.admin import articles, entities  # noqa: F401  (they register the archive's models)

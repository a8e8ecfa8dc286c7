from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class ArchiveConfig(AppConfig):
    name = "archive"
    verbose_name = "Archive"

    def ready(self):
        from django.db.models.signals import post_migrate, pre_migrate

        from .database import refresh_after_migrate
        from .search import names
        from .search.schema import drop_triggers_before_migrate, install_after_migrate

        # The full-text index lives outside Django's models: its triggers follow the entity kinds.
        pre_migrate.connect(drop_triggers_before_migrate, sender=self)
        post_migrate.connect(install_after_migrate, sender=self)
        post_migrate.connect(names.install_after_migrate, sender=self)
        post_migrate.connect(refresh_after_migrate, sender=self)


class ArchiveAdminConfig(admin_apps.AdminConfig):
    """The admin, with our site class: see archive.sites.ArchiveAdminSite."""

    default = False
    default_site = "archive.sites.ArchiveAdminSite"

from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class ArchiveConfig(AppConfig):
    name = "archive"
    verbose_name = "Archive"


class ArchiveAdminConfig(admin_apps.AdminConfig):
    """The admin, with our site class: see archive.sites.ArchiveAdminSite."""

    default = False
    default_site = "archive.sites.ArchiveAdminSite"

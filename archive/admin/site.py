"""The admin site class, kept apart from admin.py so registering models cannot make a second site."""

from django.contrib import admin
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.urls import reverse


class EntityAutocompleteView(AutocompleteJsonView):
    """Autocomplete answers that tell namesakes apart: role, kind, date and other spellings."""

    def serialize_result(self, obj, to_field_name):
        result = super().serialize_result(obj, to_field_name)
        if hasattr(obj, "autocomplete_label"):
            result["text"] = obj.autocomplete_label()
        return result


class ArchiveAdminSite(admin.AdminSite):
    site_header = "Newsroom Archive"
    site_title = "Newsroom Archive admin"
    index_title = "Editorial desk"

    def autocomplete_view(self, request):
        return EntityAutocompleteView.as_view(admin_site=self)(request)

    def get_app_list(self, request, app_label=None):
        apps = super().get_app_list(request, app_label)
        # Deleted articles have no model of their own: list their page next to articles.
        if request.user.has_perm("archive.delete_article"):
            for app in apps:
                if app["app_label"] == "archive":
                    app["models"].append(
                        {
                            "name": "Deleted articles",
                            "object_name": "DeletedArticle",
                            "admin_url": reverse("admin:archive_article_deleted", current_app=self.name),
                            "add_url": None,
                            "view_only": True,
                            "perms": {"view": True},
                        }
                    )
        return apps

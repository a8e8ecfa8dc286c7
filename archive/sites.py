"""The admin site class, kept apart from admin.py so registering models cannot make a second site."""

from django.contrib import admin
from django.contrib.admin.views.autocomplete import AutocompleteJsonView


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

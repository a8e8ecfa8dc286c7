"""The article admin: typed entity pickers that search names and aliases, sources inline,
entity suggestions from the text, the workflow's buttons and the revision history."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelectMultiple, RelatedFieldWidgetWrapper
from django.core.exceptions import ValidationError
from django.db import models
from django.template.loader import render_to_string
from taggit.managers import TaggableManager

from archive.admin.lists import LargeListAdmin, PublicationFilter, VisibilityFilter
from archive.admin.revisions import ArticleForm, ArticleRecordsAdmin
from archive.admin.workflow import CorrectionInline, WorkflowAdmin, WorkflowForm
from archive.editorial import tagging
from archive.models import (
    ENTITY_KINDS,
    ArchiveState,
    Article,
    SourceLink,
)
from archive.search.engine import CANDIDATES, SearchRequest, search


def is_entity_id(value):
    return str(value).isdigit() and int(value) < 2**63


class EntityAutocomplete(AutocompleteSelectMultiple):
    def optgroups(self, name, value, attrs=None):
        # A hand-made POST can send values that are not ids; Django's widget would
        # crash redrawing them next to the form's error, so leave them out.
        return super().optgroups(name, [item for item in value if is_entity_id(item)], attrs)


class EntityChoiceField(forms.ModelMultipleChoiceField):
    def _check_values(self, value):
        # Refuse what cannot be an id before it reaches the database, where an
        # out-of-range integer is an error rather than "no such entity".
        for item in value:
            if not is_entity_id(item):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": item}
                )
        return super()._check_values(value)


class SourceLinkInline(admin.TabularInline):
    model = SourceLink
    extra = 0
    formfield_overrides = {models.URLField: {"assume_scheme": "https", "widget": forms.URLInput}}
    fields = ["position", "title", "url", "publisher"]


# New names an editor can turn into an entity in one click: these kinds need no more than a name.
CREATABLE_FROM_NAMES = ("person", "place", "organisation")


class ArticleAdminForm(WorkflowForm, ArticleForm):
    """Checked against the workflow for its user, and refused when opened at an older version."""


@admin.register(Article)
class ArticleAdmin(WorkflowAdmin, ArticleRecordsAdmin, LargeListAdmin):
    """The workflow's rules (WorkflowAdmin) over the article's record: versions, revisions, history."""

    form = ArticleAdminForm
    list_display = ["headline", "status_label", "publication", "published_at", "opened_version"]
    # Publication is the field corrected most across many articles at once (an outlet's name spelt two ways).
    list_editable = ["publication"]
    list_filter = [VisibilityFilter, PublicationFilter, "published_at"]
    # Drawn by archive_admin's probed_date_hierarchy (see templates/admin/archive/change_list.html).
    date_hierarchy = "published_at"
    search_fields = ["headline", "slug", "standfirst"]
    ordering = ["-published_at", "-id"]
    # The columns an index can sort; sorting a million headlines would take seconds.
    sortable_by = ["published_at"]
    inlines = [SourceLinkInline, CorrectionInline]
    actions = ["publish", "unpublish"]  # in WorkflowAdmin, with the rules they obey
    readonly_fields = [
        "suggested_entities",
        "first_published_at",
        "withdrawn_at",
        "created_at",
        "updated_at",
        "version",
    ]
    fieldsets = [
        (None, {"fields": ["headline", "slug", "standfirst", "body"]}),
        ("Credit", {"fields": ["byline", "publication", "dateline"]}),
        ("Entities", {"fields": ["suggested_entities", *(kind.article_field for kind in ENTITY_KINDS.values())]}),
        ("Publishing", {"fields": ["status", "published_at", "withdrawal_note", "editor_note"]}),
        (
            "Record",
            {
                "classes": ["collapse"],
                "fields": ["first_published_at", "withdrawn_at", "created_at", "updated_at", "version"],
            },
        ),
    ]

    class Media:
        css = {"all": ["archive/admin.css"]}
        js = ["admin/js/admin/RelatedObjectLookups.js", "archive/entity_suggestions.js"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        # taggit's default field is a comma-separated text box that creates a
        # tag for every spelling typed; editors pick existing entities instead,
        # and create new ones only through the entity's own form ("+").
        if isinstance(db_field, TaggableManager):
            entity_model = db_field.remote_field.model
            widget = EntityAutocomplete(db_field, self.admin_site)
            entity_admin = self.admin_site.get_model_admin(entity_model)
            return EntityChoiceField(
                queryset=entity_model.objects.all(),
                required=False,
                label=db_field.verbose_name.capitalize(),
                help_text="Type a name or any other spelling of it.",
                widget=RelatedFieldWidgetWrapper(
                    widget,
                    db_field.remote_field,
                    self.admin_site,
                    can_add_related=entity_admin.has_add_permission(request),
                    can_change_related=False,
                    can_delete_related=False,
                    can_view_related=False,
                ),
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def delete_queryset(self, request, queryset):
        # A bulk delete skips each article's delete(): mark the archive as changed here.
        super().delete_queryset(request, queryset)
        ArchiveState.touch()

    def get_search_results(self, request, queryset, search_term):
        # The same engine as the public search, over every article whatever its status.
        if not search_term.strip():
            return queryset, False
        results = search(SearchRequest(query=search_term, order="newest", public=False, candidates_only=True))
        if not results.searched:  # nothing searchable, e.g. only "the": Django's own search
            return super().get_search_results(request, queryset, search_term)
        if len(results.candidate_ids) >= CANDIDATES:
            # The engine reads at most this many matches, newest first: say so rather than
            # let the list's count pass for all there are.
            messages.info(
                request,
                f"Only the newest {CANDIDATES} articles that match “{search_term.strip()}” are listed. "
                "Add words or filters to narrow the search.",
            )
        return queryset.filter(pk__in=results.candidate_ids), False

    @admin.display(description="suggested")
    def suggested_entities(self, article):
        """What the text names, from the saved article: known entities to add, new names to create."""
        if article is None or article.pk is None:
            return "Save the article to see the entities its text names."
        return render_to_string(
            "admin/archive/article/entity_suggestions.html",
            {
                "suggestions": tagging.suggest(article),
                "candidates": tagging.new_candidates(article),
                "creatable": [kind for kind in ENTITY_KINDS.values() if kind.key in CREATABLE_FROM_NAMES],
            },
        )

    @admin.display(description="status", ordering="status")
    def status_label(self, article):
        return "Scheduled" if article.is_scheduled else article.get_status_display()

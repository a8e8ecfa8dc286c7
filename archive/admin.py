"""The editors' admin: articles with typed entity pickers, and one admin per entity kind."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.contrib.admin.widgets import AutocompleteSelectMultiple, RelatedFieldWidgetWrapper
from django.contrib.contenttypes.admin import GenericTabularInline
from django.contrib.contenttypes.forms import BaseGenericInlineFormSet
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models import Count, Subquery
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.utils import timezone
from taggit.managers import TaggableManager
from taggit.models import Tag

from . import tagging
from .admin_duplicates import EntityRecordsAdmin
from .admin_revisions import ArticleForm, ArticleRecordsAdmin
from .coverage import with_article_counts
from .models import (
    ENTITY_KINDS,
    Alias,
    ArchiveState,
    Article,
    Incident,
    Organisation,
    Person,
    Place,
    SourceLink,
    check_names_are_free,
)
from .pagination import CappedCountPaginator, wanted_page
from .search.engine import CANDIDATES, SearchRequest, search
from .text import name_key
from .workflow_admin import CorrectionInline, WorkflowAdmin, WorkflowForm

# ---------------------------------------------------------------- lists of millions


class LargeChangeList(ChangeList):
    def get_filters(self, request):
        try:
            return super().get_filters(request)
        except ValueError as error:  # Django's date drill-down cannot go past the year 9999
            raise IncorrectLookupParameters(error) from error


class LargeListAdmin(admin.ModelAdmin):
    """A changelist that stays quick on a million rows: counts stop where the pages shown end,
    and no filter counts its choices."""

    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    list_per_page = 50

    def get_changelist(self, request, **kwargs):
        return LargeChangeList

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        return CappedCountPaginator(
            queryset,
            per_page,
            orphans=orphans,
            allow_empty_first_page=allow_empty_first_page,
            wanted_page=wanted_page(request),
        )


# ---------------------------------------------------------------- articles


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


class VisibilityFilter(admin.SimpleListFilter):
    """Status, with scheduled articles told apart from live ones."""

    title = "status"
    parameter_name = "visibility"

    def lookups(self, request, model_admin):
        return [
            ("live", "Published (live)"),
            ("scheduled", "Scheduled"),
            *[(value, label) for value, label in Article.Status.choices if value != Article.Status.PUBLISHED],
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "live":
            return queryset.published()
        if value == "scheduled":
            return queryset.filter(status=Article.Status.PUBLISHED, published_at__gt=timezone.now())
        if value in Article.Status.values:
            return queryset.filter(status=value)
        return queryset


# Publications listed in the filter; a newsroom takes from a few dozen outlets.
MAX_PUBLICATIONS = 200


def publication_names(limit=MAX_PUBLICATIONS):
    """Every publication named on an article, in order: one index probe per name, not a read of every article."""
    table = Article._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH RECURSIVE outlet(name, n) AS ("
            f"SELECT min(publication), 1 FROM {table} "
            f"UNION ALL SELECT (SELECT min(publication) FROM {table} WHERE publication > outlet.name), n + 1 "
            f"FROM outlet WHERE outlet.name IS NOT NULL AND n < %s) "
            f"SELECT name FROM outlet WHERE name IS NOT NULL AND name <> ''",
            [limit + 1],  # the empty name, if any, comes first and is not listed
        )
        return [name for (name,) in cursor.fetchall()][:limit]


class PublicationFilter(admin.SimpleListFilter):
    title = "publication"
    parameter_name = "publication"

    def lookups(self, request, model_admin):
        return [(name, name) for name in publication_names()]

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        # Only names the filter offers reach the database: a hand-typed one may hold a NUL,
        # which PostgreSQL refuses outright.
        if self.value() not in dict(self.lookup_choices):
            return queryset.none()
        return queryset.filter(publication=self.value())


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


# ---------------------------------------------------------------- entities


class AliasFormSet(BaseGenericInlineFormSet):
    """Aliases must be new spellings: not the entity's own name, not repeated, not another entity's."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        entity = self.instance
        seen = {name_key(entity.name)}  # the name as edited in this form, not as saved
        added = []
        for form in self.forms:
            if not form.cleaned_data or form.cleaned_data.get("DELETE"):
                continue
            alias_name = form.cleaned_data.get("name", "")
            key = name_key(alias_name)
            if not key:
                raise ValidationError(f"The alias “{alias_name}” has no letters or digits.")
            if key in seen:
                raise ValidationError(f"“{alias_name}” is the same as the name or another alias.")
            seen.add(key)
            if form.has_changed():
                added.append(alias_name)
        try:
            check_names_are_free(type(entity), added, exclude_pk=entity.pk)
        except ValidationError as error:
            raise ValidationError(error.messages) from None


class AliasInline(GenericTabularInline):
    model = Alias
    formset = AliasFormSet
    fields = ["name"]
    extra = 1
    verbose_name = "other spelling"
    verbose_name_plural = "aliases (other spellings, transliterations, abbreviations)"


class LinkCount(models.Expression):
    """How many articles link to the row's entity, whatever its kind: what the count column sorts by."""

    output_field = models.IntegerField()

    def resolve_expression(self, query=None, *args, **kwargs):
        links = (
            query.model.entity_kind.link_model.objects.filter(tag=models.OuterRef("pk"))
            .order_by()
            .values("tag")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return Coalesce(Subquery(links), 0).resolve_expression(query, *args, **kwargs)


class EntityChangeList(LargeChangeList):
    def get_results(self, request):
        super().get_results(request)
        # Counted for the rows on this page only: the whole table's would add up millions of links.
        self.result_list = with_article_counts(self.result_list, self.model.entity_kind.link_model.objects.all())


class EntityAdmin(EntityRecordsAdmin, LargeListAdmin):
    """What every entity kind shares; a new kind works with this alone."""

    inlines = [AliasInline]
    list_display = ["name", "article_count"]
    search_fields = ["name"]  # the search itself is get_search_results: names and aliases, folded
    readonly_fields = ["created_at", "updated_at"]
    # By the folded name: the order of its unique index, so a page is read from it, never sorted.
    ordering = ["name_key"]

    def get_changelist(self, request, **kwargs):
        return EntityChangeList

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        # Until it is saved an entity has no times to show.
        return fields if obj is not None else [field for field in fields if field not in self.readonly_fields]

    def delete_queryset(self, request, queryset):
        # A bulk delete skips each entity's delete(): mark the names as changed here.
        super().delete_queryset(request, queryset)
        ArchiveState.touch(entities=True)

    def get_search_results(self, request, queryset, search_term):
        if not search_term.strip():
            return queryset, False
        found = queryset.matching(search_term).prefetch_related("aliases")
        if self.list_select_related:
            found = found.select_related(*self.list_select_related)
        return found, False

    # Sorting by it counts every entity's links: seconds on a big archive, but only when asked for.
    @admin.display(description="articles", ordering=LinkCount())
    def article_count(self, entity):
        return entity.article_count


@admin.register(Person)
class PersonAdmin(EntityAdmin):
    list_display = ["name", "role", "article_count"]
    fields = ["name", "slug", "role", "description", "created_at", "updated_at"]


@admin.register(Place)
class PlaceAdmin(EntityAdmin):
    list_display = ["name", "kind", "parent", "article_count"]
    list_filter = ["kind"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent"]
    fields = ["name", "slug", "kind", "parent", ("latitude", "longitude"), "description", "created_at", "updated_at"]


@admin.register(Organisation)
class OrganisationAdmin(EntityAdmin):
    list_display = ["name", "kind", "article_count"]
    list_filter = ["kind"]
    fields = ["name", "slug", "kind", "description", "created_at", "updated_at"]


@admin.register(Incident)
class IncidentAdmin(EntityAdmin):
    list_display = ["name", "date", "incident_type", "place", "killed", "injured", "article_count"]
    list_filter = ["incident_type", "date_precision"]
    list_select_related = ["place"]
    ordering = ["-date", "name"]
    date_hierarchy = "date"
    autocomplete_fields = ["place"]
    fields = [
        "name",
        "slug",
        ("date", "end_date", "date_precision"),
        "incident_type",
        "place",
        ("killed", "injured"),
        "summary",
        "description",
        "created_at",
        "updated_at",
    ]


# Entities are typed; taggit's own untyped Tag is not used by the archive.
if admin.site.is_registered(Tag):
    admin.site.unregister(Tag)

for _kind in ENTITY_KINDS.values():
    if not admin.site.is_registered(_kind.model):
        admin.site.register(_kind.model, EntityAdmin)

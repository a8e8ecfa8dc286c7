"""One admin per entity kind: aliases inline, article counts, merging and near-duplicate
warnings, and the entity history."""

from django.contrib import admin, messages
from django.contrib.contenttypes.admin import GenericTabularInline
from django.contrib.contenttypes.forms import BaseGenericInlineFormSet
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Subquery
from django.db.models.functions import Coalesce
from taggit.models import Tag

from archive.admin.duplicates import EntityRecordsAdmin
from archive.admin.lists import LargeChangeList, LargeListAdmin
from archive.lib.names import name_refusal, name_warning
from archive.lib.text import name_key
from archive.models import (
    ENTITY_KINDS,
    Alias,
    ArchiveState,
    Incident,
    Organisation,
    Person,
    Place,
    check_names_are_free,
)


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
            if refusal := name_refusal(alias_name):
                raise ValidationError(f"Alias: {refusal}")
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
    fields = ["name", "language"]
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
        self.result_list = self.model.entity_kind.link_model.objects.all().counted_for(self.result_list)


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

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Saved all the same: a short name may be right ("Ry"), but the editor should know.
        entity = form.instance
        for spelling in [entity.name, *entity.alias_names]:
            if warning := name_warning(spelling):
                messages.warning(request, warning)

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

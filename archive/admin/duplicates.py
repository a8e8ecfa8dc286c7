"""Duplicate entities in the admin: a warning before one is made, merging once two exist,
and each entity's history, with the merges into it and its old addresses."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils.safestring import mark_safe

from archive.editorial.merging import MergeRefused, merge_entities
from archive.models import EntityMerge, SlugRedirect
from archive.search.suggestions import near_duplicates


class EntityForm(forms.ModelForm):
    """An entity form that, on adding, shows the existing entities the new name is close to
    and saves only once the editor says this is a different one."""

    not_a_duplicate = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["not_a_duplicate"].label = f"This is a different {self._meta.model._meta.verbose_name}"

    def clean(self):
        cleaned = super().clean()
        name = cleaned.get("name")
        if self.instance.pk is None and name and not cleaned.get("not_a_duplicate"):
            candidates = near_duplicates(self._meta.model, name)
            if candidates:
                label = self._meta.model._meta.verbose_name
                # Shown only now, under the name: a tick nobody is asked for would only confuse.
                self.fields["not_a_duplicate"].widget = forms.CheckboxInput()
                notice = render_to_string(
                    "admin/archive/_near_duplicates.html",
                    {"name": name, "candidates": candidates, "label": label, "opts": self._meta.model._meta},
                )
                raise ValidationError(mark_safe(notice), code="near_duplicate")
        return cleaned


class EntityRecordsAdmin(admin.ModelAdmin):
    form = EntityForm
    actions = ["merge_selected"]
    object_history_template = "admin/archive/entity_history.html"

    class Media:
        css = {"all": ["archive/admin.css"]}

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        if obj is None and "not_a_duplicate" not in fields:
            fields.insert(1, "not_a_duplicate")  # next to the name it is about
        return fields

    def has_merge_permission(self, request):
        return request.user.has_perm(f"{self.opts.app_label}.merge_{self.opts.model_name}")

    @admin.action(permissions=["merge"], description="Merge selected %(verbose_name_plural)s into one")
    def merge_selected(self, request, queryset):
        entities = list(
            queryset.with_article_counts().prefetch_related("aliases").order_by("-article_count", "name", "pk")
        )
        if len(entities) < 2:
            self.message_user(request, "Select at least two to merge.", messages.WARNING)
            return None
        if request.POST.get("post") == "yes":
            survivor = next((entity for entity in entities if str(entity.pk) == request.POST.get("survivor")), None)
            if survivor is not None:
                return self.merge(request, survivor, [entity for entity in entities if entity != survivor])
            self.message_user(request, "Choose the one to keep.", messages.ERROR)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Merge {len(entities)} {self.opts.verbose_name_plural}?",
            "entities": entities,
            "kind": self.model.entity_kind,
        }
        return TemplateResponse(request, "admin/archive/merge_confirmation.html", context)

    def merge(self, request, survivor, others):
        names = ", ".join(f"“{entity.name}”" for entity in others)
        try:
            with transaction.atomic():
                self.log_deletions(request, self.model.objects.filter(pk__in=[entity.pk for entity in others]))
                merge = merge_entities(survivor, others, user=request.user)
                self.log_change(request, survivor, f"Merged {names} into it; {merge.links_moved} article links moved.")
        except MergeRefused as refused:
            self.message_user(request, str(refused), messages.ERROR)
            return None
        self.message_user(request, f"Merged {names} into “{survivor.name}”.", messages.SUCCESS)
        return None

    def history_view(self, request, object_id, extra_context=None):
        content_type = ContentType.objects.get_for_model(self.model)
        try:
            pk = int(unquote(object_id))
        except ValueError:
            pk = None
        records = {
            # Changes made outside this admin's forms: merges into this entity, and the addresses it gave up.
            "merges": EntityMerge.objects.filter(content_type=content_type, survivor_id=pk)
            .select_related("user")
            .order_by("-created_at"),
            "old_addresses": SlugRedirect.objects.filter(content_type=content_type, object_id=pk).order_by(
                "-created_at"
            ),
            "kind": self.model.entity_kind,
        }
        return super().history_view(request, object_id, extra_context={**records, **(extra_context or {})})

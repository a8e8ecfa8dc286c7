"""The workflow in the article admin: each role sees only what it may do, and the server refuses the rest.

The change form offers the moves the user may make as buttons next to Save,
limits the status choices to them, and shows read-only what the role may not
set; a hand-made POST that tries anyway is refused with the reason, and
nothing is written. Changelist actions obey the same rules, deleting records
a last revision, and editors attach public corrections.
"""

import datetime

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import model_format_dict
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect
from django.urls import reverse

from archive.editorial import workflow
from archive.editorial.edit_conflicts import locked_articles
from archive.editorial.revisions import keep_as_found, record_revision, status_action
from archive.models import Article, Correction, Revision

Status = Article.Status


class WorkflowForm(forms.ModelForm):
    """The article form, checked against the workflow for the user who sent it."""

    user = None  # set for each request by WorkflowAdmin.get_form
    guarded_fields = {}  # read-only for this user: name -> the form field a hand-made POST would fill

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "status" in self.fields:
            # The field still accepts every status, so a refused one gets the workflow's reason, not "invalid choice".
            self.fields["status"].widget.choices = workflow.status_choices(self.user, self.instance.status)
            self.fields["status"].help_text = workflow.next_step(self.user, self.instance)

    def clean(self):
        cleaned = super().clean()
        if "status" not in cleaned:
            return cleaned  # its own error is shown
        button = workflow.pressed(self.data)
        status, published_at = cleaned["status"], cleaned.get("published_at")
        if button is not None:
            # Refused before it is pressed: a button may need fields this user does not have.
            if refused := workflow.move_refusal(self.user, self.instance, button.target):
                raise ValidationError(refused)
            status, published_at = workflow.press(button, cleaned.get("published_at", self.instance.published_at))
        message = workflow.refusal(
            self.user,
            self.instance,
            status=status,
            published_at=published_at if "published_at" in self.fields or button else None,
            withdrawal_note=cleaned.get("withdrawal_note"),
            changed=self.guarded_changes(),
        )
        if message:
            raise ValidationError(message)
        cleaned["status"] = status
        if "published_at" in self.fields:
            cleaned["published_at"] = published_at
        return cleaned

    def guarded_changes(self):
        """The read-only fields this POST sets to something else: only a hand-made POST sends them."""
        changed = []
        for name, field in self.guarded_fields.items():
            key = self.add_prefix(name)
            if field.widget.value_omitted_from_data(self.data, self.files, key):
                continue
            raw = field.widget.value_from_datadict(self.data, self.files, key)
            if not (any(raw) if isinstance(raw, list | tuple) else raw):
                continue
            try:
                value = field.clean(raw)
            except ValidationError:
                changed.append(name)
                continue
            if not same_value(value, getattr(self.instance, name)):
                changed.append(name)
        return changed


def same_value(posted, saved):
    # The admin shows times to the second; what was saved may carry microseconds.
    if isinstance(posted, datetime.datetime) and isinstance(saved, datetime.datetime):
        return posted.replace(microsecond=0) == saved.replace(microsecond=0)
    return posted == saved


class CorrectionInline(admin.StackedInline):
    """Public corrections, for those who may correct: reporters neither see nor send them."""

    model = Correction
    extra = 0
    fields = ["published_at", "text"]
    verbose_name = "correction"
    verbose_name_plural = "corrections (public: shown on the article, in its feeds and on the corrections page)"

    def has_view_permission(self, request, obj=None):
        return workflow.may_correct(request.user)

    def has_add_permission(self, request, obj=None):
        return workflow.may_correct(request.user)

    def has_change_permission(self, request, obj=None):
        return workflow.may_correct(request.user)

    def has_delete_permission(self, request, obj=None):
        return workflow.may_correct(request.user)


class WorkflowAdmin:
    """Mixed into the article admin, before ModelAdmin."""

    form = WorkflowForm

    # ---------------------------------------------------------------- what each role may do

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or workflow.may_edit(request.user, obj))

    def has_publish_permission(self, request):
        return workflow.may_publish(request.user)

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not workflow.may_publish(request.user):
            readonly += [name for name in workflow.PUBLISHING_FIELDS if name not in readonly]
        return readonly

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and obj.status not in workflow.IN_PROGRESS:
            return fieldsets
        # Only what readers have seen can be withdrawn: until then the note is only clutter.
        return [
            (name, {**options, "fields": [field for field in options["fields"] if field != "withdrawal_note"]})
            for name, options in fieldsets
        ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.user = request.user
        readonly = set(self.get_readonly_fields(request, obj))
        form.guarded_fields = {
            name: self.formfield_for_dbfield(Article._meta.get_field(name), request)
            for name in workflow.PUBLISHING_FIELDS
            if name in readonly
        }
        return form

    def view_on_site(self, article):
        # Readers' address once they can see it; until then (or after) the preview.
        if article.is_public:
            return article.get_absolute_url()
        return reverse("archive:article_preview", kwargs={"pk": article.pk})

    # ---------------------------------------------------------------- the change form

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if not context.get("is_popup") and (add or self.has_change_permission(request, obj)):
            context["workflow_buttons"] = workflow.buttons(request.user, obj or Article())
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    def response_add(self, request, obj, post_url_continue=None):
        return self.after_button(request, obj) or super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        return self.after_button(request, obj) or super().response_change(request, obj)

    def after_button(self, request, article):
        """Back to the form after a move, saying what happened; None after a plain save."""
        button = workflow.pressed(request.POST)
        if button is None or self.is_popup(request):
            return None
        self.message_user(request, f"“{article}”: {workflow.done_message(button, article)}", messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:archive_article_change", kwargs={"object_id": article.pk}))

    @staticmethod
    def is_popup(request):
        return "_popup" in request.POST or "_popup" in request.GET

    def save_formset(self, request, form, formset, change):
        if formset.model is Correction:
            for correction_form in formset.extra_forms:
                correction_form.instance.created_by = request.user
        super().save_formset(request, form, formset, change)

    def revision_action(self, formsets):
        """A save that adds, changes or removes a correction is recorded as a correction."""
        corrections = [formset for formset in formsets if formset.model is Correction]
        if any(formset.new_objects or formset.changed_objects or formset.deleted_objects for formset in corrections):
            return Revision.Action.CORRECTED
        return super().revision_action(formsets)

    # ---------------------------------------------------------------- changelist actions

    def changelist_view(self, request, extra_context=None):
        if request.method == "POST" and (refused := self.refused_action(request)):
            self.message_user(request, refused, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())
        return super().changelist_view(request, extra_context)

    def refused_action(self, request):
        """Why the action this POST asks for is not the user's to run, or None."""
        try:
            name = request.POST.getlist("action")[int(request.POST.get("index", 0))]
        except (ValueError, IndexError):
            return None
        declared = {getattr(action, "__name__", action) for action in self.actions or []}
        if name not in declared | dict(self.admin_site.actions).keys() or name in self.get_actions(request):
            return None
        action = self.get_action(name)
        description = str(action[2]) % model_format_dict(self.opts)
        return f"You may not run “{description}”. Nothing was changed."

    @admin.action(description="Publish selected articles now (scheduled ones keep their time)", permissions=["publish"])
    def publish(self, request, queryset):
        self.move_each(request, queryset.exclude(status=Status.PUBLISHED), Status.PUBLISHED, "Published")

    @admin.action(description="Return selected articles to draft (unpublish)", permissions=["publish"])
    def unpublish(self, request, queryset):
        self.move_each(request, queryset.filter(status=Status.PUBLISHED), Status.DRAFT, "Moved back to draft")

    def move_each(self, request, articles, target, done):
        """Move each article the workflow lets this user move, keeping a revision of each."""
        moved, refusals = 0, {}
        with transaction.atomic():
            # Each as it is now, locked: never a copy an editor may be saving over at this moment.
            locked = list(locked_articles(articles.order_by("pk")))
            keep_as_found(locked)
            for article in locked:
                refusal = workflow.refusal(request.user, article, status=target)
                if refusal:
                    refusals.setdefault(refusal, []).append(article)
                    continue
                article.status = target
                article.save()
                record_revision(article, user=request.user, action=status_action(article))
                moved += 1
        self.message_user(request, f"{done}: {moved} article(s).", messages.SUCCESS)
        for refusal, left in refusals.items():
            headlines = ", ".join(f"“{article}”" for article in left[:5]) + (" …" if len(left) > 5 else "")
            self.message_user(request, f"Left as they were: {headlines}. {refusal}", messages.WARNING)

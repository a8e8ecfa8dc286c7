"""The article's record in the admin: every save a revision, no save from a stale copy,
history with readable differences, restores, and deleted articles brought back.

ArticleAdmin takes all of this from ArticleRecordsAdmin: the change form and
each changelist row carry the version they were opened at, and every write
path (form, changelist row, action, restore, deletion) locks the article,
writes, and records a revision in one transaction.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.forms.models import BaseModelFormSet
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from archive.editorial.diffs import compare
from archive.editorial.edit_conflicts import StaleArticle, check_version, lock_article, locked_articles
from archive.editorial.restoring import deleted_articles, plan_restore, restore_revision
from archive.editorial.revisions import keep_as_found, record_deletions, record_revision, snapshot, without_record
from archive.models import Article, Revision

REVISIONS_PER_PAGE = 50


def stale_notice(stale):
    """The refusal of a stale save, as the top of the form shows it: who, when, what changed meanwhile."""
    return mark_safe(
        render_to_string(
            "admin/archive/article/_stale_notice.html",
            {
                "stale": stale,
                "comparison": stale.comparison,
                "reload_url": reverse("admin:archive_article_change", args=[stale.article.pk]),
                "history_url": reverse("admin:archive_article_history", args=[stale.article.pk]),
            },
        )
    )


class VersionShownInput(forms.HiddenInput):
    """A hidden version that also shows itself: a changelist row says which version it was opened at."""

    def render(self, name, value, attrs=None, renderer=None):
        return format_html("{}{}", "" if value is None else value, super().render(name, value, attrs, renderer))


class VersionedArticleForm(forms.ModelForm):
    """An article form that carries the version it was opened at."""

    opened_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["opened_version"].initial = self.instance.version
            self.fields["opened_version"].required = True
            self.fields["opened_version"].error_messages["required"] = (
                "This form does not say which version of the article it was opened at. Reload the page."
            )

    def clean_published_at(self):
        value = self.cleaned_data.get("published_at")
        current = self.instance.published_at
        # The form shows whole seconds: a time sent back untouched keeps its fraction, and is no change.
        if value and current and value == current.replace(microsecond=0):
            return current
        return value

    def stale(self):
        """StaleArticle if the article changed since this form was opened (the instance was read locked)."""
        opened = self.cleaned_data.get("opened_version")
        if self.instance.pk is None or opened is None:
            return None
        try:
            check_version(self.instance, opened)
        except StaleArticle as stale:
            return stale
        return None


class ArticleForm(VersionedArticleForm):
    def clean(self):
        cleaned = super().clean()
        if stale := self.stale():
            raise ValidationError(stale_notice(stale), code="stale")
        return cleaned


class ArticleRowForm(VersionedArticleForm):
    opened_version = forms.IntegerField(widget=VersionShownInput, required=False, min_value=0)


class ArticleRowFormSet(BaseModelFormSet):
    """Changelist rows: read locked, and a row opened at an older version is left unsaved and reported."""

    model_admin = None  # set per request by ArticleRecordsAdmin.get_changelist_formset
    request = None

    def get_queryset(self):
        if self.is_bound and not hasattr(self, "_queryset"):
            self.queryset = self.queryset.select_for_update()
        return super().get_queryset()

    def clean(self):
        super().clean()
        # The rows about to change, as they are in the database (the forms' instances hold the edits by now).
        changed = [form.instance.pk for form in self.forms if form.has_changed() and form.instance.pk]
        keep_as_found(list(Article.objects.filter(pk__in=changed)))
        for form in self.forms:
            if form.has_changed() and not self.model_admin.has_change_permission(self.request, form.instance):
                form.changed_data.clear()  # left as it is, as a stale row is
                self.model_admin.message_user(
                    self.request, f"Not saved: you may not change “{form.instance}” as it is now.", messages.ERROR
                )
                continue
            if form.has_changed() and (stale := form.stale()):
                typed = ", ".join(
                    f"{form.fields[name].label}: “{form.data.get(form.add_prefix(name), '')}”"
                    for name in form.changed_data
                )
                form.changed_data.clear()  # counts as unchanged: Django's changelist then leaves it alone
                self.model_admin.message_user(
                    self.request,
                    format_html(
                        "Not saved: “{}” was changed by {} since this list was opened. Your input was {}. "
                        '<a href="{}">See what changed</a>, then edit it again.',
                        stale.article,
                        stale.who_and_when(),
                        typed,
                        reverse("admin:archive_article_history", args=[stale.article.pk]),
                    ),
                    messages.WARNING,
                )


class ArticleRecordsAdmin(admin.ModelAdmin):
    form = ArticleForm

    # ------------------------------------------------------------ every write locks, checks, records

    def get_object(self, request, object_id, from_field=None):
        article = super().get_object(request, object_id, from_field)
        if article is not None and request.method == "POST" and transaction.get_connection().in_atomic_block:
            # A change form's POST runs in one transaction: validate and save against the row as it is now.
            article = lock_article(article.pk)
            if request.resolver_match.url_name == "archive_article_change":
                keep_as_found([article])
        return article

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        (name, options), *rest = fieldsets
        return [(name, {**options, "fields": [*options["fields"], "opened_version"]}), *rest]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        record_revision(
            form.instance,
            user=request.user,
            action=self.revision_action(formsets),
            status_before=form.initial.get("status"),
        )

    def revision_action(self, formsets):
        """The action a form save is recorded as; None: named after the change of status, or "edited"."""
        return None

    def delete_model(self, request, obj):
        with transaction.atomic():
            record_deletions([obj], user=request.user)
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            record_deletions(list(locked_articles(queryset)), user=request.user)
            super().delete_queryset(request, queryset)

    # ------------------------------------------------------------ changelist rows

    @admin.display(description="version")
    def opened_version(self, article):
        return article.version

    def get_changelist_form(self, request, **kwargs):
        return super().get_changelist_form(request, **{"form": ArticleRowForm, **kwargs})

    def get_changelist_formset(self, request, **kwargs):
        formset = type("ArticleRowFormSet", (ArticleRowFormSet,), {"model_admin": self, "request": request})
        return super().get_changelist_formset(request, **{"formset": formset, **kwargs})

    def changelist_view(self, request, extra_context=None):
        if request.method == "POST" and "_save" in request.POST:
            # Rows are read locked and saved in one transaction, so a row's version check holds.
            with transaction.atomic():
                return super().changelist_view(request, extra_context)
        return super().changelist_view(request, extra_context)

    # ------------------------------------------------------------ history, differences, restores

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("deleted/", view(self.deleted_view), name="archive_article_deleted"),
            path("<path:object_id>/history/<int:number>/", view(self.revision_view), name="archive_article_revision"),
            path(
                "<path:object_id>/history/<int:number>/restore/",
                view(self.restore_view),
                name="archive_article_restore",
            ),
            *super().get_urls(),
        ]

    def records_context(self, request, title, **context):
        return {**self.admin_site.each_context(request), "opts": self.opts, "title": title, **context}

    def history_view(self, request, object_id, extra_context=None):
        article = self.get_object(request, unquote(object_id))
        if article is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        revisions = article.revisions.select_related("user").defer("data").order_by("-number")
        context = self.records_context(
            request,
            f"History: {article}",
            article=article,
            page=Paginator(revisions, REVISIONS_PER_PAGE).get_page(request.GET.get("page")),
            can_restore=self.has_change_permission(request, article),
            **(extra_context or {}),
        )
        return TemplateResponse(request, "admin/archive/article/revision_history.html", context)

    def revision_of(self, object_id, number):
        try:
            article_id = int(unquote(object_id))
        except ValueError:
            raise Http404("No such article.") from None
        return get_object_or_404(Revision.objects.select_related("user"), article_id=article_id, number=number)

    def revision_view(self, request, object_id, number):
        """One revision against the one before it."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        revision = self.revision_of(object_id, number)
        previous = Revision.objects.filter(article_id=revision.article_id, number__lt=number).order_by("-number")
        previous = previous.first()
        context = self.records_context(
            request,
            f"Revision {revision.number}: {revision.data['fields']['headline']}",
            revision=revision,
            previous=previous,
            article_exists=Article.objects.filter(pk=revision.article_id).exists(),
            comparison=compare(previous and without_record(previous.data), without_record(revision.data)),
            can_restore=self.has_change_permission(request),
        )
        return TemplateResponse(request, "admin/archive/article/revision_diff.html", context)

    def restore_view(self, request, object_id, number):
        """A confirmation page saying what restoring will change; its POST restores."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        revision = self.revision_of(object_id, number)
        article = Article.objects.filter(pk=revision.article_id).first()
        if article is None and not self.has_delete_permission(request):
            raise PermissionDenied  # bringing back deleted articles is for those who may delete them
        stale = None
        if request.method == "POST":
            opened = request.POST.get("version", "")
            try:
                restored = restore_revision(
                    revision, user=request.user, opened_version=int(opened) if opened.isdigit() else None
                )
            except StaleArticle as refused:
                stale = refused
                article = refused.article
            else:
                self.message_user(request, restored.summary, messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:archive_article_history", args=[revision.article_id]))
        plan = plan_restore(revision, article)
        context = self.records_context(
            request,
            f"Restore revision {revision.number}?",
            revision=revision,
            plan=plan,
            article=article,
            permitted=request.user.has_perms(plan.required_permissions()),
            comparison=compare(snapshot(article) if article else None, without_record(revision.data)),
            stale=stale and stale_notice(stale),
        )
        return TemplateResponse(
            request, "admin/archive/article/restore_confirmation.html", context, status=409 if stale else 200
        )

    def deleted_view(self, request):
        """Articles whose row is gone but whose revisions remain, each restorable from its last revision."""
        if not self.has_delete_permission(request):
            raise PermissionDenied
        page = Paginator(deleted_articles(), REVISIONS_PER_PAGE).get_page(request.GET.get("page"))
        context = self.records_context(request, "Deleted articles", page=page)
        return TemplateResponse(request, "admin/archive/article/deleted_articles.html", context)

"""Filling in and reading back the admin's forms and lists as an editor's browser would."""

from django import forms
from django.urls import reverse

from archive.models import Article
from tests.helpers.pages import Page

SOURCES = "sources"
CORRECTIONS = "corrections"
ALIASES = "archive-alias-content_type-object_id"


def form_data(response, **changes):
    """What a browser posts back from an admin form page (its form and inlines as shown), with `changes`."""
    context = response.context
    all_forms = [context["adminform"].form]
    for inline in context["inline_admin_formsets"]:
        all_forms += [inline.formset.management_form, *inline.formset.forms]
    data = {}
    for form in all_forms:
        for bound in form:
            widget, value = bound.field.widget, bound.value()
            if isinstance(widget, forms.MultiWidget):
                parts = widget.decompress(value) if not isinstance(value, list) else value
                for suffix, part, sub in zip(widget.widgets_names, parts, widget.widgets, strict=True):
                    data[bound.html_name + suffix] = sub.format_value(part) or ""
            elif isinstance(widget, forms.CheckboxInput):
                if value:
                    data[bound.html_name] = "on"
            elif isinstance(bound.field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField):
                data[bound.html_name] = [str(item) for item in value or []]
            else:
                data[bound.html_name] = "" if value is None else str(value)
    data.update(changes)
    return data


def management_form(prefix, total, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def article_form_data(*, sources=(), existing_sources=(), **fields):
    """POST data for the article add/change form.

    `sources` are new SourceLink rows (dicts); `existing_sources` are SourceLink
    instances already saved, sent back unchanged.
    """
    data = {
        "headline": "Drone strike hits Kyiv apartment block",
        "slug": "",
        "standfirst": "",
        "body": "",
        "byline": "",
        "publication": "",
        "dateline": "",
        "people": [],
        "places": [],
        "organisations": [],
        "incidents": [],
        "status": Article.Status.DRAFT,
        "published_at_0": "",
        "published_at_1": "",
        "editor_note": "",
    }
    data.update(fields)
    rows = [
        {
            "id": str(source.pk),
            "article": str(source.article_id),
            "position": str(source.position),
            "title": source.title,
            "url": source.url,
            "publisher": source.publisher,
        }
        for source in existing_sources
    ]
    rows += [{"id": "", "article": "", "position": "0", "title": "", "publisher": "", **row} for row in sources]
    data.update(management_form(SOURCES, len(rows), initial=len(existing_sources)))
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"{SOURCES}-{index}-{key}"] = value
    data.update(management_form(CORRECTIONS, 0))  # the corrections inline, empty, as editors' browsers send it
    return data


def entity_form_data(name, *, aliases=(), existing_aliases=(), **fields):
    """POST data for an entity add/change form with its alias inline.

    `aliases` are new spellings; `existing_aliases` are Alias instances sent back
    (as (alias, new_name) pairs to rename them, or bare aliases to keep them).
    """
    data = {"name": name, "slug": "", "description": "", **fields}
    rows = []
    for item in existing_aliases:
        alias, alias_name = item if isinstance(item, tuple) else (item, item.name)
        rows.append({"id": str(alias.pk), "name": alias_name})
    rows += [{"id": "", "name": alias_name} for alias_name in aliases]
    if not rows:
        rows = [{"id": "", "name": ""}]  # the inline's one blank extra row, as the browser sends it
    data.update(management_form(ALIASES, len(rows), initial=len(existing_aliases)))
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"{ALIASES}-{index}-{key}"] = value
    return data


def all_errors(response):
    """Every error message of the admin form and its inlines, as one string."""
    context = response.context
    messages = [str(error) for errors in context["adminform"].form.errors.values() for error in errors]
    for inline in context["inline_admin_formsets"]:
        messages += [str(error) for error in inline.formset.non_form_errors()]
        for form_errors in inline.formset.errors:
            messages += [str(error) for errors in form_errors.values() for error in errors]
    return " | ".join(messages)


def changelist_ids(response):
    return [obj.pk for obj in response.context["cl"].result_list]


def run_action(client, action, articles):
    return client.post(
        reverse("admin:archive_article_changelist"),
        {"action": action, "_selected_action": [str(article.pk) for article in articles], "index": "0"},
    )


def hierarchy_links(response):
    """The links of the changelist's date hierarchy (years, months or days), as query strings."""
    return [href for href, _text in Page(response).one("nav.toplinks").links()]


def changelist_row(response, change_url):
    """The row of a changelist that links to `change_url`."""
    rows = [row for row in Page(response).select("tr") if row.select(f'a[href*="{change_url}"]')]
    assert len(rows) == 1, f"{len(rows)} rows link to {change_url}"
    return rows[0]

"""Timing what editors do in the admin: lists, entity pickers, and saving an article.

Everything runs in one transaction that is rolled back, so the measured archive
stays as it was generated: the benchmark's login, its session and the saved
articles leave no trace.
"""

import random
from html.parser import HTMLParser

from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client
from django.urls import reverse

from archive.models import ENTITY_KINDS, Alias, Article, SearchWord
from archive.tools.benchmarks.public import most_covered, time_requests

LATE_PAGE = 500


class FormFields(HTMLParser):
    """The (name, value) pairs a browser would submit from the form with id `form_id`."""

    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id, self.in_form = form_id, False
        self.fields, self.textarea, self.select, self.options = [], None, None, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.in_form = attrs.get("id") == self.form_id
        if not self.in_form or not attrs.get("name") and tag != "option":
            return
        if tag == "input" and attrs.get("type", "text") not in {"submit", "button", "image", "file", "reset"}:
            if attrs.get("type") not in {"checkbox", "radio"} or "checked" in attrs:
                self.fields.append((attrs["name"], attrs.get("value", "on" if attrs.get("type") == "checkbox" else "")))
        elif tag == "textarea":
            self.textarea = [attrs["name"], ""]
        elif tag == "select":
            self.select, self.options = (attrs["name"], "multiple" in attrs), []
        elif tag == "option" and self.select:
            self.options.append((attrs.get("value", ""), "selected" in attrs))

    def handle_data(self, data):
        if self.textarea:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False
        elif tag == "textarea" and self.textarea:
            name, text = self.textarea
            self.fields.append((name, text.removeprefix("\n")))  # the newline after <textarea> is not content
            self.textarea = None
        elif tag == "select" and self.select:
            name, multiple = self.select
            chosen = [value for value, selected in self.options if selected]
            if not chosen and not multiple and self.options:
                chosen = [self.options[0][0]]
            self.fields += [(name, value) for value in chosen]
            self.select = None


def submitted_form(html, form_id):
    """{name: [values]} as a browser would post the form, for Django's test client."""
    parser = FormFields(form_id)
    parser.feed(html)
    data = {}
    for name, value in parser.fields:
        data.setdefault(name, []).append(value)
    return data


def autocomplete_url(field_name, term):
    query = f"term={term}&app_label=archive&model_name=article&field_name={field_name}"
    return f"{reverse('admin:autocomplete')}?{query}"


def admin_sets(rng, samples):
    """{measurement: [url, ...]} for the editors' lists and pickers, drawn from this archive."""
    articles = reverse("admin:archive_article_changelist")
    latest = Article.objects.order_by("-published_at", "-id").exclude(published_at=None).first()
    publication = Article.objects.exclude(publication="").values_list("publication", flat=True).first() or ""
    common_words = list(SearchWord.objects.order_by("-articles").values_list("word", flat=True)[:samples])
    last_page = max(1, min(LATE_PAGE, Article.objects.count() // 50))
    pages = {
        "admin: article list": [articles],
        "admin: article list, live only": [f"{articles}?visibility=live"],
        "admin: article list, one publication": [f"{articles}?publication={publication}"],
        "admin: article list, a year": [f"{articles}?published_at__year={latest.published_at.year}"],
        "admin: article list, searched": [f"{articles}?q={word}" for word in common_words] or [articles],
        f"admin: article list, page {last_page}": [f"{articles}?p={last_page}"],
    }
    for kind in ENTITY_KINDS.values():
        pages[f"admin: {kind.label} list"] = [reverse(f"admin:archive_{kind.key}_changelist")]
    people = ENTITY_KINDS["person"].model.objects
    popular = most_covered(ENTITY_KINDS["person"])
    names = list(people.order_by("-pk").values_list("name_key", flat=True)[: samples * 5])
    rare = [name.split()[-1][1:6] for name in rng.sample(names, min(samples, len(names)))]
    aliases = list(Alias.objects.order_by("-pk").values_list("name", flat=True)[: samples * 5])
    pages.update(
        {
            "autocomplete: common prefix": [autocomplete_url("people", popular.name_key[:2])],
            "autocomplete: rare text inside a name": [autocomplete_url("people", term) for term in rare],
            "autocomplete: an alias": [
                autocomplete_url("places", name) for name in rng.sample(aliases, min(samples, len(aliases)))
            ]
            or [autocomplete_url("places", "kiev")],
        }
    )
    return pages


def measure_admin(repeat=20, samples=10, seed=1):
    """Time the editors' lists, pickers and an article save; returns Measurements. Leaves no trace."""
    rng = random.Random(seed)
    results = []
    with transaction.atomic():
        editor = get_user_model().objects.create_superuser("benchmark-editor", "", None)
        client = Client()
        client.force_login(editor)
        for name, urls in admin_sets(rng, samples).items():
            results.append(time_requests(client, name, urls, repeat))
        results.append(measure_article_save(client, rng, repeat))
        transaction.set_rollback(True)
    return results


def measure_article_save(client, rng, repeat):
    """Open an article's change form and save it unchanged, as an editor clicking Save would."""
    high = Article.objects.order_by("-pk").values_list("pk", flat=True).first()
    # Each article once: a form posted a second time was opened at an older version, and is refused.
    picked = {}
    for _ in range(20 * (repeat + 1)):
        if len(picked) > repeat:
            break
        article = Article.objects.published().filter(pk__gte=rng.randint(1, high)).order_by("pk").first()
        if article is not None:
            picked[article.pk] = article
    urls = [reverse("admin:archive_article_change", args=[pk]) for pk in picked]
    repeat = min(repeat, len(urls) - 1)
    forms = {}
    for url in urls:
        forms[url] = submitted_form(client.get(url).content.decode(), "article_form") | {"_save": ["Save"]}
    return time_requests(client, "admin: save an article (change form POST)", urls, repeat, post=forms.get)

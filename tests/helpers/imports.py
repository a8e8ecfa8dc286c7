"""Files to import, written the way wire services and exports write them, and import_articles run on them."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from archive.models import Alias, Article, Correction, Incident, Organisation, Person, Place, SlugRedirect, SourceLink

SAMPLE_HEADLINE = "Ukraine Captures North Korean Soldiers Amid Ongoing Conflict"
FIRST_PARAGRAPH = "Ukraine said on Saturday it had captured two North Korean soldiers in Russia's Kursk region."
SECOND_PARAGRAPH = "The soldiers were wounded and are being questioned by the Security Service of Ukraine."
# A place as a JSON Lines record names it.
RUSSIA = {"name": "Russia", "kind": "country"}


def write(path, content):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


def wire(headline="Ukraine captures two North Korean soldiers", paragraphs=(FIRST_PARAGRAPH,), sources=None):
    text = headline + "\n\n" + "\n\n".join(paragraphs) + "\n"
    if sources is not None:
        text += "\nRelated Sources:\n" + "".join(line + "\n" for line in sources)
    return text


def jsonl(*records):
    return "".join((record if isinstance(record, str) else json.dumps(record)) + "\n" for record in records)


def run_import(*paths, **options):
    """The command's standard output, for a run that must succeed."""
    out = io.StringIO()
    call_command("import_articles", *map(str, paths), stdout=out, stderr=io.StringIO(), **options)
    return out.getvalue()


def run_failing_import(*paths, **options):
    """(CommandError message, standard error) for a run that must fail."""
    err = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("import_articles", *map(str, paths), stdout=io.StringIO(), stderr=err, **options)
    return str(raised.value), err.getvalue()


def nothing_written():
    models = [Article, SourceLink, Correction, SlugRedirect, Alias, Person, Place, Organisation, Incident]
    return all(not model.objects.exists() for model in models)


def only_article():
    (article,) = Article.objects.all()
    return article


def source_rows(article):
    return list(article.sources.values_list("position", "title", "url", "publisher"))


def write_jsonl(path, *records):
    path.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")
    return path


def numbered_records(count, **extra):
    return [
        {
            "headline": f"Report number {number}",
            "slug": f"report-{number}",
            "entities": {
                "people": [{"name": f"Person {number % 7}", "aliases": [f"P. {number % 7}"]}],
                "places": [{"name": f"Town {number % 11}", "kind": "town", "parent": RUSSIA}],
            },
            **extra,
        }
        for number in range(count)
    ]

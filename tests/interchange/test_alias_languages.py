"""An alias can say which language it is in: told by its letters for Ukrainian and Russian, chosen by
the editor otherwise, carried by JSON Lines (older files without it still import), and shown on the
entity's page by language."""

import json

import pytest

from archive.interchange.export import export_lines
from archive.models import Alias, Person
from tests.helpers.builders import make_article, make_person
from tests.helpers.imports import run_failing_import, run_import, write_jsonl
from tests.helpers.pages import Page

pytestmark = pytest.mark.django_db

RECORD = {"headline": "Talks resume", "body": "Text.", "status": "published"}


def languages(person):
    return {alias.name: alias.language for alias in person.aliases.all()}


def test_ukrainian_and_russian_spellings_are_told_by_their_letters_where_the_letters_tell():
    person = make_person("Mikhail Gorbachev", aliases=["Михайло Горбачов", "Михаїл Горбачов", "Горбачёв", "Gorby"])

    # ї is only Ukrainian, ё only Russian; "Михайло Горбачов" has letters both languages use.
    assert languages(person) == {"Михайло Горбачов": "", "Михаїл Горбачов": "uk", "Горбачёв": "ru", "Gorby": ""}


def test_the_entity_page_shows_names_by_language(client):
    person = make_person("Volodymyr Zelenskyy", aliases=["Zelensky"])
    Alias.objects.create(entity=person, name="Зеленський", language="uk")
    Alias.objects.create(entity=person, name="Зеленский", language="ru")
    Alias.objects.create(entity=person, name="Selenskyj", language="en")
    make_article(people=[person])

    names = Page(client.get(person.get_absolute_url())).one("p.entity__aliases")

    assert names.text == "English: Selenskyj · Ukrainian: Зеленський · Russian: Зеленский · Also spelled Zelensky"
    assert [(span.attrs["lang"], span.text) for span in names.select("span[lang]")] == [
        ("en", "Selenskyj"),
        ("uk", "Зеленський"),
        ("ru", "Зеленский"),
    ]


def test_json_lines_carry_the_language_of_an_alias_and_read_files_without_it(tmp_path):
    people = [
        {"name": "Andrii Sybiha", "aliases": [{"name": "Андрій Сибіга", "language": "uk"}, "Andriy Sybiha"]},
        {"name": "Ivan Fedorov", "aliases": ["Іван Федоров"]},  # an older file: names only
    ]
    run_import(write_jsonl(tmp_path / "in.jsonl", {**RECORD, "entities": {"people": people}}))

    assert languages(Person.objects.get(name="Andrii Sybiha")) == {"Андрій Сибіга": "uk", "Andriy Sybiha": ""}
    assert languages(Person.objects.get(name="Ivan Fedorov")) == {"Іван Федоров": "uk"}
    exported = [json.loads(line) for line in export_lines()]
    (article,) = [line for line in exported if line.get("headline") == "Talks resume"]
    aliases = {person["name"]: person["aliases"] for person in article["entities"]["people"]}
    assert aliases["Andrii Sybiha"] == ["Andriy Sybiha", {"name": "Андрій Сибіга", "language": "uk"}]


def test_an_alias_with_an_unknown_language_is_refused_and_nothing_is_written(tmp_path):
    people = [{"name": "Andrii Sybiha", "aliases": [{"name": "Sybiha", "language": "klingon"}]}]

    _summary, failures = run_failing_import(
        write_jsonl(tmp_path / "in.jsonl", {**RECORD, "entities": {"people": people}})
    )

    assert "must be a list of names, or of" in failures
    assert not Person.objects.exists()

"""Importing JSON Lines: records with their entities, links and aliases, bad lines refused with nothing written,
existing entities found by any spelling, and files longer than a batch."""

import pytest

from archive.models import Alias, Article, Person, Place, Revision
from tests.helpers.builders import make_person
from tests.helpers.imports import (
    FIRST_PARAGRAPH,
    RUSSIA,
    jsonl,
    nothing_written,
    numbered_records,
    only_article,
    run_failing_import,
    run_import,
    source_rows,
    write,
)

KURSK = {"name": "Kursk region", "kind": "region", "parent": RUSSIA, "aliases": ["Kurskaya oblast"]}
RICH_RECORD = {
    "type": "article",
    "headline": "Ukraine captures two North Korean soldiers",
    "body": FIRST_PARAGRAPH,
    "status": "published",
    "published_at": "2025-01-11T12:30:00+00:00",
    "sources": [{"title": "Reuters report", "url": "https://www.reuters.com/a", "publisher": "reuters.com"}],
    "entities": {
        "people": [
            {"name": "Volodymyr Zelenskiy", "role": "President of Ukraine", "aliases": ["Zelensky", "Зеленський"]},
            {"name": "Andriy Sybiha", "role": "Foreign Minister of Ukraine"},
        ],
        "places": [KURSK],
        "organisations": [{"name": "Security Service of Ukraine", "kind": "agency", "aliases": ["SBU"]}],
        "incidents": [
            {
                "name": "Capture of North Korean soldiers in Kursk region",
                "date": "2025-01-11",
                "incident_type": "capture_arrest",
                "place": KURSK,
                "killed": None,
                "injured": 0,
            }
        ],
    },
}


def aliases_of(entity):
    return sorted(entity.alias_names)


@pytest.mark.django_db
def test_jsonl_record_creates_its_entities_links_and_aliases(tmp_path):
    output = run_import(write(tmp_path / "export.jsonl", jsonl(RICH_RECORD)))

    article = only_article()
    assert article.status == Article.Status.PUBLISHED
    assert article.published_at.isoformat() == "2025-01-11T12:30:00+00:00"
    assert source_rows(article) == [(1, "Reuters report", "https://www.reuters.com/a", "reuters.com")]

    zelenskiy = Person.objects.get(name="Volodymyr Zelenskiy")
    assert zelenskiy.role == "President of Ukraine"
    assert aliases_of(zelenskiy) == ["Zelensky", "Зеленський"]
    assert sorted(person.name for person in article.people.all()) == ["Andriy Sybiha", "Volodymyr Zelenskiy"]

    kursk = Place.objects.get(name="Kursk region")
    assert kursk.kind == Place.Kind.REGION
    assert kursk.parent == Place.objects.get(name="Russia", kind=Place.Kind.COUNTRY)
    assert aliases_of(kursk) == ["Kurskaya oblast"]
    assert list(article.places.all()) == [kursk]
    assert Place.objects.count() == 2

    (incident,) = article.incidents.all()
    assert incident.place == kursk
    assert (incident.killed, incident.injured) == (None, 0)
    assert str(incident.date) == "2025-01-11"

    (sbu,) = article.organisations.all()
    assert aliases_of(sbu) == ["SBU"]
    assert Alias.objects.count() == 4
    assert "Imported 1 new article(s), updated 0, 0 file(s) failed." in output


@pytest.mark.django_db
def test_jsonl_file_with_invalid_json_on_line_3_writes_none_of_its_lines(tmp_path):
    path = write(
        tmp_path / "export.jsonl",
        jsonl(RICH_RECORD, {"headline": "A second, valid article"}, '{"headline": "broken",'),
    )

    summary, errors = run_failing_import(path)

    assert errors.startswith(f"Failed: {path}:3: not valid JSON")
    assert summary == "Imported 0 new article(s), updated 0, 1 file(s) failed."
    assert nothing_written()


@pytest.mark.parametrize(
    ("content", "line", "message"),
    [
        (b"", None, "the file is empty"),
        (b"\n  \n\t\r\n", None, "the file is empty"),
        (b'{"headline": "Cafe closes"}\n{"headline": "Caf\xe9 au lait"}\n', 2, "not UTF-8 text (byte 0xe9 cannot"),
        (b'{"headline": "Cafe closes"}\n\x00\x01\x02\x03\xff\n', 2, "this is a binary file, not text"),
        (b'{"headline": "Cafe closes"}\n\nCafe closes\n', 3, "not valid JSON"),
    ],
    ids=["empty", "blank-lines-only", "not-utf8", "binary", "not-json"],
)
@pytest.mark.django_db
def test_bad_jsonl_file_is_refused_with_its_path_and_line_and_nothing_is_written(tmp_path, content, line, message):
    path = write(tmp_path / "bad.jsonl", content)

    summary, errors = run_failing_import(path)

    where = f"{path}:{line}" if line else str(path)
    assert errors.startswith(f"Failed: {where}: {message}")
    assert errors.count("\n") == 1
    assert summary == "Imported 0 new article(s), updated 0, 1 file(s) failed."
    assert nothing_written()


@pytest.mark.django_db
def test_empty_jsonl_file_fails_the_run_and_the_other_files_still_import(tmp_path):
    empty = write(tmp_path / "a_empty.jsonl", b"")
    write(tmp_path / "b_good.jsonl", jsonl({"headline": "Ukraine captures two North Korean soldiers"}))

    summary, errors = run_failing_import(tmp_path)

    assert errors == f"Failed: {empty}: the file is empty\n"
    assert summary == "Imported 1 new article(s), updated 0, 1 file(s) failed."
    assert only_article().headline == "Ukraine captures two North Korean soldiers"


@pytest.mark.parametrize(
    ("bad_record", "message"),
    [
        ({"headline": "Weapons", "entities": {"weapons": [{"name": "HIMARS"}]}}, "unknown entity kind 'weapons'"),
        ({"type": "entity", "entity_kind": "weapon", "entity": {"name": "HIMARS"}}, "unknown entity kind 'weapon'"),
        ({"body": "A body without a headline."}, "the article has no headline"),
        ({"headline": "Archived", "status": "archived"}, "status: Value 'archived' is not a valid choice."),
        ({"headline": "Bad source", "sources": [{"url": "www.reuters.com/a"}]}, "url: Enter a valid URL."),
        ({"headline": "Nul\u0000byte"}, "headline: contains a NUL character"),
        ({"headline": "Long " * 100}, "headline: Ensure this value has at most 300 characters"),
        ({"headline": "Bad time", "published_at": "2024-13-45T25:00:00"}, "published_at: “2024-13-45T25:00:00” is not"),
        ({"headline": "Not a time", "created_at": "yesterday"}, "created_at: “yesterday” is not a date and time"),
        (
            {
                "headline": "Huge toll",
                "entities": {"incidents": [{"name": "X", "date": "2024-01-01", "killed": 10**20}]},
            },
            "killed: Ensure this value is less than or equal to",
        ),
        (
            {"headline": "Bad date", "entities": {"incidents": [{"name": "X", "date": "2024-02-30"}]}},
            "date: “2024-02-30” value has the correct format (YYYY-MM-DD) but it is an invalid date.",
        ),
        ("[1, 2, 3]", "each line must be a JSON object"),
        ({"headline": "Not a time", "withdrawn_at": "last week"}, "withdrawn_at: “last week” is not a date and time"),
        ({"headline": "Corrections", "corrections": "none"}, "corrections must be a list of objects with a text"),
        (
            {"headline": "Wordless", "corrections": [{"published_at": "2025-01-11T10:00:00+00:00"}]},
            "correction text: This field cannot be blank.",
        ),
        (
            {"headline": "Ahead", "corrections": [{"published_at": "2999-01-01T00:00:00+00:00", "text": "Fixed."}]},
            "correction date: a correction cannot be dated in the future",
        ),
        ({"headline": "Old slugs", "old_slugs": ["kiev-talks"]}, "old_slugs must be a list of objects with a slug"),
        ({"headline": "Bad old slug", "old_slugs": [{"slug": "kiev talks"}]}, "old slug: Enter a valid “slug”"),
        (
            {"headline": "Bad old slug", "entities": {"places": [{"name": "Kyiv", "old_slugs": [{"slug": "kiev!"}]}]}},
            "old slug: Enter a valid “slug”",
        ),
    ],
    ids=[
        "unknown-linked-kind",
        "unknown-entity-line-kind",
        "no-headline",
        "invalid-status",
        "bad-source-url",
        "nul-byte",
        "headline-too-long",
        "impossible-time",
        "not-a-time",
        "casualties-out-of-range",
        "impossible-date",
        "not-an-object",
        "withdrawal-not-a-time",
        "corrections-not-a-list",
        "correction-without-text",
        "correction-dated-ahead",
        "old-slug-not-an-object",
        "old-slug-not-a-slug",
        "entity-old-slug-not-a-slug",
    ],
)
@pytest.mark.django_db
def test_bad_jsonl_record_is_refused_with_its_line_and_nothing_is_written(tmp_path, bad_record, message):
    path = write(tmp_path / "export.jsonl", jsonl(RICH_RECORD, "", bad_record))

    summary, errors = run_failing_import(path)

    assert errors.startswith(f"Failed: {path}:3: {message}")
    assert errors.count("\n") == 1
    assert summary == "Imported 0 new article(s), updated 0, 1 file(s) failed."
    assert nothing_written()


@pytest.mark.django_db
def test_alias_that_is_already_another_persons_name_is_refused_with_its_line(tmp_path):
    sybiha = make_person("Andriy Sybiha")
    record = {
        "headline": "Zelenskiy speaks",
        "entities": {"people": [{"name": "Zelenskiy", "aliases": ["ANDRIY SYBÍHA"]}]},
    }
    path = write(tmp_path / "export.jsonl", jsonl({"headline": "A valid first article"}, record))

    summary, errors = run_failing_import(path)

    assert errors.startswith(f"Failed: {path}:2: ")
    assert "already used by the person “Andriy Sybiha”" in errors
    assert summary == "Imported 0 new article(s), updated 0, 1 file(s) failed."
    assert list(Person.objects.all()) == [sybiha]
    assert not Article.objects.exists()
    assert not Alias.objects.exists()


SPELLINGS_OF_AN_EXISTING_PERSON = pytest.mark.parametrize(
    "spelling", ["volodymyr zelenskiy", "Volodymyr Zelenskíy", "ZELENSKY"], ids=["case", "diacritics", "alias"]
)


@SPELLINGS_OF_AN_EXISTING_PERSON
@pytest.mark.django_db
def test_person_named_by_another_spelling_links_the_existing_person_instead_of_a_new_one(tmp_path, spelling):
    zelenskiy = make_person("Volodymyr Zelenskiy", aliases=["Zelensky"], role="President of Ukraine")
    record = {"headline": "Zelenskiy speaks", "entities": {"people": [{"name": spelling}]}}

    run_import(write(tmp_path / "export.jsonl", jsonl(record)))

    assert list(Person.objects.all()) == [zelenskiy]
    assert list(only_article().people.all()) == [zelenskiy]


@SPELLINGS_OF_AN_EXISTING_PERSON
@pytest.mark.django_db
def test_linking_an_existing_person_by_another_spelling_keeps_their_name_and_aliases(tmp_path, spelling):
    make_person("Volodymyr Zelenskiy", aliases=["Zelensky"], role="President of Ukraine")
    record = {"headline": "Zelenskiy speaks", "entities": {"people": [{"name": spelling}]}}

    run_import(write(tmp_path / "export.jsonl", jsonl(record)))

    person = Person.objects.get()
    assert (person.name, aliases_of(person), person.role) == (
        "Volodymyr Zelenskiy",
        ["Zelensky"],
        "President of Ukraine",
    )


@pytest.mark.django_db
def test_a_file_longer_than_a_batch_imports_every_article_and_link(tmp_path):
    path = write(tmp_path / "export.jsonl", jsonl(*numbered_records(1200)))

    output = run_import(path)

    assert "Imported 1200 new article(s), updated 0, 0 file(s) failed." in output
    assert Article.objects.count() == 1200
    assert Person.objects.count() == 7 and Place.objects.count() == 12
    assert Person.entity_kind.link_model.objects.count() == 1200
    assert Alias.objects.count() == 7
    assert Place.objects.get(name="Town 3").parent.name == "Russia"


@pytest.mark.django_db
def test_entities_forgotten_between_batches_are_found_again_not_made_twice(tmp_path, monkeypatch):
    # What an import remembers is bounded so its memory stays flat on a long file; an entity
    # met again after it was forgotten must still be the same record.
    monkeypatch.setattr("archive.interchange.writer.ENTITIES_KEPT", 3)
    monkeypatch.setattr("archive.interchange.jsonl.CLEANED_ENTITIES_KEPT", 3)
    path = write(tmp_path / "export.jsonl", jsonl(*numbered_records(1200)))

    run_import(path)

    assert Person.objects.count() == 7 and Place.objects.count() == 12 and Alias.objects.count() == 7
    assert Person.entity_kind.link_model.objects.count() == 1200
    person = Person.objects.get(name="Person 3")
    assert set(Article.objects.filter(people=person).values_list("slug", flat=True)) == {
        f"report-{number}" for number in range(1200) if number % 7 == 3
    }


@pytest.mark.django_db
def test_an_article_twice_in_one_file_is_created_then_updated(tmp_path):
    first, second = {"headline": "First version", "slug": "story"}, {"headline": "Second version", "slug": "story"}
    path = write(tmp_path / "export.jsonl", jsonl(first, second))

    output = run_import(path)

    assert "Imported 1 new article(s), updated 1" in output
    assert only_article().headline == "Second version"


@pytest.mark.django_db
def test_a_record_the_database_refuses_is_reported_with_its_own_line(tmp_path):
    records = numbered_records(30)
    records[17]["entities"]["places"] = [{"name": "Off the map", "latitude": "95.0", "longitude": "10.0"}]
    path = write(tmp_path / "export.jsonl", jsonl(*records))

    summary, errors = run_failing_import(path)

    assert errors.startswith(f"Failed: {path}:18: the database refused it")
    assert nothing_written()


@pytest.mark.django_db
def test_import_runs_a_few_queries_per_batch_not_per_article(tmp_path, django_assert_max_num_queries):
    path = write(tmp_path / "export.jsonl", jsonl(*numbered_records(400)))

    with django_assert_max_num_queries(60):
        run_import(path)

    assert Article.objects.count() == 400
    assert Revision.objects.filter(action=Revision.Action.IMPORTED, number=1, user=None).count() == 400
    # Updating: the articles as they were and as they are, their revision numbers, versions, revisions.
    # Measured: 64 queries on SQLite (which inserts 400 revisions in four statements), 54 on PostgreSQL.
    changed = write(tmp_path / "changed.jsonl", jsonl(*numbered_records(400, standfirst="Now with a standfirst.")))
    with django_assert_max_num_queries(70):
        run_import(changed)

    assert list(Revision.objects.filter(number=2).values_list("summary", flat=True).distinct()) == ["Standfirst edited"]
    assert set(Article.objects.values_list("version", flat=True)) == {2}


@pytest.mark.django_db
def test_reimporting_an_export_in_batches_changes_nothing_and_updates_every_article(tmp_path):
    path = write(tmp_path / "export.jsonl", jsonl(*numbered_records(700)))
    run_import(path)
    links = set(Person.entity_kind.link_model.objects.values_list("content_object_id", "tag_id"))

    output = run_import(path)

    assert "Imported 0 new article(s), updated 700" in output
    assert set(Person.entity_kind.link_model.objects.values_list("content_object_id", "tag_id")) == links
    assert Person.objects.count() == 7 and Alias.objects.count() == 7

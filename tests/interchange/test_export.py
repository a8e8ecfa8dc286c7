import contextlib
import datetime
import io
import json
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from archive.models import (
    ENTITY_KINDS,
    Alias,
    Article,
    Correction,
    Incident,
    Organisation,
    Place,
    Revision,
    SlugRedirect,
    SourceLink,
)
from tests.helpers.builders import (
    make_article,
    make_draft,
    make_incident,
    make_organisation,
    make_person,
    make_place,
    make_scheduled,
    make_withdrawn,
)

ARCHIVE_MODELS = [
    Article,
    SourceLink,
    Correction,
    SlugRedirect,
    Alias,
    *(kind.model for kind in ENTITY_KINDS.values()),
    *(kind.link_model for kind in ENTITY_KINDS.values()),
]


def row_counts():
    return {model._meta.label: model.objects.count() for model in ARCHIVE_MODELS}


def export_to(path):
    out = io.StringIO()
    call_command("export_articles", output=str(path), stdout=out)
    assert out.getvalue().startswith("Wrote ")
    return path


def export_lines_of(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def empty_the_archive():
    Article.objects.all().delete()
    for kind in ENTITY_KINDS.values():
        kind.model.objects.all().delete()
    # Neither has a foreign key to what it belongs to, so nothing above deletes them.
    Alias.objects.all().delete()
    SlugRedirect.objects.all().delete()
    Revision.objects.all().delete()
    assert not any(row_counts().values()) and not Revision.objects.exists()


def import_file(path):
    # Checked through stderr so that a failure names the refused line, not only the summary.
    errors = io.StringIO()
    with contextlib.suppress(CommandError):
        call_command("import_articles", str(path), stdout=io.StringIO(), stderr=errors)
    assert errors.getvalue() == ""


def assert_export_import_export_is_identical(tmp_path):
    counts = row_counts()
    first = export_to(tmp_path / "first.jsonl")

    empty_the_archive()
    import_file(first)
    second = export_to(tmp_path / "second.jsonl")

    assert second.read_bytes() == first.read_bytes()
    assert row_counts() == counts


def build_rich_archive():
    ukraine = make_place("Ukraine", kind=Place.Kind.COUNTRY, latitude=Decimal("49"), longitude=Decimal("32"))
    region = make_place("Zaporizhzhia region", kind=Place.Kind.REGION, parent=ukraine, aliases=["Zaporozhye Oblast"])
    city = make_place(
        "Zaporizhzhia",
        kind=Place.Kind.CITY,
        parent=region,
        latitude=Decimal("47.83880"),
        longitude=Decimal("35.13956"),
        aliases=["Zaporozhye", "Запоріжжя"],
    )
    russia = make_place("Russia", kind=Place.Kind.COUNTRY)
    kursk = make_place(
        "Kursk region", kind=Place.Kind.REGION, parent=russia, latitude=Decimal("51.73"), longitude=Decimal("36.19")
    )
    zelenskiy = make_person(aliases=["Zelensky", "Зеленський"], role="President of Ukraine")
    sybiha = make_person("Andriy Sybiha", role="Foreign Minister of Ukraine")
    make_person("Ivan Fedorov", role="Governor of Zaporizhzhia region", description="Linked to no article yet.")
    sbu = make_organisation(aliases=["SBU"], kind=Organisation.Kind.AGENCY)
    capture = make_incident(
        place=kursk,
        incident_type=Incident.Type.CAPTURE_ARREST,
        killed=None,
        injured=0,
        summary="Two wounded North Korean soldiers were captured.",
    )
    strike = make_incident(
        "Drone strikes on Zaporizhzhia",
        date=datetime.date(2025, 1, 1),
        end_date=datetime.date(2025, 1, 31),
        date_precision=Incident.Precision.MONTH,
        place=city,
        incident_type=Incident.Type.AIR_DRONE_STRIKE,
        killed=1,
        injured=3,
    )

    captured = make_article(
        headline="Україна захопила двох північнокорейських солдатів",
        standfirst="Zelenskiy says the SBU is questioning them.",
        byline="Olena Kovalenko",
        publication="Reuters",
        dateline="KYIV",
        editor_note="Check the casualty figures with the SBU before updating.",
        people=[zelenskiy, sybiha],
        places=[kursk],
        organisations=[sbu],
        incidents=[capture],
    )
    # Created out of order so only `position` puts them right.
    SourceLink.objects.create(article=captured, position=2, url="https://apnews.com/b", publisher="apnews.com")
    SourceLink.objects.create(
        article=captured, position=1, title="Reuters — first report", url="https://www.reuters.com/a"
    )
    make_draft(headline="Zaporižžja: drone kills woman «on her way to work»", places=[city], incidents=[strike])
    make_scheduled(headline="Scheduled: Sybiha to visit Brussels", people=[sybiha], places=[ukraine])
    make_withdrawn(headline="Withdrawn: an unconfirmed report", people=[zelenskiy])
    make_article(headline="In review: Kursk fighting", status=Article.Status.REVIEW, published_at=None)


@pytest.mark.django_db
def test_rich_archive_survives_export_import_export_byte_for_byte(tmp_path):
    build_rich_archive()
    assert set(Article.objects.values_list("status", flat=True)) == set(Article.Status.values)
    assert Article.objects.filter(status="published").count() == 2  # one of them scheduled

    assert_export_import_export_is_identical(tmp_path)


@pytest.mark.django_db
def test_round_trip_keeps_what_the_export_does_not_spell_out(tmp_path):
    build_rich_archive()
    first = export_to(tmp_path / "first.jsonl")
    empty_the_archive()
    import_file(first)

    city = Place.objects.get(name="Zaporizhzhia")
    assert [place.name for place in city.ancestors()] == ["Zaporizhzhia region", "Ukraine"]
    assert (city.latitude, city.longitude) == (Decimal("47.83880"), Decimal("35.13956"))
    captured = Article.objects.get(dateline="KYIV")
    assert list(captured.sources.values_list("position", "url")) == [
        (1, "https://www.reuters.com/a"),
        (2, "https://apnews.com/b"),
    ]
    capture = Incident.objects.get(incident_type=Incident.Type.CAPTURE_ARREST)
    assert (capture.killed, capture.injured, capture.place.name) == (None, 0, "Kursk region")


WITHDRAWN_AT = datetime.datetime(2025, 3, 3, 9, 15, tzinfo=datetime.UTC)
WITHDRAWAL_NOTE = "The report relied on a single source, who has since retracted it."


def build_archive_with_history():
    """The rich archive, plus what readers see of its history: a withdrawal with its note and date,
    corrections, and articles and entities that were renamed (their old addresses answer 301)."""
    build_rich_archive()
    gone = make_withdrawn(headline="Withdrawn: Kursk casualty figures", withdrawal_note=WITHDRAWAL_NOTE)
    # Withdrawn long before the export: an import must keep that date, not make it "now".
    Article.objects.filter(pk=gone.pk).update(withdrawn_at=WITHDRAWN_AT)

    kyiv = make_place("Kiev", kind=Place.Kind.CITY)
    kyiv.name = "Kyiv"
    kyiv.save()  # its address follows the name; /places/kiev/ redirects
    reznikov = make_person("Olexiy Reznikov", role="Former Minister of Defence")
    reznikov.name = "Oleksii Reznikov"
    reznikov.save()  # linked to no article: exported on an entity line of its own

    talks = make_article(headline="Kiev talks resume", slug="kiev-talks-resume", places=[kyiv])
    for slug in ["kyiv-talks-resume", "kyiv-peace-talks-resume"]:
        talks.slug = slug
        talks.save()

    corrected = make_article(headline="Metro reopens in Kyiv", places=[kyiv])
    for days_ago, text in [
        (3, "An earlier version gave the wrong reopening date."),
        (1, "An earlier version misspelt the name of the metro's director."),
    ]:
        Correction.objects.create(
            article=corrected, published_at=timezone.now() - datetime.timedelta(days=days_ago), text=text
        )
    return {"withdrawn": gone.slug, "renamed": talks.slug, "corrected": corrected.slug}


def archive_rows():
    """Every row an export stands for, field by field, with ids replaced by the slugs that
    identify rows across databases.

    Left out, as the export leaves them out: entities' created_at and updated_at
    (bookkeeping), who wrote a correction (users are not exported) and source
    positions, which the import numbers 1, 2, ... in the same order.
    """
    slugs = {Article: dict(Article.objects.values_list("pk", "slug"))}
    for kind in ENTITY_KINDS.values():
        slugs[kind.model] = dict(kind.model.objects.values_list("pk", "slug"))

    def fields(row, skip=()):
        values = {}
        for field in type(row)._meta.concrete_fields:
            if field.primary_key or field.name in skip:
                continue
            value = getattr(row, field.attname)
            values[field.name] = slugs[field.related_model].get(value) if field.is_relation else value
        return values

    def model_of(content_type_id):
        return ContentType.objects.get_for_id(content_type_id).model_class()

    rows = {
        "articles": {article.slug: fields(article) for article in Article.objects.all()},
        "sources": {
            article.slug: [(source.title, source.url, source.publisher) for source in article.sources.all()]
            for article in Article.objects.all()
        },
        "corrections": [
            fields(correction, skip={"created_by"})
            for correction in Correction.objects.order_by("article__slug", "published_at", "text")
        ],
        "old addresses": {
            (model_of(row.content_type_id).__name__, row.slug): (
                slugs[model_of(row.content_type_id)][row.object_id],
                row.created_at,
            )
            for row in SlugRedirect.objects.all()
        },
        "aliases": {
            (
                model_of(alias.content_type_id).__name__,
                slugs[model_of(alias.content_type_id)][alias.object_id],
                alias.name,
                alias.key,
            )
            for alias in Alias.objects.all()
        },
    }
    for kind in ENTITY_KINDS.values():
        rows[kind.key] = {
            entity.slug: fields(entity, skip={"created_at", "updated_at"}) for entity in kind.model.objects.all()
        }
        rows[f"{kind.key} links"] = {
            (slugs[Article][link.content_object_id], slugs[kind.model][link.tag_id], link.published_at)
            for link in kind.link_model.objects.all()
        }
    return rows


@pytest.mark.django_db
def test_round_trip_gives_back_every_row_withdrawals_corrections_and_old_addresses_included(tmp_path):
    made = build_archive_with_history()
    before = archive_rows()
    # What this test is about is really there to be lost.
    assert before["articles"][made["withdrawn"]]["withdrawn_at"] == WITHDRAWN_AT
    assert before["articles"][made["withdrawn"]]["withdrawal_note"] == WITHDRAWAL_NOTE
    assert [correction["article"] for correction in before["corrections"]] == [made["corrected"]] * 2
    assert set(before["old addresses"]) >= {
        ("Article", "kiev-talks-resume"),
        ("Article", "kyiv-talks-resume"),
        ("Place", "kiev"),
        ("Person", "olexiy-reznikov"),
    }
    assert {article["version"] for article in before["articles"].values()} > {1}
    export = export_to(tmp_path / "export.jsonl")

    empty_the_archive()
    import_file(export)

    assert archive_rows() == before


@pytest.mark.django_db
def test_after_a_round_trip_old_addresses_answer_301_and_the_withdrawn_article_410_with_its_note(tmp_path, client):
    made = build_archive_with_history()
    export = export_to(tmp_path / "export.jsonl")
    empty_the_archive()
    import_file(export)

    renamed = reverse("archive:article", kwargs={"slug": made["renamed"]})
    for old in ["kiev-talks-resume", "kyiv-talks-resume"]:
        response = client.get(reverse("archive:article", kwargs={"slug": old}))
        assert (response.status_code, response["Location"]) == (301, renamed)
    response = client.get(reverse("archive:entity", kwargs={"kind": "places", "slug": "kiev"}))
    assert (response.status_code, response["Location"]) == (301, "/places/kyiv/")

    gone = client.get(reverse("archive:article", kwargs={"slug": made["withdrawn"]}))
    assert gone.status_code == 410
    assert WITHDRAWAL_NOTE in gone.text
    assert 'withdrawn on <time datetime="2025-03-03T09:15:00+00:00">3 March 2025</time>' in gone.text

    corrected = client.get(reverse("archive:article", kwargs={"slug": made["corrected"]}))
    assert corrected.status_code == 200
    assert "misspelt the name of the metro" in corrected.text
    assert "gave the wrong reopening date" in corrected.text


@pytest.mark.django_db
def test_history_survives_export_import_export_byte_for_byte(tmp_path):
    build_archive_with_history()

    assert_export_import_export_is_identical(tmp_path)


@pytest.mark.django_db
def test_generated_archive_survives_export_import_export_byte_for_byte(tmp_path):
    call_command("generate_demo", articles=150, seed=3, stdout=io.StringIO())

    assert_export_import_export_is_identical(tmp_path)


@pytest.mark.django_db
def test_export_lines_are_json_articles_with_grouped_entities_and_unlinked_entities_on_their_own(tmp_path):
    build_rich_archive()

    lines = export_lines_of(export_to(tmp_path / "export.jsonl"))

    articles = [line for line in lines if line["type"] == "article"]
    entities = [line for line in lines if line["type"] == "entity"]
    assert len(articles) == Article.objects.count() == 5
    assert len(articles) + len(entities) == len(lines)
    for article in articles:
        assert set(article["entities"]) == {"people", "places", "organisations", "incidents"}
        assert isinstance(article["sources"], list)

    captured = next(article for article in articles if article["dateline"] == "KYIV")
    assert captured["sources"] == [
        {"title": "Reuters — first report", "url": "https://www.reuters.com/a", "publisher": ""},
        {"title": "", "url": "https://apnews.com/b", "publisher": "apnews.com"},
    ]
    assert [person["name"] for person in captured["entities"]["people"]] == ["Andriy Sybiha", "Volodymyr Zelenskiy"]
    assert captured["entities"]["people"][1]["aliases"] == ["Zelensky", "Зеленський"]
    (incident,) = captured["entities"]["incidents"]
    assert (incident["killed"], incident["injured"]) == (None, 0)
    assert incident["place"]["name"] == "Kursk region"
    assert incident["place"]["parent"]["name"] == "Russia"
    assert captured["entities"]["organisations"][0]["aliases"] == ["SBU"]

    assert {(entity["entity_kind"], entity["entity"]["name"]) for entity in entities} == {
        ("person", "Ivan Fedorov"),
        ("place", "Russia"),
        ("place", "Zaporizhzhia region"),
    }


@pytest.mark.django_db
def test_export_without_output_writes_the_lines_to_standard_output():
    make_article(headline="Ukraine captures two North Korean soldiers")
    out = io.StringIO()

    call_command("export_articles", stdout=out)

    (line,) = out.getvalue().splitlines()
    assert json.loads(line)["headline"] == "Ukraine captures two North Korean soldiers"


@pytest.mark.django_db
def test_export_into_a_missing_directory_fails_with_the_path_and_the_reason(tmp_path):
    make_article()
    path = tmp_path / "no-such-folder" / "export.jsonl"

    with pytest.raises(CommandError) as raised:
        call_command("export_articles", output=str(path), stdout=io.StringIO())

    assert str(raised.value) == f"Cannot write {path}: No such file or directory"
    assert not path.parent.exists()


def add_linked_articles(numbers, *, town, incident):
    """Articles each with their own person, organisation and village, plus a shared incident."""
    for number in numbers:
        person = make_person(f"Reporter Subject {number}", aliases=[f"Subject No. {number}"])
        organisation = make_organisation(f"Brigade {number}")
        village = make_place(f"Village {number}", kind=Place.Kind.VILLAGE, parent=town)
        make_article(people=[person], places=[village], organisations=[organisation], incidents=[incident])


def count_export_queries(assert_max_queries, tmp_path, bound):
    with assert_max_queries(bound) as captured:
        export_to(tmp_path / "export.jsonl")
    return len(captured.captured_queries)


# Measured: 31 on SQLite and PostgreSQL for 10 and for 60 articles, with places four levels deep
# (each fetch of articles or entities also reads their old addresses, and articles their corrections).
MAX_EXPORT_QUERIES = 31


@pytest.mark.django_db
def test_export_runs_a_fixed_number_of_queries_however_many_articles(tmp_path, django_assert_max_num_queries):
    ukraine = make_place("Ukraine", kind=Place.Kind.COUNTRY, aliases=["Україна"])
    region = make_place("Donetsk region", kind=Place.Kind.REGION, parent=ukraine)
    town = make_place("Kramatorsk", parent=region)
    incident = make_incident("Missile strike on Kramatorsk", place=town)
    make_person("Unlinked Person", aliases=["Nobody"])
    add_linked_articles(range(10), town=town, incident=incident)
    # The first export also fills Django's content type cache; measure from the second.
    export_to(tmp_path / "warm-up.jsonl")

    for_10 = count_export_queries(django_assert_max_num_queries, tmp_path, MAX_EXPORT_QUERIES)
    add_linked_articles(range(10, 60), town=town, incident=incident)
    for_60 = count_export_queries(django_assert_max_num_queries, tmp_path, MAX_EXPORT_QUERIES)

    assert Article.objects.count() == 60
    assert len(export_lines_of(tmp_path / "export.jsonl")) == 60 + 4  # and the unlinked person and places
    assert for_60 == for_10

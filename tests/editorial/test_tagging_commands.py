"""Tagging from the command line: `import_articles --auto-tag` and the links it leaves, and `suggest_entities`."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from archive.editorial.tagging import suggest
from archive.models import ENTITY_KINDS, Article, Organisation, Place
from tests.helpers.builders import links_out_of_step, make_organisation, make_person, make_place
from tests.helpers.imports import run_import, write_jsonl
from tests.helpers.tagging import article_saying


def all_links():
    """{(kind key, article id, entity name)} for every entity link in the archive."""
    return {
        (kind.key, link.content_object_id, link.tag.name)
        for kind in ENTITY_KINDS.values()
        for link in kind.link_model.objects.select_related("tag")
    }


def link_count():
    return sum(kind.link_model.objects.count() for kind in ENTITY_KINDS.values())


def run_suggest_command(article):
    out = io.StringIO()
    call_command("suggest_entities", str(article), stdout=out, stderr=io.StringIO())
    return out.getvalue()


SAMPLE_ENTITIES = {
    ("person", "Volodymyr Zelenskiy"),
    ("person", "Andriy Sybiha"),
    ("person", "Ivan Fedorov"),
    ("place", "Kursk"),
    ("place", "Kyiv"),
    ("place", "Zaporizhzhia"),
    ("place", "Kotovsk"),
    ("place", "Moscow"),
    ("place", "Pyongyang"),
    ("place", "North Korea"),
    ("place", "Russia"),
    ("place", "Ukraine"),
    ("organisation", "Security Service of Ukraine"),
}


@pytest.fixture
def sample_archive():
    """Exactly the entities the sample wire file names, each of its kind."""
    russia = make_place("Russia", kind=Place.Kind.COUNTRY)
    ukraine = make_place("Ukraine", kind=Place.Kind.COUNTRY)
    north_korea = make_place("North Korea", kind=Place.Kind.COUNTRY)
    entities = [
        make_person("Volodymyr Zelenskiy", aliases=["Zelensky"], role="President of Ukraine"),
        make_person("Andriy Sybiha", role="Foreign Minister of Ukraine"),
        make_person("Ivan Fedorov", role="Governor of Zaporizhzhia region"),
        make_place("Kursk", kind=Place.Kind.REGION, parent=russia),
        make_place("Kyiv", kind=Place.Kind.CITY, parent=ukraine),
        make_place("Zaporizhzhia", aliases=["Zaporizhzhya"], kind=Place.Kind.REGION, parent=ukraine),
        make_place("Kotovsk", kind=Place.Kind.TOWN, parent=russia),
        make_place("Moscow", kind=Place.Kind.CITY, parent=russia),
        make_place("Pyongyang", kind=Place.Kind.CITY, parent=north_korea),
        north_korea,
        russia,
        ukraine,
        make_organisation("Security Service of Ukraine", aliases=["SBU"], kind=Organisation.Kind.AGENCY),
    ]
    return {(entity.entity_kind.key, entity.name): entity for entity in entities}


@pytest.mark.django_db
def test_auto_tag_links_the_sample_wire_file_to_every_entity_it_names_and_no_other(sample_archive, sample_wire_file):
    entities_before = {kind.key: kind.model.objects.count() for kind in ENTITY_KINDS.values()}

    output = run_import(sample_wire_file, auto_tag=True)

    (article,) = Article.objects.all()
    assert {(kind, name) for kind, _article, name in all_links()} == SAMPLE_ENTITIES
    assert {article_id for _kind, article_id, _name in all_links()} == {article.pk}
    assert link_count() == 13
    assert "Auto-tagging made 13 link(s) to known entities." in output
    assert "Imported 1 new article(s), updated 0, 0 file(s) failed." in output
    # Auto-tagging links known entities; it creates none.
    assert {kind.key: kind.model.objects.count() for kind in ENTITY_KINDS.values()} == entities_before
    # What the editor sees agrees: every suggestion is linked.
    assert {(s.kind.key, s.name) for s in suggest(article) if s.linked} == SAMPLE_ENTITIES


@pytest.mark.django_db
def test_without_auto_tag_no_link_is_made(sample_archive, sample_wire_file):
    output = run_import(sample_wire_file)

    assert Article.objects.count() == 1
    assert link_count() == 0
    assert "Auto-tagging" not in output


@pytest.mark.django_db
def test_auto_tag_again_on_the_same_file_adds_no_link(sample_archive, sample_wire_file):
    run_import(sample_wire_file, auto_tag=True)

    output = run_import(sample_wire_file, auto_tag=True)

    assert "Auto-tagging made 0 link(s) to known entities." in output
    assert "updated 1" in output
    assert link_count() == 13


@pytest.mark.django_db
def test_auto_tag_on_a_json_lines_import(tmp_path):
    zelenskiy = make_person("Volodymyr Zelenskiy", aliases=["Zelensky"])
    make_place("Kyiv", aliases=["Kiev"])
    make_organisation("Security Service of Ukraine", aliases=["SBU"])
    make_place("Lviv")  # known, but not named
    path = write_jsonl(
        tmp_path / "export.jsonl",
        # An entity the same file brings in, then an article that names it.
        {"type": "entity", "entity_kind": "place", "entity": {"name": "Kotovsk", "kind": "town"}},
        {
            "headline": "Drones hit Kotovsk",
            "slug": "drones-hit-kotovsk",
            "body": "Zelensky said the SBU in Kiev was questioning two soldiers.",
            "status": "published",
            "published_at": "2025-01-11T12:30:00+00:00",
            "entities": {"people": [{"name": "Volodymyr Zelenskiy"}]},
        },
    )

    output = run_import(path, auto_tag=True)

    article = Article.objects.get(slug="drones-hit-kotovsk")
    assert {(kind, name) for kind, _article, name in all_links()} == {
        ("person", "Volodymyr Zelenskiy"),
        ("place", "Kotovsk"),
        ("place", "Kyiv"),
        ("organisation", "Security Service of Ukraine"),
    }
    assert list(article.people.all()) == [zelenskiy]
    # The record linked Zelenskiy itself; auto-tagging made the other three.
    assert "Auto-tagging made 3 link(s) to known entities." in output


@pytest.mark.django_db
def test_auto_tag_links_carry_the_articles_visibility(sample_archive, sample_wire_file):
    run_import(sample_wire_file, auto_tag=True, status="published")

    (article,) = Article.objects.all()
    assert article.is_public
    assert links_out_of_step() == []
    assert {link.published_at for kind in ENTITY_KINDS.values() for link in kind.link_model.objects.all()} == {
        article.published_at
    }
    assert Place.objects.public().filter(name="Kotovsk").exists()

    run_import(sample_wire_file, auto_tag=True, status="draft")

    assert links_out_of_step() == []
    assert not Place.objects.public().filter(name="Kotovsk").exists()


@pytest.mark.django_db
def test_auto_tag_links_of_a_scheduled_json_lines_article_are_not_visible_yet(tmp_path):
    make_place("Kotovsk")
    later = (datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=2)).isoformat()
    path = write_jsonl(
        tmp_path / "scheduled.jsonl",
        {"headline": "Drones hit Kotovsk", "body": "Nobody was hurt.", "status": "published", "published_at": later},
    )

    run_import(path, auto_tag=True)

    assert link_count() == 1
    assert links_out_of_step() == []
    assert not Place.objects.public().exists()


@pytest.fixture
def article_to_suggest_for():
    kyiv = make_place("Kyiv", aliases=["Kiev"])
    make_organisation("Security Service of Ukraine", aliases=["SBU"])
    make_person("Volodymyr Zelenskiy")
    return article_saying(
        headline="Spotters caught in Kyiv",
        body="The SBU said Volodymyr Zelenskiy was told. Officials met Andriy Yermak in Kiev. "
        "Reporters said Andriy Yermak was tired.",
        places=[kyiv],
    )


@pytest.mark.django_db
@pytest.mark.parametrize("by", ["pk", "slug"])
def test_suggest_entities_prints_suggestions_and_new_candidates(article_to_suggest_for, by):
    article = article_to_suggest_for

    output = run_suggest_command(getattr(article, by))

    lines = output.splitlines()
    assert lines[0] == "Spotters caught in Kyiv"
    zelenskiy_at = article.body.index("Volodymyr Zelenskiy")
    kiev_at = article.body.index("Kiev")
    zelenskiy_where = f"body {zelenskiy_at}-{zelenskiy_at + 19} “Volodymyr Zelenskiy”"
    assert f"person        Volodymyr Zelenskiy [suggested] — {zelenskiy_where} (name)" in lines
    kyiv_where = f"headline 19-23 “Kyiv” (name); body {kiev_at}-{kiev_at + 4} “Kiev” (alias)"
    assert f"place         Kyiv [linked] — {kyiv_where}" in lines
    assert "organisation  Security Service of Ukraine [suggested] — body 4-7 “SBU” (alias)" in lines
    assert "Names the archive does not know yet:" in lines
    assert "  Andriy Yermak (2×)" in lines


@pytest.mark.django_db
def test_suggest_entities_says_when_the_text_names_no_known_entity():
    make_place("Kyiv")
    article = article_saying("Officials met Andriy Yermak on Friday.")

    output = run_suggest_command(article.pk)

    assert "The text names no entity the archive knows." in output
    assert "  Andriy Yermak (1×)" in output


@pytest.mark.django_db
def test_suggest_entities_in_an_archive_that_knows_no_entity_yet():
    article = article_saying("Officials met Andriy Yermak on Friday.")

    output = run_suggest_command(article.pk)

    assert "The text names no entity the archive knows." in output
    assert "  Andriy Yermak (1×)" in output


@pytest.mark.django_db
@pytest.mark.parametrize("unknown", ["999999", "no-such-article", "99999999999999999999999"])
def test_suggest_entities_refuses_an_unknown_article_with_a_clear_message(unknown):
    make_place("Kyiv")
    article_saying("Sirens in Kyiv.")

    with pytest.raises(CommandError, match=f"^No article with the id or slug “{unknown}”.$"):
        run_suggest_command(unknown)


@pytest.mark.django_db
def test_suggest_entities_finds_an_article_whose_slug_is_all_digits():
    make_place("Kyiv")
    article_saying("Sirens in Kyiv.", slug="2024")

    assert "Kyiv [suggested]" in run_suggest_command("2024")

"""Entity suggestions: the known entities an article's text names, and the names it uses that are new.

Everything goes through the public surface: suggest() and new_candidates(), the
process-wide matcher(), `import_articles --auto-tag` and the links it leaves,
`suggest_entities`, and the article change page in the admin (over HTTP and in
the system Chromium). The last tests measure quality and speed on generated archives.
"""

import datetime
import html
import io
import itertools
import json
import random
import re
import time

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from playwright.sync_api import expect

from archive.editorial.tagging import matcher, new_candidates, suggest
from archive.lib.text import name_key, slug_base
from archive.models import ENTITY_KINDS, Alias, ArchiveState, Article, Organisation, Person, Place
from archive.tools.benchmarks.public import suggestion_quality
from tests.helpers.builders import (
    links_out_of_step,
    make_article,
    make_organisation,
    make_person,
    make_place,
    with_aliases,
)

PASSWORD = "a-long-test-password"
# The browser tests commit, so each ends by emptying the tables. On PostgreSQL the full-text
# table (archive_search, made by a migration, not a model) refers to articles, and only a
# TRUNCATE ... CASCADE can empty them: Django cascades when a test names its available apps.
BROWSER_DB = pytest.mark.django_db(transaction=True, available_apps=[app.name for app in apps.get_app_configs()])


# ---------------------------------------------------------------- helpers


def article_saying(body="", *, headline="Report from the front line", standfirst="", **fields):
    """A saved, published article whose text is exactly this."""
    return make_article(headline=headline, standfirst=standfirst, body=body, **fields)


def named(article):
    """{(kind key, entity name)} of the suggestions for the article."""
    return {(suggestion.kind.key, suggestion.name) for suggestion in suggest(article)}


def suggestion_for(article, name):
    found = [suggestion for suggestion in suggest(article) if suggestion.name == name]
    assert len(found) == 1, f"{name} is not suggested; the suggestions are {named(article)}"
    return found[0]


def candidates(article):
    return [(candidate.name, candidate.count) for candidate in new_candidates(article)]


def candidate_names(article):
    return {candidate.name for candidate in new_candidates(article)}


def all_links():
    """{(kind key, article id, entity name)} for every entity link in the archive."""
    return {
        (kind.key, link.content_object_id, link.tag.name)
        for kind in ENTITY_KINDS.values()
        for link in kind.link_model.objects.select_related("tag")
    }


def link_count():
    return sum(kind.link_model.objects.count() for kind in ENTITY_KINDS.values())


def run_import(*paths, **options):
    out = io.StringIO()
    call_command("import_articles", *map(str, paths), stdout=out, stderr=io.StringIO(), **options)
    return out.getvalue()


def run_suggest_command(article):
    out = io.StringIO()
    call_command("suggest_entities", str(article), stdout=out, stderr=io.StringIO())
    return out.getvalue()


def write_jsonl(path, *records):
    path.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")
    return path


# ---------------------------------------------------------------- the archive the sample wire file names

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


# ================================================================ 1. matching rules


@pytest.mark.django_db
@pytest.mark.parametrize("written", ["Kyiv", "KYIV", "kyiv"])
def test_a_name_is_found_whatever_its_case(written):
    make_place("Kyiv")
    article = article_saying(f"Air defences over {written} were busy all night.")

    suggestion = suggestion_for(article, "Kyiv")

    assert [occurrence.text for occurrence in suggestion.occurrences] == [written]


@pytest.mark.django_db
@pytest.mark.parametrize("written", ["Zaporizhzhia", "ZAPORIZHZHIA", "zaporizhzhia"])
def test_a_long_name_is_found_whatever_its_case(written):
    make_place("Zaporizhzhia")
    article = article_saying(f"Shelling hit {written} overnight.")

    assert [occurrence.text for occurrence in suggestion_for(article, "Zaporizhzhia").occurrences] == [written]


@pytest.mark.django_db
def test_diacritics_in_the_text_do_not_hide_a_plain_name():
    make_place("Zaporizzia")
    article = article_saying("Shelling hit Zaporižžia overnight.")

    (occurrence,) = suggestion_for(article, "Zaporizzia").occurrences
    assert occurrence.text == "Zaporižžia"


@pytest.mark.django_db
def test_a_name_with_diacritics_is_found_in_plain_text():
    make_place("Zaporižžia")
    make_person("Lech Wałęsa")
    article = article_saying("Lech Walesa spoke of Zaporizzia.")

    assert named(article) == {("person", "Lech Wałęsa"), ("place", "Zaporižžia")}


@pytest.mark.django_db
@pytest.mark.parametrize("apostrophe", ["'", "’"])
def test_a_possessive_names_the_entity_and_points_at_the_name_only(apostrophe):
    make_person("Volodymyr Zelenskiy")
    body = f"Volodymyr Zelenskiy{apostrophe}s office said it would respond."
    article = article_saying(body)

    (occurrence,) = suggestion_for(article, "Volodymyr Zelenskiy").occurrences
    assert (occurrence.field, occurrence.start, occurrence.end, occurrence.text) == (
        "body",
        0,
        len("Volodymyr Zelenskiy"),
        "Volodymyr Zelenskiy",
    )


@pytest.mark.django_db
def test_kursk_region_names_kursk_when_only_kursk_is_known():
    make_place("Kursk")
    article = article_saying("Fighting went on in the Kursk region.")

    assert named(article) == {("place", "Kursk")}
    assert [occurrence.text for occurrence in suggestion_for(article, "Kursk").occurrences] == ["Kursk"]


@pytest.mark.django_db
def test_the_longest_known_name_wins():
    make_place("Kursk", kind=Place.Kind.CITY)
    make_place("Kursk region", kind=Place.Kind.REGION)
    article = article_saying("Fighting went on in the Kursk region.")

    assert named(article) == {("place", "Kursk region")}
    assert [occurrence.text for occurrence in suggestion_for(article, "Kursk region").occurrences] == ["Kursk region"]


@pytest.mark.django_db
def test_both_are_found_when_the_text_names_both():
    make_place("Kursk", kind=Place.Kind.CITY)
    make_place("Kursk region", kind=Place.Kind.REGION)
    article = article_saying("Drones hit Kursk, the capital of the Kursk region.")

    assert named(article) == {("place", "Kursk"), ("place", "Kursk region")}


@pytest.mark.django_db
def test_north_korea_is_not_korea():
    make_place("Korea")
    make_place("North Korea")
    article = article_saying("Troops from North Korea arrived.")

    assert named(article) == {("place", "North Korea")}


@pytest.mark.django_db
def test_a_match_does_not_run_across_a_comma():
    """The words of a name are next to each other: "Kursk, region officials" names Kursk, not Kursk region."""
    make_place("Kursk", kind=Place.Kind.CITY)
    make_place("Kursk region", kind=Place.Kind.REGION)
    article = article_saying("Drones were shot down over Kursk, region officials said.")

    assert named(article) == {("place", "Kursk")}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body",
    [
        "The Kyivska oblast administration said nothing.",
        "Kyivan officials said nothing.",
        "Ukrainian officials said nothing.",
        "The Ukrainians said nothing.",
    ],
)
def test_names_end_on_word_boundaries(body):
    make_place("Kyiv")
    make_place("Ukraine")

    assert named(article_saying(body)) == set()


@pytest.mark.django_db
def test_an_alias_names_its_entity():
    make_place("Kyiv", aliases=["Kiev"])
    make_organisation("Security Service of Ukraine", aliases=["SBU"])
    article = article_saying("The SBU said the man had been detained in Kiev.")

    assert named(article) == {("place", "Kyiv"), ("organisation", "Security Service of Ukraine")}
    assert suggestion_for(article, "Kyiv").spellings == ["Kiev"]
    assert suggestion_for(article, "Security Service of Ukraine").spellings == ["SBU"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body, expected",
    [
        ("The SBU detained him.", "Security Service of Ukraine"),
        ("Officers of the sbu detained him.", None),
        ("The UN said aid was blocked.", "United Nations"),
        ("Aid was blocked, un officials said.", None),
        ("The US said aid was blocked.", "United States"),
        ("Officials told us aid was blocked.", None),
    ],
)
def test_a_short_alias_counts_only_as_written(body, expected):
    make_organisation("Security Service of Ukraine", aliases=["SBU"])
    make_organisation("United Nations", aliases=["UN"])
    make_place("United States", aliases=["US"], kind=Place.Kind.COUNTRY)

    found = {name for _kind, name in named(article_saying(body))}

    assert found == ({expected} if expected else set())


@pytest.mark.django_db
def test_a_spelling_shared_by_two_entities_suggests_neither():
    make_person("Georgia")
    make_place("Georgia", kind=Place.Kind.COUNTRY)
    make_place("Kyiv")
    article = article_saying("Georgia said it would send aid to Kyiv.")

    assert named(article) == {("place", "Kyiv")}


@pytest.mark.django_db
def test_an_alias_shared_by_two_entities_suggests_neither():
    make_person("Mykhailo Fedorov", aliases=["Fedorov"])
    make_place("Fedorov", kind=Place.Kind.VILLAGE)
    article = article_saying("Fedorov said the plan was ready. Mykhailo Fedorov agreed.")

    assert named(article) == {("person", "Mykhailo Fedorov")}
    assert suggestion_for(article, "Mykhailo Fedorov").spellings == ["Mykhailo Fedorov"]


@pytest.mark.django_db
def test_each_suggestion_says_where_it_matched_and_the_offsets_point_at_that_text():
    make_place("Kyiv", aliases=["Kiev"])
    make_organisation("Security Service of Ukraine", aliases=["SBU"])
    make_person("Volodymyr Zelenskiy")
    article = article_saying(
        headline="Strike on Kyiv",
        standfirst="The SBU says it caught the spotters.",
        body="Volodymyr Zelenskiy’s office said the Security Service of Ukraine acted fast.\n\n"
        "In Kiev, residents slept in the metro.",
    )

    where = {}
    for suggestion in suggest(article):
        for occurrence in suggestion.occurrences:
            assert getattr(article, occurrence.field)[occurrence.start : occurrence.end] == occurrence.text
            where.setdefault(suggestion.name, []).append((occurrence.field, occurrence.text))

    assert where == {
        "Kyiv": [("headline", "Kyiv"), ("body", "Kiev")],
        "Security Service of Ukraine": [("standfirst", "SBU"), ("body", "Security Service of Ukraine")],
        "Volodymyr Zelenskiy": [("body", "Volodymyr Zelenskiy")],
    }
    assert suggestion_for(article, "Kyiv").fields == ["headline", "body"]


@pytest.mark.django_db
def test_suggestions_come_by_kind_then_name_and_linked_ones_are_marked():
    kyiv = make_place("Kyiv")
    make_place("Bucha")
    make_person("Andriy Sybiha")
    make_organisation("Security Service of Ukraine", aliases=["SBU"])
    article = article_saying("The SBU, Andriy Sybiha, Kyiv and Bucha.", places=[kyiv])

    assert [(s.kind.key, s.name, s.linked) for s in suggest(article)] == [
        ("person", "Andriy Sybiha", False),
        ("place", "Bucha", False),
        ("place", "Kyiv", True),
        ("organisation", "Security Service of Ukraine", False),
    ]


# ================================================================ 2. new candidates


@pytest.fixture
def lviv():
    """A known entity the texts below do not name: the rules are tested in an archive that knows something."""
    return make_place("Lviv")


@pytest.mark.django_db
def test_new_candidates_are_capitalised_unknown_names_most_frequent_first():
    make_place("Kyiv")
    article = article_saying(
        "Officials met Maria Zakharova in Kyiv. Talks with Maria Zakharova went on; Sergei Lavrov was absent. "
        "Reporters asked Maria Zakharova about Sergei Lavrov, then asked Denys Shmyhal. Why, asked Maria Zakharova."
    )

    assert candidates(article) == [("Maria Zakharova", 4), ("Sergei Lavrov", 2), ("Denys Shmyhal", 1)]
    (first, *_others) = new_candidates(article)
    for occurrence in first.occurrences:
        assert article.body[occurrence.start : occurrence.end] == occurrence.text == "Maria Zakharova"


@pytest.mark.django_db
def test_two_names_joined_by_and_are_two_candidates(lviv):
    article = article_saying(
        "Talks between Maria Zakharova and Sergei Lavrov went on. Officials met Sergei Lavrov later."
    )

    assert candidates(article) == [("Sergei Lavrov", 2), ("Maria Zakharova", 1)]


@pytest.mark.django_db
def test_an_unknown_name_joined_by_and_to_a_known_one_is_still_a_candidate():
    make_place("Kyiv")
    article = article_saying("Drones hit Kotovsk and Kyiv overnight.")

    assert named(article) == {("place", "Kyiv")}
    assert candidates(article) == [("Kotovsk", 1)]


@pytest.mark.django_db
def test_a_surname_alone_after_the_full_name_counts_for_the_full_name(lviv):
    article = article_saying(
        "Officials met Andriy Yermak on Friday. Reporters said Yermak looked tired, and aides of Yermak agreed."
    )

    assert candidates(article) == [("Andriy Yermak", 3)]


@pytest.mark.django_db
def test_sentence_openers_weekdays_and_months_are_not_candidates():
    make_place("Kyiv")
    article = article_saying(
        "Drones flew over Kyiv on Monday. Residents slept in the metro. In March the attacks grew. "
        "Talks resume on Tuesday, January or February at the latest. Nobody knows."
    )

    assert candidates(article) == []


@pytest.mark.django_db
def test_ukrainian_is_not_a_candidate_when_ukraine_is_known(lviv):
    text = "Troops of the Ukrainian army met North Koreans near the border."
    assert "Ukrainian" in candidate_names(article_saying(text))  # unknown so far

    make_place("Ukraine", kind=Place.Kind.COUNTRY)
    make_place("North Korea", kind=Place.Kind.COUNTRY)

    assert candidates(article_saying(text)) == []


@pytest.mark.django_db
def test_adjectives_of_known_places_joined_by_and_are_not_a_candidate():
    make_place("Ukraine", kind=Place.Kind.COUNTRY)
    make_place("Russia", kind=Place.Kind.COUNTRY)
    article = article_saying("The war between the Ukrainian and Russian armies went on.")

    assert candidates(article) == []


@pytest.mark.django_db
def test_a_known_name_is_not_a_candidate():
    make_place("Kotovsk")
    make_person("Ivan Fedorov")
    article = article_saying("Drones hit Kotovsk, said Ivan Fedorov. Later Kotovsk was quiet.")

    assert candidates(article) == []


@pytest.mark.django_db
def test_a_name_inside_a_known_name_is_not_a_candidate():
    make_person("Volodymyr Zelenskiy")
    article = article_saying(
        "President Volodymyr Zelenskiy spoke on Sunday. According to Zelenskiy, the soldiers were wounded."
    )

    assert named(article) == {("person", "Volodymyr Zelenskiy")}
    assert candidates(article) == []


@pytest.mark.django_db
def test_a_title_case_headline_gives_no_candidates(lviv):
    article = article_saying(
        headline="Ukraine Captures North Korean Soldiers Amid Ongoing Conflict",
        body="The soldiers were wounded.",
    )

    assert candidates(article) == []


@pytest.mark.django_db
def test_a_sentence_case_headline_gives_candidates(lviv):
    article = article_saying(headline="Drone hits Kotovsk as Ivan Fedorov reports", body="The town was quiet.")

    assert candidate_names(article) == {"Kotovsk", "Ivan Fedorov"}


@pytest.mark.django_db
def test_new_candidates_in_an_archive_that_knows_no_entity_yet():
    assert not any(kind.model.objects.exists() for kind in ENTITY_KINDS.values())
    article = article_saying("Officials met Andriy Yermak in Kotovsk on Friday.")

    assert suggest(article) == []
    assert candidate_names(article) == {"Andriy Yermak", "Kotovsk"}


# ================================================================ 3. the matcher follows the entities


@pytest.mark.django_db
def test_adding_an_alias_refreshes_the_matcher():
    kyiv = make_place("Kyiv")
    article = article_saying("Sirens sounded in Kiev.")
    assert named(article) == set()

    with_aliases(kyiv, "Kiev")

    assert named(article) == {("place", "Kyiv")}


@pytest.mark.django_db
def test_creating_an_entity_refreshes_the_matcher():
    make_place("Kyiv")
    article = article_saying("Drones hit Kotovsk overnight. Sirens sounded in Kyiv.")
    assert named(article) == {("place", "Kyiv")}
    assert "Kotovsk" in candidate_names(article)

    make_place("Kotovsk", kind=Place.Kind.TOWN)

    assert named(article) == {("place", "Kyiv"), ("place", "Kotovsk")}
    assert "Kotovsk" not in candidate_names(article)


@pytest.mark.django_db
def test_renaming_an_entity_refreshes_the_matcher():
    place = make_place("Kiev")
    new_spelling = article_saying("Sirens sounded in Kyiv.")
    old_spelling = article_saying("Sirens sounded in Kiev.")
    assert (named(new_spelling), named(old_spelling)) == (set(), {("place", "Kiev")})

    place.name = "Kyiv"
    place.save()

    assert (named(new_spelling), named(old_spelling)) == ({("place", "Kyiv")}, set())


@pytest.mark.django_db
def test_deleting_an_entity_refreshes_the_matcher():
    place = make_place("Kotovsk")
    article = article_saying("Drones hit Kotovsk.")
    assert named(article) == {("place", "Kotovsk")}

    place.delete()

    assert named(article) == set()


@pytest.mark.django_db
def test_deleting_an_alias_refreshes_the_matcher():
    kyiv = make_place("Kyiv", aliases=["Kiev"])
    article = article_saying("Sirens sounded in Kiev.")
    assert named(article) == {("place", "Kyiv")}

    kyiv.aliases.get(name="Kiev").delete()

    assert named(article) == set()


@pytest.mark.django_db
def test_deleting_entities_with_the_admin_action_refreshes_the_matcher(editor_client):
    place = make_place("Kotovsk")
    article = article_saying("Drones hit Kotovsk.")
    assert named(article) == {("place", "Kotovsk")}

    response = editor_client.post(
        reverse("admin:archive_place_changelist"),
        {"action": "delete_selected", "_selected_action": [place.pk], "post": "yes"},
    )

    assert response.status_code == 302
    assert not Place.objects.exists()
    assert named(article) == set()


@pytest.mark.django_db
def test_reimporting_an_entity_without_an_alias_refreshes_the_matcher(tmp_path):
    record = {"type": "entity", "entity_kind": "place", "entity": {"name": "Kyiv", "slug": "kyiv", "kind": "city"}}
    run_import(write_jsonl(tmp_path / "with.jsonl", {**record, "entity": {**record["entity"], "aliases": ["Kiev"]}}))
    article = article_saying("Sirens sounded in Kiev.")
    assert named(article) == {("place", "Kyiv")}

    run_import(write_jsonl(tmp_path / "without.jsonl", {**record, "entity": {**record["entity"], "aliases": []}}))

    assert not Alias.objects.exists()
    assert named(article) == set()


@pytest.mark.django_db
def test_the_matcher_is_not_rebuilt_when_nothing_about_entities_changed():
    kyiv = make_place("Kyiv")
    first = matcher()

    assert matcher() is first
    article = article_saying("Sirens sounded in Kyiv.")  # the archive changed, its entities did not
    article.places.add(kyiv)
    article.headline = "Sirens in Kyiv"
    article.save()
    assert matcher() is first
    assert named(article) == {("place", "Kyiv")}
    assert matcher() is first

    with_aliases(kyiv, "Kiev")
    second = matcher()
    assert second is not first
    assert matcher() is second


# ================================================================ 4. import_articles --auto-tag


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


# ================================================================ 5. suggest_entities


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
    assert f"person        Volodymyr Zelenskiy [suggested] — {zelenskiy_where}" in lines
    assert f"place         Kyiv [linked] — headline 19-23 “Kyiv”; body {kiev_at}-{kiev_at + 4} “Kiev”" in lines
    assert "organisation  Security Service of Ukraine [suggested] — body 4-7 “SBU”" in lines
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


# ================================================================ 6. admin


def change_page(client, article):
    response = client.get(reverse("admin:archive_article_change", args=[article.pk]))
    assert response.status_code == 200
    return response.content.decode()


def suggestion_block(page):
    match = re.search(r'<div class="entity-suggestions">.*?\n</div>', page, re.DOTALL)
    assert match, "no entity suggestions on the page"
    return match.group(0)


def suggestion_items(block):
    return re.findall(r'<li class="entity-suggestion[^"]*">.*?</li>', block, re.DOTALL)


@pytest.fixture
def admin_article():
    kyiv = make_place("Kyiv", aliases=["Kiev"])
    make_place("Kotovsk", kind=Place.Kind.TOWN)
    make_organisation("Security Service of Ukraine", aliases=["SBU"])
    make_person("Volodymyr Zelenskiy")
    return article_saying(
        headline="Spotters caught in Kyiv",
        body="The SBU told Volodymyr Zelenskiy that drones hit Kotovsk. Officials met Andriy Yermak in Kiev. "
        "Reporters said Andriy Yermak was tired.",
        places=[kyiv],
    )


@pytest.mark.django_db
def test_change_page_shows_suggestions_by_kind_with_add_buttons(editor_client, admin_article):
    block = suggestion_block(change_page(editor_client, admin_article))

    items = suggestion_items(block)
    shown = [
        (re.search(r'__kind">([^<]*)<', item).group(1), re.search(r"<strong>([^<]*)</strong>", item).group(1))
        for item in items
        if "data-create-entity" not in item
    ]
    assert shown == [
        ("person", "Volodymyr Zelenskiy"),
        ("place", "Kotovsk"),
        ("place", "Kyiv"),
        ("organisation", "Security Service of Ukraine"),
    ]
    for name, field, entity in [
        ("Volodymyr Zelenskiy", "people", Person.objects.get(name="Volodymyr Zelenskiy")),
        ("Kotovsk", "places", Place.objects.get(name="Kotovsk")),
        ("Security Service of Ukraine", "organisations", Organisation.objects.get()),
    ]:
        (item,) = [item for item in items if f"<strong>{name}</strong>" in item]
        button = re.search(r"<button [^>]*data-add-entity[^>]*>Add</button>", item)
        assert button, item
        assert f'data-field="{field}"' in button.group(0)
        assert f'data-entity="{entity.pk}"' in button.group(0)
        assert f'data-label="{name}"' in button.group(0)
        assert "entity-suggestion--linked" not in item
    assert "data-add-all-entities" in block


@pytest.mark.django_db
def test_change_page_marks_already_linked_suggestions(editor_client, admin_article):
    items = suggestion_items(suggestion_block(change_page(editor_client, admin_article)))

    (kyiv,) = [item for item in items if "<strong>Kyiv</strong>" in item]
    assert 'class="entity-suggestion entity-suggestion--linked"' in kyiv
    assert '<span class="entity-suggestion__done">linked</span>' in kyiv
    assert "data-add-entity" not in kyiv
    assert "as “Kiev”, “Kyiv” in headline, body" in kyiv


@pytest.mark.django_db
def test_change_page_offers_to_create_new_candidates_with_the_name_prefilled(editor_client, admin_article):
    block = suggestion_block(change_page(editor_client, admin_article))
    (item,) = [item for item in suggestion_items(block) if "<strong>Andriy Yermak</strong>" in item]
    assert "2 times" in item

    links = dict(
        (kind, html.unescape(href))
        for kind, href in re.findall(r'<a class="button" data-create-entity data-field="(\w+)" href="([^"]*)"', item)
    )
    assert set(links) == {"people", "places", "organisations"}
    for field, kind in [("people", "person"), ("places", "place"), ("organisations", "organisation")]:
        assert links[field] == f"{reverse(f'admin:archive_{kind}_add')}?_to_field=id&_popup=1&name=Andriy%20Yermak"
        form = editor_client.get(links[field])
        assert form.status_code == 200
        assert re.search(
            r'<input type="text" name="name" value="Andriy Yermak"[^>]*id="id_name"', form.content.decode()
        )


@pytest.mark.django_db
def test_a_candidate_with_letters_beyond_ascii_is_prefilled_as_written(editor_client):
    make_place("Kyiv")
    article = article_saying("Officials in Kyiv met Đorđe Ćirić on Friday.")
    block = suggestion_block(change_page(editor_client, article))

    (href,) = re.findall(r'data-field="people" href="([^"]*name=%C4%90or%C4%91e[^"]*)"', block)
    form = editor_client.get(html.unescape(href)).content.decode()
    assert 'name="name" value="Đorđe Ćirić"' in form


@pytest.mark.django_db
def test_add_page_says_to_save_first(editor_client):
    make_place("Kyiv")

    page = editor_client.get(reverse("admin:archive_article_add")).content.decode()

    assert "Save the article to see the entities its text names." in page
    assert "entity-suggestions" not in page


@pytest.mark.django_db
def test_change_page_says_when_the_text_names_no_known_entity(editor_client):
    make_place("Kyiv")
    article = article_saying("Officials met Andriy Yermak on Friday.")

    block = suggestion_block(change_page(editor_client, article))

    assert "The text names no entity the archive knows." in block
    assert "data-add-all-entities" not in block
    assert "<strong>Andriy Yermak</strong>" in block


@pytest.mark.django_db
def test_change_page_opens_when_the_archive_knows_no_entity_yet(editor_client):
    article = article_saying("Officials met Andriy Yermak in Kotovsk on Friday.")

    block = suggestion_block(change_page(editor_client, article))

    assert "The text names no entity the archive knows." in block
    assert "<strong>Andriy Yermak</strong>" in block


# ---------------------------------------------------------------- in the browser


@pytest.fixture
def browser_archive(django_user_model):
    """A superuser, four known entities and an article naming three of them (live_server reads committed data)."""
    django_user_model.objects.create_superuser("desk", "desk@example.com", PASSWORD)
    entities = {
        "kyiv": make_place("Kyiv", aliases=["Kiev"]),
        "sbu": make_organisation("Security Service of Ukraine", aliases=["SBU"], kind=Organisation.Kind.AGENCY),
        "zelenskiy": make_person("Volodymyr Zelenskiy", role="President of Ukraine"),
        "lviv": make_place("Lviv"),  # known, not named
    }
    article = article_saying(
        headline="Spotters caught in Kyiv",
        body="The SBU told Volodymyr Zelenskiy the spotters were caught.\n\nOfficials met Andriy Yermak in Kiev.",
    )
    return article, entities


@pytest.fixture
def admin_page(browser, live_server, browser_archive):
    article, _entities = browser_archive
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    change_url = reverse("admin:archive_article_change", args=[article.pk])
    page.goto(f"{reverse('admin:login')}?next={change_url}")
    page.fill("#id_username", "desk")
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("input[type=submit]")
    expect(page).to_have_url(re.compile(re.escape(change_url) + "$"))
    expect(page.locator(".entity-suggestions")).to_be_visible()
    yield page
    context.close()


def save_and_continue(page):
    with page.expect_navigation():
        page.click("input[name=_continue]")
    expect(page.locator(".messagelist .success")).to_be_visible()


def linked_names(article):
    article = Article.objects.get(pk=article.pk)
    return {(kind.key, entity.name) for kind, entities in article.entities_by_kind() for entity in entities}


@pytest.mark.browser
@BROWSER_DB
def test_add_puts_the_suggestion_in_its_picker_and_saving_links_it(admin_page, browser_archive):
    page = admin_page
    article, entities = browser_archive
    kyiv = entities["kyiv"]
    button = page.locator(f'button[data-add-entity][data-field="places"][data-entity="{kyiv.pk}"]')
    expect(button).to_have_attribute("data-label", "Kyiv")

    button.click()

    expect(button).to_have_text("Added")
    expect(button).to_be_disabled()
    option = page.locator(f'#id_places option[value="{kyiv.pk}"]')
    expect(option).to_have_count(1)
    expect(option).to_have_js_property("selected", True)
    expect(page.locator(".field-places .select2-selection__choice")).to_contain_text(["Kyiv"])
    # Nothing is saved before the editor saves.
    assert linked_names(article) == set()

    save_and_continue(page)

    assert linked_names(article) == {("place", "Kyiv")}
    kyiv_item = page.locator(".entity-suggestion", has_text="Kyiv").first
    expect(kyiv_item.locator(".entity-suggestion__done")).to_have_text("linked")
    expect(page.locator(f'button[data-add-entity][data-field="places"][data-entity="{kyiv.pk}"]')).to_have_count(0)


@pytest.mark.browser
@BROWSER_DB
def test_add_all_puts_every_suggestion_in_its_picker_and_saving_links_them(admin_page, browser_archive):
    page = admin_page
    article, entities = browser_archive

    page.click("button[data-add-all-entities]")

    for key, field in [("kyiv", "places"), ("sbu", "organisations"), ("zelenskiy", "people")]:
        option = page.locator(f'#id_{field} option[value="{entities[key].pk}"]')
        expect(option).to_have_js_property("selected", True)
    expect(page.locator("button[data-add-entity]:not(:disabled)")).to_have_count(0)
    expect(page.locator(f'#id_places option[value="{entities["lviv"].pk}"]')).to_have_count(0)

    save_and_continue(page)

    assert linked_names(article) == {
        ("person", "Volodymyr Zelenskiy"),
        ("place", "Kyiv"),
        ("organisation", "Security Service of Ukraine"),
    }
    expect(page.locator("button[data-add-entity]")).to_have_count(0)
    expect(page.locator(".entity-suggestion__done")).to_have_count(3)


# ================================================================ 7. quality on a generated archive


@pytest.mark.django_db
def test_suggestions_agree_with_the_links_of_a_generated_archive():
    call_command(
        "generate_demo",
        articles=400,
        seed=4,
        end_date=datetime.date(2025, 6, 30),
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    quality = suggestion_quality(Article.objects.all())

    assert quality.articles == 400 and quality.links > 1000
    assert quality.recall >= 0.95, quality.misses[:20]
    assert quality.wrong_share <= 0.05, quality.wrongs[:20]


# ================================================================ 8. speed


SYLLABLES = "ka lo vy ne sh ra mi to du be go ze chi pa lu ro sa vi te ko ma ny do bu li ha fe zo ry va".split()


def invented_names(count, seed):
    """`count` different two-word names: Kalovy Neshra, ..."""
    rng = random.Random(seed)
    words = ["".join(parts).capitalize() for parts in itertools.product(SYLLABLES, repeat=3)]
    rng.shuffle(words)
    names, seen = [], set()
    for first, second in zip(words, words[1:] + words[:1], strict=True):
        name = f"{first} {second}"
        if name_key(name) not in seen:
            seen.add(name_key(name))
            names.append(name)
        if len(names) == count:
            break
    return names


@pytest.mark.django_db
def test_building_the_matcher_for_20000_spellings_and_suggesting_for_a_long_article():
    names = invented_names(20_010, seed=7)
    names, unknown = names[:20_000], names[20_000:]
    places, aliases = names[:15_000], names[15_000:]
    Place.objects.bulk_create(
        (Place(name=name, name_key=name_key(name), slug=slug_base(name, 190), kind="village") for name in places),
        batch_size=1000,
    )
    owners = list(Place.objects.order_by("pk").values_list("pk", flat=True))
    content_type = ContentType.objects.get_for_model(Place)
    Alias.objects.bulk_create(
        (
            Alias(content_type=content_type, object_id=owner, name=alias, key=name_key(alias))
            for owner, alias in zip(owners, aliases, strict=False)
        ),
        batch_size=1000,
    )
    ArchiveState.touch(entities=True)

    started = time.perf_counter()
    built = matcher()
    build_seconds = time.perf_counter() - started
    assert built.size == 20_000

    rng = random.Random(3)
    filler = "officials said the strike hit a school near the river and power was cut for hours".split()
    named_here, unknown_here = rng.sample(names, 50), []
    words = []
    for sentence in itertools.count():
        if len(words) >= 1000:
            break
        words += rng.sample(filler, 12)
        words.append(named_here[sentence % 50] + ".")
        if sentence % 8 == 0:  # now and then a name the archive does not know
            unknown_here.append(unknown[sentence // 8 % len(unknown)])
            words += ["reported", "by", unknown_here[-1] + "."]
    body = " ".join(words)
    article = article_saying(body)
    assert 1000 <= len(body.split()) <= 1100

    started = time.perf_counter()
    suggestions = suggest(article)
    suggest_seconds = time.perf_counter() - started
    started = time.perf_counter()
    new = new_candidates(article)
    candidates_seconds = time.perf_counter() - started
    assert matcher() is built

    print(
        f"\nspeed: {built.size} spellings, matcher built in {build_seconds:.3f}s; "
        f"{len(body.split())}-word article: suggest() {suggest_seconds * 1000:.1f} ms "
        f"({len(suggestions)} suggestions), new_candidates() {candidates_seconds * 1000:.1f} ms ({len(new)} candidates)"
    )
    assert {s.name for s in suggestions} == {
        Place.objects.get(aliases__name=name).name if name in aliases else name for name in named_here
    }
    assert {candidate.name for candidate in new} == set(unknown_here)
    assert build_seconds < 60
    assert suggest_seconds < 5
    assert candidates_seconds < 5

"""Entity suggestions: the known entities an article's text names, by what rules, and the names it uses that are new;
and how well suggestions agree with the links of a generated archive."""

import datetime
import io

import pytest
from django.core.management import call_command

from archive.editorial.tagging import new_candidates, suggest
from archive.models import ENTITY_KINDS, Article, Place
from archive.tools.benchmarks.public import suggestion_quality
from tests.helpers.builders import make_organisation, make_person, make_place
from tests.helpers.tagging import article_saying, candidate_names, named


def suggestion_for(article, name):
    found = [suggestion for suggestion in suggest(article) if suggestion.name == name]
    assert len(found) == 1, f"{name} is not suggested; the suggestions are {named(article)}"
    return found[0]


def candidates(article):
    return [(candidate.name, candidate.count) for candidate in new_candidates(article)]


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

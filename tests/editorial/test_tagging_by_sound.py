"""Suggestions find people and places as wire copy writes them: a surname after the full name, a
surname nobody else has, Cyrillic in Ukrainian or Russian spelling, another transliteration;
and each says how it matched, for the editor to judge."""

import pytest

from archive.editorial.tagging import new_candidates, suggest
from archive.models import Article
from tests.helpers.builders import make_person, make_place
from tests.helpers.imports import run_import, wire, write
from tests.helpers.tagging import article_saying, named

pytestmark = pytest.mark.django_db


def ways(article):
    """{entity name: [how it matched, strongest first]} of the article's suggestions."""
    return {suggestion.name: suggestion.ways for suggestion in suggest(article)}


def test_a_surname_nobody_else_has_names_the_person():
    make_person("Volodymyr Zelenskyy", aliases=["Volodymyr Zelensky"])
    article = article_saying("President Zelensky spoke to reporters in Kyiv.")

    assert ways(article) == {"Volodymyr Zelenskyy": ["surname"]}
    assert "Zelensky" not in {candidate.name for candidate in new_candidates(article)}


def test_a_shared_surname_counts_only_after_the_full_name():
    make_person("Ivan Fedorov")
    make_person("Mykhailo Fedorov")

    assert named(article_saying("Fedorov said the drones were ready.")) == set()
    article = article_saying("Mykhailo Fedorov opened the fair. Later Fedorov said the drones were ready.")
    (suggestion,) = suggest(article)
    assert suggestion.name == "Mykhailo Fedorov"
    assert [(occurrence.text, occurrence.how) for occurrence in suggestion.occurrences] == [
        ("Mykhailo Fedorov", "name"),
        ("Fedorov", "surname"),
    ]


def test_a_surname_written_in_lower_case_is_a_word_not_a_name():
    make_person("Olena Moroz")

    assert named(article_saying("A hard moroz set in overnight.")) == set()


@pytest.mark.parametrize(
    "text",
    [
        "Володимир Зеленський виступив у Раді.",  # Ukrainian
        "Владимир Зеленский выступил в Раде.",  # Russian: и and е read otherwise
        "Volodymyr Zelenskyi addressed parliament.",
        "Volodymyr Zelenskiy addressed parliament.",
    ],
)
def test_another_script_or_transliteration_names_the_person(text):
    make_person("Volodymyr Zelenskyy")

    assert "Volodymyr Zelenskyy" in ways(article_saying(text))


def test_a_place_is_suggested_from_its_ukrainian_and_russian_names():
    make_place("Kharkiv", aliases=["Kharkov"])

    # "Харків" as written is a transliteration; "Харкова" is another case of it.
    assert ways(article_saying("Обстріл Харкова тривав усю ніч. У Харків прибули рятувальники.")) == {
        "Kharkiv": ["transliteration", "inflection"]
    }
    assert ways(article_saying("В Харьков прибыли спасатели.")) == {"Kharkiv": ["transliteration"]}


def test_auto_tag_links_a_wire_file_that_uses_only_the_surname(tmp_path):
    person = make_person("Volodymyr Zelenskyy")
    path = write(tmp_path / "wire.txt", wire("Zelensky meets allies", ["President Zelensky met allies in Brussels."]))

    run_import(path, auto_tag=True)

    article = Article.objects.get()
    assert list(article.people.all()) == [person]


def test_an_inflected_surname_or_place_is_suggested_and_says_so():
    make_person("Andrii Sybiha")
    make_place("Kharkiv")

    assert ways(article_saying("Президент зустрівся з міністром Сибігою у Харкові.")) == {
        "Andrii Sybiha": ["inflection"],
        "Kharkiv": ["inflection"],
    }


def test_an_inflected_surname_shared_by_namesakes_suggests_neither():
    make_person("Ivan Fedorov")
    make_person("Mykhailo Fedorov")

    assert named(article_saying("Зустріч із Федоровим перенесли.")) == set()


def test_auto_tag_links_a_ukrainian_wire_file_by_inflected_names(tmp_path):
    person = make_person("Andrii Sybiha")
    place = make_place("Zaporizhzhia")
    text = wire("Переговори в Запоріжжі", ["У Запоріжжі з міністром Сибігою говорили про енергетику."])
    path = write(tmp_path / "wire.txt", text)

    run_import(path, auto_tag=True)

    article = Article.objects.get()
    assert list(article.people.all()) == [person]
    assert list(article.places.all()) == [place]


def test_a_word_in_lower_case_is_not_a_name_alike_in_sound():
    make_place("Lynne")

    assert named(article_saying("The front line moved east.")) == set()
    assert named(article_saying("Residents of Lyne were evacuated.")) == {("place", "Lynne")}

"""Ukrainian and Russian text found in any case: an inflected form finds its word and the word
finds its forms, on both databases, through every way articles are written."""

import pytest

from archive.models import Article
from tests.helpers.builders import make_article, make_person
from tests.helpers.imports import run_import, wire, write
from tests.helpers.search import found_set, get_page, matched_block, snippets

pytestmark = pytest.mark.django_db


@pytest.fixture
def ukrainian_reports():
    make_article(headline="Зустріч у столиці", body="Президент зустрівся з міністром Сибігою у Харкові.")
    make_article(headline="Обстріл Харкова", body="Ракети влучили в житловий квартал.")
    make_article(headline="Звіт про врожай", body="Фермери зібрали зерно на Полтавщині.")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Сибіга", {"Зустріч у столиці"}),
        ("Харків", {"Зустріч у столиці", "Обстріл Харкова"}),
        ("харкові", {"Зустріч у столиці", "Обстріл Харкова"}),
        ("міністр", {"Зустріч у столиці"}),
        ("ракета", {"Обстріл Харкова"}),
    ],
)
def test_a_word_finds_its_inflected_forms(ukrainian_reports, query, expected):
    assert found_set(query) == expected


def test_a_phrase_is_matched_as_written(ukrainian_reports):
    assert found_set('"з міністром Сибігою"') == {"Зустріч у столиці"}
    assert found_set('"з міністр Сибіга"') == set()


def test_a_russian_text_is_found_by_its_base_forms_too():
    make_article(headline="Удар по Харькову", body="Ракеты попали в жилой квартал.")

    assert found_set("Харьков") == {"Удар по Харькову"}
    assert found_set("ракета") == {"Удар по Харькову"}


def test_the_inflected_form_is_marked_in_the_snippet(client, ukrainian_reports):
    page = get_page(client, q="Сибіга")

    assert "<mark>Сибігою</mark>" in snippets(page)[0]


def test_an_edit_changes_what_the_forms_find(ukrainian_reports):
    article = Article.objects.get(headline="Зустріч у столиці")
    article.body = "Президент зустрівся з прем'єром у Полтаві."
    article.save()

    assert found_set("Сибіга") == set()
    assert "Зустріч у столиці" in found_set("Полтава")


def test_an_imported_wire_file_is_found_by_base_forms(tmp_path):
    path = write(tmp_path / "wire.txt", wire("Обстріл Запоріжжя", ["Уночі ворог атакував Запоріжжя дронами."]))

    run_import(path, status="published")

    assert found_set("дрон") == {"Обстріл Запоріжжя"}


def test_an_inflected_surname_names_the_person(client):
    person = make_person("Andrii Sybiha", aliases=["Андрій Сибіга"])
    make_article(headline="Foreign minister in Brussels", body="Talks with allies.", people=[person])

    page = get_page(client, q="Сибігою")

    assert "Foreign minister in Brussels" in found_set("Сибігою")
    assert "Andrii Sybiha" in matched_block(page).text


def test_a_name_finds_articles_that_spell_it_otherwise_though_they_are_not_linked(client):
    make_person("Oleksandr Hordiienko")
    make_article(headline="Governor on the repairs", body="Oleksandr Hordiyenko said the work would take a month.")
    make_article(headline="Звернення голови", body="Голова області Олександр Гордієнко звернувся до мешканців.")
    make_article(headline="Unrelated", body="Horodenko opened a restaurant.")  # another name

    assert found_set("Hordiienko") == {"Governor on the repairs", "Звернення голови"}
    assert found_set("Hordienko") == {"Governor on the repairs", "Звернення голови"}
    page = get_page(client, q="Hordiienko")
    assert "<mark>Hordiyenko</mark>" in " ".join(snippets(page))


def test_a_name_in_ukrainian_finds_its_inflected_form_and_a_latin_spelling():
    make_article(headline="Report", body="Журналісти поговорили з Гордієнком після зустрічі.")
    make_article(headline="Another report", body="Hordienko visited the plant.")

    assert found_set("Гордієнко") == {"Report", "Another report"}


def test_a_common_word_is_not_widened_past_what_it_says():
    make_article(headline="Grain exports", body="Farmers said the harvest was late.")
    make_article(headline="Saidov appointed", body="A new envoy.")

    assert found_set("said") == {"Grain exports"}


def test_a_full_name_finds_an_unlinked_article_that_spells_it_otherwise_but_not_a_namesake():
    make_person("Serhii Pylypchuk")
    make_person("Vasyl Pylypchuk")
    make_article(headline="Harvest report", body="Serhii Pilipchuk said the harvest was late.")
    make_article(headline="Звіт", body="Сергій Пилипчук повідомив про затримку.")
    make_article(headline="Other", body="Vasyl Pilipchuk said nothing.")

    assert found_set("Serhii Pylypchuk") == {"Harvest report", "Звіт"}
    assert found_set("Vasyl Pylypchuk") == {"Other"}

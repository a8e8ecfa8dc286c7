"""Names typed as readers type them: a surname, another transliteration, Cyrillic in Ukrainian or
Russian spelling, a place without "region"; a surname several people share offers them as choices."""

import pytest

from archive.lib.names import sound_key, spelling_keys
from archive.models import NameKey
from archive.search.engine import SearchRequest, search
from tests.helpers.builders import make_article, make_draft, make_person, make_place
from tests.helpers.pages import Page
from tests.helpers.search import found_set, get_page, matched_block, suggestion_texts

pytestmark = pytest.mark.django_db


@pytest.fixture
def zelenskyy():
    person = make_person("Volodymyr Zelenskyy", aliases=["Volodymyr Zelensky", "Volodymyr Zelenskiy"])
    # Texts that spell him otherwise, or not at all: only the link says who it is about.
    make_article(headline="President addresses parliament", body="He spoke for an hour.", people=[person])
    make_article(headline="Zelensky meets allies", body="Talks in Brussels.", people=[person])
    make_article(headline="Unrelated news about grain", body="Ships left Odesa.")
    return person


@pytest.mark.parametrize(
    "query", ["Zelensky", "Zelenskyy", "Zelenskiy", "Zelenskyi", "zelenskyy", "Зеленський", "Зеленский", "ЗЕЛЕНСЬКИЙ"]
)
def test_any_spelling_of_a_surname_finds_the_persons_linked_coverage(zelenskyy, query):
    assert found_set(query) == {"President addresses parliament", "Zelensky meets allies"}


@pytest.mark.parametrize("query", ["Volodymyr Zelenskyi", "Володимир Зеленський", "VOLODYMYR ZELENSKY"])
def test_a_full_name_in_another_spelling_or_script_finds_the_person(zelenskyy, query):
    assert found_set(query) >= {"President addresses parliament"}


def test_the_page_says_whom_a_surname_was_taken_to_mean_and_does_not_suggest_him_again(client, zelenskyy):
    page = get_page(client, q="Зеленський")

    assert "Volodymyr Zelenskyy" in matched_block(page).text
    assert "Volodymyr Zelenskyy" not in suggestion_texts(page)


@pytest.mark.parametrize("query", ["Харків", "Харьков", "Kharkov", "Kharkiv"])
def test_a_place_is_found_by_its_ukrainian_and_russian_names(query):
    kharkiv = make_place("Kharkiv", aliases=["Kharkov"])
    make_article(headline="Shelling overnight", body="Windows were broken.", places=[kharkiv])

    assert found_set(query) == {"Shelling overnight"}


def test_a_place_is_found_by_its_name_without_the_word_region():
    region = make_place("Zaporizhzhia region", aliases=["Zaporozhye region", "Zaporizhzhya Oblast"])
    make_article(headline="Power cut to the plant", body="Cooling was kept running.", places=[region])

    assert found_set("Zaporozhye") == {"Power cut to the plant"}
    assert found_set("Запорожье") == {"Power cut to the plant"}


def test_a_surname_shared_by_people_covered_alike_offers_each_as_a_choice(client):
    ivan = make_person("Ivan Fedorov", description="Governor of Zaporizhzhia")
    mykhailo = make_person("Mykhailo Fedorov", description="Minister of digital transformation")
    make_article(headline="Governor visits front-line villages", body="He met volunteers.", people=[ivan])
    make_article(headline="New drone programme", body="The ministry announced it.", people=[mykhailo])
    make_article(headline="A second drone contract", body="Signed on Monday.", people=[mykhailo])

    page = Page(get_page(client, q="Fedorov drones"))

    choices = page.one("p.name-choices")
    assert [link.text for link in choices.select("a")] == ["Mykhailo Fedorov", "Ivan Fedorov"]
    assert [link.attrs["href"] for link in choices.select("a")] == [
        "?q=Mykhailo%20Fedorov%20drones",
        "?q=Ivan%20Fedorov%20drones",
    ]
    # Neither is assumed: the word is searched as a word.
    assert search(SearchRequest(query="Fedorov")).articles == []
    assert found_set("Mykhailo Fedorov") == {"New drone programme", "A second drone contract"}


def test_a_surname_stands_for_the_namesake_far_more_covered():
    zelenskyy = make_person("Volodymyr Zelenskyy")
    make_person("Olena Zelenskyy")  # no published coverage: nobody a reader could mean
    stranger = make_person("Ivan Zelenskyy")
    for number in range(5):
        make_article(headline=f"Address number {number}", body="To the nation.", people=[zelenskyy])
    make_article(headline="Local council meeting", body="Roads were discussed.", people=[stranger])

    assert found_set("Zelensky") == {f"Address number {number}" for number in range(5)}


def test_a_first_name_alone_names_nobody():
    make_article(headline="Speech in Kyiv", body="About the budget.", people=[make_person("Volodymyr Zelenskyy")])

    assert found_set("Volodymyr") == set()


def test_a_common_word_is_not_taken_for_a_part_of_a_name():
    region = make_place("Kherson region")
    make_article(headline="Evacuation continues", body="Buses left at dawn.", places=[region])

    assert found_set("region") == set()


def test_entities_named_only_in_drafts_are_not_recognised_for_readers():
    secret = make_person("Oleksandr Secretsurname")
    make_draft(headline="Draft about him", people=[secret])

    assert search(SearchRequest(query="Secretsurname")).matched_entities == []


def test_keys_follow_renames_aliases_and_deletion():
    person = make_person("Valerii Zaluzhnyi")
    assert NameKey.objects.filter(object_id=person.pk, key="zaluzhnyi", part=True).exists()

    person.name = "Valerii Zaluzhny"
    person.save()
    assert not NameKey.objects.filter(object_id=person.pk, key="zaluzhnyi").exists()
    alias = person.aliases.create(name="Залужний")
    assert NameKey.objects.filter(object_id=person.pk, key="zaluzhnyy", how="romanised").exists()

    alias.delete()
    assert not NameKey.objects.filter(object_id=person.pk, how="romanised").exists()
    person.delete()
    assert not NameKey.objects.filter(object_id=person.pk).exists()


def test_spellings_meet_under_one_sound_key():
    assert {sound_key(text) for text in ["zelensky", "zelenskiy", "zelenskyy", "zelenskyi"]} == {"zelenski"}
    assert spelling_keys("Київ")["kyyiv"] == "romanised"
    assert sound_key("kyiv") == sound_key("kyyiv")
    assert sound_key("100th brigade") != sound_key("10th brigade")


@pytest.mark.parametrize("polish_or_german", ["Szewczenko", "Schewtschenko"])
def test_polish_and_german_spellings_find_the_person(polish_or_german):
    person = make_person("Taras Shevchenko")
    make_article(headline="Poet honoured", body="Flowers were laid.", people=[person])

    assert found_set(polish_or_german) == {"Poet honoured"}


def test_a_polish_spelling_in_the_text_is_found_by_the_recorded_one():
    make_article(headline="Kharkiv under fire", body="Mer Charkowa Ihor Terechow mówił o ostrzale.")

    assert found_set("Terekhov") == {"Kharkiv under fire"}


def test_a_common_word_alike_in_sound_to_a_name_is_searched_as_a_word():
    from archive.models import SearchWord
    from archive.search.recognition import COMMON_WORD

    lynne = make_place("Lynne")
    make_article(headline="Shelling in Lynne", body="Houses burned.", places=[lynne])
    make_article(headline="The front line moved", body="Troops withdrew.")
    SearchWord.objects.create(word="line", articles=COMMON_WORD * 10)

    results = search(SearchRequest(query="line"))

    assert [article.headline for article in results.articles] == ["The front line moved"]
    assert results.matched_entities == []
    assert found_set("Lyne") == {"Shelling in Lynne"}  # a rare word still reads as the name

"""What a query matches: every word, phrases, OR and exclusions, any case or diacritics, other forms of a word,
and the entities a query names, by any of their spellings."""

import datetime

import pytest

from archive.models import Organisation, Place
from archive.search.engine import SearchRequest, search
from tests.helpers.builders import make_article, make_draft, make_organisation, make_person, make_place, make_scheduled
from tests.helpers.search import PERSON, PLACE, found, found_set, get_page, matched_block, shown_headlines

pytestmark = pytest.mark.django_db(transaction=False)


@pytest.fixture
def language_archive():
    make_article(headline="Air raid sirens in Kyiv", body="Residents sheltered in the metro.")
    make_article(headline="Kyiv metro reopens", body="Trains ran again after repairs.")
    make_article(headline="Sirens over Lviv", body="An air raid alert lasted an hour.")
    make_article(headline="Raid on an air base", body="Aircraft were damaged.")
    make_article(headline="Peace talks stall", body="Negotiators left Geneva.")


def test_every_word_must_match(language_archive):
    assert found_set("kyiv metro") == {"Air raid sirens in Kyiv", "Kyiv metro reopens"}
    assert found_set("kyiv metro trains") == {"Kyiv metro reopens"}
    assert found_set("kyiv geneva") == set()


def test_a_quoted_phrase_matches_the_words_together_in_that_order(language_archive):
    assert found_set("air raid") == {"Air raid sirens in Kyiv", "Sirens over Lviv", "Raid on an air base"}
    assert found_set('"air raid"') == {"Air raid sirens in Kyiv", "Sirens over Lviv"}
    assert found_set('"raid air"') == set()


@pytest.mark.parametrize(
    "query",
    [
        '"shells reported in Rostov-on-Don"',
        '"shells reported in Rostov on Don"',
        '"a well-known figure"',
        '"a well known figure"',
        "well-known",
    ],
)
def test_a_phrase_finds_hyphenated_words_whether_it_has_the_hyphens_or_not(query):
    hyphens = make_article(headline="A well-known figure says shells reported in Rostov-on-Don ran out")
    spaces = make_article(headline="A well known figure says shells reported in Rostov on Don ran out")

    assert set(search(SearchRequest(query=query)).articles) == {hyphens, spaces}


def test_or_matches_either_alternative(language_archive):
    assert found_set("lviv OR geneva") == {"Sirens over Lviv", "Peace talks stall"}
    assert found_set("sirens lviv OR metro") == {"Air raid sirens in Kyiv", "Sirens over Lviv"}


def test_excluded_words_and_phrases_leave_articles_out(language_archive):
    assert found_set("sirens -lviv") == {"Air raid sirens in Kyiv"}
    assert found_set('air -"air raid"') == {"Raid on an air base"}
    assert found_set('raid -"raid air"') == {"Air raid sirens in Kyiv", "Sirens over Lviv", "Raid on an air base"}


@pytest.mark.parametrize(
    "query, text",
    [
        ("ZAPORIŽŽIA", "Zaporizzia"),
        ("zaporizzia", "Zaporižžia"),
        ("Mykolaiv", "MYKOLAÏV"),
        ("mykolaïv", "Mykolaiv"),
        ("CAFÉ", "cafe"),
        ("cafe", "Café"),
    ],
)
def test_case_and_diacritics_do_not_matter(query, text):
    make_article(headline="Front line report", body=f"Shelling near {text} continued.")
    make_article(headline="Unrelated", body="Nothing here.")

    assert found(query=query) == ["Front line report"]


@pytest.mark.parametrize("word", ["Łódź", "Straße", "Ærø", "Україна", "Зеленський"])
def test_a_word_typed_exactly_as_written_finds_the_article_that_contains_it(word):
    # A reader copying a word from an article must find that article, whatever the script: the query
    # must be folded exactly as the index folds the text (not, say, ł→l or й→и on one side only).
    make_article(headline="Dispatch", body=f"The report mentions {word} twice: {word}.")

    assert found(query=word) == ["Dispatch"]


@pytest.mark.parametrize("query", ["strike", "strikes", "striking", "STRIKES"])
def test_english_stemming_matches_other_forms_of_a_word(query):
    make_article(headline="Overnight strikes hit Kharkiv", body="Several buildings burned.")
    make_article(headline="A strike hit Lviv", body="One building burned.")
    make_article(headline="Harvest begins", body="Farmers returned to the fields.")

    assert found_set(query) == {"Overnight strikes hit Kharkiv", "A strike hit Lviv"}


def test_an_alias_finds_articles_linked_to_the_entity_whatever_their_text_spells(zelenskiy):
    linked = make_article(headline="President visits troops", body="Zelenskyy met soldiers near the front.")
    linked.people.add(zelenskiy)
    unlinked = make_article(headline="Unlinked mention", body="Zelenskyy was mentioned in passing.")

    results = search(SearchRequest(query="Zelensky"))

    # The linked article is about him; the other only spells his name alike in sound.
    assert [a.pk for a in results.articles] == [linked.pk, unlinked.pk]
    assert results.matched_entities == [(PERSON, zelenskiy)]


def test_an_alias_search_ranks_a_headline_with_any_spelling_first_and_finds_unlinked_mentions():
    kyiv = make_place("Kyiv", aliases=["Kiev"])
    linked = make_article(headline="Power cuts continue", body="Repairs went on in Kyiv.", places=[kyiv])
    headline = make_article(headline="Kyiv residents count the cost", body="Residents counted damage.", places=[kyiv])
    unlinked = make_article(headline="Trains delayed", body="Trains to Kyiv ran late.")
    linked.published_at = headline.published_at + datetime.timedelta(hours=1)  # newer, yet no headline match
    linked.save()

    results = search(SearchRequest(query="kiev"))

    assert [a.pk for a in results.articles][0] == headline.pk
    assert {a.pk for a in results.articles} == {headline.pk, linked.pk, unlinked.pk}


def test_a_spelling_that_starts_with_a_common_word_still_finds_linked_articles():
    hague = make_place("The Hague", aliases=["Den Haag"])
    linked = make_article(headline="Court sits", body="Judges met.", places=[hague])

    assert [a.pk for a in search(SearchRequest(query="Den Haag")).articles] == [linked.pk]


def test_the_entity_named_in_a_search_is_shown_above_the_results_with_its_count_and_page(client, zelenskiy):
    for number in range(2):
        make_article(headline=f"Visit {number}", body="Text without the name.", people=[zelenskiy])
    make_draft(headline="Draft visit", people=[zelenskiy])

    page = get_page(client, q="zelensky")

    block = matched_block(page)
    assert "Named in your search" in block.text
    assert (zelenskiy.get_absolute_url(), "Volodymyr Zelenskiy") in block.links()
    assert "2 articles" in block.text  # the draft is not counted
    assert "President of Ukraine" in block.text
    assert page.index('<div class="matched">') < page.index('<ol class="results">')
    assert sorted(shown_headlines(page)) == ["Visit 0", "Visit 1"]


def test_a_multi_word_entity_name_is_recognised():
    north_korea = make_place("North Korea", kind=Place.Kind.COUNTRY)
    linked = make_article(headline="Missile launch reported", body="Pyongyang fired a missile.", places=[north_korea])
    make_article(headline="Korea trade figures", body="Exports rose in the south.")

    for query in ["North Korea", "north korea", '"NORTH KOREA"']:
        results = search(SearchRequest(query=query))
        assert [a.pk for a in results.articles] == [linked.pk], query
        assert results.matched_entities == [(PLACE, north_korea)], query


def test_a_multi_word_entity_name_with_a_common_word_in_it_is_recognised():
    # "of" is dropped from the query as a stop word, so the run of words the engine looks up becomes
    # "security service ukraine", which is no entity's name: the entity is only recognised in quotes.
    sbu = make_organisation("Security Service of Ukraine", aliases=["SBU"])
    linked = make_article(headline="Agents detain suspect", body="A suspect was detained.", organisations=[sbu])

    quoted = search(SearchRequest(query='"Security Service of Ukraine"'))
    assert [a.pk for a in quoted.articles] == [linked.pk]

    typed = search(SearchRequest(query="Security Service of Ukraine"))
    assert typed.matched_entities == [(Organisation.entity_kind, sbu)]
    assert [a.pk for a in typed.articles] == [linked.pk]


def test_an_entity_with_no_published_coverage_is_not_shown_or_matched(client):
    secret = make_person("Ostap Hiddenko")
    make_draft(headline="Draft profile", people=[secret])
    make_scheduled(headline="Scheduled profile", people=[secret])

    results = search(SearchRequest(query="Ostap Hiddenko"))
    page = get_page(client, q="Ostap Hiddenko")

    assert results.matched_entities == []
    assert results.articles == []
    assert "Named in your search" not in page
    assert secret.get_absolute_url() not in page

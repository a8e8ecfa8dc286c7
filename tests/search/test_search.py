"""Search: the query language, entity-aware matching, ranking, filters, the page, its feed and the admin.

Everything is asserted through the public surface: the engine's SearchResults, the /search/ page's
HTML, the search feed read by feedparser, and the admin changelist. The same tests run on SQLite
(FTS5) and PostgreSQL (tsvector); where the backends legitimately differ (the numeric score), the
tests assert only what the feature promises (tiers, ties broken by date, membership).
"""

import datetime
import html as html_lib
import io
import re

import feedparser
import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from archive.models import Alias, Article, Incident, Organisation, Person, Place
from archive.search import engine
from archive.search import views as search_views
from archive.search.engine import SearchRequest, search
from archive.search.index import schema_for
from archive.search.suggestions import refresh_vocabulary
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

pytestmark = pytest.mark.django_db(transaction=False)

SEARCH = "/search/"
FEED = "/search/feed/"
PERSON = Person.entity_kind
PLACE = Place.entity_kind


# ---------------------------------------------------------------- helpers


def at(year, month, day, hour=12, minute=0):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=datetime.UTC)


def found(**request):
    """Headlines the engine returns for a public search, in the order shown."""
    return [article.headline for article in search(SearchRequest(**request)).articles]


def found_set(query, **request):
    return set(found(query=query, **request))


def get_page(client, **params):
    response = client.get(SEARCH, params)
    assert response.status_code == 200, (params, response.status_code)
    return response.content.decode()


def strip_tags(fragment):
    return html_lib.unescape(re.sub(r"<[^>]+>", "", fragment)).strip()


def result_items(page):
    """The <li class="result"> blocks of the results list."""
    return re.findall(r'<li class="result">(.*?)</li>\s*(?=<li class="result">|</ol>)', page, re.S)


def shown_headlines(page):
    return [strip_tags(h) for h in re.findall(r'<h3 class="result__headline"><a href="[^"]*">(.*?)</a></h3>', page)]


def shown_headline_html(page):
    return re.findall(r'<h3 class="result__headline"><a href="[^"]*">(.*?)</a></h3>', page)


def snippets(page):
    return re.findall(r'<p class="result__snippet">(.*?)</p>', page, re.S)


def total_line(page):
    match = re.search(r'<h2 id="results-heading" class="results__count">\s*(.*?)\s*(?:<span|</h2>)', page, re.S)
    assert match, "the page shows no result count"
    return " ".join(match.group(1).split())


def notes(page):
    block = re.search(r'<div class="notes" role="status">(.*?)</div>', page, re.S)
    return [strip_tags(note) for note in re.findall(r"<p>(.*?)</p>", block.group(1), re.S)] if block else []


def matched_block(page):
    match = re.search(r'<div class="matched">(.*?)</div>', page, re.S)
    return match.group(1) if match else ""


def suggestion_texts(page):
    block = re.search(r'<p class="suggestions">(.*?)</p>', page, re.S)
    return [strip_tags(a) for a in re.findall(r"<a [^>]*>(.*?)</a>", block.group(1))] if block else []


def aside(page):
    match = re.search(r'<aside class="columns__side".*?</aside>', page, re.S)
    return match.group(0) if match else ""


def year_facets(page):
    """[(year, count, href)] from the Refine column."""
    block = re.search(r'<h3 class="chips__label">Year</h3>\s*<ul class="facet-list">(.*?)</ul>', aside(page), re.S)
    if not block:
        return []
    return [
        (int(year), int(count.replace(",", "")), html_lib.unescape(href))
        for href, year, count in re.findall(
            r'<li><a href="([^"]*)"[^>]*>(\d{4})</a> <span class="count">([\d,]+)</span></li>', block.group(1)
        )
    ]


def entity_facets(page, label):
    """[(name, count, href)] of one kind's facet list ("People", "Places", ...)."""
    block = re.search(rf'<h3 class="chips__label">{label}</h3>\s*<ul class="facet-list">(.*?)</ul>', aside(page), re.S)
    if not block:
        return []
    return [
        (strip_tags(name), int(count.replace(",", "")), html_lib.unescape(href))
        for href, name, count in re.findall(
            r'<li><a href="([^"]*)">(.*?)</a> <span class="count">([\d,]+)</span></li>', block.group(1)
        )
    ]


def follow(client, href):
    assert href.startswith("?"), href
    response = client.get(SEARCH + href)
    assert response.status_code == 200
    return response.content.decode()


def entity_filter(entity):
    return f"{entity.entity_kind.key}:{entity.slug}"


# ---------------------------------------------------------------- 1. ranking and order


@pytest.fixture
def odesa_archive():
    """Two identical headline matches, one newer body-only match, and an unrelated article."""
    older_headline = make_article(
        headline="Drone strike on Odesa port", body="Officials counted the damage.", published_at=at(2024, 1, 10)
    )
    newer_headline = make_article(
        headline="Drone strike on Odesa port", body="Officials counted the damage.", published_at=at(2024, 3, 10)
    )
    body_only = make_article(
        headline="A night in the south",
        body="A drone strike hit the port of Odesa overnight, officials said.",
        published_at=at(2024, 5, 10),
    )
    make_article(headline="Grain exports resume", body="Ships left the port.", published_at=at(2024, 6, 1))
    return older_headline, newer_headline, body_only


def test_headline_matches_rank_above_newer_body_matches_and_equal_matches_rank_newer_first(odesa_archive):
    older_headline, newer_headline, body_only = odesa_archive

    results = search(SearchRequest(query="drone strike"))

    assert [a.pk for a in results.articles] == [newer_headline.pk, older_headline.pk, body_only.pk]
    assert results.order == "relevance"
    assert results.total == 3


def test_results_page_shows_the_ranked_order(client, odesa_archive):
    page = get_page(client, q="drone strike")

    assert shown_headlines(page) == ["Drone strike on Odesa port", "Drone strike on Odesa port", "A night in the south"]
    assert "Sorted by best match." in page
    assert "Grain exports" not in page


def test_identical_matches_are_ranked_newest_first():
    dates = [at(2023, 5, 1), at(2024, 5, 1), at(2022, 5, 1)]
    articles = [
        make_article(headline="Kherson ferry", body="Same words.", publication="Same", published_at=moment)
        for moment in dates
    ]

    results = search(SearchRequest(query="kherson ferry"))

    assert [a.pk for a in results.articles] == [articles[1].pk, articles[0].pk, articles[2].pk]


def test_a_headline_match_outranks_a_body_that_repeats_the_words():
    headline = make_article(headline="Mobilisation law passes", body="Parliament voted.", published_at=at(2023, 1, 1))
    repeated = make_article(
        headline="Parliament week",
        body="Mobilisation law. " * 10 + "The mobilisation law debate went on.",
        published_at=at(2024, 1, 1),
    )

    assert [a.pk for a in search(SearchRequest(query="mobilisation law")).articles] == [headline.pk, repeated.pk]


def test_articles_about_the_words_rank_above_articles_that_only_mention_them():
    kherson = make_place("Kherson")
    headline = make_article(headline="Kherson shelled", body="Damage.", published_at=at(2023, 1, 1))
    standfirst = make_article(
        headline="Night of shelling", standfirst="Kherson was hit.", body="Damage.", published_at=at(2023, 6, 1)
    )
    linked = make_article(headline="River crossing", body="Damage.", places=[kherson], published_at=at(2024, 1, 1))
    mention = make_article(
        headline="Regional roundup", body="Elsewhere, Kherson was quiet.", published_at=at(2024, 6, 1)
    )

    results = search(SearchRequest(query="kherson"))

    # In the headline first; then about it (standfirst or linked entity), newer first; then mentions.
    assert [a.pk for a in results.articles] == [headline.pk, linked.pk, standfirst.pk, mention.pk]


@pytest.mark.parametrize(
    "order, expected",
    [("newest", ["body", "newer", "older"]), ("oldest", ["older", "newer", "body"])],
)
def test_newest_and_oldest_orders_are_publication_date_order(client, odesa_archive, order, expected):
    older_headline, newer_headline, body_only = odesa_archive
    names = {older_headline.pk: "older", newer_headline.pk: "newer", body_only.pk: "body"}

    results = search(SearchRequest(query="drone strike", order=order))

    assert [names[a.pk] for a in results.articles] == expected
    assert results.order == order
    assert f"Sorted by {order} first." in get_page(client, q="drone strike", order=order)


def test_default_order_is_relevance_with_words_and_newest_without(client, odesa_archive):
    older_headline, newer_headline, body_only = odesa_archive
    kyiv = make_place("Kyiv")
    for article in [older_headline, body_only, newer_headline]:
        article.places.add(kyiv)

    with_words = search(SearchRequest(query="drone strike"))
    without_words = search(SearchRequest(entities=[(PLACE, kyiv)]))

    assert with_words.order == "relevance"
    assert without_words.order == "newest"
    assert [a.pk for a in without_words.articles] == [body_only.pk, newer_headline.pk, older_headline.pk]
    assert "Sorted by newest first." in get_page(client, entity=entity_filter(kyiv))


# ---------------------------------------------------------------- 2. the query language


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


# ---------------------------------------------------------------- 3. entity-aware matching


@pytest.fixture
def zelenskiy():
    return make_person("Volodymyr Zelenskiy", aliases=["Zelensky"], role="President of Ukraine")


def test_an_alias_finds_articles_linked_to_the_entity_whatever_their_text_spells(zelenskiy):
    linked = make_article(headline="President visits troops", body="Zelenskyy met soldiers near the front.")
    linked.people.add(zelenskiy)
    make_article(headline="Unlinked mention", body="Zelenskyy was mentioned in passing.")

    results = search(SearchRequest(query="Zelensky"))

    assert [a.pk for a in results.articles] == [linked.pk]
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
    assert "Named in your search" in block
    assert f'<a href="{zelenskiy.get_absolute_url()}">Volodymyr Zelenskiy</a>' in block
    assert "2 articles" in block  # the draft is not counted
    assert "President of Ukraine" in block
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


# ---------------------------------------------------------------- 4. filters


def test_entity_filters_all_must_match(client):
    sybiha, zelenskiy = make_person("Andriy Sybiha"), make_person("Volodymyr Zelenskiy")
    both = make_article(headline="Both meet", people=[sybiha, zelenskiy], published_at=at(2024, 1, 3))
    make_article(headline="Only the minister", people=[sybiha], published_at=at(2024, 1, 2))
    make_article(headline="Only the president", people=[zelenskiy], published_at=at(2024, 1, 1))

    assert found(entities=[(PERSON, sybiha), (PERSON, zelenskiy)]) == ["Both meet"]
    assert found(entities=[(PERSON, sybiha)]) == ["Both meet", "Only the minister"]
    page = get_page(client, entity=[entity_filter(sybiha), entity_filter(zelenskiy)])
    assert shown_headlines(page) == [both.headline]
    assert "Only articles about:" in page


def test_a_valid_entity_filter_is_applied_without_an_error_note(client):
    kyiv = make_place("Kyiv")
    make_article(headline="Kyiv story", places=[kyiv])
    make_article(headline="Elsewhere")

    page = get_page(client, entity=entity_filter(kyiv))

    assert shown_headlines(page) == ["Kyiv story"]
    # The filter was applied, so nothing should say it was "left out of the search".
    assert notes(page) == []


def test_date_from_and_date_to_are_inclusive_days(client):
    make_article(headline="January end", body="Blackout report.", published_at=at(2024, 1, 31, 23, 30))
    make_article(headline="February start", body="Blackout report.", published_at=at(2024, 2, 1, 0, 30))
    make_article(headline="February end", body="Blackout report.", published_at=at(2024, 2, 29, 23, 30))
    make_article(headline="March start", body="Blackout report.", published_at=at(2024, 3, 1, 0, 30))
    dates = {"date_from": datetime.date(2024, 2, 1), "date_to": datetime.date(2024, 2, 29)}

    assert found(query="blackout", order="newest", **dates) == ["February end", "February start"]
    assert found(**dates) == ["February end", "February start"]  # browsing by date only
    page = get_page(client, q="blackout", date_from="2024-02-01", date_to="2024-02-29", order="oldest")
    assert shown_headlines(page) == ["February start", "February end"]
    assert found(query="blackout", date_from=datetime.date(2024, 3, 1)) == ["March start"]
    assert found(query="blackout", date_to=datetime.date(2024, 1, 31)) == ["January end"]


def test_year_filter_keeps_only_that_year(client):
    make_article(headline="Old flood", body="Flood waters rose.", published_at=at(2023, 6, 6))
    make_article(headline="New flood", body="Flood waters rose.", published_at=at(2024, 6, 6))

    assert found(query="flood", year=2023) == ["Old flood"]
    assert shown_headlines(get_page(client, q="flood", year="2024")) == ["New flood"]
    assert shown_headlines(get_page(client, year="2023")) == ["Old flood"]


def test_incident_type_filter_matches_articles_linked_to_incidents_of_that_type(client):
    strike = make_incident("Strike on Okhmatdyt hospital", incident_type=Incident.Type.AIR_DRONE_STRIKE)
    battle = make_incident("Battle of Avdiivka", incident_type=Incident.Type.BATTLE)
    make_article(headline="Hospital hit", body="Casualty report.", incidents=[strike])
    make_article(headline="Town falls", body="Casualty report.", incidents=[battle])
    make_article(headline="No incident", body="Casualty report.")

    assert found(query="casualty", incident_type="air_drone_strike") == ["Hospital hit"]
    assert shown_headlines(get_page(client, type="battle")) == ["Town falls"]
    assert shown_headlines(get_page(client, q="casualty", type="protest")) == []


def test_publication_filter_keeps_only_that_publication(client):
    make_article(headline="Wire copy", body="Grain deal.", publication="Northern Wire", published_at=at(2024, 2, 2))
    make_article(headline="Paper copy", body="Grain deal.", publication="Kyiv Ledger", published_at=at(2024, 2, 3))

    assert found(query="grain", publication="Northern Wire") == ["Wire copy"]
    assert shown_headlines(get_page(client, publication="Kyiv Ledger")) == ["Paper copy"]


def test_an_empty_query_with_filters_browses_the_filtered_archive_newest_first(client):
    kyiv = make_place("Kyiv")
    for day in [3, 9, 5]:
        make_article(headline=f"Kyiv day {day}", places=[kyiv], published_at=at(2024, 4, day))
    make_article(headline="Elsewhere", published_at=at(2024, 4, 10))
    make_draft(headline="Kyiv draft", places=[kyiv])

    page = get_page(client, entity=entity_filter(kyiv))

    assert shown_headlines(page) == ["Kyiv day 9", "Kyiv day 5", "Kyiv day 3"]
    assert total_line(page) == "3 results"
    assert shown_headlines(get_page(client, year="2024")) == ["Elsewhere", "Kyiv day 9", "Kyiv day 5", "Kyiv day 3"]


def test_excluded_words_apply_when_the_rest_of_the_search_is_filters(client):
    kyiv = make_place("Kyiv")
    make_article(headline="Ceasefire hopes", body="Talks.", places=[kyiv], published_at=at(2024, 5, 1))
    make_article(headline="Budget vote", body="Parliament.", places=[kyiv], published_at=at(2024, 5, 2))

    assert found(query="-ceasefire", entities=[(PLACE, kyiv)]) == ["Budget vote"]
    assert found(query="-ceasefire", year=2024) == ["Budget vote"]
    assert shown_headlines(get_page(client, q="-ceasefire", year="2024")) == ["Budget vote"]


# ---------------------------------------------------------------- 5. the results page


def test_snippets_mark_the_searched_words_and_their_other_forms(client):
    body = " ".join(["Quiet morning in the city."] * 12) + " Then two missile strikes hit the power plant."
    make_article(headline="Power plant damaged", body=body)

    page = get_page(client, q="strike plant")

    [snippet] = snippets(page)
    assert "<mark>strikes</mark>" in snippet
    assert "<mark>plant</mark>" in snippet
    assert snippet.startswith("… ")  # the passage is the part around the words, not the start
    assert shown_headline_html(page) == ["Power <mark>plant</mark> damaged"]


def test_only_the_shown_results_get_snippets(client, monkeypatch):
    monkeypatch.setattr(engine, "PAGE_SIZE", 1)
    make_article(headline="Evacuation one", body="Alphaword evacuation of the town.", published_at=at(2024, 1, 2))
    make_article(headline="Evacuation two", body="Betaword evacuation of the village.", published_at=at(2024, 1, 1))

    page = get_page(client, q="evacuation", order="newest")

    assert len(snippets(page)) == 1
    assert "Alphaword" in page and "Betaword" not in page


def test_headlines_are_highlighted_and_escaped(client):
    make_article(headline="Strikes & <b>bold</b> claims", body="Nothing.")

    page = get_page(client, q="strike")

    assert shown_headline_html(page) == ["<mark>Strikes</mark> &amp; &lt;b&gt;bold&lt;/b&gt; claims"]


def test_common_words_are_not_highlighted_outside_the_phrase(client):
    make_article(headline="Rates", body="The Bank of England raised rates. The rest of the week was quiet.")

    [snippet] = snippets(get_page(client, q='"Bank of England"'))

    assert "<mark>Bank</mark>" in snippet and "<mark>England</mark>" in snippet
    assert "rest of the week" in snippet  # "of" is not a searched word: "rest <mark>of</mark> the week" is noise


def test_results_show_the_entities_of_each_article_as_chips(client, zelenskiy):
    kyiv = make_place("Kyiv")
    make_article(headline="Capital visit", body="Speech.", people=[zelenskiy], places=[kyiv])

    [item] = result_items(get_page(client, q="speech"))

    assert f'<a class="chip chip--person" href="{zelenskiy.get_absolute_url()}">Volodymyr Zelenskiy</a>' in item
    assert f'<a class="chip chip--place" href="{kyiv.get_absolute_url()}">Kyiv</a>' in item


@pytest.mark.parametrize("matches, expected", [(0, "0 results"), (1, "1 result"), (3, "3 results")])
def test_the_total_count_is_shown(client, matches, expected):
    for number in range(matches):
        make_article(headline=f"Convoy {number}", body="Aid convoy arrived.")
    make_article(headline="Other", body="Nothing.")

    page = get_page(client, q="convoy")

    assert total_line(page) == expected
    assert len(shown_headlines(page)) == matches


def test_a_count_over_the_cap_is_shown_as_the_cap_plus(client, monkeypatch):
    # The real cap is 10,000 ("10,000+ results"); a cap of 5 shows the same rule with a small archive.
    monkeypatch.setattr(engine, "COUNT_CAP", 5)
    monkeypatch.setattr(search_views, "COUNT_CAP", 5, raising=False)
    for number in range(5):
        make_article(headline=f"Shelter {number}", body="Bomb shelter.")

    assert total_line(get_page(client, q="shelter")) == "5 results"  # exactly the cap: counted exactly

    make_article(headline="Shelter 5", body="Bomb shelter.")
    assert search(SearchRequest(query="shelter")).total_is_capped
    assert total_line(get_page(client, q="shelter")) == "5+ results"
    assert total_line(get_page(client, q="shelter", order="newest")) == "5+ results"


@pytest.mark.parametrize("order", ["", "newest", "oldest"])
def test_the_total_is_counted_exactly_beyond_the_results_read_for_facets(monkeypatch, order):
    # Fewer matches than the engine reads for facets are counted from those; more are counted apart.
    monkeypatch.setattr(engine, "CANDIDATES", 2)
    for number in range(4):
        make_article(headline=f"Convoy {number}" if number % 2 else f"Report {number}", body="A convoy passed.")
    make_draft(headline="Draft convoy", body="A convoy passed.")
    make_scheduled(headline="Scheduled convoy", body="A convoy passed.")

    results = search(SearchRequest(query="convoy", order=order))

    assert len(results.candidate_ids) == 2
    assert results.total == 4


def test_the_real_cap_is_shown_as_10000_plus(client, monkeypatch):
    make_article(headline="Shelter", body="Bomb shelter.")
    results = search(SearchRequest(query="shelter"))
    results.total, results.total_is_capped = 10_001, True
    monkeypatch.setattr(search_views, "search", lambda request: results)

    assert total_line(get_page(client, q="shelter")) == "10,000+ results"


def test_results_are_paginated_without_gaps_or_repeats(client, monkeypatch):
    monkeypatch.setattr(engine, "PAGE_SIZE", 2)
    for day in range(1, 6):
        make_article(headline=f"Bridge day {day}", body="Bridge repairs.", published_at=at(2024, 7, day))

    first = get_page(client, q="bridge", order="newest")
    assert shown_headlines(first) == ["Bridge day 5", "Bridge day 4"]
    assert 'rel="prev"' not in first and "Page 1" in first
    second = follow(client, html_lib.unescape(re.search(r'<a rel="next" href="([^"]*)"', first).group(1)))
    assert shown_headlines(second) == ["Bridge day 3", "Bridge day 2"]
    assert 'rel="prev"' in second
    third = follow(client, html_lib.unescape(re.search(r'<a rel="next" href="([^"]*)"', second).group(1)))
    assert shown_headlines(third) == ["Bridge day 1"]
    assert 'rel="next"' not in third
    assert total_line(third) == "5 results"

    relevance = [shown_headlines(get_page(client, q="bridge", page=number)) for number in (1, 2, 3)]
    assert sorted(sum(relevance, [])) == [f"Bridge day {day}" for day in range(1, 6)]


@pytest.fixture
def faceted_archive():
    kyiv, lviv = make_place("Kyiv"), make_place("Lviv")
    budanov = make_person("Kyrylo Budanov")
    make_article(headline="Drone 2024 a", body="Drone.", places=[kyiv], people=[budanov], published_at=at(2024, 3, 1))
    make_article(headline="Drone 2024 b", body="Drone.", places=[kyiv], published_at=at(2024, 4, 1))
    make_article(headline="Drone 2024 c", body="Drone.", places=[lviv], published_at=at(2024, 5, 1))
    make_article(headline="Drone 2023 a", body="Drone.", places=[kyiv], published_at=at(2023, 3, 1))
    make_article(headline="Drone 2023 b", body="Drone.", published_at=at(2023, 4, 1))
    make_article(headline="Unrelated 2022", body="Nothing.", places=[lviv], published_at=at(2022, 1, 1))
    return kyiv, lviv, budanov


def test_year_facets_count_matches_and_following_one_narrows_the_results(client, faceted_archive):
    page = get_page(client, q="drone")

    facets = year_facets(page)
    assert [(year, count) for year, count, _href in facets] == [(2024, 3), (2023, 2)]
    narrowed = follow(client, facets[1][2])
    assert sorted(shown_headlines(narrowed)) == ["Drone 2023 a", "Drone 2023 b"]
    assert total_line(narrowed) == "2 results"
    assert 'aria-current="true">2023</a>' in narrowed


def test_entity_facets_list_top_entities_per_kind_and_following_one_adds_the_filter(client, faceted_archive):
    kyiv, lviv, budanov = faceted_archive

    page = get_page(client, q="drone")

    places = entity_facets(page, "Places")
    assert [(name, count) for name, count, _href in places] == [("Kyiv", 3), ("Lviv", 1)]
    assert [(name, count) for name, count, _href in entity_facets(page, "People")] == [("Kyrylo Budanov", 1)]
    narrowed = follow(client, places[0][2])
    assert sorted(shown_headlines(narrowed)) == ["Drone 2023 a", "Drone 2024 a", "Drone 2024 b"]
    assert "Only articles about:" in narrowed
    # The filtered entity is no longer offered; the others are counted within the narrower results.
    assert [(name, count) for name, count, _href in entity_facets(narrowed, "Places")] == []
    person_href = entity_facets(narrowed, "People")[0][2]
    assert shown_headlines(follow(client, person_href)) == ["Drone 2024 a"]


def test_facet_counts_do_not_change_from_page_to_page(client, monkeypatch, faceted_archive):
    monkeypatch.setattr(engine, "PAGE_SIZE", 2)

    first = get_page(client, q="drone", order="newest")
    second = get_page(client, q="drone", order="newest", page=2)

    assert [(y, c) for y, c, _ in year_facets(first)] == [(2024, 3), (2023, 2)]
    # The same search has the same years and entities whichever page of it is shown.
    assert [(y, c) for y, c, _ in year_facets(second)] == [(2024, 3), (2023, 2)]
    assert entity_facets(second, "Places") == entity_facets(first, "Places")


# ---------------------------------------------------------------- 6. did you mean


def test_a_misspelled_word_suggests_a_close_word_of_the_archive(client):
    make_article(headline="Ceasefire holds", body="Quiet night.")
    make_article(headline="Ceasefire broken", body="Shelling resumed.")
    refresh_vocabulary()

    page = get_page(client, q="ceasfire")

    assert total_line(page) == "0 results"
    assert suggestion_texts(page) == ["ceasefire"]
    assert '<a href="?q=ceasefire">' in page


def test_a_misspelled_entity_name_suggests_the_entity(client, zelenskiy):
    make_article(headline="Address to parliament", body="A speech.", people=[zelenskiy])
    refresh_vocabulary()

    page = get_page(client, q="Zelenksy")

    assert "Volodymyr Zelenskiy" in suggestion_texts(page)
    assert re.search(r"Volodymyr Zelenskiy</a> <span class=\"meta\">\(person\)</span>", page)


def test_a_misspelled_name_is_suggested_when_the_entity_has_several_aliases(client):
    person = make_person(
        "Volodymyr Zelenskiy", aliases=["Zelensky", "Zelenskyi Volodymyr Oleksandrovych"], role="President"
    )
    make_article(headline="Address to parliament", body="A speech.", people=[person])

    assert "Volodymyr Zelenskiy" in suggestion_texts(get_page(client, q="Zelenksy"))


def test_nothing_is_suggested_that_would_find_nothing(client):
    first = make_article(headline="Ceasefire holds", body="Quiet night.")
    second = make_article(headline="Ceasefire broken", body="Shelling resumed.")
    refresh_vocabulary()  # the vocabulary now knows "ceasefire"...
    for article in [first, second]:
        article.status = Article.Status.DRAFT  # ...which no published article contains any more
        article.save()

    page = get_page(client, q="ceasfire")

    assert suggestion_texts(page) == []
    assert "Did you mean" not in page
    assert "Try fewer words, or check the spelling." in page


def test_a_word_found_only_in_drafts_is_never_suggested(client):
    for number in range(3):
        make_draft(headline=f"Embargoed Quarzelite memo {number}", standfirst="Quarzelite details.")
    make_article(headline="Public memo", body="Nothing secret.")
    refresh_vocabulary()

    page = get_page(client, q="quarzelit")

    assert suggestion_texts(page) == []
    assert "Quarzelite" not in page and "quarzelite" not in page


# ---------------------------------------------------------------- 7. feed


def test_the_feed_of_a_search_lists_the_newest_matching_published_articles(client):
    make_article(headline="Dam breach older", body="Flooding downstream.", published_at=at(2023, 6, 6))
    make_article(headline="Dam breach newer", body="Flooding downstream.", published_at=at(2024, 6, 6))
    make_article(headline="Unrelated", body="Elections.", published_at=at(2024, 7, 7))
    make_draft(headline="Dam breach draft", body="Flooding downstream.")
    make_scheduled(headline="Dam breach scheduled", body="Flooding downstream.")

    response = client.get(FEED, {"q": "flooding", "order": "oldest", "page": "2"})

    assert response.status_code == 200
    parsed = feedparser.parse(response.content)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert "flooding" in parsed.feed.title
    assert [entry.title for entry in parsed.entries] == ["Dam breach newer", "Dam breach older"]


def test_the_search_page_links_its_feed(client):
    make_article(headline="Dam breach", body="Flooding.")

    page = get_page(client, q="flooding", page="1", order="oldest")

    href = html_lib.unescape(re.search(r'<a href="([^"]*)">Atom feed</a>', page).group(1))
    assert href == f"{FEED}?q=flooding"
    assert [e.title for e in feedparser.parse(client.get(href).content).entries] == ["Dam breach"]


# ---------------------------------------------------------------- 8. freshness


def test_publishing_a_draft_makes_it_findable_at_once():
    draft = make_draft(headline="Reservoir report", body="Water levels.")
    assert found(query="reservoir") == []

    draft.status = Article.Status.PUBLISHED
    draft.save()

    assert found(query="reservoir") == ["Reservoir report"]


def test_editing_a_headline_is_searchable_at_once():
    article = make_article(headline="Original wording", body="Body.")

    article.headline = "Corrected phrasing"
    article.save()

    assert found(query="original") == []
    assert found(query="corrected phrasing") == ["Corrected phrasing"]


def test_retagging_an_article_changes_what_its_entities_find_at_once(zelenskiy):
    article = make_article(headline="Front visit", body="No names here.")
    make_article(headline="Earlier visit", body="No names here.", people=[zelenskiy], published_at=at(2020, 1, 1))

    article.people.add(zelenskiy)
    assert found_set("zelensky") == {"Front visit", "Earlier visit"}
    assert found(entities=[(PERSON, zelenskiy)], query="front") == ["Front visit"]

    article.people.remove(zelenskiy)
    assert found_set("zelensky") == {"Earlier visit"}
    assert found(entities=[(PERSON, zelenskiy)], query="front") == []


@pytest.mark.parametrize("status", [Article.Status.DRAFT, Article.Status.REVIEW, Article.Status.WITHDRAWN])
def test_taking_an_article_down_removes_it_from_search_at_once(client, status):
    article = make_article(headline="Pipeline explosion", body="Gas.")
    assert found(query="pipeline") == ["Pipeline explosion"]

    article.status = status
    article.save()

    assert found(query="pipeline") == []
    assert total_line(get_page(client, q="pipeline")) == "0 results"


def test_deleting_an_article_removes_it_from_search_at_once(zelenskiy):
    article = make_article(headline="Pipeline explosion", body="Gas.", people=[zelenskiy])
    make_article(headline="Other", body="Gas.")

    article.delete()

    assert found(query="pipeline") == []
    assert found_set("gas") == {"Other"}
    assert search(SearchRequest(query="gas")).total == 1


def test_a_new_alias_finds_the_entitys_articles_at_once():
    person = make_person("Kyrylo Budanov")
    make_article(headline="Intelligence briefing", body="No names.", people=[person])
    assert found(query="Budanow") == []

    Alias.objects.create(entity=person, name="Budanow")

    assert found(query="Budanow") == ["Intelligence briefing"]


def test_renaming_a_publication_is_searchable_at_once():
    article = make_article(headline="Wire story", body="Text.", publication="Old Wire")

    article.publication = "New Wire"
    article.save()

    assert found(publication="New Wire") == ["Wire story"]
    assert found(query="text", publication="Old Wire") == []


def test_changing_an_incidents_type_is_searchable_at_once():
    incident = make_incident("Strike on Kramatorsk station", incident_type=Incident.Type.OTHER)
    make_article(headline="Station hit", body="Text.", incidents=[incident])

    incident.incident_type = Incident.Type.SHELLING_MISSILE
    incident.save()

    assert found(incident_type="shelling_missile") == ["Station hit"]
    assert found(query="station", incident_type="other") == []


def test_a_scheduled_article_is_found_once_its_time_comes_without_reindexing(monkeypatch):
    real_now = timezone.now()
    make_article(headline="Embargoed budget", body="Numbers.", published_at=real_now + datetime.timedelta(hours=2))
    assert found(query="embargoed") == []

    monkeypatch.setattr(timezone, "now", lambda: real_now + datetime.timedelta(hours=3))

    assert found(query="embargoed") == ["Embargoed budget"]


def test_rebuild_search_index_refills_an_emptied_index():
    battle = make_incident("Battle of Bakhmut", incident_type=Incident.Type.BATTLE)
    make_article(headline="Street fighting", body="Bakhmut.", incidents=[battle])
    make_draft(headline="Street fighting draft", body="Bakhmut.")
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {schema_for(connection).table}")
    assert found(query="street fighting") == []
    # The command runs in a transaction of its own; here the test's transaction still holds the
    # deferred foreign-key checks of the rows above, which PostgreSQL settles before any DDL.
    connection.check_constraints()

    output = io.StringIO()
    call_command("rebuild_search_index", stdout=output, stderr=io.StringIO())

    assert "Indexed 2 articles" in output.getvalue()
    assert found(query="street fighting") == ["Street fighting"]
    assert found(incident_type="battle") == ["Street fighting"]
    assert search(SearchRequest(query="street fighting", public=False)).total == 2


# ---------------------------------------------------------------- 9. bad input


BAD_INPUT = [
    pytest.param({"q": "war\x00crimes"}, id="nul-inside-word"),
    pytest.param({"q": "\x00"}, id="nul-alone"),
    pytest.param({"q": "drone " * 1700}, id="10000-chars-of-words"),
    pytest.param({"q": "x" * 10_000}, id="10000-char-word"),
    pytest.param({"q": '"drone strike'}, id="unbalanced-quote-before"),
    pytest.param({"q": 'drone "strike'}, id="unbalanced-quote-inside"),
    pytest.param({"q": "the of and"}, id="only-stop-words"),
    pytest.param({"q": "!!! ... ,,, ???"}, id="only-punctuation"),
    pytest.param({"q": "&|!():*^"}, id="tsquery-fts5-operators"),
    pytest.param({"q": "drone & strike | !kyiv"}, id="tsquery-expression"),
    pytest.param({"q": "NEAR("}, id="fts5-near-open"),
    pytest.param({"q": "NEAR(drone strike, 2)"}, id="fts5-near-call"),
    pytest.param({"q": "drone*"}, id="prefix-star"),
    pytest.param({"q": "headline:drone"}, id="column-filter"),
    pytest.param({"q": "{headline}: drone"}, id="fts5-column-set"),
    pytest.param({"q": "drone <-> strike"}, id="tsquery-followed-by"),
    pytest.param({"q": "'drone' & 'strike'"}, id="tsquery-quoted-lexemes"),
    pytest.param({"q": '"'}, id="double-quote-alone"),
    pytest.param({"q": '""'}, id="empty-phrase"),
    pytest.param({"q": '-"'}, id="minus-quote"),
    pytest.param({"q": "-"}, id="minus-alone"),
    pytest.param({"q": "--"}, id="double-minus"),
    pytest.param({"q": "OR"}, id="or-alone"),
    pytest.param({"q": "OR OR drone OR"}, id="dangling-ors"),
    pytest.param({"q": "AND NOT"}, id="and-not"),
    pytest.param({"q": "Київ Харків"}, id="cyrillic"),
    pytest.param({"q": "🔥💥🚀"}, id="emoji-only"),
    pytest.param({"q": "drone 🔥"}, id="word-and-emoji"),
    pytest.param({"q": "ﷺ" * 500}, id="500-ligatures"),
    pytest.param({"q": "\u200b\u200e\ufeff"}, id="invisible-characters"),
    pytest.param({"q": "%s %d {} \\"}, id="format-strings"),
    pytest.param({"q": "<script>alert(1)</script>"}, id="markup"),
    pytest.param({"q": "drone", "date_from": "2024-13-45"}, id="invalid-date-from"),
    pytest.param({"q": "drone", "date_to": "not a date"}, id="invalid-date-to"),
    pytest.param({"q": "drone", "date_from": "2024-12-31", "date_to": "2024-01-01"}, id="dates-reversed"),
    pytest.param({"q": "drone", "date_from": "2300-01-01"}, id="date-from-far-future"),
    pytest.param({"q": "drone", "date_from": "0001-01-01"}, id="date-from-year-1"),
    pytest.param({"q": "drone", "date_to": "9999-12-31"}, id="date-to-year-9999"),
    pytest.param({"date_from": "1000-01-01"}, id="browse-from-year-1000"),
    pytest.param({"publication": "Northern Wire", "date_to": "0001-1-1"}, id="publication-and-date-to-year-1"),
    pytest.param({"entity": "person:nobody"}, id="unknown-slug"),
    pytest.param({"q": "drone", "entity": "person:nobody"}, id="words-and-unknown-slug"),
    pytest.param({"entity": "weapon:x"}, id="unknown-kind"),
    pytest.param({"entity": "person:"}, id="kind-without-slug"),
    pytest.param({"entity": ":"}, id="colon-alone"),
    pytest.param({"entity": "person:\x00"}, id="nul-slug"),
    pytest.param({"entity": "x" * 5000}, id="huge-entity"),
    pytest.param({"q": "drone", "page": "99999999"}, id="huge-page"),
    pytest.param({"q": "drone", "page": "10000"}, id="last-allowed-page"),
    pytest.param({"q": "drone", "page": "0"}, id="page-zero"),
    pytest.param({"q": "drone", "page": "-1"}, id="negative-page"),
    pytest.param({"q": "drone", "page": "abc"}, id="page-abc"),
    pytest.param({"page": "10000", "year": "2024"}, id="browse-last-page"),
    pytest.param({"q": "drone", "year": "abc"}, id="year-abc"),
    pytest.param({"q": "drone", "year": "1899"}, id="year-too-early"),
    pytest.param({"q": "drone", "year": "99999999999999999999"}, id="year-huge"),
    pytest.param({"q": "drone", "type": "nuclear"}, id="unknown-type"),
    pytest.param({"q": "drone", "order": "random"}, id="unknown-order"),
    pytest.param({"q": "drone", "order": "relevance"}, id="order-relevance-spelled"),
    pytest.param({"q": "drone", "publication": "x" * 500}, id="long-publication"),
    pytest.param({"q": "drone", "publication": "Wire\x00"}, id="nul-publication"),
    pytest.param({"publication": "Wire\x01"}, id="control-publication"),
]


@pytest.fixture
def small_archive():
    kyiv = make_place("Kyiv", aliases=["Kiev"])
    strike = make_incident("Strike on Kyiv", incident_type=Incident.Type.AIR_DRONE_STRIKE)
    make_article(headline="Drone strike on Kyiv", body="Drones hit the city.", places=[kyiv], incidents=[strike])
    make_article(headline="Київ after the strike", body="Харків too.", publication="Northern Wire")
    make_draft(headline="Drone draft")
    return kyiv


def looks_helpful(page):
    """A normal search page: results, or a message saying why there are none."""
    return (
        'role="search"' in page
        and "Traceback" not in page
        and (
            'class="result"' in page
            or 'class="notes"' in page
            or "Nothing published matches this search." in page
            or 'class="lede"' in page
        )
    )


@pytest.mark.parametrize("params", BAD_INPUT)
def test_bad_input_gives_a_normal_page_and_feed(client, small_archive, params):
    response = client.get(SEARCH, params)
    assert response.status_code == 200
    assert looks_helpful(response.content.decode())
    feed = client.get(FEED, params)
    assert feed.status_code == 200
    assert feedparser.parse(feed.content).bozo == 0


@pytest.mark.parametrize("entity", ["person:nobody", "weapon:x"])
def test_an_unknown_entity_filter_gives_no_results_and_says_why(client, small_archive, entity):
    page = get_page(client, q="drone", entity=entity)

    assert shown_headlines(page) == []
    assert total_line(page) == "0 results"
    assert f"Nothing in the archive matches the filter “{entity}”." in notes(page)


@pytest.mark.parametrize(
    "params, note",
    [
        ({"q": "drone", "date_from": "2024-13-45"}, "From: Enter a valid date. It was left out of the search."),
        ({"q": "drone", "year": "abc"}, "Year: Enter a whole number. It was left out of the search."),
        ({"q": "the of and"}, "Words as common as “the” or “of” are not searched for on their own."),
        ({"q": "drone " * 200}, "Only the first 500 characters of the search were used."),
    ],
)
def test_ignored_input_is_explained_and_the_rest_still_searched(client, small_archive, params, note):
    page = get_page(client, **params)

    assert note in notes(page)


def test_a_bad_filter_is_left_out_and_the_words_still_search(client, small_archive):
    page = get_page(client, q="drone", date_from="2024-13-45", year="abc", page="abc")

    assert shown_headlines(page) == ["Drone strike on Kyiv"]


def test_unbalanced_quotes_search_the_phrase_to_the_end(small_archive):
    assert found(query='"drone strike') == ["Drone strike on Kyiv"]
    assert found(query='"strike drone') == []


def test_database_operators_are_just_punctuation(small_archive):
    for query in [
        "drone & strike",
        "drone | strike",
        "(drone) strike*",
        "drone:* ^strike",
        "drone AND strike",
        "drone NOT strike",
    ]:
        assert found(query=query) == ["Drone strike on Kyiv"], query


def test_a_search_that_only_leaves_words_out_says_to_add_a_word(client, small_archive):
    page = get_page(client, q="-drone")

    assert "A search cannot only leave words out: add a word to look for." in notes(page)


def test_a_huge_page_number_is_an_empty_page_not_an_error(client, small_archive):
    page = get_page(client, q="drone", page="10000")

    assert shown_headlines(page) == []
    assert total_line(page) == "1 result"
    assert 'rel="prev"' in page


TEXT = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=60)
FRAGMENTS = st.sampled_from(
    ['"', "-", "OR", "drone", "strike", "Kyiv", "Kiev", "Київ", "the", "NEAR(", "*", "&|!():*^", "\x00", "-drone"]
)
LONG_WORDS = st.integers(1, 1200).map(lambda length: "z" * length)
QUERIES = st.one_of(TEXT, LONG_WORDS, st.lists(st.one_of(FRAGMENTS, TEXT, LONG_WORDS), max_size=8).map(" ".join))
DATES = st.one_of(TEXT, st.dates().map(datetime.date.isoformat), st.sampled_from(["", "2024-13-45", "2024-02-29"]))
ENTITIES = st.lists(
    st.one_of(TEXT, st.sampled_from(["place:kyiv", "person:nobody", "weapon:x", "incident:strike-on-kyiv", ":"])),
    max_size=3,
)


@settings(
    max_examples=200,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    q=QUERIES,
    entity=ENTITIES,
    date_from=DATES,
    date_to=DATES,
    year=st.one_of(TEXT, st.integers(-10_000, 10_000).map(str)),
    type=st.one_of(TEXT, st.sampled_from([value for value, _label in Incident.Type.choices])),
    publication=st.one_of(TEXT, st.just("Northern Wire")),
    order=st.one_of(TEXT, st.sampled_from(["", "newest", "oldest", "relevance"])),
    page=st.one_of(TEXT, st.integers(-5, 10**12).map(str)),
)
@example(q="drone", entity=[], date_from="2300-01-01", date_to="", year="", type="", publication="", order="", page="")
@example(q="z" * 300, entity=[], date_from="", date_to="", year="", type="", publication="", order="", page="")
def test_no_combination_of_parameters_gives_a_server_error(
    client, small_archive, q, entity, date_from, date_to, year, type, publication, order, page
):
    params = {
        "q": q,
        "entity": entity,
        "date_from": date_from,
        "date_to": date_to,
        "year": year,
        "type": type,
        "publication": publication,
        "order": order,
        "page": page,
    }
    # A savepoint per example: on PostgreSQL a failed statement would otherwise poison the next examples.
    with transaction.atomic():
        assert client.get(SEARCH, params).status_code < 500
        assert client.get(FEED, params).status_code < 500


# ---------------------------------------------------------------- 10. privacy


HIDDEN_MARKERS = ["Draftmarker", "Reviewmarker", "Schedulemarker", "Withdrawnmarker"]


@pytest.fixture
def mixed_archive():
    """Two public articles and one of every kind readers must not see, all about the same things."""
    kyiv = make_place("Kyiv")
    hidden_person = make_person("Secretus Hiddenovych", aliases=["Hiddenovych"])
    public = [
        make_article(
            headline="Sharedword public one", body="Sharedword text.", places=[kyiv], published_at=at(2024, 1, 1)
        ),
        make_article(
            headline="Sharedword public two", body="Sharedword text.", places=[kyiv], published_at=at(2024, 2, 1)
        ),
    ]
    for marker, build in [
        ("Draftmarker", make_draft),
        ("Reviewmarker", lambda **kw: make_article(status=Article.Status.REVIEW, published_at=None, **kw)),
        ("Schedulemarker", make_scheduled),
        ("Withdrawnmarker", lambda **kw: make_withdrawn(published_at=at(2019, 5, 5), **kw)),
    ]:
        for number in range(2):  # twice, so their words would be in the vocabulary if drafts counted
            build(
                headline=f"Sharedword {marker} headline {number}",
                standfirst=f"{marker} standfirst.",
                body=f"Sharedword {marker} body text.",
                places=[kyiv],
                people=[hidden_person],
            )
    refresh_vocabulary()
    return kyiv, hidden_person, public


def assert_no_markers(page):
    for marker in HIDDEN_MARKERS:
        assert marker not in page and marker.lower() not in page, marker
    assert "Hiddenovych" not in page


def test_unpublished_articles_are_never_found_counted_or_shown(client, mixed_archive):
    page = get_page(client, q="sharedword")

    assert sorted(shown_headlines(page)) == ["Sharedword public one", "Sharedword public two"]
    assert total_line(page) == "2 results"
    assert_no_markers(page)
    assert search(SearchRequest(query="sharedword")).total == 2


@pytest.mark.parametrize("marker", HIDDEN_MARKERS)
def test_a_word_only_unpublished_articles_contain_finds_nothing(client, mixed_archive, marker):
    page = get_page(client, q=marker)

    assert shown_headlines(page) == []
    assert total_line(page) == "0 results"
    assert search(SearchRequest(query=marker)).total == 0
    assert found(query=marker, order="newest") == []


def test_unpublished_articles_are_not_in_facets_or_entity_counts(client, mixed_archive):
    kyiv, _hidden_person, _public = mixed_archive

    page = get_page(client, q="kyiv")

    assert [(y, c) for y, c, _ in year_facets(page)] == [(2024, 2)]
    assert entity_facets(page, "People") == []
    assert "2 articles" in matched_block(page)
    assert_no_markers(page)
    browse = get_page(client, entity=entity_filter(kyiv))
    assert total_line(browse) == "2 results"
    assert_no_markers(browse)


def test_unpublished_words_and_entities_are_never_suggested(client, mixed_archive):
    for typo in ["Draftmarkr", "Schedulemarkr", "Hidenovych", "Secretus Hidenovych"]:
        page = get_page(client, q=typo)
        assert suggestion_texts(page) == [], typo
        assert "Did you mean" not in page
        assert_no_markers(page)


def test_unpublished_articles_are_not_in_the_search_feed(client, mixed_archive):
    parsed = feedparser.parse(client.get(FEED, {"q": "sharedword"}).content)

    assert parsed.bozo == 0
    assert [entry.title for entry in parsed.entries] == ["Sharedword public two", "Sharedword public one"]


def test_an_entity_known_only_from_unpublished_articles_filters_to_nothing(client, mixed_archive):
    _kyiv, hidden_person, _public = mixed_archive

    page = get_page(client, entity=entity_filter(hidden_person))

    assert shown_headlines(page) == []
    assert total_line(page) == "0 results"


# ---------------------------------------------------------------- 11. admin


def changelist_ids(response):
    assert response.status_code == 200
    return sorted(article.pk for article in response.context["cl"].result_list)


def test_admin_article_search_finds_drafts_by_words(editor_client):
    draft = make_draft(headline="Embargoed reservoir report", body="Water.")
    published = make_article(headline="Reservoir levels fall", body="Water.")
    make_article(headline="Unrelated", body="Elections.")

    response = editor_client.get(reverse("admin:archive_article_changelist"), {"q": "reservoir"})

    assert changelist_ids(response) == sorted([draft.pk, published.pk])


def test_admin_article_search_finds_drafts_by_entity_alias(editor_client, zelenskiy):
    make_article(headline="Public visit", body="No names.", people=[zelenskiy])
    draft = make_draft(headline="Draft interview", body="No names.", people=[zelenskiy])
    scheduled = make_scheduled(headline="Scheduled interview", body="No names.", people=[zelenskiy])

    response = editor_client.get(reverse("admin:archive_article_changelist"), {"q": "Zelensky"})

    assert {draft.pk, scheduled.pk} <= set(changelist_ids(response))
    assert len(changelist_ids(response)) == 3


def test_admin_article_search_finds_drafts_by_the_alias_of_an_entity_only_drafts_cover(editor_client):
    person = make_person("Kyrylo Budanov", aliases=["Budanow"])
    draft = make_draft(headline="Draft about the intelligence chief", body="No names.", people=[person])

    response = editor_client.get(reverse("admin:archive_article_changelist"), {"q": "Budanow"})

    assert changelist_ids(response) == [draft.pk]


def test_admin_article_search_says_when_it_shows_only_the_newest_matches(editor_client, monkeypatch):
    monkeypatch.setattr(engine, "CANDIDATES", 3)
    monkeypatch.setattr("archive.admin.articles.CANDIDATES", 3)
    for number in range(4):
        make_article(headline=f"Reservoir report {number}", body="Water.")

    many = editor_client.get(reverse("admin:archive_article_changelist"), {"q": "reservoir"})
    few = editor_client.get(reverse("admin:archive_article_changelist"), {"q": "report 2"})

    assert len(changelist_ids(many)) == 3
    assert "Only the newest 3 articles that match “reservoir” are listed." in many.content.decode()
    assert "Only the newest" not in few.content.decode()


# ---------------------------------------------------------------- 12. query counts


def build_matches(count, kyiv, zelenskiy):
    for number in range(count):
        make_article(
            headline=f"Kyiv drone report {number}",
            standfirst="Drone attack.",
            body="Drone attack on the capital.",
            places=[kyiv],
            people=[zelenskiy],
            published_at=at(2024, 1, 1) + datetime.timedelta(hours=number),
        )


# Measured on both databases, once caches are warm: 12 queries for a word search, 14 when the words
# name an entity (its lookup and its article count), 10 in date order, 6 for browsing an entity;
# the same for 5 matching articles as for 60.
QUERY_BOUND = 14


@pytest.mark.parametrize(
    "params", [{"q": "drone"}, {"q": "zelensky drone"}, {"q": "drone", "order": "newest"}, {"entity": "place:kyiv"}]
)
def test_the_search_page_runs_a_bounded_number_of_queries(client, django_assert_max_num_queries, zelenskiy, params):
    kyiv = make_place("Kyiv")
    build_matches(5, kyiv, zelenskiy)
    get_page(client, **params)  # warm the per-process caches (content types) first
    with django_assert_max_num_queries(QUERY_BOUND), CaptureQueriesContext(connection) as five:
        assert total_line(get_page(client, **params)) == "5 results"
    build_matches(55, kyiv, zelenskiy)

    with django_assert_max_num_queries(QUERY_BOUND), CaptureQueriesContext(connection) as sixty:
        page = get_page(client, **params)

    assert total_line(page) == "60 results"
    assert len(shown_headlines(page)) == 20
    assert len(sixty) == len(five)


# ---------------------------------------------------------------- close spellings (near duplicates)


@pytest.mark.django_db
@pytest.mark.parametrize("kind_model", [Person, Place])
def test_close_spellings_are_found_only_among_entities_of_the_same_kind(kind_model):
    from archive.search.suggestions import near_duplicates

    make_person("Volodymyr Zelenskiy")
    make_place("Volodymyr Zelenskiy square")

    found = [near.entity.name for near in near_duplicates(kind_model, "Volodymyr Zelensky")]

    assert found == (["Volodymyr Zelenskiy"] if kind_model is Person else ["Volodymyr Zelenskiy square"])


if connection.vendor == "sqlite":
    # Only SQLite keeps close spellings in tables of its own (PostgreSQL indexes the names themselves).

    @pytest.mark.django_db
    def test_the_sqlite_names_tables_are_filled_with_what_the_archive_had_before_them():
        from archive.apps import ArchiveConfig
        from archive.search import names
        from archive.search.suggestions import near_duplicates

        zelenskiy = make_person("Volodymyr Zelenskiy", aliases=["Zelensky"])
        with connection.cursor() as cursor:
            for kind_table in ["archive_names_person", "archive_names_place"]:
                cursor.execute(f"DROP TABLE {kind_table}")

        names.install_after_migrate(sender=ArchiveConfig)

        assert [near.entity for near in near_duplicates(Person, "Volodymyr Zelensky")] == [zelenskiy]
        assert [near.close_name for near in near_duplicates(Person, "Zelenskyy")] == ["Zelensky"]


def test_the_search_feed_runs_a_bounded_number_of_queries(client, django_assert_max_num_queries, zelenskiy):
    kyiv = make_place("Kyiv")
    build_matches(5, kyiv, zelenskiy)
    client.get(FEED, {"q": "drone"})  # warm the per-process caches (content types) first
    with django_assert_max_num_queries(QUERY_BOUND), CaptureQueriesContext(connection) as five:
        assert len(feedparser.parse(client.get(FEED, {"q": "drone"}).content).entries) == 5
    build_matches(55, kyiv, zelenskiy)

    with django_assert_max_num_queries(QUERY_BOUND), CaptureQueriesContext(connection) as sixty:
        parsed = feedparser.parse(client.get(FEED, {"q": "drone"}).content)

    assert len(parsed.entries) == 20
    # Each entry names the entities its article covers, fetched for the page at once.
    assert {tag.term for tag in parsed.entries[0].tags} == {"Kyiv", zelenskiy.name}
    assert len(sixty) == len(five)

"""Ranking and order: headline matches first, what an article is about before what it mentions, ties newest
first, and the date orders."""

import pytest

from archive.search.engine import SearchRequest, search
from tests.helpers.builders import make_article, make_place
from tests.helpers.search import PLACE, at, entity_filter, get_page, shown_headlines

pytestmark = pytest.mark.django_db(transaction=False)


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

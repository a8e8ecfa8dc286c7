import datetime

import pytest
from django.utils import timezone

from archive.public.related import PER_SIDE, related_articles
from archive.search.suggestions import refresh_vocabulary
from tests.helpers.builders import make_article, make_draft, make_incident, make_person, make_place, make_scheduled
from tests.helpers.pages import Page

pytestmark = pytest.mark.django_db


def days_ago(days):
    return timezone.now() - datetime.timedelta(days=days)


def related_to(article, limit=6):
    return [other.headline for other in related_articles(article, article.entities_by_kind(), limit=limit)]


def test_a_shared_rare_entity_counts_for_more_than_a_shared_common_one():
    ukraine, kyiv = make_place("Ukraine", kind="country"), make_place("Kyiv")
    capture = make_incident("Capture near Sudzha")
    for number in range(40):
        make_article(headline=f"Ukraine story {number}", places=[ukraine, kyiv], published_at=days_ago(number % 9))
    article = make_article(places=[ukraine, kyiv], incidents=[capture], published_at=days_ago(30))
    make_article(headline="Another capture report", incidents=[capture], published_at=days_ago(60))
    assert related_to(article)[0] == "Another capture report"


def test_sharing_more_entities_ranks_higher_and_newer_breaks_ties():
    kyiv, zelenskiy = make_place("Kyiv"), make_person()
    article = make_article(places=[kyiv], people=[zelenskiy], published_at=days_ago(10))
    make_article(headline="Shares one, older", places=[kyiv], published_at=days_ago(20))
    make_article(headline="Shares one, newer", places=[kyiv], published_at=days_ago(5))
    make_article(headline="Shares both", places=[kyiv], people=[zelenskiy], published_at=days_ago(40))
    assert related_to(article) == ["Shares both", "Shares one, newer", "Shares one, older"]


def test_related_coverage_never_includes_the_article_itself_or_unpublished_ones():
    place = make_place()
    article = make_article(places=[place])
    make_draft(headline="Draft", places=[place])
    make_scheduled(headline="Scheduled", places=[place])
    make_article(status="withdrawn", headline="Withdrawn", places=[place])
    make_article(headline="Published", places=[place])
    assert related_to(article) == ["Published"]


def test_an_article_without_entities_has_no_related_coverage():
    make_article()
    assert related_to(make_article()) == []


def test_at_most_the_limit_is_returned():
    place = make_place()
    for number in range(10):
        make_article(headline=f"Story {number}", places=[place])
    article = make_article(places=[place])
    assert len(related_to(article, limit=6)) == 6


def test_a_rare_entity_is_found_even_when_a_popular_one_has_many_newer_articles():
    ukraine = make_place("Ukraine", kind="country")
    rare = make_person("Rarely Quoted")
    make_article(headline="The rare one", people=[rare], places=[ukraine], published_at=days_ago(400))
    for number in range(2 * PER_SIDE + 10):
        make_article(headline=f"Popular {number}", places=[ukraine], published_at=days_ago(number % 30))
    article = make_article(people=[rare], places=[ukraine], published_at=days_ago(1))
    assert related_to(article)[0] == "The rare one"


def test_related_coverage_runs_a_fixed_number_of_queries(django_assert_max_num_queries):
    places = [make_place(f"Place {n}") for n in range(10)]
    people = [make_person(f"Person {n}") for n in range(10)]
    for number in range(60):
        make_article(places=places[: number % 10 + 1], people=people[: number % 5 + 1])
    article = make_article(places=places, people=people)
    groups = article.entities_by_kind()
    with django_assert_max_num_queries(6):
        assert len(related_articles(article, groups)) == 6


# ---------------------------------------------------------------- an article nobody tagged


def related_lists(client, article):
    """{heading: [headline, ...]} of the related lists on the article's page."""
    page = Page(client.get(article.get_absolute_url()).content.decode())
    return {
        section.one("h2").text: [link.text for link in section.select("ol a")]
        for section in page.select("section.related")
    }


def test_an_untagged_article_lists_articles_alike_in_wording_and_says_so(client):
    make_article(headline="Drone strike hits grain terminal in Izmail", standfirst="The port on the Danube burned.")
    make_article(headline="Izmail port reopens after drone strike", standfirst="Ships left on Monday.")
    make_article(headline="Parliament debates the budget", standfirst="A vote is due on Friday.")
    make_draft(headline="Izmail terminal draft", standfirst="Not for readers.")
    refresh_vocabulary()
    article = make_article(headline="Grain terminal in Izmail repaired", standfirst="Work on the Danube port ended.")

    lists = related_lists(client, article)

    assert list(lists) == ["Related coverage"]
    assert lists["Related coverage"] == [
        "Drone strike hits grain terminal in Izmail",  # shares izmail, grain, terminal, danube, port
        "Izmail port reopens after drone strike",
    ]
    html = client.get(article.get_absolute_url()).content.decode()
    assert "no one has tagged it" in html


def test_a_tagged_article_with_few_related_gets_similar_ones_under_their_own_heading(client):
    place = make_place("Izmail")
    make_article(headline="Shelling of Izmail overnight", places=[place])
    make_article(headline="Grain terminal damaged by drones", standfirst="At the Danube port.")
    refresh_vocabulary()
    article = make_article(headline="Grain terminal in Izmail repaired", standfirst="Danube port.", places=[place])

    lists = related_lists(client, article)

    assert lists == {
        "Related coverage": ["Shelling of Izmail overnight"],
        "Similar in wording": ["Grain terminal damaged by drones"],
    }


def test_an_article_with_enough_related_coverage_lists_nothing_by_wording(client):
    place = make_place("Izmail")
    for number in range(4):
        make_article(headline=f"Izmail report {number}", places=[place])
    make_article(headline="Grain terminal damaged by drones")
    article = make_article(headline="Grain terminal in Izmail repaired", places=[place])

    assert list(related_lists(client, article)) == ["Related coverage"]


def test_the_page_of_an_untagged_article_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    for number in range(40):
        make_article(headline=f"Grain terminal report {number}", standfirst=f"Port {number} on the Danube.")
    refresh_vocabulary()
    article = make_article(headline="Grain terminal in Izmail repaired", standfirst="Work on the Danube port ended.")

    with django_assert_max_num_queries(20):
        response = client.get(article.get_absolute_url())
    assert len(related_lists(client, article)["Related coverage"]) == 6
    assert response.status_code == 200

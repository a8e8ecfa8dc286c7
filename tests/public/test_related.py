import datetime

import pytest
from django.utils import timezone

from archive.public.related import PER_SIDE, related_articles
from tests.helpers.builders import make_article, make_draft, make_incident, make_person, make_place, make_scheduled

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

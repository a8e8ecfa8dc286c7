"""The article changelist: its visibility and publication filters, the publish and unpublish actions, the date
hierarchy, and counts and queries that stay bounded on a big archive."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from archive.models import Article
from tests.helpers.admin import changelist_ids, hierarchy_links, run_action
from tests.helpers.builders import make_article, make_draft, make_scheduled, make_withdrawn

# Measured on SQLite and PostgreSQL: session, user, count, the page of rows,
# the date hierarchy's range and days, and the publication filter's values.
# The same bound must hold with 5 rows and with 40.
ARTICLE_CHANGELIST_MAX_QUERIES = 7


@pytest.fixture
def one_article_per_visibility(db):
    return {
        "live": make_article(headline="Live article"),
        "scheduled": make_scheduled(headline="Scheduled article"),
        "draft": make_draft(headline="Draft article"),
        "review": make_article(headline="Review article", status=Article.Status.REVIEW, published_at=None),
        "withdrawn": make_withdrawn(headline="Withdrawn article"),
    }


@pytest.mark.django_db
@pytest.mark.parametrize("visibility", ["live", "scheduled", "draft", "review", "withdrawn"])
def test_article_changelist_visibility_filter_returns_only_that_visibility(
    editor_client, one_article_per_visibility, visibility
):
    response = editor_client.get(reverse("admin:archive_article_changelist"), {"visibility": visibility})

    assert response.status_code == 200
    assert changelist_ids(response) == [one_article_per_visibility[visibility].pk]


@pytest.mark.django_db
def test_article_changelist_without_filter_lists_every_article(editor_client, one_article_per_visibility):
    response = editor_client.get(reverse("admin:archive_article_changelist"))

    assert set(changelist_ids(response)) == {article.pk for article in one_article_per_visibility.values()}


@pytest.mark.django_db
def test_article_changelist_labels_scheduled_articles(editor_client, one_article_per_visibility):
    page = editor_client.get(reverse("admin:archive_article_changelist")).content.decode()

    assert '<td class="field-status_label">Scheduled</td>' in page
    assert '<td class="field-status_label">Published</td>' in page
    assert '<td class="field-status_label">In review</td>' in page


@pytest.mark.django_db
def test_publish_action_publishes_drafts_now(editor_client):
    drafts = [make_draft(), make_draft()]
    untouched = make_draft()
    before = timezone.now()

    response = run_action(editor_client, "publish", drafts)

    assert response.status_code == 302
    for draft in drafts:
        draft.refresh_from_db()
        assert draft.status == Article.Status.PUBLISHED
        assert before <= draft.published_at <= timezone.now()
        assert draft.first_published_at == draft.published_at
    untouched.refresh_from_db()
    assert (untouched.status, untouched.published_at) == (Article.Status.DRAFT, None)
    assert set(Article.objects.published().values_list("pk", flat=True)) == {draft.pk for draft in drafts}


@pytest.mark.django_db
def test_publish_action_leaves_scheduled_articles_at_their_time(editor_client):
    scheduled = make_scheduled()
    publish_time = scheduled.published_at

    run_action(editor_client, "publish", [scheduled])

    scheduled.refresh_from_db()
    assert (scheduled.status, scheduled.published_at) == (Article.Status.PUBLISHED, publish_time)


@pytest.mark.django_db
def test_unpublish_action_returns_published_articles_to_draft(editor_client):
    live, scheduled = make_article(), make_scheduled()
    withdrawn = make_withdrawn()

    response = run_action(editor_client, "unpublish", [live, scheduled, withdrawn])

    assert response.status_code == 302
    for article in (live, scheduled):
        article.refresh_from_db()
        assert article.status == Article.Status.DRAFT
    withdrawn.refresh_from_db()
    assert withdrawn.status == Article.Status.WITHDRAWN
    assert not Article.objects.published().exists()


def make_changelist_articles(count):
    makers = [make_article, make_scheduled, make_draft, make_withdrawn]
    for number in range(count):
        makers[number % len(makers)](publication=f"Outlet {number % 3}")


@pytest.mark.django_db
@pytest.mark.parametrize("count", [5, 40])
def test_article_changelist_query_count_does_not_depend_on_number_of_rows(
    editor_client, django_assert_max_num_queries, count
):
    make_changelist_articles(count)

    with django_assert_max_num_queries(ARTICLE_CHANGELIST_MAX_QUERIES):
        response = editor_client.get(reverse("admin:archive_article_changelist"))

    assert len(changelist_ids(response)) == count


@pytest.mark.django_db
def test_article_changelist_runs_the_same_queries_for_5_and_40_rows(editor_client):
    make_changelist_articles(5)
    with CaptureQueriesContext(connection) as five:
        editor_client.get(reverse("admin:archive_article_changelist"))
    make_changelist_articles(35)
    with CaptureQueriesContext(connection) as forty:
        response = editor_client.get(reverse("admin:archive_article_changelist"))

    assert len(changelist_ids(response)) == 40
    assert len(forty) == len(five)


@pytest.mark.django_db
def test_article_changelist_search_finds_by_headline(editor_client):
    wanted = make_article(headline="Drone strike hits Kyiv apartment block")
    make_article(headline="Parliament passes budget")

    response = editor_client.get(reverse("admin:archive_article_changelist"), {"q": "apartment"})

    assert changelist_ids(response) == [wanted.pk]


def at(year, month, day):
    return datetime.datetime(year, month, day, 12, tzinfo=datetime.UTC)


def article_changelist(client, **params):
    response = client.get(reverse("admin:archive_article_changelist"), params)
    assert response.status_code == 200, response.status_code
    return response


@pytest.fixture
def short_pages(monkeypatch):
    """Pages of two articles and exact counts up to five, so that a dozen articles is a "long" list."""
    from archive.admin.articles import ArticleAdmin
    from archive.lib.pagination import CappedCountPaginator

    monkeypatch.setattr(ArticleAdmin, "list_per_page", 2)
    monkeypatch.setattr(CappedCountPaginator, "exact_up_to", 5)


@pytest.mark.django_db
def test_article_changelist_counts_a_short_list_exactly(editor_client):
    for _ in range(3):
        make_article()

    response = article_changelist(editor_client)

    assert response.context["cl"].result_count == 3
    assert "3 articles" in response.content.decode()


@pytest.mark.django_db
def test_article_changelist_counts_a_long_list_no_further_than_needed(editor_client, short_pages):
    for _ in range(12):
        make_article()

    with CaptureQueriesContext(connection) as queries:
        response = article_changelist(editor_client)

    counts = [query["sql"] for query in queries if "COUNT(" in query["sql"].upper()]
    assert counts and all("LIMIT 6" in sql for sql in counts), counts
    assert len(changelist_ids(response)) == 2


@pytest.mark.django_db
def test_article_changelist_shows_an_estimate_for_the_whole_table(editor_client, short_pages):
    from archive.ops.planner import refresh_planner_statistics

    for _ in range(12):
        make_article()
    refresh_planner_statistics()  # PostgreSQL's planner estimates from these; SQLite from the span of ids

    response = article_changelist(editor_client)

    assert str(response.context["cl"].result_count) == "about 12"
    assert "about 12 articles" in response.content.decode()


@pytest.mark.django_db
def test_filtered_article_changelist_past_the_cap_says_how_many_at_least(editor_client, short_pages):
    for _ in range(8):
        make_draft()
    make_article()

    response = article_changelist(editor_client, visibility="draft")

    count = response.context["cl"].result_count
    if connection.vendor == "sqlite":  # no estimate for a filtered list: the rows counted
        assert str(count) == "5+"
    else:  # PostgreSQL's estimate, or the rows counted where it guesses fewer
        assert str(count) == "5+" or str(count).startswith("about ")
    assert int(count) >= 5
    assert len(changelist_ids(response)) == 2


@pytest.mark.django_db
def test_a_late_page_of_the_article_changelist_is_reachable_past_the_cap(editor_client, short_pages):
    articles = [make_article(published_at=timezone.now() - datetime.timedelta(days=day)) for day in range(12)]

    response = article_changelist(editor_client, p=6)

    assert changelist_ids(response) == [articles[10].pk, articles[11].pk]


@pytest.fixture(params=["read whole", "probed"])
def dated_articles(request, db, monkeypatch):
    """Articles on a few dates; the date drill-down reads them whole (a short list) or probes the index."""
    if request.param == "probed":
        monkeypatch.setattr("archive.templatetags.archive_admin.READ_WHOLE_UP_TO", 0)
    return {
        "2023": make_article(published_at=at(2023, 5, 3)),
        "2024a": make_article(published_at=at(2024, 2, 10)),
        "2024b": make_article(published_at=at(2024, 2, 20), publication="Reuters"),
        "withdrawn": make_withdrawn(published_at=at(2024, 7, 1)),
        "draft": make_draft(),
    }


@pytest.mark.django_db
def test_date_hierarchy_lists_only_the_years_months_and_days_that_have_articles(editor_client, dated_articles):
    years = hierarchy_links(article_changelist(editor_client))
    months = hierarchy_links(article_changelist(editor_client, published_at__year=2024))
    days = hierarchy_links(article_changelist(editor_client, published_at__year=2024, published_at__month=2))

    assert years == ["?published_at__year=2023", "?published_at__year=2024"]
    assert months[1:] == [
        "?published_at__month=2&published_at__year=2024",
        "?published_at__month=7&published_at__year=2024",
    ]
    assert days[1:] == [
        "?published_at__day=10&published_at__month=2&published_at__year=2024",
        "?published_at__day=20&published_at__month=2&published_at__year=2024",
    ]


@pytest.mark.django_db
def test_date_hierarchy_follows_the_filters(editor_client, dated_articles):
    response = article_changelist(editor_client, visibility="withdrawn", published_at__year=2024)

    assert hierarchy_links(response)[1:] == ["?published_at__month=7&published_at__year=2024&visibility=withdrawn"]
    assert changelist_ids(response) == [dated_articles["withdrawn"].pk]


@pytest.mark.django_db
def test_date_hierarchy_day_lists_that_days_articles(editor_client, dated_articles):
    response = article_changelist(editor_client, published_at__year=2024, published_at__month=2, published_at__day=20)

    assert changelist_ids(response) == [dated_articles["2024b"].pk]


@pytest.mark.django_db
def test_date_hierarchy_runs_the_same_queries_for_few_and_many_articles(editor_client, dated_articles):
    with CaptureQueriesContext(connection) as few:
        article_changelist(editor_client, published_at__year=2024)
    for day in range(1, 29):
        make_article(published_at=at(2024, 3, day))
        make_article(published_at=at(2019, 1 + day % 12, day))
    with CaptureQueriesContext(connection) as many:
        response = article_changelist(editor_client, published_at__year=2024)

    assert len(many) == len(few)
    assert "?published_at__month=3&published_at__year=2024" in hierarchy_links(response)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params",
    [
        {"published_at__year": "9999"},
        {"published_at__year": "2024", "published_at__month": "13"},
        {"published_at__year": "soon"},
    ],
)
def test_article_changelist_answers_an_impossible_date_or_page_without_an_error(editor_client, params):
    make_article()

    response = editor_client.get(reverse("admin:archive_article_changelist"), params)

    assert response.status_code == 302
    assert response["Location"].endswith("?e=1")


@pytest.mark.django_db
def test_publication_filter_offers_each_named_publication_once_and_filters_by_it(editor_client):
    for publication in ["Reuters", "Kyiv Independent", "Reuters", "", "AP"]:
        make_article(publication=publication)

    listed = article_changelist(editor_client)
    filtered = article_changelist(editor_client, publication="Reuters")

    spec = next(spec for spec in listed.context["cl"].filter_specs if spec.parameter_name == "publication")
    assert [label for _value, label in spec.lookup_choices] == ["AP", "Kyiv Independent", "Reuters"]
    assert {Article.objects.get(pk=pk).publication for pk in changelist_ids(filtered)} == {"Reuters"}
    assert len(changelist_ids(filtered)) == 2


@pytest.mark.django_db
def test_article_changelist_search_reads_which_articles_match_and_counts_nothing_more(editor_client, monkeypatch):
    monkeypatch.setattr("archive.search.engine.CANDIDATES", 2)
    found = [make_article(headline=f"Apartment block number {number}") for number in range(3)]
    make_article(headline="Parliament passes budget")

    with CaptureQueriesContext(connection) as queries:
        response = article_changelist(editor_client, q="apartment")

    assert set(changelist_ids(response)) == {found[2].pk, found[1].pk}  # the newest candidates
    index_reads = [query["sql"] for query in queries if re.search(r"\barchive_search\b", query["sql"])]
    counts = [sql for sql in index_reads if "count(" in sql.lower()]
    # One read of the matches. PostgreSQL first counts them, up to a cap, to choose how to read
    # them (few: all, then sorted; many: the index in key order); no page or total is computed.
    assert len(index_reads) - len(counts) == 1, index_reads
    assert len(counts) <= 1 and all("LIMIT" in sql for sql in counts), counts


@pytest.mark.django_db
@pytest.mark.parametrize("publication", ["Nobody's Gazette", "Reu\x00ters", "x" * 5000])
def test_publication_filter_lists_nothing_for_a_publication_it_does_not_offer(editor_client, publication):
    make_article(publication="Reuters")

    response = article_changelist(editor_client, publication=publication)

    assert changelist_ids(response) == []


@pytest.mark.django_db
def test_article_changelist_offers_no_filter_counts(editor_client, dated_articles):
    response = article_changelist(editor_client, _facets="True")

    assert "Show counts" not in response.content.decode()
    assert not response.context["cl"].add_facets

"""Staff preview articles as readers would see them, with a banner; nobody else can, and nothing is cached."""

import pytest
from django.urls import reverse

from archive.models import Correction
from tests.helpers.builders import make_article, make_draft, make_incident, make_person, make_scheduled, make_staff
from tests.helpers.pages import Page
from tests.helpers.public import withdraw

pytestmark = pytest.mark.django_db


def preview_url(article):
    return reverse("archive:article_preview", args=[article.pk])


@pytest.mark.parametrize(
    "who",
    [
        "anonymous",
        "reader",  # logged in, not staff
        "staff without permission",
        "inactive editor",
    ],
)
def test_preview_is_not_found_for_anyone_but_staff_who_may_view_articles(client, django_user_model, who):
    draft = make_draft(headline="Zephyrpreview")
    if who == "reader":
        client.force_login(django_user_model.objects.create_user("reader", password="a-long-test-password"))
    elif who == "staff without permission":
        client.force_login(django_user_model.objects.create_user("desk", password="x-long-password", is_staff=True))
    elif who == "inactive editor":
        client.force_login(make_staff("Editor", is_active=False))

    response = client.get(preview_url(draft))

    assert response.status_code == 404
    assert "Zephyrpreview" not in response.content.decode()


def test_preview_of_a_missing_article_is_not_found(client_as):
    assert client_as("Reporter").get("/preview/articles/999999/").status_code == 404


@pytest.mark.parametrize(
    "maker, banner",
    [
        (make_draft, "not published — draft"),
        (lambda **kw: make_article(status="review", published_at=None, **kw), "not published — in review"),
        (make_scheduled, "not published — scheduled for"),
        (lambda **kw: withdraw(make_article(**kw)), "not published — withdrawn"),
        (make_article, "published — readers see this at"),
    ],
)
def test_staff_preview_any_article_as_readers_would_see_it_with_a_banner(client_as, maker, banner):
    article = maker(headline="Zephyrpreview", body="The Zephyrbody paragraph.")

    response = client_as("Reporter").get(preview_url(article))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Zephyrpreview" in html and "The Zephyrbody paragraph." in html
    notice = Page(html).one("div.preview-banner")
    assert notice.one("strong").text == "Preview:" and notice.text.startswith(f"Preview: {banner}")
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Robots-Tag"] == "noindex"
    assert not response.has_header("ETag") and not response.has_header("Last-Modified")


def test_preview_runs_a_fixed_number_of_queries(client_as, django_assert_max_num_queries):
    reporter = client_as("Reporter")
    people = [make_person(f"Person {n}") for n in range(6)]
    draft = make_draft(people=people)
    for n in range(20):
        make_article(people=people[: n % 6 + 1])
    for n in range(4):
        Correction.objects.create(article=draft, text=f"Correction {n}.")

    # Measured: the article page's queries but conditional GET's, and the session, the user, their permissions.
    with django_assert_max_num_queries(16):
        assert reporter.get(preview_url(draft)).status_code == 200


def test_preview_never_answers_304(client_as):
    editor = client_as("Editor")
    article = make_article()
    public = editor.get(article.get_absolute_url())

    response = editor.get(
        preview_url(article),
        HTTP_IF_NONE_MATCH=public["ETag"],
        HTTP_IF_MODIFIED_SINCE=public["Last-Modified"],
    )

    assert response.status_code == 200


def test_preview_lists_only_published_related_coverage(client_as):
    incident = make_incident()
    draft = make_draft(incidents=[incident])
    make_article(headline="Published companion", incidents=[incident])
    make_draft(headline="Draftmarker companion", incidents=[incident])

    html = client_as("Reporter").get(preview_url(draft)).content.decode()

    related = html[html.index('id="related"') :]
    assert "Published companion" in related and "Draftmarker" not in html


def test_robots_txt_keeps_crawlers_out_of_previews(client):
    assert "Disallow: /preview/" in client.get("/robots.txt").content.decode().splitlines()

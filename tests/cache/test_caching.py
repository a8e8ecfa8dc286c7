"""The page cache: kept pages are served without rendering, and every kind of change drops exactly
the kept pages that show what changed, so a reader never sees a stale or unpublished article."""

import datetime
import io
import json
from unittest import mock

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone

from archive.cache.invalidation import MANY_TAGS, invalidate
from archive.cache.keys import tag_key
from archive.editorial.merging import merge_entities
from archive.editorial.restoring import restore_revision
from archive.editorial.revisions import record_revision
from archive.models import Alias, Article, Correction
from archive.models.page_tags import EVERYTHING
from tests.helpers.builders import make_article, make_draft, make_person, make_place

pytestmark = pytest.mark.django_db


class Clock:
    """Readers and editors act seconds apart, as they do: far enough that a kept page is trusted."""

    def __init__(self, start):
        self.now = start

    def __call__(self):
        return self.now

    def advance(self, seconds=10):
        self.now += datetime.timedelta(seconds=seconds)


@pytest.fixture
def clock(monkeypatch):
    clock = Clock(timezone.now())
    monkeypatch.setattr(timezone, "now", clock)
    return clock


@pytest.fixture
def read(client, clock):
    """Fetch a page as a reader would a little later: (status, "hit" or "miss" or "", text)."""

    def read(url, **headers):
        clock.advance()
        response = client.get(url, **headers)
        return response.status_code, response.get("X-Page-Cache", ""), response.content.decode()

    return read


def hours_ago(hours):
    return timezone.now() - datetime.timedelta(hours=hours)


def day_url(article):
    moment = timezone.localtime(article.published_at)
    return f"/archive/{moment.year}/{moment.month}/{moment.day}/"


# ---------------------------------------------------------------- keeping pages


def test_a_page_is_kept_and_served_again_without_a_query(read, django_assert_num_queries):
    make_article(headline="Kept headline", people=[make_person()])
    assert read("/")[:2] == (200, "miss")
    with django_assert_num_queries(0):
        status, state, text = read("/")
    assert (status, state) == (200, "hit") and "Kept headline" in text


def test_a_kept_page_answers_a_repeat_request_with_304_without_a_query(client, read, django_assert_num_queries):
    make_article()
    read("/")
    etag = client.get("/")["ETag"]
    with django_assert_num_queries(0):
        assert client.get("/", HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_every_public_page_type_is_kept(read):
    person, place = make_person(), make_place()
    article = make_article(people=[person], places=[place])
    urls = [
        "/",
        article.get_absolute_url(),
        person.get_absolute_url(),
        place.get_absolute_url(),
        "/people/",
        "/places/",
        "/incidents/",
        "/archive/",
        day_url(article),
        "/feeds/latest.atom",
        f"/feeds/people/{person.slug}.rss",
        "/sitemap.xml",
        "/sitemap-articles.xml",
        "/sitemap-news.xml",
    ]
    for url in urls:
        assert read(url)[:2] == (200, "miss"), url
        assert read(url)[:2] == (200, "hit"), url


def test_search_and_error_pages_are_never_kept(read):
    make_article(headline="Searchable words")
    for url in ["/search/?q=searchable", "/articles/no-such-article/", "/people/nobody/"]:
        read(url)
        assert read(url)[1] == "", url


def test_a_page_whose_change_record_was_evicted_is_rendered_again(read):
    person = make_person()
    make_article(people=[person])
    read(person.get_absolute_url())
    cache.delete(tag_key(f"c:person:{person.pk}"))
    assert read(person.get_absolute_url())[1] == "miss"
    assert read(person.get_absolute_url())[1] == "hit"


# ---------------------------------------------------------------- what each change drops


def test_publishing_a_draft_shows_it_on_every_page_it_belongs_to_at_once(read):
    person, bystander = make_person(), make_person("Andriy Sybiha")
    make_article(people=[person], published_at=hours_ago(2))
    make_article(people=[bystander], published_at=hours_ago(2))
    draft = make_draft(headline="Fresh from the desk", people=[person])
    pages = ["/", person.get_absolute_url(), "/feeds/latest.atom", "/sitemap-articles.xml"]
    for url in pages:
        assert "Fresh from the desk" not in read(url)[2]
    read(bystander.get_absolute_url())

    draft.status = Article.Status.PUBLISHED
    draft.save()

    for url in [*pages, day_url(draft), draft.get_absolute_url()]:
        status, state, text = read(url)
        assert status == 200 and state == "miss", url
        assert "Fresh from the desk" in text or "fresh-from-the-desk" in text, url
    assert read(bystander.get_absolute_url())[1] == "hit"


def test_editing_a_published_headline_changes_every_page_showing_it(read):
    person = make_person()
    edited = make_article(headline="First wording", people=[person], published_at=hours_ago(3))
    neighbour = make_article(people=[person], published_at=hours_ago(2))
    pages = ["/", person.get_absolute_url(), edited.get_absolute_url(), neighbour.get_absolute_url()]
    for url in pages:
        assert "First wording" in read(url)[2], url

    edited.headline = "Second wording"
    edited.save()

    for url in pages:
        text = read(url)[2]
        assert "Second wording" in text and "First wording" not in text, url


def test_withdrawing_an_article_removes_it_from_every_page_at_once(read):
    person = make_person()
    withdrawn = make_article(headline="Soon to be gone", people=[person], published_at=hours_ago(3))
    neighbour = make_article(people=[person], published_at=hours_ago(2))
    pages = [
        "/",
        person.get_absolute_url(),
        neighbour.get_absolute_url(),
        day_url(withdrawn),
        "/feeds/latest.rss",
        f"/feeds/people/{person.slug}.atom",
        "/sitemap-news.xml",
    ]
    for url in pages:
        assert "Soon to be gone" in read(url)[2], url
    article_url = withdrawn.get_absolute_url()
    read(article_url)

    withdrawn.status = Article.Status.WITHDRAWN
    withdrawn.save()

    for url in pages:
        assert "Soon to be gone" not in read(url)[2], url
    assert read(article_url)[0] in (404, 410)


def test_retagging_moves_the_article_between_entity_pages_at_once(read):
    before, after = make_person(), make_person("Andriy Sybiha")
    make_article(people=[after], published_at=hours_ago(5))
    article = make_article(headline="Who is it about", people=[before], published_at=hours_ago(1))
    assert "Who is it about" in read(before.get_absolute_url())[2]
    assert "Who is it about" not in read(after.get_absolute_url())[2]
    assert "Andriy Sybiha" not in read(article.get_absolute_url())[2]

    article.people.remove(before)
    article.people.add(after)

    assert read(before.get_absolute_url())[0] == 404  # no published coverage left
    assert "Who is it about" in read(after.get_absolute_url())[2]
    assert "Andriy Sybiha" in read(article.get_absolute_url())[2]


def test_a_scheduled_article_appears_when_its_time_comes_without_any_write(read, clock):
    person = make_person()
    make_article(people=[person], published_at=hours_ago(2))
    make_article(
        headline="Embargoed until noon",
        people=[person],
        published_at=timezone.now() + datetime.timedelta(minutes=5),
    )
    pages = ["/", person.get_absolute_url(), "/feeds/latest.atom"]
    for url in pages:
        assert "Embargoed until noon" not in read(url)[2]
        assert read(url)[1] == "hit"

    clock.advance(6 * 60)

    for url in pages:
        status, state, text = read(url)
        assert state == "miss" and "Embargoed until noon" in text, url


def test_renaming_an_entity_renames_it_on_the_pages_that_name_it(read):
    person = make_person("Andrii Sybiha")
    other = make_person("Ivan Fedorov")
    article = make_article(people=[person, other])
    pages = [article.get_absolute_url(), "/people/", other.get_absolute_url(), "/feeds/latest.atom"]
    for url in pages:
        assert "Andrii Sybiha" in read(url)[2], url

    person.name = "Andriy Sybiha"
    person.save()

    for url in pages:
        text = read(url)[2]
        assert "Andriy Sybiha" in text and "Andrii Sybiha" not in text, url


def test_a_new_alias_shows_on_its_entitys_page_and_leaves_other_pages_kept(read):
    person, bystander = make_person(), make_person("Andriy Sybiha")
    make_article(people=[person])
    make_article(people=[bystander])
    read(person.get_absolute_url())
    read(bystander.get_absolute_url())

    Alias.objects.create(entity=person, name="Zelenskyy")

    assert "Zelenskyy" in read(person.get_absolute_url())[2]
    assert read(bystander.get_absolute_url())[1] == "hit"


def test_deleting_an_article_removes_it_at_once(read):
    person = make_person()
    make_article(people=[person], published_at=hours_ago(3))
    doomed = make_article(headline="Deleted for good", people=[person], published_at=hours_ago(1))
    for url in ["/", person.get_absolute_url()]:
        assert "Deleted for good" in read(url)[2]

    doomed.delete()

    for url in ["/", person.get_absolute_url()]:
        assert "Deleted for good" not in read(url)[2]


def test_an_import_that_changes_a_published_article_changes_its_pages(read, tmp_path):
    person = make_person()
    article = make_article(headline="Imported once", people=[person])
    for url in ["/", person.get_absolute_url(), article.get_absolute_url()]:
        assert "Imported once" in read(url)[2]
    export = tmp_path / "archive.jsonl"
    call_command("export_articles", output=str(export), stdout=io.StringIO())
    record = json.loads(export.read_text().splitlines()[0])
    record["headline"] = "Imported twice"
    export.write_text(json.dumps(record) + "\n")

    call_command("import_articles", str(export), stdout=io.StringIO(), stderr=io.StringIO())

    for url in ["/", person.get_absolute_url(), article.get_absolute_url()]:
        assert "Imported twice" in read(url)[2], url


def test_a_change_touching_hundreds_of_things_drops_every_kept_page_with_one_write(
    read, django_capture_on_commit_callbacks
):
    bystander = make_person("Andriy Sybiha")
    unrelated = make_article(people=[bystander], published_at=hours_ago(400))
    pages = [bystander.get_absolute_url(), unrelated.get_absolute_url()]
    for url in pages:
        assert read(url)[1] == "miss"
        assert read(url)[1] == "hit"
    written = []
    original = cache.set_many
    with mock.patch.object(cache, "set_many", lambda data, **kw: written.append(set(data)) or original(data, **kw)):
        with django_capture_on_commit_callbacks(execute=True):
            invalidate([f"a:{number}" for number in range(MANY_TAGS + 1)])

    assert written == [{tag_key(EVERYTHING)}] * 2  # now, and again at the commit
    for url in pages:
        assert read(url)[1] == "miss", url


# ---------------------------------------------------------------- what changes leave alone


def test_editing_a_draft_leaves_every_kept_page_in_place(read):
    person = make_person()
    article = make_article(people=[person])
    draft = make_draft(people=[person])
    pages = ["/", person.get_absolute_url(), article.get_absolute_url(), "/people/"]
    for url in pages:
        read(url)

    draft.headline = "Still a draft"
    draft.save()

    for url in pages:
        assert read(url)[1] == "hit", url


def test_a_change_to_one_article_leaves_unrelated_pages_kept(read):
    person, bystander = make_person(), make_person("Andriy Sybiha")
    edited = make_article(headline="Drone strike on Odesa port", people=[person], published_at=hours_ago(3))
    # Unrelated in entities and in wording too: alike headlines would list it as similar.
    unrelated = make_article(headline="Minister meets allies", people=[bystander], published_at=hours_ago(400))
    pages = [bystander.get_absolute_url(), unrelated.get_absolute_url(), day_url(unrelated)]
    for url in pages:
        read(url)

    edited.headline = "Changed elsewhere"
    edited.save()

    for url in pages:
        assert read(url)[1] == "hit", url


def test_a_page_rendered_before_the_change_was_committed_is_dropped_at_the_commit(
    read, django_capture_on_commit_callbacks
):
    person = make_person()
    article = make_article(people=[person])
    with django_capture_on_commit_callbacks() as committed:
        article.headline = "Changed in a transaction"
        article.save()
        # Another worker renders the page now, still seeing the committed (old) rows, and keeps it.
        assert read(person.get_absolute_url())[1] == "miss"
        assert read(person.get_absolute_url())[1] == "hit"
    for callback in committed:
        callback()
    assert read(person.get_absolute_url())[1] == "miss"


def test_a_correction_shows_on_its_article_and_the_corrections_page_at_once(read):
    person = make_person()
    article = make_article(people=[person])
    pages = [article.get_absolute_url(), "/corrections/", "/corrections/feed.atom"]
    for url in pages:
        assert "The toll was 12, not 21" not in read(url)[2]
    read(person.get_absolute_url())

    Correction.objects.create(article=article, text="The toll was 12, not 21.")

    for url in pages:
        assert "The toll was 12, not 21" in read(url)[2], url
    assert read(person.get_absolute_url())[1] == "hit"


def test_a_staff_preview_is_never_kept_or_served_to_anyone_else(client, read, editor):
    draft = make_draft(headline="Previewed draft")
    client.force_login(editor)
    preview = f"/preview/articles/{draft.pk}/"
    assert read(preview)[:2] == (200, "")
    assert read(preview)[1] == ""
    client.logout()
    assert read(preview)[0] == 404


UNREACHABLE_CACHE = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
}


def test_readers_get_rendered_pages_while_the_shared_cache_is_down(client, settings):
    make_article(headline="Still readable")
    settings.CACHES = UNREACHABLE_CACHE
    response = client.get("/")
    assert response.status_code == 200 and "Still readable" in response.content.decode()
    assert "X-Page-Cache" not in response


@pytest.mark.django_db(transaction=True)
def test_a_change_is_refused_with_a_503_and_nothing_written_while_the_shared_cache_is_down(editor_client, settings):
    draft = make_draft(headline="Waiting for the cache")
    settings.CACHES = UNREACHABLE_CACHE
    response = editor_client.post(
        "/admin/archive/article/", {"action": "publish", "_selected_action": [draft.pk]}, follow=False
    )
    assert response.status_code == 503 and response["Retry-After"] == "60"
    assert "saved nothing" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Article.Status.DRAFT
    assert draft.revisions.count() == 0


def test_merging_entities_moves_their_coverage_at_once(read):
    survivor, duplicate = make_person("Volodymyr Zelenskiy"), make_person("Volodimir Zelensky")
    make_article(headline="Under the first spelling", people=[survivor])
    make_article(headline="Under the second spelling", people=[duplicate])
    assert "Under the second spelling" not in read(survivor.get_absolute_url())[2]
    old_address = duplicate.get_absolute_url()
    assert read(old_address)[0] == 200

    merge_entities(survivor, [duplicate])

    assert "Under the second spelling" in read(survivor.get_absolute_url())[2]
    assert read(old_address)[0] == 301


def test_restoring_a_revision_shows_the_restored_text_at_once(read, editor):
    person = make_person()
    article = make_article(headline="As first written", people=[person])
    first = record_revision(article, user=editor)
    article.headline = "As rewritten"
    article.save()
    record_revision(article, user=editor)
    assert "As rewritten" in read(person.get_absolute_url())[2]

    restore_revision(first, user=editor, opened_version=Article.objects.get(pk=article.pk).version)

    assert "As first written" in read(person.get_absolute_url())[2]
    assert "As first written" in read(article.get_absolute_url())[2]

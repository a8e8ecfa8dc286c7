"""RSS and Atom feeds, read the way a feed reader reads them: over HTTP, through feedparser."""

import calendar
import datetime
import xml.etree.ElementTree as ET

import feedparser
import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from archive.models import Article, Correction
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

pytestmark = pytest.mark.django_db

SITE = "http://testserver"
ATOM = "{http://www.w3.org/2005/Atom}"
FORMATS = ["rss", "atom"]
VERSIONS = {"rss": "rss20", "atom": "atom10"}
CONTENT_TYPES = {"rss": "application/rss+xml", "atom": "application/atom+xml"}
ENTITY_MAKERS = {
    "people": make_person,
    "places": make_place,
    "organisations": make_organisation,
    "incidents": make_incident,
}
HOSTILE_HEADLINE = '</title><script>alert(1)</script> & "quotes"'


def make_in_review(**overrides):
    # In review with a publication time already filled in: still not for readers.
    return make_article(status=Article.Status.REVIEW, **overrides)


UNPUBLISHED_MAKERS = {
    "draft": make_draft,
    "in-review": make_in_review,
    "scheduled": make_scheduled,
    "withdrawn": make_withdrawn,
}


def latest_url(fmt):
    return reverse(f"archive:feed_latest_{fmt}")


def corrections_url(fmt):
    return reverse(f"archive:feed_corrections_{fmt}")


def entity_url(fmt, entity):
    return reverse(f"archive:feed_entity_{fmt}", kwargs={"kind": entity.entity_kind.url_prefix, "slug": entity.slug})


def fetch_feed(client, url, fmt):
    response = client.get(url)
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    assert response["Content-Type"].startswith(CONTENT_TYPES[fmt])
    parsed = feedparser.parse(response.content)
    assert parsed.bozo == 0, f"{url} is not a well-formed feed: {parsed.get('bozo_exception')!r}"
    assert parsed.version == VERSIONS[fmt]
    return response, parsed


def raw_items(response, fmt):
    """The items of the feed as ElementTree elements, from the raw XML, not feedparser's reading."""
    root = ET.fromstring(response.content)
    if fmt == "rss":
        return [(item.findtext("title"), item.findtext("description")) for item in root.iter("item")]
    return [(entry.findtext(f"{ATOM}title"), entry.findtext(f"{ATOM}summary")) for entry in root.iter(f"{ATOM}entry")]


def titles(parsed):
    return [entry.title for entry in parsed.entries]


# ---------------------------------------------------------------- the latest feeds


@pytest.mark.parametrize("fmt", FORMATS)
def test_latest_feed_is_well_formed_with_a_title_and_a_link(client, fmt):
    make_article()
    _response, parsed = fetch_feed(client, latest_url(fmt), fmt)
    assert parsed.feed.title == "Newsroom Archive: latest coverage"
    assert parsed.feed.link == f"{SITE}/"
    assert len(parsed.entries) == 1


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("url_of", [latest_url, corrections_url], ids=["latest", "corrections"])
def test_a_feed_with_nothing_to_list_is_still_well_formed(client, fmt, url_of):
    _response, parsed = fetch_feed(client, url_of(fmt), fmt)
    assert parsed.entries == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_feed_item_carries_the_articles_full_metadata(client, fmt):
    person, place = make_person(), make_place()
    organisation, incident = make_organisation(), make_incident()
    published_at = (timezone.now() - datetime.timedelta(hours=2)).replace(microsecond=0)
    article = make_article(
        headline="Talks resume in Geneva",
        standfirst="Delegations met for the first time in a year.",
        body="The *first* session lasted four hours.\n\nA second is planned for Friday.",
        byline="Olena Kovalenko",
        published_at=published_at,
        people=[person],
        places=[place],
        organisations=[organisation],
        incidents=[incident],
    )
    _response, parsed = fetch_feed(client, latest_url(fmt), fmt)
    [entry] = parsed.entries
    assert entry.title == "Talks resume in Geneva"
    assert entry.link == f"{SITE}{article.get_absolute_url()}"
    assert calendar.timegm(entry.published_parsed) == published_at.timestamp()
    assert entry.author == "Olena Kovalenko"
    assert sorted(tag.term for tag in entry.tags) == sorted([person.name, place.name, organisation.name, incident.name])
    assert "Delegations met for the first time in a year." in entry.summary
    # The body is there rendered from Markdown, not as its source.
    assert "<em>first</em> session lasted four hours." in entry.summary
    assert "A second is planned for Friday." in entry.summary
    assert "*first*" not in entry.summary


@pytest.mark.parametrize("fmt", FORMATS)
def test_feed_item_id_does_not_change_when_the_articles_slug_changes(client, fmt):
    article = make_article(headline="Ceasefire announced")
    make_article(headline="Another story")
    _response, before = fetch_feed(client, latest_url(fmt), fmt)
    ids_before = {entry.title: entry.id for entry in before.entries}
    assert ids_before["Ceasefire announced"] != ids_before["Another story"]

    article.slug = "ceasefire-announced-in-the-east"
    article.save()
    _response, after = fetch_feed(client, latest_url(fmt), fmt)
    entry = next(entry for entry in after.entries if entry.title == "Ceasefire announced")
    assert entry.link == f"{SITE}/articles/ceasefire-announced-in-the-east/"
    assert entry.id == ids_before["Ceasefire announced"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_latest_feed_lists_the_newest_30_articles_newest_first(client, fmt):
    now = timezone.now()
    # Created oldest first, so the ids do not already give the expected order.
    for hours in range(35, 0, -1):
        make_article(headline=f"Story {hours} hours old", published_at=now - datetime.timedelta(hours=hours))
    _response, parsed = fetch_feed(client, latest_url(fmt), fmt)
    assert titles(parsed) == [f"Story {hours} hours old" for hours in range(1, 31)]


# ---------------------------------------------------------------- privacy


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("state", UNPUBLISHED_MAKERS)
def test_unpublished_article_appears_in_no_feed(client, fmt, state):
    marker = f"Zqxmarker{state.replace('-', '')}"
    entities = {prefix: maker() for prefix, maker in ENTITY_MAKERS.items()}
    links = {prefix: [entity] for prefix, entity in entities.items()}
    make_article(headline="Visible story", **links)
    UNPUBLISHED_MAKERS[state](headline=f"{marker} headline", body=f"{marker} in the body.", **links)

    for url in [latest_url(fmt), *(entity_url(fmt, entity) for entity in entities.values())]:
        response, parsed = fetch_feed(client, url, fmt)
        assert titles(parsed) == ["Visible story"], url
        assert marker.lower() not in response.content.decode().lower(), url


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    "change",
    [
        {"status": Article.Status.WITHDRAWN},
        {"status": Article.Status.DRAFT},
        {"published_at": timezone.now() + datetime.timedelta(days=3)},
    ],
    ids=["withdrawn", "back-to-draft", "rescheduled"],
)
def test_article_taken_down_after_publication_leaves_the_feeds(client, fmt, change):
    person = make_person()
    make_article(headline="Staying up", people=[person])
    article = make_article(headline="Zqxmarkertakendown", people=[person])
    _response, parsed = fetch_feed(client, entity_url(fmt, person), fmt)
    assert "Zqxmarkertakendown" in titles(parsed)

    for field, value in change.items():
        setattr(article, field, value)
    article.save()
    for url in [latest_url(fmt), entity_url(fmt, person)]:
        response, parsed = fetch_feed(client, url, fmt)
        assert titles(parsed) == ["Staying up"], url
        assert "zqxmarkertakendown" not in response.content.decode().lower(), url


# ---------------------------------------------------------------- entity feeds


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("prefix", ENTITY_MAKERS)
def test_entity_feed_lists_only_that_entitys_published_articles(client, fmt, prefix):
    make = ENTITY_MAKERS[prefix]
    entity, other = make(name="First entity"), make(name="Second entity")
    now = timezone.now()
    make_article(headline="About the first", published_at=now - datetime.timedelta(hours=3), **{prefix: [entity]})
    make_article(headline="About both", published_at=now - datetime.timedelta(hours=2), **{prefix: [entity, other]})
    make_article(headline="About the second", published_at=now - datetime.timedelta(hours=1), **{prefix: [other]})
    make_draft(headline="Draft about the first", **{prefix: [entity]})

    _response, parsed = fetch_feed(client, entity_url(fmt, entity), fmt)
    assert parsed.feed.title == "Newsroom Archive: First entity"
    assert parsed.feed.link == f"{SITE}{entity.get_absolute_url()}"
    assert titles(parsed) == ["About both", "About the first"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_entity_feed_lists_the_newest_30_articles_newest_first(client, fmt):
    place = make_place()
    now = timezone.now()
    for hours in range(35, 0, -1):
        make_article(
            headline=f"Story {hours} hours old", published_at=now - datetime.timedelta(hours=hours), places=[place]
        )
    _response, parsed = fetch_feed(client, entity_url(fmt, place), fmt)
    assert titles(parsed) == [f"Story {hours} hours old" for hours in range(1, 31)]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("state", UNPUBLISHED_MAKERS)
@pytest.mark.parametrize("prefix", ENTITY_MAKERS)
def test_entity_without_published_coverage_has_no_feed(client, fmt, state, prefix):
    entity = ENTITY_MAKERS[prefix]()
    UNPUBLISHED_MAKERS[state](**{prefix: [entity]})
    make_article()  # the archive is not empty, the entity just has nothing published
    assert client.get(entity_url(fmt, entity)).status_code == 404


@pytest.mark.parametrize("fmt", FORMATS)
def test_entity_feed_for_an_unknown_slug_is_not_found(client, fmt):
    make_article(people=[make_person()])
    assert client.get(f"/feeds/people/nobody-by-that-name.{fmt}").status_code == 404


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_renamed_entitys_old_feed_address_redirects_to_its_new_one(client, fmt):
    place = make_place("Kiev")
    make_article(places=[place])
    old_url = entity_url(fmt, place)
    place.name = "Kyiv"
    place.save()

    response = client.get(old_url)

    assert response.status_code == 301
    assert response["Location"] == entity_url(fmt, place) == f"/feeds/places/kyiv.{fmt}"
    fetch_feed(client, response["Location"], fmt)


@pytest.mark.parametrize("fmt", FORMATS)
def test_entity_feed_under_another_kind_is_not_found(client, fmt):
    person = make_person()
    make_article(people=[person])
    assert client.get(f"/feeds/places/{person.slug}.{fmt}").status_code == 404
    assert client.get(f"/feeds/ghosts/{person.slug}.{fmt}").status_code == 404


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("slug", ["%00", "kyiv%00", "київ", "kyïv", "a%2Fb", "with space", "a" * 400, "%ZZ"])
def test_entity_feed_for_a_malformed_slug_is_not_found(client, fmt, slug):
    make_article(places=[make_place()])
    assert client.get(f"/feeds/places/{slug}.{fmt}").status_code == 404


# ---------------------------------------------------------------- hostile text


@pytest.mark.parametrize("fmt", FORMATS)
def test_hostile_headline_and_body_leave_the_feed_well_formed_and_script_free(client, fmt):
    make_article(
        headline=HOSTILE_HEADLINE,
        body='Before <script>alert(2)</script> after.\n\n<img src="x" onerror="alert(3)">',
    )
    response, parsed = fetch_feed(client, latest_url(fmt), fmt)
    [entry] = parsed.entries
    assert entry.title == HOSTILE_HEADLINE
    assert "<script" not in entry.summary
    assert "Before" in entry.summary and "after." in entry.summary

    # feedparser sanitises what it reads; a reader that does not must be safe too.
    raw = response.content.decode()
    assert "<script" not in raw
    assert "&lt;/title&gt;&lt;script&gt;" in raw
    [(title, description)] = raw_items(response, fmt)
    assert title == HOSTILE_HEADLINE
    assert "<script" not in description
    assert "onerror" not in description


@pytest.mark.parametrize("fmt", FORMATS)
def test_standfirst_is_shown_as_text_not_run_as_html(client, fmt):
    standfirst = 'Prices rose <5% & fell. <script>alert("standfirst")</script><img src=x onerror=alert(4)>'
    make_article(standfirst=standfirst)
    response, _parsed = fetch_feed(client, latest_url(fmt), fmt)
    [(_title, description)] = raw_items(response, fmt)
    # The description is HTML; the standfirst is plain text everywhere else on the site.
    assert "<script" not in description
    assert "<img" not in description
    assert escape(standfirst) in description


@pytest.mark.parametrize("fmt", FORMATS)
def test_control_characters_in_headline_and_standfirst_do_not_break_the_feed(client, fmt):
    # Neither the admin form nor the JSON Lines importer refuses U+0001..U+0008.
    make_article(headline="Wire copy\x01 with a stray control character", standfirst="Start\x02 of text")
    make_article(headline="An ordinary story")
    client.raise_request_exception = False
    _response, parsed = fetch_feed(client, latest_url(fmt), fmt)
    assert len(parsed.entries) == 2


# ---------------------------------------------------------------- query counts

LATEST_FEED_QUERIES = 5  # the articles, then one prefetch per entity kind
ENTITY_FEED_QUERIES = 8  # the entity, its newest links, Coverage's articles, the feed's articles, one prefetch per kind


def make_covered_articles(count, entities):
    now = timezone.now()
    for number in range(count):
        make_article(published_at=now - datetime.timedelta(minutes=number + 1), byline="A. Reporter", **entities)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("count", [5, 40])
def test_latest_feed_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries, fmt, count):
    entities = {prefix: [maker()] for prefix, maker in ENTITY_MAKERS.items()}
    make_covered_articles(count, entities)
    with django_assert_max_num_queries(LATEST_FEED_QUERIES):
        response = client.get(latest_url(fmt))
    parsed = feedparser.parse(response.content)
    assert len(parsed.entries) == min(count, 30)
    assert all(len(entry.tags) == 4 for entry in parsed.entries)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("count", [5, 40])
def test_entity_feed_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries, fmt, count):
    entities = {prefix: [maker()] for prefix, maker in ENTITY_MAKERS.items()}
    make_covered_articles(count, entities)
    with django_assert_max_num_queries(ENTITY_FEED_QUERIES):
        response = client.get(entity_url(fmt, entities["organisations"][0]))
    parsed = feedparser.parse(response.content)
    assert len(parsed.entries) == min(count, 30)
    assert all(len(entry.tags) == 4 for entry in parsed.entries)


# ---------------------------------------------------------------- corrections


def make_correction(article, text, hours_ago=1):
    return Correction.objects.create(
        article=article, text=text, published_at=timezone.now() - datetime.timedelta(hours=hours_ago)
    )


@pytest.mark.parametrize("fmt", FORMATS)
def test_corrections_feed_lists_corrections_newest_first_linking_to_them_on_their_article(client, fmt):
    article = make_article(headline="Dam breach floods villages")
    older = make_correction(article, "The river was the Inhulets, not the Dnipro.", hours_ago=30)
    newer = make_correction(make_article(headline="Talks resume"), "The talks were in Geneva.", hours_ago=2)

    response, parsed = fetch_feed(client, corrections_url(fmt), fmt)

    assert parsed.feed.title == "Newsroom Archive: corrections"
    assert parsed.feed.link == f"{SITE}{reverse('archive:corrections')}"
    assert titles(parsed) == ["Correction: Talks resume", "Correction: Dam breach floods villages"]
    entry = parsed.entries[1]
    assert entry.link == f"{SITE}{article.get_absolute_url()}#correction-{older.pk}"
    assert "The river was the Inhulets, not the Dnipro." in entry.summary
    assert calendar.timegm(entry.published_parsed) == int(older.published_at.timestamp())
    assert parsed.entries[0].id != entry.id and str(newer.pk) in parsed.entries[0].id


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("state", UNPUBLISHED_MAKERS)
def test_corrections_of_unpublished_articles_are_in_no_feed(client, fmt, state):
    make_correction(make_article(headline="Visible story"), "Shown.")
    make_correction(UNPUBLISHED_MAKERS[state](headline="Zqxmarker story"), "Zqxmarker correction.")

    response, parsed = fetch_feed(client, corrections_url(fmt), fmt)

    assert titles(parsed) == ["Correction: Visible story"]
    assert "zqxmarker" not in response.content.decode().lower()


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_hostile_correction_is_shown_as_text_and_leaves_the_feed_well_formed(client, fmt):
    text = 'Was <script>alert("c")</script> & <img src=x onerror=alert(5)>\x01 wrong.'
    make_correction(make_article(headline=HOSTILE_HEADLINE), text)

    response, parsed = fetch_feed(client, corrections_url(fmt), fmt)

    [entry] = parsed.entries
    assert entry.title == f"Correction: {HOSTILE_HEADLINE}"
    [(_title, description)] = raw_items(response, fmt)
    assert "<script" not in description and "<img" not in description
    assert escape("Was <script>") in description


CORRECTIONS_FEED_QUERIES = 1  # the corrections with their articles, in one query


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("count", [5, 40])
def test_corrections_feed_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries, fmt, count):
    for number in range(count):
        make_correction(make_article(), f"Correction {number}.", hours_ago=number + 1)

    with django_assert_max_num_queries(CORRECTIONS_FEED_QUERIES):
        response = client.get(corrections_url(fmt))

    assert len(feedparser.parse(response.content).entries) == min(count, 30)


# ---------------------------------------------------------------- what Atom requires of every feed


def atom_root(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return ET.fromstring(response.content)


def test_every_atom_entry_of_every_feed_has_its_updated_time(client):
    place = make_place("Kherson")
    article = make_article(headline="Grain corridor reopens", places=[place])
    make_correction(article, "The port was Odesa, not Mykolaiv.")

    for url in [latest_url("atom"), corrections_url("atom"), entity_url("atom", place), "/search/feed/?q=grain"]:
        entries = list(atom_root(client, url).iter(f"{ATOM}entry"))
        assert entries, url
        assert all(entry.findtext(f"{ATOM}updated") for entry in entries), url  # RFC 4287, 4.1.2


def test_a_search_feed_links_to_itself_and_to_its_page_with_the_search_kept(client):
    make_article(headline="Grain corridor reopens", publication="Northern Wire")

    root = atom_root(client, "/search/feed/?q=grain+corridor&publication=Northern+Wire&page=3")

    links = {link.get("rel") or "alternate": link.get("href") for link in root.findall(f"{ATOM}link")}
    assert links["self"] == f"{SITE}/search/feed/?q=grain+corridor&publication=Northern+Wire"
    assert links["alternate"] == f"{SITE}/search/?q=grain+corridor&publication=Northern+Wire"


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_link_with_invisible_characters_is_written_percent_encoded(client, fmt):
    body = "See [the report](https://example.com/re\u200bport\u00a0one?a=1\u2028) and [mail](mailto:desk@example.com)."
    make_article(headline="Linked story", body=body)

    response, parsed = fetch_feed(client, latest_url(fmt), fmt)
    page = client.get("/articles/linked-story/").content.decode()

    for text in [response.content.decode(), page]:
        assert "https://example.com/re%E2%80%8Bport%C2%A0one?a=1" in text
        assert "\u200b" not in text and "\u2028" not in text
    assert "mailto:desk@example.com" in parsed.entries[0].summary

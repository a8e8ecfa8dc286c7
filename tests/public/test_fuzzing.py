"""Every public address, with whatever a client may send in its path and query, answers below 500.

The patterns are read from the URL configuration, so a page added later is fuzzed too; a path
converter without a strategy here fails the suite instead of going untested.
"""

import datetime
import re

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.converters import IntConverter, PathConverter, SlugConverter, StringConverter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive.models import ENTITY_KINDS, Incident
from archive.public.converters import EntityKindConverter
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

EXAMPLES_PER_PATTERN = 500

# What clients send that code tends not to expect.
HOSTILE = [
    "\x00",
    "a\x00b",
    "%00",
    "%FF%FE",
    "x" * 10_000,
    "9" * 40,
    "-1",
    "0",
    "1e309",
    "NaN",
    "' OR 1=1 --",
    "'; DROP TABLE archive_article; --",
    '" OR ""="',
    "drone & !strike | (kyiv:*)",
    "NEAR(drone strike, 3)",
    "kyiv* ^drone",
    "<script>alert(1)</script>",
    "javascript:alert(1)",
    "../../etc/passwd",
    "Київ",
    "Зеленський",
    "🙂🚀",
    "\u202e\u200b",
    "ǅǈǋ",
    "2024-13-45",
    "2024-02-30",
    "person:",
    ":",
    "place:kyiv",
]
TEXT = st.one_of(st.text(max_size=40), st.sampled_from(HOSTILE), st.integers(-(10**20), 10**20).map(str))

# Every query parameter any public page reads, and some none does.
PARAMETERS = [
    "page",
    "letter",
    "type",
    "place",
    "year",
    "q",
    "entity",
    "date_from",
    "date_to",
    "order",
    "publication",
    "p",
    "format",
]
QUERY = st.dictionaries(
    keys=st.one_of(st.sampled_from(PARAMETERS), st.text(max_size=10)),
    values=st.one_of(TEXT, st.lists(TEXT, max_size=3)),
    max_size=4,
)


def segment_strategy(converter, real_slugs):
    """Values for one path segment: mostly ones the converter accepts, so the view itself is reached."""
    if isinstance(converter, EntityKindConverter):
        return st.sampled_from([kind.url_prefix for kind in ENTITY_KINDS.values()])
    if isinstance(converter, IntConverter):
        return st.one_of(st.integers(0, 10**25).map(str), st.sampled_from(["0", "00", "2024", "1", "9999", "10000"]))
    if isinstance(converter, SlugConverter):
        return st.one_of(
            st.sampled_from(real_slugs),
            st.from_regex(r"[-a-zA-Z0-9_]{1,300}", fullmatch=True),
            st.sampled_from(["-", "_", "a" * 500, "0" * 30]),
        )
    if isinstance(converter, PathConverter | StringConverter):
        return st.one_of(st.sampled_from(real_slugs), st.text(max_size=60).filter(lambda s: "/" not in s), TEXT)
    raise AssertionError(f"No fuzzing strategy for the path converter {converter!r}: add one.")


def public_patterns():
    """(route with <converter:name> parts, converters) of every public address, admin excluded."""
    found = []

    def walk(patterns, prefix):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                if not route.startswith("admin/"):
                    walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern):
                found.append((route, dict(pattern.pattern.converters)))

    walk(get_resolver().url_patterns, "")
    return found


PATTERNS = public_patterns()


def fill(route, values):
    """The address of `route` with each <converter:name> part replaced by its value."""
    return "/" + re.sub(r"<(?:[^>:]+:)?([^>]+)>", lambda part: values[part.group(1)], route)


@pytest.fixture
def seeded_archive():
    """A little of everything, readers' and editors', for the fuzzed addresses to find."""
    kyiv = make_place("Kyiv", aliases=["Kiev"])
    person = make_person(aliases=["Zelensky"])
    organisation = make_organisation(aliases=["SBU"])
    incident = make_incident(place=kyiv, incident_type=Incident.Type.CAPTURE_ARREST)
    published = make_article(
        headline="Drone strike on Kyiv",
        people=[person],
        places=[kyiv],
        organisations=[organisation],
        incidents=[incident],
        published_at=datetime.datetime(2025, 1, 11, 9, tzinfo=datetime.UTC),
    )
    make_draft(headline="Draft", people=[person])
    make_scheduled(headline="Scheduled", places=[kyiv])
    make_withdrawn(headline="Withdrawn", places=[kyiv])
    return [published.slug, kyiv.slug, person.slug, organisation.slug, incident.slug, "articles", "people"]


@pytest.mark.parametrize(("route", "converters"), PATTERNS, ids=[route or "/" for route, _ in PATTERNS])
def test_no_request_to_a_public_address_gives_a_server_error(client, seeded_archive, route, converters):
    segments = st.fixed_dictionaries(
        {name: segment_strategy(converter, seeded_archive) for name, converter in converters.items()}
    )

    requests = []

    @settings(
        max_examples=EXAMPLES_PER_PATTERN,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(values=segments, query=QUERY)
    def request_it(values, query):
        url = fill(route, values)
        requests.append(url)
        # A savepoint per request: on PostgreSQL a failed statement would poison the next ones.
        with transaction.atomic():
            response = client.get(url, query)
        assert response.status_code < 500, (url, query)

    request_it()
    assert len(requests) >= EXAMPLES_PER_PATTERN  # the search did not run out of new requests early


# The test client sends a path's %XX escapes as bytes: %FF%FE is a path that is not UTF-8.
MALFORMED = [
    "/articles/%00/",
    "/articles/%FF%FE/",
    "/articles/" + "a" * 10_000 + "/",
    "/people/%E2%80%AE/",
    "/people/%F0%9F%99%82/",
    "/places/kyiv/?page=99999999999999999999",
    "/places/kyiv/?page=-1",
    "/places/kyiv/?page=abc",
    "/places/kyiv/?page=0",
    "/?page=%00",
    "/people/?letter=%00",
    "/people/?letter=%FF",
    "/incidents/?year=99999999999999&type=%00&place=%FF",
    "/incidents/?place=' OR 1=1 --",
    "/archive/0/",
    "/archive/99999999999999999999/",
    "/archive/2025/13/",
    "/archive/2025/2/30/",
    "/archive/2025/1/11/?page=" + "9" * 500,
    "/feeds/people/%00.rss",
    "/feeds/places/" + "x" * 5000 + ".atom",
    "/sitemap-%00.xml",
    "/sitemap-nosuchsection.xml",
    "/sitemap-articles.xml?p=%00",
    "/sitemap-articles.xml?p=99999999",
    "/search/?q=" + "x" * 10_000,
    "/search/?q=%00drone&date_from=%FF&entity=%00",
    "/search/?q=drone:*%20%26%20!(strike|kyiv)",
    "/search/?q=NEAR(drone%20strike)&order=%00",
    "/search/feed/?q=%FF%FE",
]


@pytest.mark.parametrize("url", MALFORMED)
def test_malformed_requests_are_answered_below_500(client, seeded_archive, url):
    response = client.get(url)
    assert response.status_code < 500

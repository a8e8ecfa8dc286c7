"""Rate limits per client address on search and feeds: they trip, say when to come back, and reset."""

import socket
import uuid

import pytest
from django.core.cache import caches
from django.test import override_settings

from archive.ops import ratelimit
from tests.conftest import needs
from tests.helpers.builders import make_article
from tests.helpers.processes import PRODUCTION, read_settings

pytestmark = pytest.mark.django_db

ADDRESS = "203.0.113.5"
OTHER_ADDRESS = "198.51.100.7"
REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture
def clock(monkeypatch):
    """The limiter's time, set by the test: it starts at the beginning of a minute."""
    now = {"time": 1_800_000_000.0}
    monkeypatch.setattr(ratelimit, "current_time", lambda: now["time"])
    return now


@pytest.fixture
def limits(settings, clock):
    """Small limits, the configured paths: 3 searches and 5 feed reads a minute."""
    small = {"search": 3, "feeds": 5}
    settings.RATE_LIMITS = [{**rule, "requests": small[rule["name"]]} for rule in settings.RATE_LIMITS]
    make_article(headline="Grain corridor talks in Istanbul")


def statuses(client, path, times, address=ADDRESS, **headers):
    return [client.get(path, REMOTE_ADDR=address, **headers).status_code for _ in range(times)]


def test_the_limits_are_sixty_searches_and_a_hundred_and_twenty_feed_reads_a_minute_unless_configured():
    defaults = read_settings(["RATE_LIMITS"], **PRODUCTION)["RATE_LIMITS"]
    configured = read_settings(["RATE_LIMITS"], DJANGO_SEARCH_RATE_LIMIT="10", DJANGO_FEED_RATE_LIMIT="0", **PRODUCTION)

    assert [(rule["paths"], rule["requests"], rule["seconds"]) for rule in defaults] == [
        (["/search/"], 60, 60),
        (["/feeds/", "/corrections/feed."], 120, 60),
    ]
    assert [rule["requests"] for rule in configured["RATE_LIMITS"]] == [10, 0]


def test_search_over_the_limit_answers_429_with_retry_after(client, limits, clock, django_assert_max_num_queries):
    clock["time"] += 15

    assert statuses(client, "/search/?q=grain", 3) == [200, 200, 200]
    with django_assert_max_num_queries(0):
        refused = client.get("/search/?q=grain", REMOTE_ADDR=ADDRESS)

    assert refused.status_code == 429
    assert refused["Retry-After"] == "45"  # the rest of the minute
    assert "Too many requests" in refused.content.decode()
    assert "wait 45 seconds" in refused.content.decode()


def test_the_search_feed_counts_as_a_search(client, limits):
    assert statuses(client, "/search/?q=grain", 2) == [200, 200]

    assert statuses(client, "/search/feed/?q=grain", 2) == [200, 429]


def test_feeds_have_their_own_limit(client, limits):
    statuses(client, "/search/?q=grain", 4)

    assert statuses(client, "/feeds/latest.atom", 6) == [200] * 5 + [429]
    assert statuses(client, "/feeds/latest.rss", 1) == [429]


def test_the_corrections_feeds_count_as_feed_reads(client, limits):
    statuses(client, "/feeds/latest.atom", 3)

    assert statuses(client, "/corrections/feed.rss", 3) == [200, 200, 429]
    assert statuses(client, "/corrections/feed.atom", 1) == [429]
    assert statuses(client, "/corrections/", 1) == [200]  # the page itself is not a feed


def test_pages_without_a_limit_are_never_refused(client, limits):
    statuses(client, "/search/?q=grain", 4)

    assert statuses(client, "/", 10) == [200] * 10


def test_another_address_is_not_limited(client, limits):
    statuses(client, "/search/?q=grain", 4)

    assert statuses(client, "/search/?q=grain", 3, address=OTHER_ADDRESS) == [200, 200, 200]


def test_the_window_resets(client, limits, clock):
    assert statuses(client, "/search/?q=grain", 4) == [200, 200, 200, 429]

    clock["time"] += 59
    assert statuses(client, "/search/?q=grain", 1) == [429]
    clock["time"] += 1
    assert statuses(client, "/search/?q=grain", 4) == [200, 200, 200, 429]


def test_an_ipv6_client_is_counted_by_its_network(client, limits):
    statuses(client, "/search/?q=grain", 3, address="2001:db8:1:2::1")

    assert statuses(client, "/search/?q=grain", 1, address="2001:db8:1:2::ffff") == [429]
    assert statuses(client, "/search/?q=grain", 1, address="2001:db8:1:3::1") == [200]


def test_without_a_proxy_a_forged_forwarded_for_does_not_dodge_the_limit(client, limits):
    codes = [
        client.get("/search/?q=grain", REMOTE_ADDR=ADDRESS, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}").status_code
        for n in range(4)
    ]

    assert codes == [200, 200, 200, 429]


def test_behind_a_proxy_each_client_the_proxy_saw_has_its_own_count(client, limits, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.2"}

    first = [
        client.get("/search/?q=grain", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, {ADDRESS}", **proxy).status_code
        for n in range(4)
    ]
    second = client.get("/search/?q=grain", HTTP_X_FORWARDED_FOR=OTHER_ADDRESS, **proxy)

    assert first == [200, 200, 200, 429]
    assert second.status_code == 200


def redis_answers():
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


def test_with_redis_two_workers_share_one_count(client, limits):
    """Each app server process has its own cache client; the count lives in Redis, shared."""
    needs("Redis on 127.0.0.1:6379", redis_answers(), "apt-get install redis-server")
    prefix = f"ratelimit-test-{uuid.uuid4().hex}"  # the Redis server is shared: touch only our keys
    redis = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL, "KEY_PREFIX": prefix}

    with override_settings(CACHES={"default": redis}):
        workers = [caches.create_connection("default") for _ in range(2)]
        codes = []
        for worker in [0, 1, 0, 1, 0]:
            caches["default"] = workers[worker]  # this request is answered by that worker
            codes.append(client.get("/search/?q=grain", REMOTE_ADDR=ADDRESS).status_code)
        pools = {id(worker._cache._pools[0]) for worker in workers}

    assert len(pools) == 2
    assert codes == [200, 200, 200, 429, 429]


def test_when_the_cache_cannot_be_reached_search_still_answers_and_the_problem_is_logged(client, limits, caplog):
    unreachable = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}

    with override_settings(CACHES={"default": unreachable}):
        codes = statuses(client, "/search/?q=grain", 4)

    assert codes == [200] * 4
    assert "Rate limit 'search' not applied: the cache cannot be reached." in caplog.messages

"""Driving a running server with a reader's mix of pages, and reporting what it stood.

The load generator shares the machine with the server, so it does as little as
it can: one thread per connection, each keeping its connection alive, reading
each response whole (so the connection can be reused) without parsing it. It
measures its own CPU time so that the report says how much it took from the
server. Only servers on this machine (loopback addresses) are ever driven.
"""

import http.client
import ipaddress
import socket
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

from archive.models import Article, SearchWord
from archive.tools.benchmarks.public import page_sets, percentile_ms

# How often each kind of page comes up, after what readers of a news archive do:
# articles most, then entity pages, then the front and the indexes.
MIX = {
    "article": 40,
    "entity": 22,
    "home": 10,
    "index": 8,
    "date archive": 7,
    "feed": 5,
    "search": 8,
}


class NotLoopback(ValueError):
    pass


def loopback_address(url):
    """(host, port) of `url`, refusing anything that is not this machine."""
    parts = urlsplit(url)
    if parts.scheme != "http" or not parts.hostname:
        raise NotLoopback(f"{url!r} is not an http:// address.")
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(parts.hostname, parts.port or 80)}
    except socket.gaierror as error:
        raise NotLoopback(f"{parts.hostname!r} does not resolve: {error}") from None
    if not all(ipaddress.ip_address(address.split("%")[0]).is_loopback for address in addresses):
        raise NotLoopback(f"{parts.hostname!r} is not a loopback address; only this machine is load-tested.")
    return parts.hostname, parts.port or 80


def kind_of(page_name):
    if "feed" in page_name or "sitemap" in page_name:
        return "feed"
    if page_name.startswith("article"):
        return "article"
    if page_name.startswith("home"):
        return "home"
    if page_name.startswith("archive"):
        return "date archive"
    if "index" in page_name or page_name.startswith("incidents"):
        return "index"
    return "entity"


def url_mix(rng, count=2000, samples=50):
    """`count` addresses drawn from the archive in the database, in MIX's proportions: [(kind, path)]."""
    if not Article.objects.published().exists():  # nothing to read but the empty front and indexes
        return [("home", "/") if number % 2 else ("index", "/people/") for number in range(count)]
    by_kind = {kind: [] for kind in MIX}
    for name, urls in page_sets(rng, samples).items():
        by_kind[kind_of(name)] += [url for url in urls if url]
    words = list(SearchWord.objects.order_by("-articles").values_list("word", flat=True)[:300])
    by_kind["search"] = [f"/search/?{urlencode({'q': word})}" for word in words]
    kinds = [kind for kind in MIX if by_kind.get(kind)]
    picked = rng.choices(kinds, weights=[MIX[kind] for kind in kinds], k=count)
    return [(kind, rng.choice(by_kind[kind])) for kind in picked]


@dataclass
class Report:
    seconds: float = 0.0
    latencies: list = field(default_factory=list)  # seconds, one per answered request
    by_kind: dict = field(default_factory=dict)  # {kind of page: [seconds, ...]}
    statuses: Counter = field(default_factory=Counter)
    failures: Counter = field(default_factory=Counter)  # connection errors by kind
    cpu_seconds: float = 0.0  # the load generator's own
    concurrency: int = 1

    @property
    def requests(self):
        return len(self.latencies)

    @property
    def per_second(self):
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile_ms(self, fraction, kind=None):
        return percentile_ms(self.by_kind.get(kind, []) if kind else self.latencies, fraction)

    @property
    def errors(self):
        return sum(count for status, count in self.statuses.items() if status >= 400) + sum(self.failures.values())

    @property
    def generator_cpu_share(self):
        """The load generator's CPU time as a share of one core over the run."""
        return self.cpu_seconds / self.seconds if self.seconds else 0.0


def run(base_url, paths, *, concurrency=8, max_requests=1000, max_seconds=30.0):
    """Request `paths` ([(kind, path)], cycling) from `base_url` over `concurrency` kept-alive connections until
    `max_requests` have been made or `max_seconds` have passed, whichever comes first."""
    host, port = loopback_address(base_url)
    report = Report(concurrency=concurrency)
    lock = threading.Lock()
    counter = iter(range(max_requests))
    started = time.perf_counter()
    deadline = started + max_seconds

    def next_path():
        with lock:
            number = next(counter, None)
        if number is None or time.perf_counter() >= deadline:
            return None
        return paths[number % len(paths)]

    def worker():
        connection = http.client.HTTPConnection(host, port, timeout=30)
        latencies, statuses, failures = [], Counter(), Counter()
        while (item := next_path()) is not None:
            kind, path = item
            begun = time.perf_counter()
            try:
                connection.request("GET", path, headers={"Accept-Encoding": "gzip"})
                response = connection.getresponse()
                response.read()
            except (OSError, http.client.HTTPException) as error:
                failures[type(error).__name__] += 1
                connection.close()
                connection = http.client.HTTPConnection(host, port, timeout=30)
                continue
            latencies.append((kind, time.perf_counter() - begun))
            statuses[response.status] += 1
        connection.close()
        with lock:
            for kind, seconds in latencies:
                report.latencies.append(seconds)
                report.by_kind.setdefault(kind, []).append(seconds)
            report.statuses.update(statuses)
            report.failures.update(failures)

    cpu_before = time.process_time()
    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(max_seconds + 60)
    report.seconds = time.perf_counter() - started
    report.cpu_seconds = time.process_time() - cpu_before
    return report

"""Timing the public pages against the archive in the database, as a reader would ask for them.

Pages are fetched in-process with Django's test client, so the figures are the
application's own time (view, queries, template), without a web server. The
articles and entities each page type is measured on are drawn at random, with
the most popular entity of each kind always among them.
"""

import random
import statistics
import time
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext

from .models import ENTITY_KINDS, Article


@dataclass
class Measurement:
    name: str
    times: list  # seconds
    queries: list
    statuses: set

    @property
    def median_ms(self):
        return statistics.median(self.times) * 1000

    @property
    def p95_ms(self):
        ordered = sorted(self.times)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))] * 1000

    @property
    def query_range(self):
        low, high = min(self.queries), max(self.queries)
        return str(low) if low == high else f"{low}–{high}"


def most_covered(kind):
    row = (
        kind.link_model.objects.visible()
        .values("tag")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .values_list("tag", flat=True)
        .first()
    )
    return kind.model.objects.get(pk=row)


def random_public(model, rng, count):
    """A few public rows picked at random by id, without scanning the table."""
    high = model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    picked = []
    for _ in range(count * 20):
        if len(picked) >= count:
            break
        row = model.objects.public().filter(pk__gte=rng.randint(1, max(high, 1))).order_by("pk").first()
        if row is not None:
            picked.append(row)
    return picked


def page_sets(rng, samples):
    """{page type: [url, ...]} to measure."""
    recent = Article.objects.published().order_by("-published_at").values_list("slug", flat=True)[:2000]
    slugs = list(recent)
    pages = {
        "home": ["/"],
        "home, page 50": ["/?page=50"],
        "article with related coverage": [f"/articles/{rng.choice(slugs)}/" for _ in range(samples)],
    }
    for kind in ENTITY_KINDS.values():
        popular = most_covered(kind)
        pages[f"{kind.label} page (random)"] = [
            entity.get_absolute_url() for entity in random_public(kind.model, rng, samples)
        ]
        pages[f"{kind.label} page (most covered: {popular.name})"] = [popular.get_absolute_url()]
        if kind.key == "place":
            pages[f"{kind.label} page 200 of the most covered"] = [popular.get_absolute_url() + "?page=200"]
            pages["entity feed (most covered place)"] = [f"/feeds/places/{popular.slug}.atom"]
    latest = Article.objects.published().order_by("-published_at").first().published_at
    pages.update(
        {
            "people index": ["/people/"],
            "people index, letter K": ["/people/?letter=k"],
            "places index": ["/places/"],
            "organisations index": ["/organisations/"],
            "incidents index": ["/incidents/"],
            "incidents, filtered": ["/incidents/?type=battle"],
            "archive year": [f"/archive/{latest.year}/"],
            "archive month": [f"/archive/{latest.year}/{latest.month}/"],
            "archive day": [f"/archive/{latest.year}/{latest.month}/{latest.day}/"],
            "latest feed (Atom)": ["/feeds/latest.atom"],
            "sitemap index": ["/sitemap.xml"],
            "news sitemap": ["/sitemap-news.xml"],
        }
    )
    return pages


def measure(repeat=20, samples=20, seed=1, only=None):
    """Fetch each page type `repeat` times (cycling through its sample URLs); returns Measurements."""
    rng = random.Random(seed)
    client = Client()
    results = []
    for name, urls in page_sets(rng, samples).items():
        if only and only not in name:
            continue
        urls = [url for url in urls if url]
        if not urls:
            continue
        client.get(urls[0])  # warm the process (imports, templates), not the database
        times, queries, statuses = [], [], set()
        for index in range(repeat):
            url = urls[index % len(urls)]
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(url)
                times.append(time.perf_counter() - started)
            queries.append(len(captured))
            statuses.add(response.status_code)
        results.append(Measurement(name, times, queries, statuses))
    return results

"""Timing the public pages, search and suggestions against the archive in the database, as readers ask for them.

Pages are fetched in-process with Django's test client, so the figures are the
application's own time (view, queries, template), without a web server. The
articles and entities each page type is measured on are drawn at random, with
the most popular entity of each kind always among them.
"""

import random
import statistics
import time
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from archive.editorial.tagging import Matcher, Spelling, all_spellings, suggest
from archive.models import ENTITY_KINDS, Article, SearchWord
from archive.public.views.search import search_context
from archive.search import engine
from archive.search.engine import SearchRequest, search
from archive.search.keys import article_id_of
from archive.search.snippets import plain_text
from archive.tools.demo import data


def percentile_ms(times, fraction):
    """The `fraction` percentile of `times` (seconds), in milliseconds: the nearest rank, no interpolation."""
    if not times:
        return 0.0
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))] * 1000


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
        return percentile_ms(self.times, 0.95)

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
            # Its name finds it in every spelling: a search that reads many articles.
            pages["search feed (Atom), most covered place"] = [f"/search/feed/?{urlencode({'q': popular.name})}"]
    latest = Article.objects.published().order_by("-published_at").first().published_at
    pages.update(
        {
            "people index": ["/people/"],
            "people index, letter K": ["/people/?letter=k"],
            "places index": ["/places/"],
            "organisations index": ["/organisations/"],
            "incidents index": ["/incidents/"],
            "incidents, filtered": ["/incidents/?type=battle"],
            "archive index (years)": ["/archive/"],
            "archive year": [f"/archive/{latest.year}/"],
            "archive month": [f"/archive/{latest.year}/{latest.month}/"],
            "archive day": [f"/archive/{latest.year}/{latest.month}/{latest.day}/"],
            "latest feed (Atom)": ["/feeds/latest.atom"],
            "sitemap index": ["/sitemap.xml"],
            "articles sitemap, page 1": ["/sitemap-articles.xml"],
            "news sitemap": ["/sitemap-news.xml"],
        }
    )
    return pages


def measure(repeat=20, samples=20, seed=1, only=None):
    """Fetch each page type `repeat` times (cycling through its sample URLs); returns Measurements.

    Pages are rendered every time: the page cache is off while they are timed.
    """
    with override_settings(ARCHIVE_PAGE_CACHE=False):
        return measure_pages(repeat, samples, seed, only)


def measure_pages(repeat, samples, seed, only):
    rng = random.Random(seed)
    client = Client()
    results = []
    for name, urls in page_sets(rng, samples).items():
        if only and only not in name:
            continue
        urls = [url for url in urls if url]
        if urls:
            results.append(time_requests(client, name, urls, repeat))
    return results


def time_requests(client, name, urls, repeat, post=None):
    """Request `urls` `repeat` times in turn (a POST of `post(url)` if given) after one unmeasured
    request that warms the process (imports, templates), not the database."""

    def send(url):
        return client.post(url, post(url)) if post else client.get(url)

    send(urls[-1])  # the last: a POST's form goes stale once sent, and the loop reaches it last if at all
    times, queries, statuses = [], [], set()
    for index in range(repeat):
        url = urls[index % len(urls)]
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = send(url)
            times.append(time.perf_counter() - started)
        queries.append(len(captured))
        statuses.add(response.status_code)
    return Measurement(name, times, queries, statuses)


# ---------------------------------------------------------------- search


def search_mix(rng, count=260):
    """A fixed mix of searches drawn from this archive: [(kind of query, GET parameters)]."""

    common = list(SearchWord.objects.order_by("-articles").values_list("word", flat=True)[:200])
    rare = list(SearchWord.objects.filter(articles__lte=20).order_by("word").values_list("word", flat=True)[:2000])
    recent = list(Article.objects.published().order_by("-published_at").values_list("body", flat=True)[:300])
    people = random_public(ENTITY_KINDS["person"].model, rng, 30)
    places = random_public(ENTITY_KINDS["place"].model, rng, 25) + [most_covered(ENTITY_KINDS["place"])] * 5
    publications = list(Article.objects.values_list("publication", flat=True).distinct()[:10])
    mix = []
    for _ in range(50):
        mix.append(("common word", {"q": rng.choice(common)}))
    for _ in range(50):
        mix.append(("rare word", {"q": rng.choice(rare or common)}))
    for _ in range(40):
        mix.append(("two words", {"q": f"{rng.choice(common)} {rng.choice(common)}"}))
    for _ in range(30):
        words = plain_text(rng.choice(recent)).split()
        start = rng.randrange(max(len(words) - 3, 1))
        mix.append(("phrase", {"q": '"' + " ".join(words[start : start + 2]).strip(".,") + '"'}))
    mix += [("person name", {"q": person.name}) for person in people]
    mix += [("place name", {"q": place.name}) for place in places]
    for _ in range(30):
        params = {"q": rng.choice(common)}
        choice = rng.randrange(3)
        if choice == 0:
            place = rng.choice(places)
            params["entity"] = f"place:{place.slug}"
        elif choice == 1:
            params["year"] = str(rng.choice(range(2015, 2027)))
        else:
            params["publication"] = rng.choice(publications)
        mix.append(("with a filter", params))
    return mix[:count] if len(mix) >= count else mix


def measure_search(seed=1, exhaustive_check=True):
    """Time each search of the mix twice: the whole page, then the search code alone (what the
    page computes: results, snippets, facets, suggestions; not the HTML). Also compares our top
    ten with an exhaustive ranking. Returns ({kind: (code, page)} with "all" first, overlaps)."""
    from django.http import QueryDict

    rng = random.Random(seed)
    client = Client()
    mix = search_mix(rng)
    client.get("/search/", mix[0][1])
    code, page, overlaps = {}, {}, []
    for kind, params in mix:
        started = time.perf_counter()
        response = client.get("/search/", params)
        page.setdefault(kind, []).append(time.perf_counter() - started)
        assert response.status_code == 200, params
        parameters = QueryDict(mutable=True)
        parameters.update(params)
        started = time.perf_counter()
        search_context(parameters)
        code.setdefault(kind, []).append(time.perf_counter() - started)
        if exhaustive_check and "q" in params and len(params) == 1:
            ours = [a.pk for a in search(SearchRequest(query=params["q"])).articles[:10]]
            exhaustive = [article_id_of(key) for key in engine.exhaustive_top(params["q"], 10)]
            if exhaustive:
                overlaps.append(len(set(ours) & set(exhaustive)) / len(exhaustive))
    every = {"all": ([t for times in code.values() for t in times], [t for times in page.values() for t in times])}
    results = {
        name: (Measurement(name, code_times, [0], {200}), Measurement(name, page_times, [0], {200}))
        for name, (code_times, page_times) in {**every, **{kind: (code[kind], page[kind]) for kind in code}}.items()
    }
    return results, overlaps


# ---------------------------------------------------------------- entity suggestions


@dataclass
class SuggestionQuality:
    articles: int
    links: int
    found: int  # links the suggestions also name
    suggested: int
    wrong: int  # suggestions of entities the article is not linked to
    misses: list
    wrongs: list

    @property
    def recall(self):
        return self.found / max(self.links, 1)

    @property
    def wrong_share(self):
        return self.wrong / max(self.suggested, 1)


def suggestion_quality(articles):
    """How far the suggestions for `articles` agree with the links they have (a generated archive's
    links name exactly the entities its text names)."""

    quality = SuggestionQuality(0, 0, 0, 0, 0, [], [])
    for article in articles:
        linked = {
            (kind.key, pk)
            for kind in ENTITY_KINDS.values()
            for pk in kind.link_model.objects.filter(content_object=article).values_list("tag_id", flat=True)
        }
        suggested = {(s.kind.key, s.entity_id): s for s in suggest(article)}
        wrong = suggested.keys() - linked
        quality.articles += 1
        quality.links += len(linked)
        quality.found += len(linked & suggested.keys())
        quality.suggested += len(suggested)
        quality.wrong += len(wrong)
        quality.misses += [(article.pk, key) for key in linked - suggested.keys()]
        quality.wrongs += [(article.pk, suggested[key].name, suggested[key].spellings) for key in wrong]
    return quality


MATCHER_ENTITIES = 100_000


def made_up_people(count, seed=1):
    """`count` people the archive does not have, with names shaped like its own (two or three
    syllables and a surname ending), to measure the matcher against more entities than it has."""
    rng = random.Random(seed)
    firsts = [first for first, _russian in data.NAME_TRADITIONS["ukrainian"][0]]
    syllables = ["ko", "va", "len", "chu", "ry", "sha", "ne", "to", "mi", "lo", "da", "bo", "re", "zy", "ta", "hry"]
    endings = ["enko", "uk", "chuk", "ko", "skyi", "ets", "ov", "in"]
    names = set()
    while len(names) < count:
        surname = "".join(rng.choice(syllables) for _ in range(rng.choice([2, 3]))) + rng.choice(endings)
        names.add(f"{rng.choice(firsts)} {surname.capitalize()}")
    return [Spelling(name, "person", -number, name) for number, name in enumerate(sorted(names), start=1)]


def timed_finds(matcher, article, repeat):
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        matcher.find(article)
        times.append(time.perf_counter() - started)
    return times


def measure_tagging(repeat=50, sample=1000, seed=1):
    """Build the matcher from every name and alias in the archive, and from those of exactly
    100,000 entities (made-up people added if the archive has fewer); suggest for a 1,000-word
    article with each; and compare the suggestions for `sample` articles drawn at random with
    their links."""

    started = time.perf_counter()
    spellings = all_spellings()
    read = time.perf_counter() - started
    entities = {(spelling.kind_key, spelling.entity_id) for spelling in spellings}
    kept = {key for key in sorted(entities)[:MATCHER_ENTITIES]}
    at_100k = [spelling for spelling in spellings if (spelling.kind_key, spelling.entity_id) in kept]
    at_100k += made_up_people(MATCHER_ENTITIES - len(kept), seed)
    started = time.perf_counter()
    matcher_100k = Matcher(at_100k)
    built_100k = time.perf_counter() - started
    started = time.perf_counter()
    matcher = Matcher(spellings)
    built = time.perf_counter() - started
    bodies = list(Article.objects.order_by("-pk").values_list("headline", "body")[:20])
    words = " ".join(f"{headline}. {body}" for headline, body in bodies).split()
    article = {"body": " ".join((words * (1000 // max(len(words), 1) + 1))[:1000])}
    times = timed_finds(matcher, article, repeat)
    times_100k = timed_finds(matcher_100k, article, repeat)
    rng = random.Random(seed)
    high = Article.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    picked = sorted({rng.randint(1, high) for _ in range(sample)}) if high else []
    return {
        "spellings": len(spellings),
        "read_seconds": read,
        "build_seconds": built,
        "build_100k_seconds": built_100k,
        "spellings_100k": len(at_100k),
        "suggest": Measurement("suggest, 1,000-word article", times, [0], {200}),
        "suggest_100k": Measurement("suggest, 1,000-word article, 100,000 entities", times_100k, [0], {200}),
        "quality": suggestion_quality(Article.objects.filter(pk__in=picked)),
    }

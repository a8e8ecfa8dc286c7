"""A search, from what the researcher asked to what the page shows.

Relevance without ranking every match: the index is ordered newest first,
so the engine reads at most CANDIDATES of the newest matches twice, once
requiring every word in the headline and once anywhere, and ranks those:
headline matches first, then by the database's own relevance score (bm25 on
SQLite, ts_rank on PostgreSQL), then newer first. A rare query is ranked
exhaustively; a common one ranks its most recent thousand, which is where a
news reader's best matches are. Newest and oldest orders read the index in
order and stop at the page.
"""

import datetime
from dataclasses import dataclass, field, replace

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils import timezone

from ..models import ENTITY_KINDS, Alias, Article
from .backends import Plan, current_backend
from .query import Clause, EntityLink, Words, parse
from .schema import EPOCH_OFFSET, ID_BITS, PUBLISHED_TOKEN, article_id_of, latest_key, publication_token, sort_key
from .schema import type_token as incident_type_token

PAGE_SIZE = 20
CANDIDATES = 1000
COUNT_CAP = 10_000
MAX_ENTITY_SPAN = 6
ORDERS = ("relevance", "newest", "oldest")


@dataclass
class SearchRequest:
    query: str = ""
    entities: list = field(default_factory=list)  # [(kind, entity)] that results must cover
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    year: int | None = None
    incident_type: str = ""
    publication: str = ""
    order: str = ""
    page: int = 1
    public: bool = True  # False: the editors' admin, which searches unpublished articles too
    impossible: bool = False  # a filter names nothing that exists: nothing can match

    @property
    def has_filters(self):
        return bool(
            self.entities or self.date_from or self.date_to or self.year or self.incident_type or self.publication
        )


@dataclass
class SearchResults:
    request: SearchRequest
    order: str
    articles: list = field(default_factory=list)
    total: int = 0
    total_is_capped: bool = False
    has_next: bool = False
    matched_entities: list = field(default_factory=list)  # [(kind, entity)]
    candidate_ids: list = field(default_factory=list)  # what facets are counted over
    facets_are_sampled: bool = False
    notes: list = field(default_factory=list)
    words: list = field(default_factory=list)
    searched: bool = False

    @property
    def has_previous(self):
        return self.request.page > 1


def search(request):
    """Run a SearchRequest; never raises on any input."""
    parsed = parse(request.query)
    order = request.order if request.order in ORDERS else ("relevance" if parsed.positive else "newest")
    results = SearchResults(request=request, order=order, notes=list(parsed.notes), words=parsed.words())
    if parsed.negative and not parsed.positive and not request.has_filters:
        results.notes.append("A search cannot only leave words out: add a word to look for.")
    if parsed.positive:
        results.matched_entities = add_entity_links(parsed)
    if not parsed.positive and not request.has_filters and not request.impossible:
        return results
    results.searched = True
    if request.impossible:
        return results
    plan = make_plan(parsed, request)
    if plan.is_empty:
        if request.public:
            browse_by_date(request, order, results)
        return results
    backend = current_backend()
    offset = (request.page - 1) * PAGE_SIZE
    if order == "relevance":
        ranked = ranked_candidates(backend, plan)
        results.candidate_ids = [article_id_of(key) for key in ranked]
        page_keys = ranked[offset : offset + PAGE_SIZE + 1]
        if offset + PAGE_SIZE >= CANDIDATES and len(ranked) >= CANDIDATES:
            results.notes.append(
                f"Relevance ranks the {CANDIDATES:,} most recent matches; sort by newest or oldest to go further."
            )
    else:
        rows = backend.matches(plan, newest_first=order == "newest", limit=PAGE_SIZE + 1, offset=offset)
        page_keys = [key for key, _score in rows]
        if request.page == 1:
            sample = backend.matches(plan, newest_first=order == "newest", limit=CANDIDATES)
            results.candidate_ids = [article_id_of(key) for key, _score in sample]
        else:
            results.candidate_ids = [article_id_of(key) for key in page_keys]
    results.has_next = len(page_keys) > PAGE_SIZE
    results.articles = fetch_articles([article_id_of(key) for key in page_keys[:PAGE_SIZE]], request.public)
    results.total = backend.count(plan, COUNT_CAP + 1)
    results.total_is_capped = results.total > COUNT_CAP
    results.facets_are_sampled = results.total > len(results.candidate_ids)
    return results


def ranked_candidates(backend, plan):
    """Index keys in relevance order: headline matches first, then score, then newer."""
    in_headline = {key for key, _score in backend.matches(replace(plan, headline_only=True), limit=CANDIDATES)}
    rows = backend.matches(plan, limit=CANDIDATES)
    return [key for key, _score in sorted(rows, key=lambda row: (row[0] not in in_headline, -row[1], -row[0]))]


def make_plan(parsed, request):
    tokens = [PUBLISHED_TOKEN] if request.public else []
    tokens += [f"ent{kind.key}{entity.pk}" for kind, entity in request.entities]
    if request.incident_type:
        tokens.append(incident_type_token(request.incident_type))
    if request.publication:
        tokens.append(publication_token(request.publication))
    low, high = date_bounds(request)
    high_key = (
        latest_key(min(filter(None, [high, timezone.now()])))
        if request.public
        else (latest_key(high) if high else None)
    )
    plan = Plan(
        clauses=parsed.positive,
        excluded=parsed.negative,
        tokens=tokens,
        low_key=sort_key(low, 0) if low else None,
        high_key=high_key,
    )
    if not parsed.positive and not request.entities and not request.incident_type and not request.publication:
        plan.tokens = []  # only dates: browse articles by date instead
    return plan


def date_bounds(request):
    """The first and last moments the request's dates allow (UTC), or None."""
    low = high = None
    if request.year:
        low = datetime.datetime(request.year, 1, 1, tzinfo=datetime.UTC)
        high = datetime.datetime(request.year, 12, 31, 23, 59, 59, tzinfo=datetime.UTC)
    if request.date_from:
        start = datetime.datetime.combine(request.date_from, datetime.time(), tzinfo=datetime.UTC)
        low = max(filter(None, [low, start]))
    if request.date_to:
        end = datetime.datetime.combine(request.date_to, datetime.time(23, 59, 59), tzinfo=datetime.UTC)
        high = min(filter(None, [high, end]))
    return low, high


def browse_by_date(request, order, results):
    """Only dates were asked for: the published articles in that range, in date order."""
    low, high = date_bounds(request)
    articles = Article.objects.published()
    if low:
        articles = articles.filter(published_at__gte=low)
    if high:
        articles = articles.filter(published_at__lte=high)
    articles = articles.order_by("published_at" if order == "oldest" else "-published_at", "id")
    offset = (request.page - 1) * PAGE_SIZE
    page = list(articles[offset : offset + PAGE_SIZE + 1])
    results.has_next = len(page) > PAGE_SIZE
    ids = [article.pk for article in page[:PAGE_SIZE]]
    results.articles = fetch_articles(ids, True)
    results.total = min(articles[: COUNT_CAP + 1].count(), COUNT_CAP + 1)
    results.total_is_capped = results.total > COUNT_CAP
    results.candidate_ids = list(articles.values_list("pk", flat=True)[:CANDIDATES])
    results.facets_are_sampled = results.total > len(results.candidate_ids)


def fetch_articles(ids, public):
    articles = Article.objects.published() if public else Article.objects.all()
    kinds = [kind.article_field for kind in ENTITY_KINDS.values()]
    found = articles.filter(pk__in=ids).prefetch_related(*kinds).in_bulk()
    return [found[pk] for pk in ids if pk in found]


def published_seconds(key):
    return (key >> ID_BITS) - EPOCH_OFFSET


# ---------------------------------------------------------------- entities named in the query


def spans(parsed):
    """(first clause index, last clause index, key) for runs of plain words and for phrases."""
    clauses = parsed.positive
    found = []
    for start, clause in enumerate(clauses):
        if len(clause.options) != 1 or not isinstance(clause.options[0], Words):
            continue
        words = []
        for end in range(start, min(start + MAX_ENTITY_SPAN, len(clauses))):
            option = clauses[end].options
            if len(option) != 1 or not isinstance(option[0], Words) or (end > start and option[0].is_phrase):
                break
            words.extend(option[0].words)
            found.append((start, end, " ".join(words)))
            if option[0].is_phrase:
                break
    return found


def add_entity_links(parsed):
    """Let each run of words that names an entity (or one of its spellings) also match its articles.

    Returns the entities found, for the page to show.
    """
    candidates = spans(parsed)
    if not candidates:
        return []
    named = entities_named({key for _start, _end, key in candidates})
    chosen, used = {}, set()
    # Longest runs first; a word belongs to one entity name at most.
    for start, end, key in sorted(candidates, key=lambda span: span[0] - span[1]):
        if key in named and not used & set(range(start, end + 1)):
            used |= set(range(start, end + 1))
            chosen[start] = (end, key)
    positive, index = [], 0
    clauses = parsed.positive
    while index < len(clauses):
        if index in chosen:
            end, key = chosen[index]
            links = (EntityLink(kind.key, entity.pk) for kind, entity in named[key])
            positive.append(Clause((Words(tuple(key.split())), *links)))
            index = end + 1
        else:
            positive.append(clauses[index])
            index += 1
    parsed.clauses = positive + parsed.negative
    return [found for start in sorted(chosen) for found in named[chosen[start][1]]]


def entities_named(keys):
    """{name key: [(kind, entity)]} for public entities whose name or alias has one of these keys."""
    named = {}
    owners = {}
    for content_type_id, object_id, key in Alias.objects.filter(key__in=keys).values_list(
        "content_type_id", "object_id", "key"
    ):
        owners.setdefault((content_type_id, object_id), set()).add(key)
    for kind in ENTITY_KINDS.values():
        content_type_id = ContentType.objects.get_for_model(kind.model).pk
        by_alias = {object_id: found for (type_id, object_id), found in owners.items() if type_id == content_type_id}
        entities = (
            kind.model.objects.public()
            .filter(Q(name_key__in=keys) | Q(pk__in=list(by_alias)))
            .prefetch_related("aliases")
        )
        for entity in entities:
            for key in sorted({entity.name_key, *by_alias.get(entity.pk, ())} & keys):
                named.setdefault(key, []).append((kind, entity))
    return named

"""A search, from what the researcher asked to what the page shows.

Relevance is a tier, then recency (see backends.py): articles with the words
in their headline first, then those about them (standfirst or linked
entities), then those mentioning them; newest first within each. Every order
reads the index in key order and stops at the page, so a search costs about
the same whether ten articles match or half the archive does.
"""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from archive.lib.morphology import base_forms
from archive.lib.names import is_cyrillic
from archive.lib.search_forms import names_in, query_forms, sound_tokens
from archive.models import Article
from archive.search.backends import current_backend
from archive.search.backends.base import COUNT_CAP, TIERS, Plan
from archive.search.keys import (
    EPOCH_OFFSET,
    EVERY_ARTICLE,
    ID_BITS,
    article_id_of,
    latest_key,
    publication_token,
    sort_key,
)
from archive.search.keys import type_token as incident_type_token
from archive.search.query import (
    BREAK,
    MAX_PHRASE_WORDS,
    STOP_WORDS,
    Clause,
    EntityMention,
    NameSounds,
    Words,
    parse,
    words_of,
)
from archive.search.recognition import common_words, entities_named

PAGE_SIZE = 20
# Facets are counted over the first CANDIDATES results, read in the order shown. Each tier of
# the relevance order reads up to this many keys, so it weighs on every search that has many.
CANDIDATES = 500
MAX_ENTITY_SPAN = 6
MAX_SPELLINGS = 6  # of one entity, added to a search that names it
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
    candidates_only: bool = False  # the admin's list: which articles match, in order; no page, no total
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
    name_choices: list = field(default_factory=list)  # [(words, [(kind, entity)])]: whom a shared name may mean
    candidate_ids: list = field(default_factory=list)  # what facets are counted over
    candidate_keys: list = field(default_factory=list)  # their index keys, when read from the index
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
        return results
    if parsed.positive:
        results.matched_entities, results.name_choices = add_entity_links(parsed, public=request.public)
        add_other_forms(parsed)
        results.words = parsed.words()
    if not parsed.clauses and not request.has_filters and not request.impossible:
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
    # The first CANDIDATES results in this order: facets are counted over them.
    results.candidate_keys = ordered_keys(backend, plan, order, 0, CANDIDATES)
    results.candidate_ids = [article_id_of(key) for key in results.candidate_keys]
    if request.candidates_only:
        return results
    if offset + PAGE_SIZE + 1 <= CANDIDATES:
        page_keys = results.candidate_keys[offset : offset + PAGE_SIZE + 1]
    else:
        page_keys = ordered_keys(backend, plan, order, offset, PAGE_SIZE + 1)
    results.has_next = len(page_keys) > PAGE_SIZE
    results.articles = fetch_articles([article_id_of(key) for key in page_keys[:PAGE_SIZE]], request.public)
    if len(results.candidate_keys) < CANDIDATES:  # they are all the matches
        results.total = len(results.candidate_keys)
    else:
        results.total = backend.count(plan, COUNT_CAP + 1)
    results.total_is_capped = results.total > COUNT_CAP
    results.facets_are_sampled = results.total > len(results.candidate_ids)
    return results


def ordered_keys(backend, plan, order, offset, size):
    """`size` index keys from `offset` in the results' order."""
    if order != "relevance":
        return backend.keys(plan, newest_first=order == "newest", limit=size, offset=offset)
    keys, skip = [], offset
    for tier in TIERS:
        wanted = size - len(keys)
        if wanted <= 0:
            break
        found = backend.keys(plan, tier=tier, limit=skip + wanted)
        if len(found) <= skip:  # this whole tier comes before the page
            skip -= len(found)
            continue
        keys += found[skip : skip + wanted]
        skip = 0
    return keys


def exhaustive_top(query, limit):
    """The top `limit` keys by the database's own score over every public match (bm25 or
    ts_rank_cd): what the tiers are measured against, never shown to readers."""
    parsed = parse(query)
    add_entity_links(parsed)
    add_other_forms(parsed)
    plan = make_plan(parsed, SearchRequest(query=query))
    return [] if plan.is_empty else current_backend().exhaustive(plan, limit)


def make_plan(parsed, request):
    tokens = [f"ent{kind.key}{entity.pk}" for kind, entity in request.entities]
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
    if not parsed.clauses and not request.entities and not request.incident_type and not request.publication:
        plan.tokens = []  # only dates: browse articles by date instead
    elif not parsed.positive and not plan.tokens:
        plan.tokens = [EVERY_ARTICLE]  # only words to leave out: start from every article
    return plan


# The index's keys hold dates in this range; dates outside it are brought to its edges.
EARLIEST = datetime.datetime(1900, 1, 1, tzinfo=datetime.UTC)
LATEST = datetime.datetime(2100, 12, 31, 23, 59, 59, tzinfo=datetime.UTC)


def date_bounds(request):
    """The first and last moments the request's dates allow (UTC), or None; within the index's range."""
    low, high = raw_date_bounds(request)
    clamp = lambda moment: min(max(moment, EARLIEST), LATEST) if moment else None  # noqa: E731
    return clamp(low), clamp(high)


def raw_date_bounds(request):
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
    found = articles.filter(pk__in=ids).in_bulk()
    return [found[pk] for pk in ids if pk in found]


def published_year(key):
    seconds = (key >> ID_BITS) - EPOCH_OFFSET
    return datetime.datetime.fromtimestamp(seconds, tz=datetime.UTC).year


# ---------------------------------------------------------------- entities named in the query


def runs_of_words(parsed):
    """([clauses], key) for each run of plain words that may name an entity, longest first.

    Common words may sit inside a run ("Bank of England"), not at its ends.
    """
    found, run = [], []
    for entry in [*parsed.sequence, BREAK]:
        if entry is not BREAK:
            run.append(entry)
            continue
        for start in range(len(run)):
            if run[start][1] is None:
                continue
            for end in range(start + 1, min(start + MAX_ENTITY_SPAN, len(run))):
                if run[end][1] is None:
                    continue
                clauses = [clause for _word, clause in run[start : end + 1] if clause is not None]
                if all(len(clause.options) == 1 for clause in clauses):
                    found.append((clauses, " ".join(word for word, _clause in run[start : end + 1])))
        run = []
    return sorted(found, key=lambda span: -len(span[1].split()))


def add_entity_links(parsed, public=True):
    """Let words that name an entity (or one of its spellings) also match its articles.

    A run of plain words naming one ("North Korea") becomes that phrase or the
    entity; a single word, phrase or OR alternative naming one gains the entity
    as another option. Returns the entities found, and the people a shared name may mean
    ([(words, [(kind, entity)])]), for the page to show.
    """
    runs = runs_of_words(parsed)
    singles = [option.text for clause in parsed.positive for option in clause.options if isinstance(option, Words)]
    parsed.common = common_words(singles)
    recognised = entities_named({key for _clauses, key in runs} | set(singles), public, parsed.common)
    named = recognised.named
    choices = [(text, recognised.choices[text]) for text in singles if text in recognised.choices]
    if not named:
        return [], choices
    matched, merged, used = [], {}, set()
    for clauses, key in runs:
        if key in named and not used & {id(clause) for clause in clauses}:
            used |= {id(clause) for clause in clauses}
            options = unique_options([Words(tuple(key.split())), *entity_options(named[key])])
            merged[id(clauses[0])] = (clauses, Clause(options))
            matched += named[key]
    positive = []
    for clause in parsed.positive:
        if id(clause) in merged:
            positive.append(merged[id(clause)][1])
        elif id(clause) not in used:
            options = list(clause.options)
            for option in clause.options:
                if isinstance(option, Words) and option.text in named:
                    options += entity_options(named[option.text])
                    matched += named[option.text]
            positive.append(Clause(unique_options(options), clause.negated))
    parsed.clauses = positive + parsed.negative
    unique = []
    for found in matched:
        if found not in unique:
            unique.append(found)
    return unique, choices


def add_other_forms(parsed):
    """Let a word find its other forms: each single word is also looked for as its base forms
    (Ukrainian and Russian) and its sound tokens, which the index holds for every word of the
    text (Article.search_forms). "Сибігою" then finds "Сибіга", and "Hordiienko" finds
    "Hordiyenko" and "Гордієнком"; phrases stay as written."""
    clauses = []
    for clause in parsed.clauses:
        options = list(clause.options)
        if not clause.negated:
            for option in clause.options:
                if isinstance(option, Words) and not option.is_phrase:
                    word = option.words[0]
                    # A common word is not a name spelt otherwise: only its base forms.
                    forms = base_forms(word) if word in parsed.common else query_forms(word)
                    options += [Words((form,)) for form in forms if form not in STOP_WORDS]
        clauses.append(Clause(unique_options(options), clause.negated))
    parsed.clauses = clauses


def entity_options(named):
    """Options matching these entities: their links, and their spellings in the text, so that
    "kiev" puts a headline saying "Kyiv" in the headline tier and finds articles not yet linked."""
    options = []
    for kind, entity in named:
        options.append(EntityMention(kind.key, entity.pk))
        for spelling in [entity.name, *entity.alias_names][:MAX_SPELLINGS]:
            words = tuple(words_of(spelling)[:MAX_PHRASE_WORDS])
            # A spelling that starts or ends with a common word ("The Hague") cannot be
            # matched alike by both databases, which drop those words; its link still matches.
            if words and words[0] not in STOP_WORDS and words[-1] not in STOP_WORDS:
                options.append(Words(words))
            if kind.key == "person" and (sounds := name_sounds(spelling)):
                options.append(sounds)
    return options


def name_sounds(spelling):
    """NameSounds of a person's Latin spelling of two names or more: "Oleksandr Hordiienko"
    then finds "Oleksandr Hordiyenko" and "Олександр Гордієнко" in an article not linked to him."""
    if is_cyrillic(spelling):
        return None  # its romanisations are spellings of their own, or not the person's
    tokens = [sound_tokens(word)[0] for word in names_in(spelling) if sound_tokens(word)]
    return NameSounds(tuple(tokens)) if len(tokens) >= 2 else None


def unique_options(options):
    return tuple(dict.fromkeys(options))

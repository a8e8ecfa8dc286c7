"""Related coverage: the published articles that share the most telling entities with an article.

A shared entity counts for more the rarer it is (inverse document frequency):
sharing an incident covered five times says more than sharing Ukraine. Ties go
to the newer article.

Ranking every article that shares an entity would read hundreds of thousands
of rows for a popular one, so the candidates are bounded: for each entity, the
articles published just before and just after this one (an index range each,
in one query). Rare entities give all their articles; popular ones their
nearest neighbours in time, which is what matters when they decide a tie. The
best candidates are then scored exactly.

An article with few or no entities (nobody tagged it) gets, after those, articles that
share its most telling words instead (`similar_in_wording`): the rarest words of its
headline and standfirst, by the "did you mean" vocabulary's counts, looked for through the
search index, the newest few hundred candidates then scored by the rarity of the words
their own headline and standfirst share. The page says which list is which.
"""

import datetime
import math

from django.core.cache import cache
from django.db import connection
from django.db.models import Min
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from archive.models import ENTITY_KINDS, Article, SearchWord
from archive.search.backends import current_backend
from archive.search.backends.base import Plan
from archive.search.engine import ordered_keys
from archive.search.keys import article_id_of, latest_key
from archive.search.query import STOP_WORDS, Clause, Words, words_of

PER_SIDE = 60  # candidates per entity before and after the article
RESCORED = 40  # best candidates whose shared entities are counted exactly
MAX_ENTITIES = 24
STATISTICS_KEPT_FOR = 600  # seconds


def related_articles(article, groups, limit=6):
    """Up to `limit` published articles related to `article`.

    `groups` is article.entities_by_kind(), already fetched for the page.
    """
    entities = [(kind, entity) for kind, members in groups for entity in members][:MAX_ENTITIES]
    if not entities:
        return []
    now = timezone.now()
    anchor = min(article.published_at or now, now)
    rows = candidate_rows(article, entities, anchor, now)
    if not rows:
        return []

    weights = entity_weights(rows, len(entities), now)
    published = {}
    rough = {}
    for article_pk, index, published_at in rows:
        published[article_pk] = published_at
        rough.setdefault(article_pk, set()).add(index)
    best = sorted(rough, key=lambda pk: (-sum(weights[i] for i in rough[pk]), -published[pk].timestamp()))
    best = best[:RESCORED]
    shared = exact_shares(best, entities)
    ranked = sorted(
        best,
        key=lambda pk: (-sum(weights[i] for i in shared.get(pk, rough[pk])), -published[pk].timestamp(), -pk),
    )
    chosen = ranked[: limit * 2]  # a few spare, in case one stopped being public meanwhile
    articles = Article.objects.published().in_bulk(chosen)
    return [articles[pk] for pk in chosen if pk in articles][:limit]


TELLING_WORDS = 6  # of an article's headline and standfirst, looked for in others
WORD_CANDIDATES = 200  # newest articles with any of them, scored
MIN_WORD_LETTERS = 4
VOCABULARY_ARTICLES = 20_000  # about how many articles' words the vocabulary counts (suggestions.VOCABULARY_SAMPLE)


def similar_in_wording(article, limit=6, exclude=()):
    """Up to `limit` published articles whose headline and standfirst share the most telling
    words of `article`'s; none in `exclude`."""
    counts = telling_words(article)
    if not counts:
        return []
    plan = Plan(
        clauses=[Clause(tuple(Words((word,)) for word in counts))],
        excluded=[],
        high_key=latest_key(timezone.now()),
    )
    keys = ordered_keys(current_backend(), plan, "relevance", 0, WORD_CANDIDATES)
    skip = {article.pk, *exclude}
    ids = [pk for pk in map(article_id_of, keys) if pk not in skip]
    candidates = (
        Article.objects.published()
        .filter(pk__in=ids)
        .only("pk", "slug", "headline", "standfirst", "published_at", "publication")
    )
    weight = {word: math.log(1 + VOCABULARY_ARTICLES / max(count, 1)) for word, count in counts.items()}
    scored = []
    for candidate in candidates:
        shared = set(words_of(f"{candidate.headline} {candidate.standfirst}")) & weight.keys()
        if shared:
            scored.append((-sum(weight[word] for word in shared), -candidate.published_at.timestamp(), candidate))
    scored.sort(key=lambda row: row[:2])
    return [candidate for _score, _time, candidate in scored[:limit]]


def telling_words(article):
    """{word: articles of the vocabulary using it} for the rarest words of the article's headline
    and standfirst that other articles use too; words the vocabulary does not know come last."""
    words = {
        word
        for word in words_of(f"{article.headline} {article.standfirst}")
        if word not in STOP_WORDS and len(word) >= MIN_WORD_LETTERS and not word.isdigit()
    }
    if not words:
        return {}
    known = dict(SearchWord.objects.filter(word__in=words).values_list("word", "articles"))
    ranked = sorted(words, key=lambda word: (word not in known, known.get(word, 0), word))
    return {word: known.get(word, 1) for word in ranked[:TELLING_WORDS]}


def archive_statistics():
    """How many articles are public and since when: only for weighting, so a few minutes old will do."""

    def compute():
        published = Article.objects.published()
        return published.count(), published.aggregate(first=Min("published_at"))["first"]

    return cache.get_or_set("related:archive-statistics", compute, STATISTICS_KEPT_FOR)


def entity_weights(rows, count, now):
    """Inverse document frequency of each entity, from what the candidate query read."""
    size, first = archive_statistics()
    archive_size = max(size, 1)
    archive_span = max((now - (first or now)).total_seconds(), 86400)
    times = {index: [] for index in range(count)}
    for _article_pk, index, published_at in rows:
        times[index].append(published_at)
    weights = {}
    for index, seen in times.items():
        if len(seen) < 2 * PER_SIDE:
            frequency = max(len(seen), 1)  # all of its coverage was read
        else:  # popular: estimate from how densely its articles fall in time
            window = max((max(seen) - min(seen)).total_seconds(), 3600)
            frequency = len(seen) * archive_span / window
        weights[index] = math.log(1 + archive_size / frequency)
    return weights


def candidate_rows(article, entities, anchor, now):
    """(article id, entity index, publication time) for each entity's neighbours in time."""
    quote = connection.ops.quote_name
    moment = connection.ops.adapt_datetimefield_value
    parts, params = [], []
    for index, (kind, entity) in enumerate(entities):
        table = quote(kind.link_model._meta.db_table)
        select = f"SELECT content_object_id, {index} AS entity_index, published_at FROM {table} WHERE tag_id = %s "
        parts.append(select + "AND published_at <= %s AND content_object_id <> %s ORDER BY published_at DESC LIMIT %s")
        params += [entity.pk, moment(anchor), article.pk, PER_SIDE]
        parts.append(
            select
            + "AND published_at > %s AND published_at <= %s AND content_object_id <> %s "
            + "ORDER BY published_at LIMIT %s"
        )
        params += [entity.pk, moment(anchor), moment(now), article.pk, PER_SIDE]
    sql = " UNION ALL ".join(f"SELECT * FROM ({part}) AS side_{n}" for n, part in enumerate(parts))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(pk, index, to_datetime(value)) for pk, index, value in cursor.fetchall()]


def exact_shares(candidate_pks, entities):
    """For each candidate, the indexes of this article's entities it is linked to."""
    if not candidate_pks:
        return {}
    index_of = {(kind.key, entity.pk): index for index, (kind, entity) in enumerate(entities)}
    shares = {}
    for kind in ENTITY_KINDS.values():
        entity_pks = [entity.pk for entity_kind, entity in entities if entity_kind is kind]
        if not entity_pks:
            continue
        for article_pk, entity_pk in kind.link_model.objects.filter(
            content_object_id__in=candidate_pks, tag_id__in=entity_pks
        ).values_list("content_object_id", "tag_id"):
            shares.setdefault(article_pk, set()).add(index_of[(kind.key, entity_pk)])
    return shares


def to_datetime(value):
    """A raw publication time from the cursor as an aware datetime: SQLite keeps UTC as text."""
    if isinstance(value, str):
        value = parse_datetime(value)
    return value if timezone.is_aware(value) else value.replace(tzinfo=datetime.UTC)

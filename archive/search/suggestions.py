""" "Did you mean": close entity names and aliases, and close words from the archive's vocabulary.

PostgreSQL finds close names with pg_trgm; SQLite compares the names that
share a first letter in Python. Every suggestion is searched before it is
offered, so nothing is suggested that would find nothing, or that only an
unpublished article contains.
"""

import difflib
from collections import Counter
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q

from ..models import ENTITY_KINDS, Alias, Article, SearchWord
from ..text import name_key
from .query import STOP_WORDS, words_of

MAX_SUGGESTIONS = 3
SIMILAR_ENOUGH = 0.75
MAX_WORD = 100
VOCABULARY_SAMPLE = 20_000


@dataclass(frozen=True)
class Suggestion:
    query: str
    because: str  # what it is: "person", "place", ..., or "word"


def close_names(text, limit=5):
    """[(name, kind label, similarity)] of public entities whose name or alias is close to `text`."""
    key = name_key(text)
    if not 3 <= len(key) <= 200:
        return []
    found = []
    for kind in ENTITY_KINDS.values():
        visible = kind.link_model.objects.visible().filter(tag=OuterRef("pk"))
        entities = kind.model.objects.filter(Exists(visible))
        aliases = Alias.objects.filter(content_type__model=kind.model._meta.model_name)
        if connection.vendor == "postgresql":
            entities = entities.filter(name_key__trigram_similar=key)
            aliases = aliases.filter(key__trigram_similar=key)
        else:
            same_start = Q(name_key__startswith=key[0])
            entities = entities.filter(same_start)
            aliases = aliases.filter(key__startswith=key[0])
        for name, entity_key in entities.values_list("name", "name_key")[:2000]:
            found.append((name, kind.label, difflib.SequenceMatcher(None, key, entity_key).ratio()))
        owners = {}
        for object_id, alias_key in aliases.values_list("object_id", "key")[:2000]:
            owners.setdefault(object_id, []).append(alias_key)
        for entity in kind.model.objects.filter(pk__in=list(owners)).filter(Exists(visible)):
            score = max(difflib.SequenceMatcher(None, key, alias_key).ratio() for alias_key in owners[entity.pk])
            found.append((entity.name, kind.label, score))
    best = {}
    for name, label, score in found:
        if score >= SIMILAR_ENOUGH and score > best.get(name, (None, 0))[1]:
            best[name] = (label, score)
    ranked = sorted(best.items(), key=lambda item: -item[1][1])
    return [(name, label, score) for name, (label, score) in ranked[:limit]]


def close_words(word, limit=3):
    if len(word) > MAX_WORD:
        return []  # no vocabulary word is that long
    candidates = SearchWord.objects.filter(
        word__startswith=word[0], word__regex=rf"^.{{{max(len(word) - 2, 1)},{len(word) + 2}}}$"
    ).values_list("word", "articles")[:5000]
    scored = [
        (difflib.SequenceMatcher(None, word, candidate).ratio(), articles, candidate)
        for candidate, articles in candidates
        if candidate != word
    ]
    return [candidate for score, _articles, candidate in sorted(scored, reverse=True) if score >= 0.8][:limit]


def suggestions(request, finds_something):
    """Queries close to `request.query` that `finds_something(query)` confirms."""
    text = request.query.strip()
    words = [word for word in words_of(text) if word not in STOP_WORDS]
    if not words:
        return []
    offered = []

    def offer(query, because):
        if query.lower() != text.lower() and query not in [s.query for s in offered] and finds_something(query):
            offered.append(Suggestion(query, because))

    for name, label, _score in close_names(text):
        offer(name, label)
    for word in words:
        if len(offered) >= MAX_SUGGESTIONS:
            break
        for name, label, _score in close_names(word, limit=2) if len(words) > 1 else []:
            offer(text_with(text, word, name), label)
        for replacement in close_words(word):
            offer(text_with(text, word, replacement), "word")
    return offered[:MAX_SUGGESTIONS]


def text_with(text, word, replacement):
    """The query with one word replaced, keeping the rest as typed."""
    parts = text.split()
    for index, part in enumerate(parts):
        if words_of(part) == [word]:
            parts[index] = replacement
            return " ".join(parts)
    return " ".join(replacement if words_of(part) == [word] else part for part in parts)


def refresh_vocabulary(sample=VOCABULARY_SAMPLE):
    """Count the words of the latest published headlines and standfirsts."""
    counts = Counter()
    latest = Article.objects.published().order_by("-published_at").values_list("headline", "standfirst")[:sample]
    for headline, standfirst in latest.iterator(chunk_size=2000):
        counts.update(set(words_of(f"{headline} {standfirst}")))
    words = [
        SearchWord(word=word, articles=articles)
        for word, articles in counts.items()
        if articles >= 2 and 3 <= len(word) <= 100 and word not in STOP_WORDS and not word.isdigit()
    ]
    with transaction.atomic():
        SearchWord.objects.all().delete()
        SearchWord.objects.bulk_create(words, batch_size=2000)
    return len(words)

""" "Did you mean": close entity names and aliases, and close words from the archive's vocabulary;
and the entities a new entity's name is close to, before an editor creates a second one.

Close spellings are found by trigrams (see archive.search.names) and scored
here. Every suggestion is searched before it is offered, so nothing is
suggested that would find nothing, or that only an unpublished article contains.
"""

import difflib
from collections import Counter
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Exists, OuterRef

from archive.lib.names import parts, sound_key, spelling_keys
from archive.lib.text import name_key
from archive.models import ENTITY_KINDS, Article, NameKey, SearchWord
from archive.search.names import close_spellings
from archive.search.query import STOP_WORDS, words_of

MAX_SUGGESTIONS = 3
SIMILAR_ENOUGH = 0.75
SAME_NAME = 0.9  # the score of a name found only by its keys: below the same spelling, above most
MAX_WORD = 100
VOCABULARY_SAMPLE = 20_000


@dataclass(frozen=True)
class AlternativeQuery:
    query: str
    because: str  # what it is: "person", "place", ..., or "word"


def close_names(text, limit=5):
    """[(name, kind label, similarity)] of public entities whose name or alias is close to `text`."""
    key = name_key(text)
    if not 3 <= len(key) <= 200:
        return []
    found = []
    for kind in ENTITY_KINDS.values():
        candidates = close_spellings(kind.model, key)
        visible = kind.link_model.objects.visible().filter(tag=OuterRef("pk"))
        public = dict(
            kind.model.objects.filter(pk__in={pk for pk, _spelling in candidates})
            .filter(Exists(visible))
            .values_list("pk", "name")
        )
        found += [(public[pk], kind.label, similarity(key, spelling)) for pk, spelling in candidates if pk in public]
    best = {}
    for name, label, score in found:
        if score >= SIMILAR_ENOUGH and score > best.get(name, (None, 0))[1]:
            best[name] = (label, score)
    ranked = sorted(best.items(), key=lambda item: -item[1][1])
    return [(name, label, score) for name, (label, score) in ranked[:limit]]


def similarity(key, other):
    return difflib.SequenceMatcher(None, key, other).ratio()


def closeness(key, other):
    """Why the folded spelling `other` may name what `key` names: "similar spelling", or the same
    words with "a word more" or "a word fewer"; None if it does not seem to."""
    if similarity(key, other) >= SIMILAR_ENOUGH:
        return "similar spelling"
    words, other_words = key.split(), other.split()
    if len(other_words) == len(words) + 1 and one_word_apart(other_words, words):
        return "a word more"
    if len(words) == len(other_words) + 1 and one_word_apart(words, other_words):
        return "a word fewer"
    return None


def one_word_apart(longer, shorter):
    return any(longer[:index] + longer[index + 1 :] == shorter for index in range(len(longer)))


@dataclass
class NearDuplicate:
    entity: object  # with `article_count`
    spelling: str  # the folded name or alias found close
    reason: str
    score: float

    @property
    def close_name(self):
        """The entity's name or alias that is close, as written."""
        spellings = [self.entity.name, *self.entity.alias_names]
        return next((name for name in spellings if name_key(name) == self.spelling), self.entity.name)


def near_duplicates(model, name, limit=8):
    """Entities of `model` whose name or alias is close to `name` but not the same spelling:
    one of them may be what the editor means. Best first; each has `article_count`.

    Close is alike in spelling, a word more or fewer, the same name in another script or
    transliteration, or (for people) the same surname. People who share only a first name
    are not close: "Volodymyr Zelensky" is not "Volodymyr Saldo".
    """
    key = name_key(name)
    kind = model._meta.model_name
    closest = {}
    for pk, spelling in close_spellings(model, key):
        reason = spelling != key and closeness(key, spelling)
        if reason and similarity(key, spelling) > closest.get(pk, (None, None, -1))[2]:
            closest[pk] = (spelling, reason, similarity(key, spelling))
    # What looks alike in no way letters can show: another script, or only the surname in common.
    for pk, spelling, reason in same_name(model, name):
        closest.setdefault(pk, (spelling, reason, SAME_NAME))
    entities = model.objects.filter(pk__in=closest).with_article_counts().prefetch_related("aliases")
    found = [NearDuplicate(entity, *closest[entity.pk]) for entity in entities]
    if kind == "person":
        surnames = surname_sounds(name)
        found = [
            near
            for near in found
            if near.reason == "the same name in another spelling"
            or any(
                similarity(mine, theirs) >= SIMILAR_ENOUGH
                for spelling in near_spellings(near)
                for theirs in surname_sounds(spelling)
                for mine in surnames
            )
        ]
    return sorted(found, key=lambda near: (-near.score, near.entity.name))[:limit]


def near_spellings(near):
    return [near.entity.name, *near.entity.alias_names]


def surname_sounds(spelling):
    """The sound keys of a person's names after the first, or of the one name there is."""
    names = parts(spelling, kind="person") or [spelling]
    return {sound_key(key) for name in names for key in spelling_keys(name)}


def same_name(model, name):
    """[(entity id, spelling key, reason)] of entities of `model` with `name` in another script or
    transliteration, or (people) with its surname: found through their name keys."""
    kind = model._meta.model_name
    whole = {key for key, how in spelling_keys(name).items() if how != "exact"}
    own_parts = {key for part in parts(name, kind=kind) for key in spelling_keys(part)}
    rows = NameKey.objects.filter(
        content_type=ContentType.objects.get_for_model(model), key__in=whole | own_parts | set(spelling_keys(name))
    ).values_list("object_id", "key", "part")
    found = []
    for pk, key, part in sorted(rows, key=lambda row: row[2]):  # the whole name before a part
        if not part and key in whole:
            found.append((pk, key, "the same name in another spelling"))
        elif part and (key in own_parts or key in whole):
            found.append((pk, key, "the same surname" if kind == "person" else "the same name in another form"))
    return found


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
        # Compared folded: "Kharkiv" and "kharkiv" are one suggestion, and neither is the search itself.
        if name_key(query) != name_key(text) and name_key(query) not in [name_key(s.query) for s in offered]:
            if finds_something(query):
                offered.append(AlternativeQuery(query, because))

    for name, label, _score in close_names(text):
        offer(name, label)
    if len(words) < 2:
        for replacement in close_words(words[0]):
            offer(text_with(text, words[0], replacement), "word")
        return offered[:MAX_SUGGESTIONS]
    # Each word the archive does not know, with its closest names and words: the best of each
    # together first ("zelenskyy kiyv" -> "Zelenskyy Kyiv"), then one word at a time.
    known = known_words(words)
    alternatives = {
        word: [(name, label) for name, label, _score in close_names(word, limit=2)]
        + [(replacement, "word") for replacement in close_words(word)]
        for word in words
        if word not in known
    }
    best = {word: found[0][0] for word, found in alternatives.items() if found}
    if len(best) > 1:
        combined = text
        for word, replacement in best.items():
            combined = text_with(combined, word, replacement)
        offer(combined, "word")
    for word, found in alternatives.items():
        for replacement, because in found:
            if len(offered) >= MAX_SUGGESTIONS:
                break
            offer(text_with(text, word, replacement), because)
    return offered[:MAX_SUGGESTIONS]


def known_words(words):
    """The words the archive's vocabulary or some entity's name has: nothing to correct there."""
    known = set(SearchWord.objects.filter(word__in=words).values_list("word", flat=True))
    return known | set(NameKey.objects.filter(key__in=set(words) - known).values_list("key", flat=True))


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

"""Which entities the words of a query name, written as readers write them.

A text names an entity when one of its keys (archive.lib.names: as written, romanised
from Cyrillic, alike in sound) is a key of the entity's name or of an alias. Failing
that, it may name one by a part: a surname, a place's name without "region". A part
shared by namesakes stands for the one far more covered than any other; when none is,
the people it may mean are offered as choices instead, and the words are searched as words.

One indexed lookup of every key of every text, whatever the number of entity kinds.
"""

from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count

from archive.lib.morphology import base_forms
from archive.lib.names import STRENGTH, is_cyrillic, spelling_keys
from archive.models import ENTITY_KINDS, NameKey, SearchWord
from archive.search.query import STOP_WORDS

# A part shared by namesakes stands for one of them alone when it covers this many times more.
DOMINANT = 5
# A word in this many of the latest headlines and standfirsts (the "did you mean" vocabulary) is
# a word, not a name misspelt: "line" is not the place Lynne, though alike in sound. The text
# search still finds every article that writes it.
COMMON_WORD = 50
# Readings of an inflected Cyrillic text looked up, at most: each word in its base forms.
MAX_READINGS = 12
# A part shared by more entities than this says nothing about which one is meant.
MAX_NAMESAKES = 20
MIN_PART_LENGTH = 3


@dataclass
class Recognised:
    named: dict = field(default_factory=dict)  # {text: [(kind, entity)]}
    choices: dict = field(default_factory=dict)  # {text: [(kind, entity)]}: people a part may mean
    how: dict = field(default_factory=dict)  # {text: "exact" | "romanised" | "sound" | "part"}


def entities_named(texts, public=True, common=frozenset()):
    """A Recognised for `texts`; only entities readers may see, unless not `public` (the admin).
    Texts in `common` (common_words) are never taken for a name only alike in sound."""
    keys = {text: query_keys(text) for text in texts}
    wanted = set().union(*keys.values()) if keys else set()
    result = Recognised()
    if not wanted:
        return result
    kinds = {ContentType.objects.get_for_model(kind.model).pk: kind for kind in ENTITY_KINDS.values()}
    rows = {}
    for content_type_id, entity_id, key, how, part in NameKey.objects.filter(key__in=wanted).values_list(
        "content_type_id", "object_id", "key", "how", "part"
    ):
        if content_type_id in kinds:
            rows.setdefault(key, []).append((kinds[content_type_id], entity_id, how, part))
    best = {}
    for text, text_keys in keys.items():
        matches = [
            ((part, max(STRENGTH[how], STRENGTH[row_how])), kind, entity_id)
            for key, how in text_keys.items()
            for kind, entity_id, row_how, part in rows.get(key, ())
            if not part or usable_part(text)
        ]
        if matches:
            rank = min(rank for rank, _kind, _id in matches)
            best[text] = (rank, list(dict.fromkeys((kind, entity_id) for r, kind, entity_id in matches if r == rank)))
    # A word named in full within a longer run of the query needs no reading as a part.
    in_full = {
        word for text, ((part, _strength), _found) in best.items() if not part and " " in text for word in text.split()
    }
    best = {
        text: (rank, found)
        for text, (rank, found) in best.items()
        # A part shared by more than MAX_NAMESAKES says nothing: dropped before anything is read.
        if not rank[0] or (text not in in_full and len(found) <= MAX_NAMESAKES)
    }
    for text in [text for text, (rank, _found) in best.items() if rank[1] >= STRENGTH["sound"]]:
        if text.casefold() in common:
            del best[text]
    visible = visible_ids([pair for _rank, found in best.values() for pair in found], public)
    decided = {}  # text -> (named or choices, [(kind, id)], how)
    shared = {}
    for text, ((part, strength), found) in best.items():
        found = [pair for pair in found if pair in visible]
        if not found:
            continue
        if not part:
            decided[text] = ("named", found, next(how for how, s in STRENGTH.items() if s == strength))
        elif len(found) == 1:
            decided[text] = ("named", found, "part")
        else:
            shared[text] = found
    counts = coverage([pair for found in shared.values() for pair in found])
    for text, found in shared.items():
        ranked = sorted(found, key=lambda pair: -counts.get(pair, 0))
        most, next_most = counts.get(ranked[0], 0), counts.get(ranked[1], 0)
        if most > 0 and most >= DOMINANT * next_most:
            decided[text] = ("named", ranked[:1], "part")
        elif all(kind.key == "person" for kind, _pk in found):
            decided[text] = ("choices", ranked, "part")
    entities = load([pair for _what, found, _how in decided.values() for pair in found])
    for text, (what, found, how) in decided.items():
        pairs = [(kind, entities[kind.key, pk]) for kind, pk in found]
        if what == "named":
            result.named[text], result.how[text] = pairs, how
        else:
            # Equally covered namesakes in a stable order: by name.
            result.choices[text] = sorted(pairs, key=lambda pair: (-counts.get((pair[0], pair[1].pk), 0), pair[1].name))
    return result


def query_keys(text):
    """{key: how} of a text of a query: its spelling keys, and for Cyrillic words in an inflected
    form ("Сибігою", "Зеленського") the keys of their base forms, as "inflection"."""
    keys = spelling_keys(text)
    if not is_cyrillic(text):
        return keys
    readings = [""]
    for word in text.split():
        forms = [word, *base_forms(word)]
        readings = [f"{reading} {form}".strip() for reading in readings for form in forms][:MAX_READINGS]
    for reading in readings[1:]:
        for key in spelling_keys(reading):
            keys.setdefault(key, "inflection")
    return keys


def common_words(texts):
    """Those of `texts` (single words, folded) that are common words of the archive's text
    (see COMMON_WORD): one query, none for a query without a word that could sound like a name."""
    words = {text.casefold() for text in texts if " " not in text.strip() and len(text) >= MIN_PART_LENGTH}
    if not words:
        return frozenset()
    return frozenset(
        SearchWord.objects.filter(word__in=words, articles__gte=COMMON_WORD).values_list("word", flat=True)
    )


def usable_part(text):
    """A part is looked up for one word that could be a name, not for a common word."""
    return " " not in text.strip() and len(text) >= MIN_PART_LENGTH and text.casefold() not in STOP_WORDS


def by_kind(pairs):
    """{kind: {id, ...}} of (kind, id) pairs."""
    ids = {}
    for kind, pk in pairs:
        ids.setdefault(kind, set()).add(pk)
    return ids


def visible_ids(pairs, public):
    """The (kind, id) pairs of entities readers may see (all of them for the admin): ids only."""
    found = set()
    for kind, pks in by_kind(pairs).items():
        queryset = kind.model.objects.public() if public else kind.model.objects.all()
        found |= {(kind, pk) for pk in queryset.filter(pk__in=pks).values_list("pk", flat=True)}
    return found


def coverage(pairs):
    """{(kind, id): articles readers can see}, one grouped count per kind."""
    counts = {}
    for kind, pks in by_kind(pairs).items():
        rows = kind.link_model.objects.visible().filter(tag_id__in=pks).values("tag_id").annotate(n=Count("pk"))
        counts |= {(kind, row["tag_id"]): row["n"] for row in rows.order_by()}
    return counts


def load(pairs):
    """{(kind key, id): entity} of these, with their aliases."""
    return {
        (kind.key, entity.pk): entity
        for kind, pks in by_kind(pairs).items()
        for entity in kind.model.objects.filter(pk__in=pks).prefetch_related("aliases")
    }

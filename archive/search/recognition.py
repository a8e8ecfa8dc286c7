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

from archive.lib.names import STRENGTH, spelling_keys
from archive.models import ENTITY_KINDS, NameKey
from archive.search.query import STOP_WORDS

# A part shared by namesakes stands for one of them alone when it covers this many times more.
DOMINANT = 5
# A part shared by more entities than this says nothing about which one is meant.
MAX_NAMESAKES = 20
COVERAGE_COUNTED_UP_TO = 1000
MIN_PART_LENGTH = 3


@dataclass
class Recognised:
    named: dict = field(default_factory=dict)  # {text: [(kind, entity)]}
    choices: dict = field(default_factory=dict)  # {text: [(kind, entity)]}: people a part may mean
    how: dict = field(default_factory=dict)  # {text: "exact" | "romanised" | "sound" | "part"}


def entities_named(texts, public=True):
    """A Recognised for `texts`; only entities readers may see, unless not `public` (the admin)."""
    keys = {text: spelling_keys(text) for text in texts}
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
    entities = load(best.values(), public)
    for text, ((part, strength), found) in best.items():
        found = [(kind, entities[kind.key, pk]) for kind, pk in found if (kind.key, pk) in entities]
        if not found:
            continue
        if not part:
            result.named[text], result.how[text] = found, next(h for h, s in STRENGTH.items() if s == strength)
        elif len(found) == 1:
            result.named[text], result.how[text] = found, "part"
        elif len(found) <= MAX_NAMESAKES:
            ranked = by_coverage(found)
            (first, most), (_second, next_most) = ranked[0], ranked[1]
            if most > 0 and most >= DOMINANT * next_most:
                result.named[text], result.how[text] = [first], "part"
            elif all(kind.key == "person" for kind, _entity in found):
                result.choices[text] = [pair for pair, _count in ranked]
    return result


def usable_part(text):
    """A part is looked up for one word that could be a name, not for a common word."""
    return " " not in text.strip() and len(text) >= MIN_PART_LENGTH and text.casefold() not in STOP_WORDS


def load(found, public):
    """{(kind key, id): entity} of the entities found, with their aliases; readers' ones only if `public`."""
    ids = {}
    for _rank, pairs in found:
        for kind, pk in pairs:
            ids.setdefault(kind, set()).add(pk)
    loaded = {}
    for kind, pks in ids.items():
        queryset = kind.model.objects.public() if public else kind.model.objects.all()
        for entity in queryset.filter(pk__in=pks).prefetch_related("aliases"):
            loaded[kind.key, entity.pk] = entity
    return loaded


def by_coverage(found):
    """[((kind, entity), articles readers can see, counted up to a cap)], most covered first."""
    counted = [
        ((kind, entity), kind.link_model.objects.visible().filter(tag=entity)[:COVERAGE_COUNTED_UP_TO].count())
        for kind, entity in found
    ]
    return sorted(counted, key=lambda item: (-item[1], item[0][1].name))

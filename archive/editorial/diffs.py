"""What changed between two snapshots of an article (see archive.revisions): for people to read, and in words.

Text fields are compared word by word, short fields as old → new, entities by
id within each kind, sources by address (added, removed, edited, reordered).
"""

import datetime
import difflib
import re
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.text import capfirst

from archive.models import ENTITY_KINDS, Article

# Compared word by word; every other snapshot field is short and shown as old → new.
TEXT_FIELDS = ["headline", "standfirst", "body", "editor_note", "withdrawal_note"]
# Unchanged stretches longer than this many words are shortened to their ends.
UNCHANGED_WORDS_SHOWN = 24
# Words, punctuation marks and runs of spaces: "block" → "block," changes only the comma.
_TOKENS = re.compile(r"[\w'’-]+|[^\w\s]|\s+")


def field_label(name):
    return str(Article._meta.get_field(name).verbose_name)


def shown_value(name, value):
    """A snapshot value as an editor reads it."""
    if value in (None, ""):
        return "(empty)"
    if name == "status":
        return str(Article.Status(value).label) if value in Article.Status.values else value
    if name == "published_at":
        moment = datetime.datetime.fromisoformat(value)
        return f"{timezone.localtime(moment):%-d %b %Y %H:%M}"
    return value


@dataclass
class Segment:
    """A run of words: "equal", "delete", "insert", or "skipped" (an unchanged stretch left out)."""

    op: str
    text: str


@dataclass
class FieldChange:
    name: str
    old: str
    new: str

    @property
    def label(self):
        return capfirst(field_label(self.name))

    @property
    def is_text(self):
        return self.name in TEXT_FIELDS

    @property
    def old_shown(self):
        return shown_value(self.name, self.old)

    @property
    def new_shown(self):
        return shown_value(self.name, self.new)

    @property
    def segments(self):
        return word_diff(self.old or "", self.new or "")


@dataclass
class EntityChange:
    kind: object  # EntityKind
    added: list  # names
    removed: list

    @property
    def label(self):
        return capfirst(self.kind.label_plural)


@dataclass
class SourceChanges:
    added: list = field(default_factory=list)  # source dicts
    removed: list = field(default_factory=list)
    edited: list = field(default_factory=list)  # (old, new) pairs with the same address
    reordered: bool = False
    order: list = field(default_factory=list)  # the new order, when it changed

    def __bool__(self):
        return bool(self.added or self.removed or self.edited or self.reordered)


@dataclass
class Comparison:
    fields: list
    entities: list
    sources: SourceChanges
    first: bool = False  # nothing before: everything is new

    def __bool__(self):
        return bool(self.fields or self.entities or self.sources)

    def summary(self):
        """What changed, in words: "Headline and body edited; 2 people added; 1 source removed"."""
        if self.first:
            return first_version_summary(self)
        parts = []
        edited = [change for change in self.fields if change.name != "status"]
        if edited:
            parts.append(capfirst(and_list([field_label(change.name) for change in edited])) + " edited")
        for change in self.fields:
            if change.name == "status":
                parts.append(f"Status {change.old_shown} → {change.new_shown}")
        for change in self.entities:
            if change.added:
                parts.append(counted(len(change.added), change.kind) + " added")
            if change.removed:
                parts.append(counted(len(change.removed), change.kind) + " removed")
        sources = self.sources
        for items, verb in [(sources.added, "added"), (sources.removed, "removed"), (sources.edited, "edited")]:
            if items:
                parts.append(f"{len(items)} source{'s' if len(items) != 1 else ''} {verb}")
        if sources.reordered:
            parts.append("Sources reordered")
        if not parts:
            return "No changes"
        return "; ".join([parts[0], *(part[0].lower() + part[1:] for part in parts[1:])])


def first_version_summary(comparison):
    contents = [counted(len(change.added), change.kind) for change in comparison.entities if change.added]
    if comparison.sources.added:
        count = len(comparison.sources.added)
        contents.append(f"{count} source{'s' if count != 1 else ''}")
    return "First version" + (": " + ", ".join(contents) if contents else "")


def counted(number, kind):
    return f"{number} {kind.label if number == 1 else kind.label_plural}"


def and_list(words):
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def compare(before, after):
    """The Comparison of two snapshots; `before` is None for an article's first version."""
    first = before is None
    before = before or {"fields": {}, "entities": {}, "sources": []}
    fields = [
        FieldChange(name, before["fields"].get(name), value)
        for name, value in after["fields"].items()
        if (before["fields"].get(name) or "") != (value or "")
    ]
    entities = []
    for kind in ENTITY_KINDS.values():
        old = {entity["id"]: entity["name"] for entity in before["entities"].get(kind.article_field, [])}
        new = {entity["id"]: entity["name"] for entity in after["entities"].get(kind.article_field, [])}
        added = [name for pk, name in new.items() if pk not in old]
        removed = [name for pk, name in old.items() if pk not in new]
        if added or removed:
            entities.append(EntityChange(kind, added, removed))
    return Comparison(fields, entities, compare_sources(before["sources"], after["sources"]), first=first)


def compare_sources(old, new):
    """Sources are told apart by their address; a changed title or publisher is an edit."""
    old_by_url = {source["url"]: source for source in old}
    new_by_url = {source["url"]: source for source in new}
    changes = SourceChanges(
        added=[source for source in new if source["url"] not in old_by_url],
        removed=[source for source in old if source["url"] not in new_by_url],
        edited=[
            (old_by_url[source["url"]], source)
            for source in new
            if source["url"] in old_by_url and old_by_url[source["url"]] != source
        ],
    )
    kept_order_before = [source["url"] for source in old if source["url"] in new_by_url]
    kept_order_after = [source["url"] for source in new if source["url"] in old_by_url]
    if kept_order_before != kept_order_after:
        changes.reordered = True
        changes.order = new
    return changes


def word_diff(old, new):
    """Segments of `new` against `old`, word by word, with long unchanged stretches shortened.

    Spaces left unchanged between two changes join them, so a rewritten phrase reads as one
    deletion and one insertion rather than word against word.
    """
    a, b = _TOKENS.findall(old), _TOKENS.findall(new)
    opcodes = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    segments, deleted, inserted = [], [], []

    def end_of_change():
        if deleted:
            segments.append(Segment("delete", "".join(deleted)))
        if inserted:
            segments.append(Segment("insert", "".join(inserted)))
        deleted.clear()
        inserted.clear()

    for index, (op, a_start, a_end, b_start, b_end) in enumerate(opcodes):
        unchanged = "".join(a[a_start:a_end]) if op == "equal" else None
        between_changes = 0 < index < len(opcodes) - 1 and unchanged is not None and not unchanged.strip()
        if unchanged is not None and not between_changes:
            end_of_change()
            segments.extend(shortened(unchanged))
        else:
            deleted.extend(a[a_start:a_end])
            inserted.extend(b[b_start:b_end])
    end_of_change()
    return segments


def shortened(text):
    tokens = _TOKENS.findall(text)
    words = [index for index, token in enumerate(tokens) if token.strip()]
    if len(words) <= UNCHANGED_WORDS_SHOWN * 2:
        return [Segment("equal", text)]
    head, tail = words[UNCHANGED_WORDS_SHOWN], words[-UNCHANGED_WORDS_SHOWN]
    return [
        Segment("equal", "".join(tokens[:head])),
        Segment("skipped", "…"),
        Segment("equal", "".join(tokens[tail:])),
    ]

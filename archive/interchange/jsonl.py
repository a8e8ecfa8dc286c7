"""JSON Lines, as `export_articles` writes them: one article, or one unlinked entity, per line."""

import datetime
import json

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from archive.interchange.fields import ARTICLE_FIELDS, SOURCE_FIELDS, entity_data_fields, is_entity_reference
from archive.interchange.records import ArticleRecord, EntityRecord, ImportProblem
from archive.lib.names import SpellingWithLanguage
from archive.lib.text import without_control_characters
from archive.models import ENTITY_KINDS, Alias, Article, Correction, SlugRedirect, SourceLink
from archive.models.records import CLOCK_SKEW


def _clean_field(model, name, value, line, label=None):
    model_field = model._meta.get_field(name)
    label = label or name
    if isinstance(value, str):
        if "\x00" in value:
            raise ImportProblem(f"{label}: contains a NUL character", line)
        value = without_control_characters(value)
    try:
        if model_field.get_internal_type() == "DateTimeField" and isinstance(value, str):
            value = parse_moment(value)
        return model_field.clean(value, None)
    except ValidationError as error:
        raise ImportProblem(f"{label}: {' '.join(error.messages)}", line) from None


def parse_moment(text):
    """An ISO 8601 date and time; one without a zone is taken as UTC."""
    try:
        moment = parse_datetime(text)
    except ValueError:
        moment = None
    if moment is None:
        raise ValidationError(f"“{text[:40]}” is not a date and time")
    return moment if timezone.is_aware(moment) else moment.replace(tzinfo=datetime.UTC)


class EntityData(dict):
    """An entity's cleaned fields, with `key`: the canonical JSON it was read from."""

    key = ""


# The same entity comes back on thousands of lines (Ukraine, Kyiv): clean it once.
_cleaned_entities = {}
CLEANED_ENTITIES_KEPT = 20_000


def parse_entity_data(model, data, line, depth=0):
    try:
        key = json.dumps(data, sort_keys=True, ensure_ascii=False)
    except (TypeError, ValueError):
        raise ImportProblem(f"each {model._meta.verbose_name} must be an object", line) from None
    cached = _cleaned_entities.get((model, key))
    if cached is None:
        cached = EntityData(clean_entity_data(model, data, line, depth))
        cached.key = key
        if len(_cleaned_entities) >= CLEANED_ENTITIES_KEPT:
            _cleaned_entities.clear()
        _cleaned_entities[(model, key)] = cached
    return cached


def clean_entity_data(model, data, line, depth):
    if not isinstance(data, dict) or not isinstance(data.get("name"), str) or not data["name"].strip():
        raise ImportProblem(f"each {model._meta.verbose_name} needs a name", line)
    if depth > 20:
        raise ImportProblem("entities are nested too deeply", line)
    cleaned = {}
    for model_field in entity_data_fields(model):
        if model_field.name not in data:
            continue
        value = data[model_field.name]
        if is_entity_reference(model_field):
            cleaned[model_field.name] = (
                None if value is None else parse_entity_data(model_field.related_model, value, line, depth + 1)
            )
        elif model_field.name == "slug" and not value:
            continue
        else:
            cleaned[model_field.name] = _clean_field(model, model_field.name, value, line)
    if "aliases" in data:
        cleaned["aliases"] = parse_aliases(data["aliases"], data["name"], line)
    if "old_slugs" in data:
        cleaned["old_slugs"] = parse_old_slugs(data["old_slugs"], line)
    return cleaned


def _time_or_now(item, model, name, line, label):
    """The time `item` gives under `name`, checked as `model`'s field; now if it gives none."""
    value = item.get(name)
    return timezone.now() if value is None else _clean_field(model, name, value, line, label=label)


def parse_aliases(items, owner, line):
    """Aliases as names ("Kiev"), or as a name and its language ({"name": "Київ", "language": "uk"}),
    which exports since languages were kept write for the aliases whose language is known."""
    languages = set(Alias.Language.values)
    aliases = []
    for item in items if isinstance(items, list) else [None]:
        if isinstance(item, dict) and set(item) <= {"name", "language"}:
            name, language = item.get("name"), item.get("language") or ""
        else:
            name, language = item, ""
        if not isinstance(name, str) or not name.strip() or language not in languages | {""}:
            raise ImportProblem(
                f'aliases of “{owner}” must be a list of names, or of {{"name", "language"}} with a language '
                f"of {', '.join(sorted(languages))}",
                line,
            )
        aliases.append(SpellingWithLanguage(name, language))
    return aliases


def parse_old_slugs(items, line):
    """Old addresses, [{"slug", "created_at"}, ...], as ((slug, time), ...); one without a time is new now."""
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise ImportProblem("old_slugs must be a list of objects with a slug", line)
    old_slugs = []
    for item in items:
        slug = _clean_field(SlugRedirect, "slug", item.get("slug") or "", line, label="old slug")
        old_slugs.append((slug, _time_or_now(item, SlugRedirect, "created_at", line, "old slug created_at")))
    # A tuple: cleaned entities are shared between the lines that name them (see parse_entity_data).
    return tuple(old_slugs)


def parse_corrections(items, line):
    """Public corrections, [{"published_at", "text"}, ...]; one without a date is dated now."""
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise ImportProblem("corrections must be a list of objects with a text", line)
    corrections = []
    for item in items:
        text = _clean_field(Correction, "text", item.get("text") or "", line, label="correction text")
        published_at = _time_or_now(item, Correction, "published_at", line, "correction date")
        # The rule editors follow (Correction.clean): one dated ahead would top the corrections page until its day.
        if published_at > timezone.now() + CLOCK_SKEW:
            raise ImportProblem("correction date: a correction cannot be dated in the future", line)
        corrections.append({"published_at": published_at, "text": text})
    return corrections


def parse_record(raw, line):
    try:
        data = json.loads(raw)
    except ValueError as error:
        raise ImportProblem(f"not valid JSON ({error.msg})", line) from None
    if not isinstance(data, dict):
        raise ImportProblem("each line must be a JSON object", line)
    if data.get("type", "article") == "entity":
        kind = ENTITY_KINDS.get(data.get("entity_kind"))
        if kind is None:
            raise ImportProblem(f"unknown entity kind {data.get('entity_kind')!r}", line)
        return EntityRecord(kind.key, parse_entity_data(kind.model, data.get("entity"), line), line)
    if data.get("type", "article") != "article":
        raise ImportProblem(f"unknown record type {data.get('type')!r}", line)
    if not isinstance(data.get("headline"), str) or not data["headline"].strip():
        raise ImportProblem("the article has no headline", line)
    fields = {}
    for name in ARTICLE_FIELDS:
        if name in data and name != "import_key" and not (name == "slug" and not data[name]):
            value = data[name]
            if value is None and name in {
                "standfirst",
                "body",
                "byline",
                "publication",
                "dateline",
                "editor_note",
                "withdrawal_note",
            }:
                value = ""
            fields[name] = _clean_field(Article, name, value, line)
    sources = None
    if "sources" in data:
        if not isinstance(data["sources"], list):
            raise ImportProblem("sources must be a list", line)
        sources = []
        for source in data["sources"]:
            if not isinstance(source, dict):
                raise ImportProblem("each source must be an object with a url", line)
            sources.append({name: _clean_field(SourceLink, name, source.get(name, ""), line) for name in SOURCE_FIELDS})
    entities = None
    if "entities" in data:
        if not isinstance(data["entities"], dict):
            raise ImportProblem("entities must be an object keyed by kind", line)
        fields_to_kind = {kind.article_field: kind for kind in ENTITY_KINDS.values()}
        entities = {}
        for article_field, items in data["entities"].items():
            kind = fields_to_kind.get(article_field)
            if kind is None:
                raise ImportProblem(f"unknown entity kind {article_field!r}", line)
            if not isinstance(items, list):
                raise ImportProblem(f"{article_field} must be a list", line)
            entities[article_field] = [parse_entity_data(kind.model, item, line) for item in items]
    # Absent from exports made before they were exported: the article's own are left as they are.
    corrections = parse_corrections(data["corrections"], line) if "corrections" in data else None
    old_slugs = parse_old_slugs(data["old_slugs"], line) if "old_slugs" in data else None
    import_key = data.get("import_key") or None
    if import_key is not None and not isinstance(import_key, str):
        raise ImportProblem("import_key must be a string", line)
    version = data.get("version")
    if version is not None and (type(version) is not int or not 1 <= version < 2**31):
        raise ImportProblem("version must be a whole number from 1", line)
    return ArticleRecord(
        fields=fields,
        sources=sources,
        entities=entities,
        corrections=corrections,
        old_slugs=old_slugs,
        import_key=import_key,
        line=line,
        version=version,
    )


def decode_line(raw, number):
    """A line's bytes as text, refusing what is not UTF-8 text, in the words wire files get."""
    if b"\x00" in raw:
        raise ImportProblem("this is a binary file, not text (it contains NUL bytes)", number)
    try:
        return raw.decode("utf-8-sig" if number == 1 else "utf-8")
    except UnicodeDecodeError as error:
        raise ImportProblem(f"not UTF-8 text (byte 0x{raw[error.start]:02x} cannot be decoded)", number) from None


def read_jsonl(path):
    """(record or None for a blank line, bytes read) for each line of the file.

    A file without a single record is refused, as an empty wire file is: it is far
    more likely a failed or truncated copy than something meant to import nothing.
    """
    found = False
    with open(path, "rb") as handle:
        for number, raw in enumerate(handle, start=1):
            text = decode_line(raw, number)
            if text.strip():
                found = True
                yield parse_record(text, number), len(raw)
            else:
                yield None, len(raw)
    if not found:
        raise ImportProblem("the file is empty")

"""Read wire files and JSON Lines exports into the archive.

Each file is imported in one transaction: a file with any problem writes
nothing and is reported with its path and line, and the other files go on.
Importing the same article again updates it: wire files are known by their
file name, exported records by their import key or slug.
"""

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import DatabaseError, IntegrityError, transaction
from django.utils.dateparse import parse_datetime

from .exporters import ARTICLE_FIELDS, SOURCE_FIELDS, entity_data_fields, is_entity_reference
from .models import ENTITY_KINDS, Alias, Article, SourceLink, check_names_are_free
from .text import name_key

WIRE_SUFFIXES = {".txt"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
SOURCES_HEADING = re.compile(r"^related sources\s*:?$", re.IGNORECASE)
# Lines no longer than this, in a block of several, are a hard-wrapped paragraph.
WRAP_WIDTH = 100
MAX_HEADLINE = Article._meta.get_field("headline").max_length
URL_PATTERN = re.compile(r"https?://\S+$", re.IGNORECASE)
SOURCE_WITH_TITLE = re.compile(
    r"^(?P<title>.+?)\s+[-–—]\s+(?P<url>https?://\S+)$|^(?P<title2>.+?)\s*[–—]\s*(?P<url2>https?://\S+)$"
)
BULLET = re.compile(r"^(?:[-*•]|\d+[.)])\s+")
DATELINE = re.compile(
    r"^(?P<place>[A-Z][A-Z'’. -]{1,40}[A-Z])(?:\s*,[^-–—(]{0,30})?(?:\s*\([^)]{1,40}\))?\s+[-–—]\s+\S"
)
CONTROL_CHARACTERS = re.compile(r"[\x01-\x08\x0b\x0e-\x1f\x7f]")
MARKDOWN_BLOCK_START = re.compile(r"^(#|>|[-+*=]\s|```|~~~)")
NUMBERED_LIST_START = re.compile(r"^(?P<number>\d+)[.)]\s")
validate_url = URLValidator(schemes=["http", "https"])


class ImportProblem(Exception):
    def __init__(self, message, line=None):
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass
class ArticleRecord:
    """One article read from a file, before it touches the database."""

    fields: dict
    sources: list | None = None  # None: leave the article's sources alone
    entities: dict | None = None  # article_field -> [entity dict]; None: leave links alone
    import_key: str | None = None
    line: int = 1


@dataclass
class EntityRecord:
    kind: str
    data: dict
    line: int = 1


@dataclass
class Failure:
    path: Path
    line: int | None
    message: str

    def __str__(self):
        where = f"{self.path}:{self.line}" if self.line else str(self.path)
        return f"{where}: {self.message}"


@dataclass
class ImportReport:
    imported: int = 0
    updated: int = 0
    failures: list = field(default_factory=list)
    skipped: list = field(default_factory=list)


# ---------------------------------------------------------------- reading files


def decode_text(data):
    """Bytes to text, refusing what is not a UTF-8 text file."""
    if not data.strip():
        raise ImportProblem("the file is empty")
    if b"\x00" in data:
        raise ImportProblem(
            "this is a binary file, not text (it contains NUL bytes)", data[: data.index(b"\x00")].count(b"\n") + 1
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ImportProblem(f"not UTF-8 text (byte 0x{data[error.start]:02x} cannot be decoded)", line) from None
    if match := CONTROL_CHARACTERS.search(text):
        line = text.count("\n", 0, match.start()) + 1
        raise ImportProblem(
            f"this looks like a binary file: it contains the control character U+{ord(match.group()):04X}", line
        )
    return text


def split_paragraphs(lines):
    """Paragraphs from (line number, text) pairs: one per line, or hard-wrapped blocks joined."""
    blocks, block = [], []
    for _number, text in lines:
        if text.strip():
            block.append(text.strip())
        elif block:
            blocks.append(block)
            block = []
    if block:
        blocks.append(block)
    paragraphs = []
    for block in blocks:
        if len(block) > 1 and max(len(text) for text in block[:-1]) <= WRAP_WIDTH:
            paragraphs.append(" ".join(block))
        else:
            paragraphs.extend(block)
    return paragraphs


def as_markdown_paragraph(text):
    """Plain wire text as a Markdown paragraph that renders as written."""
    if numbered := NUMBERED_LIST_START.match(text):
        return f"{numbered['number']}\\{text[len(numbered['number']) :]}"
    if MARKDOWN_BLOCK_START.match(text):
        return "\\" + text
    return text


def parse_source(text, line):
    text = BULLET.sub("", text.strip(), count=1)
    if URL_PATTERN.fullmatch(text):
        title, url = "", text
    elif match := SOURCE_WITH_TITLE.match(text):
        title = (match["title"] or match["title2"]).strip()
        url = match["url"] or match["url2"]
    else:
        raise ImportProblem(f"“{text[:80]}” is not a source: expected a URL, or “Title - URL”", line)
    try:
        validate_url(url)
    except ValidationError:
        raise ImportProblem(f"“{url[:80]}” is not a valid web address", line) from None
    publisher = re.sub(r"^www\.", "", url.split("/")[2].split(":")[0].lower())
    return {"title": title[:500], "url": url, "publisher": publisher[:200]}


def parse_wire_text(data, import_key):
    """The plain-text wire format: headline, paragraphs, then an optional “Related Sources:” block."""
    text = decode_text(data)
    lines = [(number, line.rstrip()) for number, line in enumerate(text.splitlines(), start=1)]
    content = [(number, line) for number, line in lines if line.strip()]
    if not content:
        raise ImportProblem("the file is empty")
    headline_line, headline = content[0]
    headline = headline.strip()
    if SOURCES_HEADING.match(headline):
        raise ImportProblem("there is no headline: the file starts with its sources", headline_line)
    if len(headline) > MAX_HEADLINE:
        raise ImportProblem(
            f"the first line is {len(headline)} characters long, too long for a headline "
            f"(at most {MAX_HEADLINE}); does the file start with its headline?",
            headline_line,
        )
    body_lines, source_lines, in_sources = [], [], False
    for number, line in lines:
        if number <= headline_line:
            continue
        if not in_sources and SOURCES_HEADING.match(line.strip()):
            in_sources = True
        elif in_sources:
            if line.strip():
                source_lines.append((number, line))
        else:
            body_lines.append((number, line))
    paragraphs = split_paragraphs(body_lines)
    if not paragraphs:
        raise ImportProblem("there is a headline but no paragraphs after it", headline_line)
    dateline = DATELINE.match(paragraphs[0])
    fields = {
        "headline": headline,
        "body": "\n\n".join(as_markdown_paragraph(p) for p in paragraphs),
        "dateline": dateline["place"].strip() if dateline else "",
    }
    sources = [parse_source(line, number) for number, line in source_lines]
    return ArticleRecord(fields=fields, sources=sources, import_key=import_key, line=headline_line)


# ---------------------------------------------------------------- JSON Lines


def _clean_field(model, name, value, line):
    model_field = model._meta.get_field(name)
    try:
        if model_field.get_internal_type() == "DateTimeField" and isinstance(value, str):
            parsed = parse_datetime(value)
            if parsed is None:
                raise ValidationError(f"“{value}” is not a date and time")
            value = parsed
        return model_field.clean(value, None)
    except ValidationError as error:
        raise ImportProblem(f"{name}: {' '.join(error.messages)}", line) from None


def parse_entity_data(model, data, line, depth=0):
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
        aliases = data["aliases"]
        if not isinstance(aliases, list) or not all(isinstance(alias, str) and alias.strip() for alias in aliases):
            raise ImportProblem(f"aliases of “{data['name']}” must be a list of names", line)
        cleaned["aliases"] = aliases
    return cleaned


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
            if value is None and name in {"standfirst", "body", "byline", "publication", "dateline", "editor_note"}:
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
    import_key = data.get("import_key") or None
    if import_key is not None and not isinstance(import_key, str):
        raise ImportProblem("import_key must be a string", line)
    return ArticleRecord(fields=fields, sources=sources, entities=entities, import_key=import_key, line=line)


def read_jsonl(path):
    with open(path, "rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if raw.strip():
                try:
                    text = raw.decode("utf-8-sig" if number == 1 else "utf-8")
                except UnicodeDecodeError:
                    raise ImportProblem("not UTF-8 text", number) from None
                yield parse_record(text, number), len(raw)
            else:
                yield None, len(raw)


# ---------------------------------------------------------------- writing


class Importer:
    """Writes records into the archive. One instance per import run."""

    def __init__(self, *, status=None, publication=None):
        self.status = status
        self.publication = publication
        self.entity_cache = {}  # (model, json of the data) -> saved entity

    def forget_cache(self):
        self.entity_cache.clear()

    def save_entity(self, model, data):
        cache_key = (model, json.dumps(data, sort_keys=True, default=str))
        if cache_key in self.entity_cache:
            return self.entity_cache[cache_key]
        values = dict(data)
        aliases = values.pop("aliases", None)
        for name, value in list(values.items()):
            model_field = model._meta.get_field(name)
            if is_entity_reference(model_field) and value is not None:
                values[name] = self.save_entity(model_field.related_model, value)
        entity = model.objects.filter(slug=values["slug"]).first() if values.get("slug") else None
        if entity is None and (entity := model.objects.named(values["name"]).first()) is not None:
            # Known under another spelling or address: link it as it is, and
            # learn only the spellings it does not have yet.
            self.add_aliases(entity, aliases or [])
        else:
            # New, or the same record again (same address): the record is the truth.
            entity = entity or model()
            for name, value in values.items():
                setattr(entity, name, value)
            if entity.pk is None:
                check_names_are_free(model, [values["name"], *(aliases or [])])
            entity.save()
            if aliases is not None:
                self.set_aliases(entity, aliases)
        self.entity_cache[cache_key] = entity
        return entity

    def add_aliases(self, entity, names):
        known = {entity.name_key, *(alias.key for alias in entity.aliases.all())}
        self.set_aliases(
            entity,
            [*(alias.name for alias in entity.aliases.all()), *(name for name in names if name_key(name) not in known)],
        )

    def set_aliases(self, entity, names):
        current = {alias.key: alias for alias in entity.aliases.all()}
        wanted = {}
        for name in names:
            key = name_key(name)
            if key and key != entity.name_key:
                wanted.setdefault(key, name)
        stale = [alias.pk for key, alias in current.items() if key not in wanted]
        if stale:
            Alias.objects.filter(pk__in=stale).delete()
        new = [name for key, name in wanted.items() if key not in current]
        if new:
            check_names_are_free(type(entity), new, exclude_pk=entity.pk)
            for name in new:
                Alias(entity=entity, name=name).save()

    def find_article(self, record):
        if record.import_key:
            article = Article.objects.filter(import_key=record.import_key).first()
            if article is not None:
                return article
        slug = record.fields.get("slug")
        if slug:
            article = Article.objects.filter(slug=slug).first()
            if article is not None:
                if article.import_key and record.import_key and article.import_key != record.import_key:
                    raise ImportProblem(f"the slug “{slug}” belongs to another imported article", record.line)
                return article
        return None

    def save_article(self, record):
        """Create or update one article; returns True if it was new."""
        article = self.find_article(record)
        created = article is None
        if created:
            article = Article(import_key=record.import_key)
        elif record.import_key and not article.import_key:
            article.import_key = record.import_key
        timestamps = {name: record.fields[name] for name in ("created_at", "updated_at") if name in record.fields}
        for name, value in record.fields.items():
            if name not in timestamps:
                setattr(article, name, value)
        if self.status:
            article.status = self.status
        if self.publication:
            article.publication = self.publication
        article.save()
        if timestamps:
            Article.objects.filter(pk=article.pk).update(**timestamps)
        if record.sources is not None:
            if not created:
                article.sources.all().delete()
            SourceLink.objects.bulk_create(
                SourceLink(article=article, position=position, **source)
                for position, source in enumerate(record.sources, start=1)
            )
        for article_field, items in (record.entities or {}).items():
            kind = next(kind for kind in ENTITY_KINDS.values() if kind.article_field == article_field)
            wanted = {self.save_entity(kind.model, item).pk for item in items}
            self.set_links(kind, article, wanted, created)
        return created

    @staticmethod
    def set_links(kind, article, wanted, created):
        links = kind.link_model.objects
        current = set() if created else set(links.filter(content_object=article).values_list("tag_id", flat=True))
        if current - wanted:
            links.filter(content_object=article, tag_id__in=current - wanted).delete()
        if wanted - current:
            links.bulk_create(kind.link_model(content_object=article, tag_id=pk) for pk in sorted(wanted - current))


# ---------------------------------------------------------------- the run


def find_files(paths, report):
    """Files to import, in a stable order; directories are walked for known suffixes."""
    for path in map(Path, paths):
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and not any(part.startswith(".") for part in child.relative_to(path).parts):
                    if child.suffix.lower() in WIRE_SUFFIXES | JSONL_SUFFIXES:
                        yield child
                    else:
                        report.skipped.append(child)
        elif path.is_file():
            yield path
        else:
            report.failures.append(Failure(path, None, "no such file or directory"))


def read_records(path, wire_keys):
    """(record, bytes read) pairs for one file; wire files hold one article."""
    if path.suffix.lower() in JSONL_SUFFIXES:
        yield from read_jsonl(path)
        return
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ImportProblem(f"cannot be read ({error.strerror})") from None
    import_key = wire_import_key(path)
    if import_key in wire_keys:
        raise ImportProblem(f"another file in this import has the same name: {wire_keys[import_key]}")
    yield parse_wire_text(data, import_key), len(data)


def wire_import_key(path):
    return f"wire:{path.stem}"


def import_paths(paths, *, status=None, publication=None, progress=None):
    """Import files and directories; `progress(bytes)` is told how far it got."""
    report = ImportReport()
    importer = Importer(status=status, publication=publication)
    wire_keys = {}
    for path in list(find_files(paths, report)):
        imported = updated = 0
        line = None
        try:
            with transaction.atomic():
                for record, size in read_records(path, wire_keys):
                    if progress:
                        progress(size)
                    if record is None:
                        continue
                    line = record.line
                    if isinstance(record, EntityRecord):
                        importer.save_entity(ENTITY_KINDS[record.kind].model, record.data)
                    elif importer.save_article(record):
                        imported += 1
                    else:
                        updated += 1
        except ImportProblem as problem:
            importer.forget_cache()
            report.failures.append(Failure(path, problem.line or line, problem.message))
        except ValidationError as error:
            importer.forget_cache()
            report.failures.append(Failure(path, line, " ".join(error.messages)))
        except (IntegrityError, DatabaseError) as error:
            importer.forget_cache()
            report.failures.append(Failure(path, line, f"the database refused it: {error}"))
        else:
            report.imported += imported
            report.updated += updated
            if path.suffix.lower() not in JSONL_SUFFIXES:
                wire_keys[wire_import_key(path)] = path
    return report


def total_size(paths):
    report = ImportReport()
    return sum(path.stat().st_size for path in find_files(paths, report))

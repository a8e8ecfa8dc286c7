"""An import run: find the files, read them, write them, and report."""

from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction

from archive.interchange.jsonl import read_jsonl
from archive.interchange.records import ImportProblem
from archive.interchange.wire import parse_wire_text
from archive.interchange.writer import Writer

WIRE_SUFFIXES = {".txt"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
BATCH_SIZE = 500


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
    auto_links: int = 0
    failures: list = field(default_factory=list)
    skipped: list = field(default_factory=list)


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


def wire_import_key(path):
    return f"wire:{path.stem}"


def identity(record):
    return getattr(record, "import_key", None) or getattr(record, "fields", {}).get("slug") or id(record)


def batches(records, size=BATCH_SIZE):
    """Consecutive records in lists of `size`; an article seen twice starts a new batch."""
    batch, seen = [], set()
    for record in records:
        if len(batch) >= size or identity(record) in seen:
            yield batch
            batch, seen = [], set()
        batch.append(record)
        seen.add(identity(record))
    if batch:
        yield batch


def write_batch(writer, batch):
    """Write a batch; if the database refuses it, find the record it refuses, for its line."""
    try:
        with transaction.atomic():
            return writer.write(batch)
    except DatabaseError:
        writer.forget()
        if len(batch) == 1:
            raise
    created = updated = 0
    for record in batch:
        try:
            with transaction.atomic():
                one_created, one_updated = writer.write([record])
        except DatabaseError as error:
            writer.forget()
            raise ImportProblem(f"the database refused it: {error}", record.line) from None
        created, updated = created + one_created, updated + one_updated
    return created, updated


class Run:
    def __init__(self, *, status, publication, progress, auto_tag=False, overwrite=False):
        self.writer = Writer(status=status, publication=publication, auto_tag=auto_tag, overwrite=overwrite)
        self.progress = progress or (lambda size: None)
        self.report = ImportReport()
        self.wire_keys = {}  # import key -> path already imported in this run

    def fail(self, path, problem):
        self.report.failures.append(Failure(path, problem.line, problem.message))

    def import_jsonl(self, path):
        """A JSON Lines file is all or nothing."""

        def records():
            for record, size in read_jsonl(path):
                self.progress(size)
                if record is not None:
                    yield record

        created = updated = 0
        try:
            with transaction.atomic():
                for batch in batches(records()):
                    one_created, one_updated = write_batch(self.writer, batch)
                    created, updated = created + one_created, updated + one_updated
        except ImportProblem as problem:
            self.writer.forget()
            self.fail(path, problem)
        except (ValidationError, DatabaseError) as error:
            self.writer.forget()
            self.fail(path, ImportProblem(" ".join(getattr(error, "messages", [str(error)]))))
        except OSError as error:
            self.writer.forget()
            self.fail(path, ImportProblem(f"cannot be read ({error.strerror})"))
        else:
            self.report.imported += created
            self.report.updated += updated

    def import_wire_files(self, paths):
        """Wire files are parsed one by one, then written in batches, each file on its own."""
        parsed = []
        for path in paths:
            try:
                data = path.read_bytes()
                self.progress(len(data))
                key = wire_import_key(path)
                if key in self.wire_keys:
                    raise ImportProblem(f"another file in this import has the same name: {self.wire_keys[key]}")
                record = parse_wire_text(data, key)
            except OSError as error:
                self.fail(path, ImportProblem(f"cannot be read ({error.strerror})"))
            except ImportProblem as problem:
                self.fail(path, problem)
            else:
                self.wire_keys[key] = path
                parsed.append((path, record))
        for start in range(0, len(parsed), BATCH_SIZE):
            chunk = parsed[start : start + BATCH_SIZE]
            try:
                self.count(write_batch(self.writer, [record for _, record in chunk]))
            except (ImportProblem, DatabaseError):
                # Something in the batch was refused: write each file on its own to tell which.
                for path, record in chunk:
                    try:
                        self.count(write_batch(self.writer, [record]))
                    except ImportProblem as problem:
                        self.fail(path, problem)
                    except DatabaseError as error:
                        self.fail(path, ImportProblem(f"the database refused it: {error}", record.line))

    def count(self, result):
        created, updated = result
        self.report.imported += created
        self.report.updated += updated


def import_paths(paths, *, status=None, publication=None, progress=None, auto_tag=False, overwrite=False):
    """Import files and directories; `progress(bytes)` is told how far it got.

    With `auto_tag`, each article is also linked to the known entities its text names.
    With `overwrite`, a wire file replaces edits made in the archive since its last import.
    """
    run = Run(status=status, publication=publication, progress=progress, auto_tag=auto_tag, overwrite=overwrite)
    files = list(find_files(paths, run.report))
    wire_files = [path for path in files if path.suffix.lower() not in JSONL_SUFFIXES]
    run.import_wire_files(wire_files)
    for path in files:
        if path.suffix.lower() in JSONL_SUFFIXES:
            run.import_jsonl(path)
    run.report.auto_links = run.writer.auto_links
    return run.report


def total_size(paths):
    return sum(path.stat().st_size for path in find_files(paths, ImportReport()))

"""Writers and readers at once against the configured database, to show that it keeps up.

Writers save published articles through the ORM, each linked to a person and a
place, the way an editor or an import does (the search index's triggers
included); readers fetch public pages through Django's request handling. On
SQLite this exercises WAL (readers go on while one writer writes) and the
IMMEDIATE transactions and busy timeout set in config/settings.py (writers queue
for the lock instead of failing with "database is locked").
"""

import collections
import itertools
import threading
import time
from dataclasses import dataclass, field

from django.db import OperationalError, close_old_connections, connections, transaction
from django.test import Client
from django.utils import timezone

from archive.models import Article, Person, Place
from archive.tools.demo.generator import generate


@dataclass
class Outcome:
    seconds: float
    saved: list = field(default_factory=list)
    read_statuses: collections.Counter = field(default_factory=collections.Counter)
    errors: list = field(default_factory=list)
    write_times: list = field(default_factory=list)
    read_times: list = field(default_factory=list)
    missing: int = 0

    @property
    def locked(self):
        return sum("database is locked" in error for error in self.errors)

    @property
    def reads(self):
        return sum(self.read_statuses.values())

    @property
    def ok(self):
        return not self.errors and not self.missing and set(self.read_statuses) <= {200}

    def summary(self):
        return {
            "seconds": round(self.seconds, 1),
            "writes": len(self.saved),
            "writes_per_second": round(len(self.saved) / self.seconds, 1),
            "writes_missing": self.missing,
            "reads": self.reads,
            "reads_per_second": round(self.reads / self.seconds, 1),
            "read_statuses": {str(status): count for status, count in sorted(self.read_statuses.items())},
            "errors": len(self.errors),
            "database_is_locked": self.locked,
            "write_ms": percentiles(self.write_times),
            "read_ms": percentiles(self.read_times),
            "first_errors": self.errors[:5],
        }


def percentiles(times):
    if not times:
        return {}
    ordered = sorted(times)

    def milliseconds(share):
        return round(ordered[min(len(ordered) - 1, int(len(ordered) * share))] * 1000, 1)

    return {"median": milliseconds(0.5), "p95": milliseconds(0.95), "max": milliseconds(1)}


def seed(articles):
    """A small demo archive for the readers; refuses an archive that has articles already."""
    generate(articles=articles, seed=7)


def reader_paths():
    """Public pages of every kind, from what is in the archive now."""
    articles = [article.get_absolute_url() for article in Article.objects.published()[:20]]
    people = [person.get_absolute_url() for person in Person.objects.public()[:10]]
    places = [place.get_absolute_url() for place in Place.objects.public()[:10]]
    return ["/", "/people/", "/places/", "/archive/", *articles, *people, *places]


def run(*, writers, readers, seconds):
    """Run `writers` and `readers` threads for `seconds`; check afterwards that every write is there."""
    paths = reader_paths()
    person, place = Person.objects.first(), Place.objects.first()
    outcome = Outcome(seconds=seconds)
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    numbers = itertools.count(1)

    def record(kind, started, value=None):
        with lock:
            getattr(outcome, kind).append(time.perf_counter() - started)
            if value is not None:
                outcome.saved.append(value)

    def write():
        try:
            while time.monotonic() < deadline:
                number = next(numbers)
                started = time.perf_counter()
                try:
                    with transaction.atomic():
                        article = Article.objects.create(
                            headline=f"Concurrent report {number}",
                            body=f"Report {number} from {place.name}, quoting {person.name}.",
                            status=Article.Status.PUBLISHED,
                            published_at=timezone.now(),
                        )
                        article.people.add(person)
                        article.places.add(place)
                except OperationalError as error:
                    with lock:
                        outcome.errors.append(f"write: {error}")
                    continue
                record("write_times", started, article.pk)
        finally:
            connections.close_all()

    def read(offset):
        client = Client()
        try:
            for path in itertools.islice(itertools.cycle(paths), offset, None):
                if time.monotonic() >= deadline:
                    break
                started = time.perf_counter()
                try:
                    status = client.get(path).status_code
                except OperationalError as error:
                    with lock:
                        outcome.errors.append(f"read {path}: {error}")
                    continue
                with lock:
                    outcome.read_statuses[status] += 1
                record("read_times", started)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write) for _ in range(writers)]
    threads += [threading.Thread(target=read, args=(index,)) for index in range(readers)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    outcome.seconds = time.monotonic() - started
    close_old_connections()
    landed = Article.objects.filter(pk__in=outcome.saved)
    linked = Person.entity_kind.link_model.objects.filter(content_object__in=outcome.saved, tag=person).count()
    outcome.missing = len(outcome.saved) - min(landed.count(), linked)
    return outcome

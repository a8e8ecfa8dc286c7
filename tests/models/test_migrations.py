"""Every migration of the archive can be undone: back to zero and forward again leaves a working archive."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.models.signals import pre_migrate
from django.utils import timezone

from archive.models import Article
from archive.search.engine import SearchRequest, search
from tests.helpers.builders import make_article, make_person


def archive_migrations():
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return [migration for (app, _name), migration in sorted(loader.disk_migrations.items()) if app == "archive"]


@pytest.mark.parametrize("migration", archive_migrations(), ids=lambda migration: migration.name)
def test_every_operation_of_every_migration_has_a_reverse(migration):
    irreversible = [operation.describe() for operation in migration.operations if not operation.reversible]

    assert irreversible == []


def migrate(*args):
    call_command("migrate", *args, interactive=False, verbosity=0, stdout=io.StringIO())


def found(query):
    return [article.headline for article in search(SearchRequest(query=query)).articles]


@pytest.mark.django_db(transaction=True)
def test_migrating_the_archive_back_to_zero_and_forward_again_leaves_a_working_search():
    person = make_person("Olena Kovalenko", aliases=["Olena Kowalenko"])
    make_article(headline="Kovalenko visits the front", people=[person])
    assert found("visits") == ["Kovalenko visits the front"]

    # One step at a time, with articles in the database, then all the way.
    for migration in reversed(archive_migrations()[:-1]):
        migrate("archive", migration.name)
    migrate("archive", "zero")
    tables = connection.introspection.table_names()
    assert not [table for table in tables if table.startswith("archive_")], tables

    migrate()

    assert Article.objects.count() == 0
    person = make_person("Olena Kovalenko", aliases=["Olena Kowalenko"])
    make_article(headline="Kovalenko returns to Kyiv", people=[person])
    assert found("Olena Kowalenko") == ["Kovalenko returns to Kyiv"]  # by its other spelling
    assert found("returns") == ["Kovalenko returns to Kyiv"]


@pytest.mark.django_db(transaction=True)
def test_a_migration_that_rebuilds_the_articles_table_keeps_the_index_and_its_triggers():
    """Unapplying the newest migration rebuilds articles on SQLite; the index must follow writes after it."""
    make_article(headline="Grain corridor reopens")
    newest = archive_migrations()[-1]
    previous = archive_migrations()[-2]

    migrate("archive", previous.name)
    migrate("archive", newest.name)

    assert found("corridor") == ["Grain corridor reopens"]
    article = Article.objects.get()
    article.headline = "Grain corridor closes again"
    article.save()
    assert found("closes") == ["Grain corridor closes again"]
    assert found("reopens") == []


@pytest.mark.django_db(transaction=True)
def test_an_article_written_while_a_migration_runs_is_indexed_when_it_ends():
    article = make_article(headline="Grain corridor reopens")
    newest, previous = archive_migrations()[-1], archive_migrations()[-2]
    migrate("archive", previous.name)

    def the_site_writes(sender, **kwargs):
        if sender.label == "archive":  # connected later, so it runs after the archive's own receiver
            Article.objects.filter(pk=article.pk).update(headline="Grain corridor closes", updated_at=timezone.now())

    pre_migrate.connect(the_site_writes)
    try:
        migrate("archive", newest.name)
    finally:
        pre_migrate.disconnect(the_site_writes)

    assert found("closes") == ["Grain corridor closes"]


@pytest.mark.django_db(transaction=True)
def test_articles_stored_before_search_forms_are_found_by_them_after_the_migration():
    make_article(headline="Зустріч у Харкові", body="Президент зустрівся з міністром Сибігою.")
    migrate("archive", "0013_alias_language")
    assert found("Сибіга") == []  # no other forms before 0014: only the words as written

    migrate()

    assert found("Сибіга") == ["Зустріч у Харкові"]
    assert found("Харків") == ["Зустріч у Харкові"]

import pytest
from django.core.management import call_command
from django.db import connection

from archive.ops.planner import refresh_planner_statistics
from tests.helpers.builders import make_article

pytestmark = pytest.mark.django_db


def article_statistics():
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'archive_article'")
        else:
            cursor.execute(
                "SELECT count(*) FROM pg_stats WHERE schemaname = current_schema() AND tablename = 'archive_article'"
            )
        return cursor.fetchone()[0]


def test_refreshing_gives_the_planner_statistics_on_articles():
    for number in range(3):
        make_article(headline=f"Report {number}")

    refresh_planner_statistics()

    assert article_statistics() > 0


def test_generating_a_demo_archive_leaves_statistics_behind():
    call_command("generate_demo", articles=20, seed=2, stdout=None)

    assert article_statistics() > 0

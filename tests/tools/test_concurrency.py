"""SQLite under concurrent writers and readers: no "database is locked", no lost write.

The run happens in a fresh process on a real database file (WAL needs one; the
test database is in memory), migrated as a deployment would be.
"""

import json

import pytest

from tests.helpers.processes import manage_on


@pytest.fixture
def database_file(tmp_path):
    url = f"sqlite:///{tmp_path / 'archive.sqlite3'}"
    migrated = manage_on(url, "migrate", "--noinput")
    assert migrated.returncode == 0, migrated.stderr
    return url


def test_four_writers_and_eight_readers_meet_no_lock_and_lose_no_write(database_file):
    result = manage_on(
        database_file,
        "measure_concurrency",
        "--writers=4",
        "--readers=8",
        "--seconds=6",
        "--seed-articles=100",
        "--json",
    )

    assert result.returncode == 0, result.stdout + result.stderr
    summary = json.loads(result.stdout)
    assert summary["database"] == "sqlite"
    assert summary["database_is_locked"] == 0
    assert summary["errors"] == 0, summary["first_errors"]
    # Enough writes for the four writers to have met, even on a busy machine (12 in 4 s seen under load).
    assert summary["writes"] >= 12
    assert summary["writes_missing"] == 0
    assert summary["reads"] >= 50
    assert summary["read_statuses"] == {"200": summary["reads"]}


def test_the_run_refuses_a_database_that_already_has_articles(database_file):
    assert manage_on(database_file, "generate_demo", "--articles=5").returncode == 0

    result = manage_on(database_file, "measure_concurrency", "--seconds=1")

    assert result.returncode != 0
    assert "run it on an empty, migrated scratch database" in result.stderr

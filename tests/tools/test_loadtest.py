"""The load test drives a live server with a reader's mix of pages, within its bounds, and reports on it."""

import datetime
import random
import re
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from archive.search.suggestions import refresh_vocabulary
from archive.tools.demo.generator import generate
from archive.tools.loadtest import MIX, run, url_mix
from tests.helpers.server import PROJECT, free_port, production_env, served_site

END_DATE = "2026-11-24"


def manage(env, *arguments, timeout=300):
    result = subprocess.run(
        [sys.executable, "manage.py", *arguments], cwd=PROJECT, env=env, capture_output=True, text=True, timeout=timeout
    )
    return result


@pytest.fixture(scope="module")
def live_archive(tmp_path_factory):
    """A small generated archive served by `make serve`: (base URL, environment for commands)."""
    folder = tmp_path_factory.mktemp("loadtest")
    env = production_env(folder / "archive.sqlite3", folder / "static", WEB_CONCURRENCY="2")
    commands = {**env, "DJANGO_DEBUG": "1"}
    for arguments in (
        ["migrate", "-v0"],
        ["generate_demo", "--articles", "150", "--seed", "2", "--end-date", END_DATE],
    ):
        result = manage(commands, *arguments)
        assert result.returncode == 0, result.stderr
    port = free_port()
    with served_site(env, port, folder / "server.log"):
        yield f"http://127.0.0.1:{port}", commands


def test_loadtest_reports_rate_latency_percentiles_errors_and_its_own_cpu(live_archive):
    url, env = live_archive

    result = manage(env, "loadtest", "--url", url, "--seconds", "4", "--requests", "400", "--concurrency", "4")

    assert result.returncode == 0, result.stdout + result.stderr
    report = result.stdout
    assert re.search(r"[\d,]+ requests in [\d.]+ s: [\d.]+ requests/s", report), report
    assert re.search(r"latency ms: p50 [\d.]+, p95 [\d.]+, p99 [\d.]+, max [\d.]+", report), report
    assert re.search(r"statuses: 200: [\d,]+\n", report), report
    assert "errors: 0" in report
    assert re.search(r"load generator CPU: [\d.]+ s, \d+% of one core", report), report
    for kind in ("article", "entity", "home", "search"):
        assert re.search(rf"\| {kind} \| [\d,]+ \| [\d.]+ \| [\d.]+ \|", report), (kind, report)


def test_loadtest_stops_after_the_requests_asked_for(live_archive):
    url, _env = live_archive
    paths = [("home", "/"), ("index", "/people/")]

    report = run(url, paths, concurrency=3, max_requests=25, max_seconds=60)

    assert report.requests == 25
    assert dict(report.statuses) == {200: 25}
    assert report.errors == 0


def test_loadtest_stops_when_its_time_is_up(live_archive):
    url, _env = live_archive

    report = run(url, [("home", "/")], concurrency=2, max_requests=10**9, max_seconds=1.5)

    assert 1.5 <= report.seconds < 10
    assert 0 < report.requests < 10**9


def test_loadtest_counts_error_statuses_and_exits_non_zero(live_archive):
    url, env = live_archive

    report = run(url, [("article", "/articles/no-such-article/")], concurrency=1, max_requests=3, max_seconds=30)

    assert dict(report.statuses) == {404: 3}
    assert report.errors == 3


@pytest.mark.django_db
def test_the_mix_draws_every_kind_of_page_from_the_archive_and_every_page_answers():
    generate(articles=150, seed=3, end_date=datetime.date(2026, 11, 24))
    refresh_vocabulary()

    mix = url_mix(random.Random(1), count=400)

    assert {kind for kind, _path in mix} == set(MIX)
    articles = sum(1 for kind, _path in mix if kind == "article")
    assert 0.3 * len(mix) <= articles <= 0.5 * len(mix)  # 40% of the mix
    client = Client()
    statuses = {path: client.get(path).status_code for _kind, path in mix[:120]}
    assert set(statuses.values()) == {200}, {path: status for path, status in statuses.items() if status != 200}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["http://10.0.0.1:8000", "http://192.168.1.20/", "https://127.0.0.1:8000", "ftp://127.0.0.1/", "not a url"]
)
def test_loadtest_refuses_anything_but_a_server_on_this_machine(url):
    with pytest.raises(CommandError):
        call_command("loadtest", url=url, seconds=1, requests=1)


@pytest.mark.django_db
@pytest.mark.parametrize("option", [{"concurrency": 0}, {"requests": 0}, {"seconds": 0}, {"seconds": 10_000}])
def test_loadtest_refuses_unbounded_or_empty_runs(option):
    with pytest.raises(CommandError, match="at most an hour"):
        call_command("loadtest", url="http://127.0.0.1:8000", **option)

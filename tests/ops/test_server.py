"""`make serve`: the site under gunicorn as in production, with compressed, cache-busted static files."""

import gzip
import http.client
import re
import runpy
import subprocess

import brotli
import pytest

from tests.helpers.pages import Page
from tests.helpers.server import PROJECT, free_port, production_env, served_site

TEN_YEARS = "max-age=315360000"


def fetch(port, path, **headers):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers={"Host": "127.0.0.1", **headers})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("served")
    env = production_env(folder / "site.sqlite3", folder / "static", WEB_CONCURRENCY="2", GUNICORN_THREADS="2")
    port = free_port()
    log = folder / "server.log"
    with served_site(env, port, log):
        yield port, log


@pytest.fixture(scope="module")
def stylesheet(site):
    port, _log = site
    status, _headers, body = fetch(port, "/")
    assert status == 200
    hashed = [url for url in Page(body).urls() if re.fullmatch(r"/static/archive/site\.[0-9a-f]{12}\.css", url)]
    assert hashed, "the home page does not link a cache-busted stylesheet"
    return hashed[0]


def test_make_serve_answers_the_home_page_with_debug_off(site):
    port, _log = site

    status, headers, body = fetch(port, "/")

    assert status == 200
    assert headers["Content-Type"].startswith("text/html")
    assert "Newsroom Archive" in body.decode()


def test_an_unknown_address_is_a_plain_404_without_debug_details(site):
    port, _log = site

    status, _headers, body = fetch(port, "/no-such-page/at-all/")

    assert status == 404
    assert "Traceback" not in body.decode() and "DEBUG = True" not in body.decode()


def test_a_hashed_static_file_is_cached_for_ten_years_and_sent_gzipped(site, stylesheet):
    port, _log = site

    status, headers, body = fetch(port, stylesheet, **{"Accept-Encoding": "gzip"})

    assert status == 200
    assert headers["Content-Encoding"] == "gzip"
    assert TEN_YEARS in headers["Cache-Control"]
    assert "immutable" in headers["Cache-Control"] and "public" in headers["Cache-Control"]
    assert gzip.decompress(body) == (PROJECT / "static" / "archive" / "site.css").read_bytes()


def test_a_hashed_static_file_is_sent_with_brotli_when_the_browser_accepts_it(site, stylesheet):
    port, _log = site

    status, headers, body = fetch(port, stylesheet, **{"Accept-Encoding": "gzip, br"})

    assert status == 200
    assert headers["Content-Encoding"] == "br"
    assert brotli.decompress(body) == (PROJECT / "static" / "archive" / "site.css").read_bytes()


def test_a_static_file_asked_for_without_compression_comes_plain(site, stylesheet):
    port, _log = site

    status, headers, body = fetch(port, stylesheet)

    assert status == 200
    assert "Content-Encoding" not in headers
    assert body == (PROJECT / "static" / "archive" / "site.css").read_bytes()


def test_make_serve_says_it_made_a_throwaway_key_and_starts_the_workers_asked_for(site):
    _port, log = site

    output = log.read_text()

    assert "using a random throwaway key for this local run only" in output
    assert output.count("Booting worker") == 2
    assert "gthread" in output


def test_gunicorn_settings_follow_the_environment(monkeypatch):
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    monkeypatch.setenv("GUNICORN_THREADS", "4")
    monkeypatch.setenv("GUNICORN_BIND", "127.0.0.1:9123")

    settings = runpy.run_path(str(PROJECT / "config" / "gunicorn.conf.py"))

    assert (settings["workers"], settings["threads"], settings["bind"]) == (3, 4, "127.0.0.1:9123")


def test_gunicorn_defaults_to_two_workers_per_core_plus_one_capped(monkeypatch):
    for name in ("WEB_CONCURRENCY", "GUNICORN_THREADS", "GUNICORN_BIND", "HOST", "PORT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr("multiprocessing.cpu_count", lambda: 2)

    settings = runpy.run_path(str(PROJECT / "config" / "gunicorn.conf.py"))

    assert (settings["workers"], settings["threads"], settings["bind"]) == (5, 2, "127.0.0.1:8000")
    monkeypatch.setattr("multiprocessing.cpu_count", lambda: 32)
    assert runpy.run_path(str(PROJECT / "config" / "gunicorn.conf.py"))["workers"] == 8


def test_gunicorn_accepts_its_configuration():
    result = subprocess.run(
        [str(PROJECT / ".venv" / "bin" / "gunicorn"), "--config", "config/gunicorn.conf.py", "--check-config"],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "DJANGO_DEBUG": "1"},
    )

    assert result.returncode == 0, result.stderr

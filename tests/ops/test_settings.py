import json
import re
import subprocess
import sys

import pytest

from tests.helpers.processes import PRODUCTION, ROOT, environment, manage, security_settings

PRINT_SETTINGS = (
    "import json, django; from django.conf import settings; django.setup(); "
    "print(json.dumps({'debug': settings.DEBUG, 'hosts': settings.ALLOWED_HOSTS, "
    "'engine': settings.DATABASES['default']['ENGINE'], 'name': str(settings.DATABASES['default']['NAME']), "
    "'tz': settings.USE_TZ}))"
)


def load_settings(**environ):
    env = environment(**environ, DJANGO_SETTINGS_MODULE="config.settings")
    return subprocess.run([sys.executable, "-c", PRINT_SETTINGS], cwd=ROOT, env=env, capture_output=True, text=True)


def test_production_refuses_to_start_without_a_secret_key():
    result = load_settings(DJANGO_DEBUG="0")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_development_defaults_to_sqlite_in_the_ignored_var_folder():
    result = load_settings(DJANGO_DEBUG="1")
    settings = json.loads(result.stdout)
    assert settings["debug"] is True
    assert settings["engine"] == "django.db.backends.sqlite3"
    assert settings["name"] == str(ROOT / "var" / "archive.sqlite3")
    assert "localhost" in settings["hosts"]
    assert settings["tz"] is True


@pytest.mark.parametrize("url", ["postgres://newsroom@db.internal:5432/archive", "postgresql://u:p@localhost/archive"])
def test_database_url_chooses_postgresql(url):
    result = load_settings(DJANGO_SECRET_KEY="x" * 50, DATABASE_URL=url)
    settings = json.loads(result.stdout)
    assert settings["engine"] == "django.db.backends.postgresql"
    assert settings["name"] == "archive"
    assert settings["debug"] is False


def test_allowed_hosts_come_from_the_environment():
    result = load_settings(DJANGO_SECRET_KEY="x" * 50, DJANGO_ALLOWED_HOSTS="archive.example, www.archive.example")
    assert json.loads(result.stdout)["hosts"] == ["archive.example", "www.archive.example"]


def test_every_setting_read_from_the_environment_is_documented():
    documented = (ROOT / ".env.example").read_text()
    source = (ROOT / "config" / "settings.py").read_text()
    for name in set(re.findall(r'env(?:_bool|_list|_int)?\("([A-Z_]+)"|environ\.get\("([A-Z_]+)"', source)):
        variable = next(filter(None, name))
        assert f"{variable}=" in documented, variable


def test_production_settings_pass_the_deployment_checks_with_warnings_as_failures():
    result = manage("check", "--deploy", "--fail-level", "WARNING", DJANGO_DEBUG="0", **PRODUCTION)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_deployment_checks_fail_when_https_protections_are_switched_off():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_HSTS_SECONDS="0",
        **PRODUCTION,
    )

    assert result.returncode != 0
    assert "security.W004" in result.stderr + result.stdout
    assert "security.W008" in result.stderr + result.stdout


def test_production_turns_on_https_and_browser_protections():
    settings = security_settings(**PRODUCTION)

    assert settings["SECURE_SSL_REDIRECT"] is True
    assert settings["SECURE_HSTS_SECONDS"] == 31_536_000
    assert settings["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert settings["SECURE_HSTS_PRELOAD"] is False
    assert settings["SESSION_COOKIE_SECURE"] is True
    assert settings["SESSION_COOKIE_HTTPONLY"] is True
    assert settings["CSRF_COOKIE_SECURE"] is True
    assert settings["SECURE_CONTENT_TYPE_NOSNIFF"] is True
    assert settings["SECURE_REFERRER_POLICY"] == "strict-origin-when-cross-origin"
    assert settings["X_FRAME_OPTIONS"] == "DENY"
    # Without a proxy, a client's own X-Forwarded-Proto must not make plain http pass for https.
    assert settings["SECURE_PROXY_SSL_HEADER"] is None
    assert settings["TRUSTED_PROXY_COUNT"] == 0


def test_development_keeps_working_over_plain_http():
    settings = security_settings(DJANGO_DEBUG="1")

    assert settings["SECURE_SSL_REDIRECT"] is False
    assert settings["SECURE_HSTS_SECONDS"] == 0
    assert settings["SESSION_COOKIE_SECURE"] is False
    assert settings["CSRF_COOKIE_SECURE"] is False


def test_hsts_proxy_and_trusted_origins_come_from_the_environment():
    settings = security_settings(
        DJANGO_HSTS_SECONDS="300",
        DJANGO_HSTS_INCLUDE_SUBDOMAINS="0",
        DJANGO_HSTS_PRELOAD="1",
        DJANGO_BEHIND_PROXY="1",
        DJANGO_CSRF_TRUSTED_ORIGINS="https://archive.example, https://www.archive.example",
        **PRODUCTION,
    )

    assert settings["SECURE_HSTS_SECONDS"] == 300
    assert settings["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is False
    assert settings["SECURE_HSTS_PRELOAD"] is True
    assert settings["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert settings["TRUSTED_PROXY_COUNT"] == 1
    assert settings["CSRF_TRUSTED_ORIGINS"] == ["https://archive.example", "https://www.archive.example"]


@pytest.mark.parametrize(
    "name, value",
    [
        ("DJANGO_BEHIND_PROXY", "yes"),
        ("DJANGO_BEHIND_PROXY", "-1"),
        ("DJANGO_HSTS_SECONDS", "1.5"),
        ("DJANGO_LOGIN_LOCKOUT_MINUTES", "0"),
        ("DJANGO_LOGIN_FAILURE_LIMIT", "0"),
        ("DJANGO_SEARCH_RATE_LIMIT", "lots"),
    ],
)
def test_a_number_setting_out_of_range_is_refused_by_name(name, value):
    result = load_settings(**{**PRODUCTION, name: value})

    assert result.returncode != 0
    assert f"{name} must be a whole number of at least" in result.stderr
    assert repr(value) in result.stderr


def cache_in_fresh_process(code, **environ):
    script = f"import django; django.setup(); from django.core.cache import cache; {code}"
    env = environment(**environ, DJANGO_DEBUG="1", DJANGO_SETTINGS_MODULE="config.settings")
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_without_redis_every_worker_process_shares_one_cache(tmp_path):
    # A change recorded by one worker must drop the pages every other worker keeps,
    # and a rate limit must count requests whichever worker answers them.
    folder = str(tmp_path / "cache")
    cache_in_fresh_process("cache.set('pages:tag:a:1', 42, None)", DJANGO_CACHE_DIR=folder)

    read = "print(cache.get('pages:tag:a:1'))"
    assert cache_in_fresh_process(read, DJANGO_CACHE_DIR=folder) == "42"
    assert cache_in_fresh_process(read, DJANGO_CACHE_DIR=str(tmp_path / "other")) == "None"

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRINT_SETTINGS = (
    "import json, django; from django.conf import settings; django.setup(); "
    "print(json.dumps({'debug': settings.DEBUG, 'hosts': settings.ALLOWED_HOSTS, "
    "'engine': settings.DATABASES['default']['ENGINE'], 'name': str(settings.DATABASES['default']['NAME']), "
    "'tz': settings.USE_TZ}))"
)


def load_settings(**environ):
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update(environ, DJANGO_SETTINGS_MODULE="config.settings")
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
    for name in set(re.findall(r'env(?:_bool|_list)?\("([A-Z_]+)"|environ\.get\("([A-Z_]+)"', source)):
        variable = next(filter(None, name))
        assert f"{variable}=" in documented, variable

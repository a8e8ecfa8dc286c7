"""Settings and management commands as a deployment would see them: in a fresh process, with its own environment."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def environment(**environ):
    """This process's environment without any of the archive's settings, plus `environ`."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update(environ)
    return env


PRODUCTION = {"DJANGO_SECRET_KEY": "k3y-" + "x7Qp9" * 10, "DJANGO_ALLOWED_HOSTS": "archive.example"}
SECURITY_SETTINGS = [
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "CSRF_COOKIE_SECURE",
    "CSRF_TRUSTED_ORIGINS",
    "X_FRAME_OPTIONS",
    "TRUSTED_PROXY_COUNT",
]


def security_settings(**environ):
    """The security settings config.settings gives for this environment, read in a fresh process."""
    return read_settings(SECURITY_SETTINGS, **environ)


def read_settings(names, **environ):
    """These settings as config.settings gives them for this environment, read in a fresh process."""
    script = (
        "import json, django; from django.conf import settings; django.setup(); "
        f"print(json.dumps({{name: getattr(settings, name, None) for name in {names!r}}}))"
    )
    env = environment(**environ, DJANGO_SETTINGS_MODULE="config.settings")
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def manage(*args, **environ):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment(**environ), capture_output=True, text=True
    )


def manage_on(database_url, *args):
    """A management command in a fresh process, with the test settings, on the database at `database_url`."""
    return manage(*args, DJANGO_SETTINGS_MODULE="tests.settings", DATABASE_URL=database_url)

"""Settings for the test suite: the real settings, with a throwaway key and fast hashing."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-not-a-secret")

from config.settings import *  # noqa: E402

ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
# Static files come from the finders in tests; there is no collected folder.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
# The test client and the live server speak plain http; tests/ops/test_security.py
# checks the production values on real responses.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
# Tests that measure or crawl make hundreds of requests from one address;
# tests/ops/test_ratelimit.py switches the limits on.
RATE_LIMITS = [{**rule, "requests": 0} for rule in RATE_LIMITS]
# Every test clears the cache: never let that reach a Redis named by REDIS_URL in the shell.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not SQLite's shared in-memory database: there, a second thread's connection fails at once
    # ("table is locked") instead of waiting for the write lock as it does in production, and the
    # tests of concurrent saves need it to wait. In memory all the same where the system offers it.
    import tempfile

    _folder = "/dev/shm" if os.path.isdir("/dev/shm") else tempfile.gettempdir()
    DATABASES["default"]["TEST"] = {"NAME": os.path.join(_folder, f"newsroom-tests-{os.getpid()}.sqlite3")}

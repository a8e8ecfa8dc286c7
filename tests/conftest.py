import os
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import Client

from tests.helpers.builders import make_staff

SAMPLE_WIRE_FILE = Path(__file__).resolve().parent.parent / "archive" / "samples" / "000_7e7ce854fb62eee9.txt"


@pytest.fixture
def sample_wire_file():
    return SAMPLE_WIRE_FILE


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_superuser("editor", "editor@example.com", "a-long-test-password")


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def client_as(db):
    """A logged-in client for a new staff member in a role: client_as("Reporter"); its user is client.user."""

    def log_in(role):
        client = Client()
        client.user = make_staff(role)
        client.force_login(client.user)
        return client

    return log_in


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with nothing cached, as a fresh server would."""
    cache.clear()
    yield
    cache.clear()


# The system Chromium, never a downloaded one; these flags keep it off a network it cannot reach.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def needs(what, present, how):
    """Skip a test whose outside dependency this machine lacks, with how to get it, except in CI
    (.ci/run sets CI=1 and installs everything): there a missing dependency is a failure."""
    if present:
        return
    message = f"{what} is not available here ({how}); CI runs this test."
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    needs("Chromium", os.path.exists(CHROMIUM), "apt-get install chromium")

    # Playwright's sync API runs an event loop in this thread; Django's ORM must still work here.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()

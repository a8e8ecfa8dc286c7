from pathlib import Path

import pytest
from django.core.cache import cache

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


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with nothing cached, as a fresh server would."""
    cache.clear()
    yield
    cache.clear()

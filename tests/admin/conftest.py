"""Entities the admin tests pick, name and link again and again."""

import pytest

from archive.models import Place
from tests.helpers.builders import make_person, make_place


@pytest.fixture
def zelenskiy(db):
    return make_person(aliases=["Zelensky", "Zelenskyy"], role="President of Ukraine")


@pytest.fixture
def kyiv(db):
    return make_place(aliases=["Kiev"], kind=Place.Kind.CITY)

"""The person the search tests name most."""

import pytest

from tests.helpers.builders import make_person


@pytest.fixture
def zelenskiy():
    return make_person("Volodymyr Zelenskiy", aliases=["Zelensky"], role="President of Ukraine")

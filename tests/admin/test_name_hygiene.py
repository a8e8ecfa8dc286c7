"""A name or alias must identify something: stop words of any language, bare punctuation or underscores
and single letters are refused wherever names are written; very short ones are saved with a warning;
`manage.py check` reports the bad ones already stored."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from archive.models import Alias, Organisation, Person
from tests.helpers.admin import all_errors, entity_form_data
from tests.helpers.builders import make_person
from tests.helpers.imports import run_failing_import, write_jsonl

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("alias", "reason"),
    [
        ("the", "a common word, not a name"),
        ("OR", "a common word, not a name"),
        ("та", "a common word, not a name"),
        ("и", "a single letter"),
        ("_", "has no letters or digits"),
        ("__", "has no letters or digits"),
        ("B.", "a single letter"),
    ],
)
def test_an_alias_that_identifies_nothing_is_refused_with_the_reason(editor_client, alias, reason):
    response = editor_client.post(
        reverse("admin:archive_person_add"), entity_form_data("Volodymyr Zelenskyy", aliases=[alias])
    )

    assert response.status_code == 200
    assert reason in all_errors(response)
    assert not Person.objects.exists()


def test_a_name_that_identifies_nothing_is_refused(editor_client):
    response = editor_client.post(reverse("admin:archive_organisation_add"), entity_form_data("The"))

    assert "a common word, not a name" in all_errors(response)
    assert not Organisation.objects.exists()


def test_a_very_short_alias_is_saved_with_a_warning_and_an_abbreviation_is_not(editor_client):
    response = editor_client.post(
        reverse("admin:archive_person_add"),
        entity_form_data("Volodymyr Zelenskyy", aliases=["VZ", "Ze"]),
        follow=True,
    )

    assert response.redirect_chain, "the entity was not saved"
    warnings = [str(message) for message in response.context["messages"]]
    assert set(Person.objects.get().alias_names) == {"VZ", "Ze"}
    assert "“Ze” is very short: write an abbreviation in capitals, or it matches other words." in warnings
    assert not any("VZ" in warning for warning in warnings)


def test_an_import_naming_an_entity_by_a_stop_word_writes_nothing(tmp_path):
    record = {
        "headline": "Talks resume",
        "body": "Text.",
        "entities": {"people": [{"name": "Andrii Sybiha", "aliases": ["the"]}]},
    }
    path = write_jsonl(tmp_path / "export.jsonl", record)

    _summary, failures = run_failing_import(path)

    assert "“the” is a common word, not a name" in failures
    assert not Person.objects.exists()


def test_check_reports_bad_aliases_already_stored():
    person = make_person("Volodymyr Zelenskyy")
    # Written before such aliases were refused: straight into the table, past every check.
    Alias.objects.bulk_create([Alias(entity=person, name="the", key="the"), Alias(entity=person, name="_", key="_")])
    out = io.StringIO()

    call_command("check", stdout=out, stderr=out)

    report = out.getvalue()
    assert "archive.W001" in report
    assert "“the” is a common word" in report and "“_” has no letters or digits" in report
    assert f"person with id {person.pk}" in report


def test_check_is_quiet_about_good_names():
    make_person("Volodymyr Zelenskyy", aliases=["Zelensky", "VZ"])
    out = io.StringIO()

    call_command("check", stdout=out, stderr=out)

    assert "archive.W001" not in out.getvalue()

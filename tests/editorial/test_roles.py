"""The roles migration: three groups holding the permissions the workflow reads, and a way back."""

from types import SimpleNamespace

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.db import connection

from tests.helpers.builders import ROLES_MIGRATION, make_staff

pytestmark = pytest.mark.django_db

ENTITY_KINDS = ["person", "place", "organisation", "incident"]


def codenames(role):
    return set(Group.objects.get(name=role).permissions.values_list("codename", flat=True))


def test_the_migration_makes_the_three_roles():
    assert set(Group.objects.values_list("name", flat=True)) >= {"Reporter", "Editor", "Administrator"}


def test_a_reporter_writes_and_tags_but_neither_publishes_corrects_nor_deletes():
    reporter = codenames("Reporter")

    assert {"add_article", "change_article", "view_article", "add_sourcelink", "add_alias"} <= reporter
    assert {f"add_{kind}" for kind in ENTITY_KINDS} <= reporter
    assert {f"view_{kind}" for kind in ENTITY_KINDS} <= reporter
    forbidden = {"publish_article", "correct_article", "delete_article", "add_correction", "change_person"}
    assert not reporter & (forbidden | {f"merge_{kind}" for kind in ENTITY_KINDS})


def test_an_editor_adds_publishing_corrections_and_entity_changes_and_merges_but_not_deleting_articles():
    editor = codenames("Editor")

    assert codenames("Reporter") <= editor
    assert {"publish_article", "correct_article", "add_correction"} <= editor
    assert {f"{action}_{kind}" for kind in ENTITY_KINDS for action in ["change", "merge"]} <= editor
    assert "delete_article" not in editor and "change_user" not in editor


def test_an_administrator_holds_every_permission_of_the_archive_and_of_user_accounts():
    administrator = codenames("Administrator")

    for app_label in ["archive", "auth"]:
        assert set(Permission.objects.filter(content_type__app_label=app_label).values_list("codename", flat=True)) <= (
            administrator
        )


def test_staff_get_their_powers_from_their_group():
    reporter, editor = make_staff("Reporter"), make_staff("Editor")

    assert reporter.has_perm("archive.change_article") and not reporter.has_perm("archive.publish_article")
    assert editor.has_perm("archive.publish_article") and not editor.has_perm("archive.delete_article")
    assert make_staff("Administrator").has_perm("archive.delete_article")


def test_the_migration_is_reversible_and_can_run_again():
    schema_editor = SimpleNamespace(connection=connection)
    editor_before = codenames("Editor")

    ROLES_MIGRATION.remove_roles(apps, schema_editor)
    assert not Group.objects.filter(name__in=ROLES_MIGRATION.ROLES).exists()

    ROLES_MIGRATION.create_roles(apps, schema_editor)
    ROLES_MIGRATION.create_roles(apps, schema_editor)
    assert Group.objects.filter(name__in=ROLES_MIGRATION.ROLES).count() == 3
    assert codenames("Editor") == editor_before

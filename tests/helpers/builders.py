"""Small builders for tests: real rows through the real models, with overridable defaults."""

import datetime
import importlib
import itertools
from types import SimpleNamespace

from django.apps import apps
from django.contrib.auth.models import Group, User
from django.db import connection
from django.utils import timezone

from archive.models import Alias, Article, Incident, Organisation, Person, Place

_numbers = itertools.count(1)


def make_article(*, people=(), places=(), organisations=(), incidents=(), **overrides):
    """A published article (an hour old) unless overridden, linked to the given entities."""
    number = next(_numbers)
    fields = {
        "headline": f"Headline number {number}",
        "body": f"Body of article {number}.\n\nSecond paragraph.",
        "status": Article.Status.PUBLISHED,
        "published_at": timezone.now() - datetime.timedelta(hours=1),
        **overrides,
    }
    article = Article.objects.create(**fields)
    for field, entities in [
        ("people", people),
        ("places", places),
        ("organisations", organisations),
        ("incidents", incidents),
    ]:
        if entities:
            getattr(article, field).add(*entities)
    return article


def make_draft(**overrides):
    return make_article(status=Article.Status.DRAFT, published_at=None, **overrides)


def make_scheduled(**overrides):
    return make_article(published_at=timezone.now() + datetime.timedelta(days=1), **overrides)


def make_withdrawn(**overrides):
    return make_article(status=Article.Status.WITHDRAWN, **overrides)


def with_aliases(entity, *names):
    for name in names:
        Alias.objects.create(entity=entity, name=name)
    return entity


def make_person(name="Volodymyr Zelenskiy", aliases=(), **fields):
    return with_aliases(Person.objects.create(name=name, **fields), *aliases)


def make_place(name="Kyiv", aliases=(), **fields):
    return with_aliases(Place.objects.create(name=name, **fields), *aliases)


def make_organisation(name="Security Service of Ukraine", aliases=(), **fields):
    return with_aliases(Organisation.objects.create(name=name, **fields), *aliases)


def make_incident(name="Capture of North Korean soldiers in Kursk region", aliases=(), **fields):
    fields.setdefault("date", datetime.date(2025, 1, 11))
    return with_aliases(Incident.objects.create(name=name, **fields), *aliases)


def links_out_of_step():
    """Entity links whose copy of the article's publication time is wrong (should be none)."""
    from archive.models import ENTITY_KINDS

    wrong = []
    for kind in ENTITY_KINDS.values():
        for link in kind.link_model.objects.select_related("content_object"):
            if link.published_at != link.content_object.link_published_at:
                wrong.append((kind.key, link.content_object_id, link.tag_id, link.published_at))
    return wrong


def make_staff(role, **fields):
    """A staff member in one of the newsroom's roles: "Reporter", "Editor" or "Administrator"."""
    user = User.objects.create_user(f"{role.lower()}-{next(_numbers)}", password="a-long-test-password", **fields)
    user.is_staff = True
    user.save()
    user.groups.add(Group.objects.get(name=role))
    return user


ROLES_MIGRATION = importlib.import_module("archive.migrations.0007_editorial_roles")


def restore_roles():
    """Make the roles again, as the migration does: a transactional test's flush empties the groups."""
    ROLES_MIGRATION.create_roles(apps, SimpleNamespace(connection=connection))


def make_user(username, *permissions):
    """A staff user holding exactly these permissions ("archive.change_article", ...)."""
    from django.contrib.auth.models import Permission, User

    user = User.objects.create_user(username, f"{username}@example.com", "a-long-test-password", is_staff=True)
    for permission in permissions:
        app_label, codename = permission.split(".")
        user.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return User.objects.get(pk=user.pk)  # without the permission cache of the instance that was changed

"""Small builders for tests: real rows through the real models, with overridable defaults."""

import datetime
import importlib
import itertools
import os
import signal
import socket
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path
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


def form_data(response, **changes):
    """What a browser posts back from an admin form page (its form and inlines as shown), with `changes`."""
    from django import forms

    context = response.context
    all_forms = [context["adminform"].form]
    for inline in context["inline_admin_formsets"]:
        all_forms += [inline.formset.management_form, *inline.formset.forms]
    data = {}
    for form in all_forms:
        for bound in form:
            widget, value = bound.field.widget, bound.value()
            if isinstance(widget, forms.MultiWidget):
                parts = widget.decompress(value) if not isinstance(value, list) else value
                for suffix, part, sub in zip(widget.widgets_names, parts, widget.widgets, strict=True):
                    data[bound.html_name + suffix] = sub.format_value(part) or ""
            elif isinstance(widget, forms.CheckboxInput):
                if value:
                    data[bound.html_name] = "on"
            elif isinstance(bound.field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField):
                data[bound.html_name] = [str(item) for item in value or []]
            else:
                data[bound.html_name] = "" if value is None else str(value)
    data.update(changes)
    return data


# ---------------------------------------------------------------- a production server in a subprocess

PROJECT = Path(__file__).resolve().parent.parent


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def production_env(database_file, static_root, **extra):
    """The environment `make serve` runs in: DEBUG off, this SQLite file, no test settings."""
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in {"DJANGO_SETTINGS_MODULE", "DJANGO_SECRET_KEY", "DATABASE_URL", "DJANGO_DEBUG"}
    }
    env.update(
        DATABASE_URL=f"sqlite:///{database_file}",
        DJANGO_STATIC_ROOT=str(static_root),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        # One client asking for hundreds of pages: the limits are tested on their own (tests/test_ratelimit.py).
        DJANGO_SEARCH_RATE_LIMIT="0",
        DJANGO_FEED_RATE_LIMIT="0",
        **extra,
    )
    return env


SERVED_SETTINGS = [
    "DATABASE_URL",
    "DJANGO_STATIC_ROOT",
    "DJANGO_ALLOWED_HOSTS",
    "DJANGO_SECRET_KEY",
    "WEB_CONCURRENCY",
    "GUNICORN_THREADS",
    "DJANGO_SEARCH_RATE_LIMIT",
    "DJANGO_FEED_RATE_LIMIT",
]


@contextmanager
def served_site(env, port, output):
    """`make serve` on 127.0.0.1:`port` until the block ends; its output goes to the file `output`."""
    with open(output, "w") as log:
        # Given on make's command line as well, so that a developer's .env cannot override them.
        settings = [f"{name}={env.get(name, '')}" for name in SERVED_SETTINGS]
        server = subprocess.Popen(
            ["make", "--no-print-directory", "serve", "HOST=127.0.0.1", f"PORT={port}", *settings],
            cwd=PROJECT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # make, the shell and gunicorn are stopped together
        )
        try:
            wait_until_answering(port, server, output)
            yield server
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()


def wait_until_answering(port, server, output, seconds=120):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"the server stopped: {Path(output).read_text()[-3000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"the server did not answer in {seconds}s: {Path(output).read_text()[-3000:]}")

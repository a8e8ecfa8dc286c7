"""The newsroom's roles as groups: staff get their powers from being in one.

Reporter: writes articles and edits them while they are drafts or in review,
submits them for review, adds entities, aliases and sources as tagging needs.
Editor: all of that, and publishes, schedules, withdraws, returns to draft,
edits published articles, corrects them, changes and merges entities.
Administrator: every permission of the archive and of user accounts.
The workflow itself (which status each may move an article to) is in
archive/workflow.py; these are the permissions it reads.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ENTITY_MODELS = ["person", "place", "organisation", "incident"]

REPORTER = [
    "add_article",
    "change_article",
    "view_article",
    "add_sourcelink",
    "change_sourcelink",
    "delete_sourcelink",
    "view_sourcelink",
    "add_alias",
    "view_alias",
    "view_revision",
    *(f"{action}_{model}" for model in ENTITY_MODELS for action in ["add", "view"]),
]

EDITOR = [
    *REPORTER,
    "publish_article",
    "correct_article",
    "add_correction",
    "change_correction",
    "delete_correction",
    "view_correction",
    "change_alias",
    "delete_alias",
    "view_entitymerge",
    *(f"{action}_{model}" for model in ENTITY_MODELS for action in ["change", "merge"]),
]

# Every permission of these apps: the archive's, and users' and groups'.
ADMINISTRATOR_APPS = ["archive", "auth", "admin"]

ROLES = ["Reporter", "Editor", "Administrator"]


def create_roles(apps, schema_editor):
    # Django makes permissions after all migrations have run; these groups need them now.
    # create_permissions() skips an app without a models module, which migration states never have.
    for app_config in apps.get_app_configs():
        models_module = getattr(app_config, "models_module", None)
        app_config.models_module = models_module or True
        create_permissions(app_config, apps=apps, verbosity=0, using=schema_editor.connection.alias)
        app_config.models_module = models_module
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    archive = Permission.objects.using(schema_editor.connection.alias).filter(content_type__app_label="archive")
    grants = {
        "Reporter": archive.filter(codename__in=REPORTER),
        "Editor": archive.filter(codename__in=EDITOR),
        "Administrator": Permission.objects.using(schema_editor.connection.alias).filter(
            content_type__app_label__in=ADMINISTRATOR_APPS
        ),
    }
    for name, permissions in grants.items():
        group, _created = Group.objects.using(schema_editor.connection.alias).get_or_create(name=name)
        group.permissions.set(permissions)


def remove_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.using(schema_editor.connection.alias).filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0006_editorial_records"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("admin", "0003_logentry_add_action_flag_choices"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]

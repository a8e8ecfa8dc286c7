# The sound keys now also make Polish and German spellings meet (sz, cz, sch, tsch, ch):
# the stored keys are made again by the same rules as new ones.

from importlib import import_module

from django.db import migrations

fill_name_keys = import_module("archive.migrations.0012_name_keys").fill_name_keys


def make_name_keys_again(apps, schema_editor):
    apps.get_model("archive", "NameKey").objects.all().delete()
    fill_name_keys(apps, schema_editor)


class Migration(migrations.Migration):

    dependencies = [
        ("archive", "0014_article_search_forms"),
    ]

    operations = [
        migrations.RunPython(make_name_keys_again, make_name_keys_again, elidable=True),
    ]

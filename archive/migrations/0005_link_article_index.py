"""An (article, entity) index on each link table instead of the article-only one.

The link tables can hold millions of rows: on SQLite, altering the foreign key
through Django would copy each table, so the old index is dropped by name
(the same on both databases) and only the model state is altered.
"""

import django.db.models.deletion
from django.db import migrations, models

LINK_MODELS = {
    "incidentlink": "archive_incidentlink_content_object_id_41c2a6ab",
    "organisationlink": "archive_organisationlink_content_object_id_52f327b2",
    "personlink": "archive_personlink_content_object_id_6fac4bae",
    "placelink": "archive_placelink_content_object_id_6cf067fb",
}


def unindexed_article_field(model_name):
    return migrations.AlterField(
        model_name=model_name,
        name="content_object",
        field=models.ForeignKey(
            db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name="+", to="archive.article"
        ),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0004_entity_change_time"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[unindexed_article_field(model_name) for model_name in LINK_MODELS],
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{index}"',
                    reverse_sql=f'CREATE INDEX "{index}" ON "archive_{model_name}" ("content_object_id")',
                )
                for model_name, index in LINK_MODELS.items()
            ],
        ),
        *(
            migrations.AddIndex(
                model_name=model_name,
                index=models.Index(fields=["content_object", "tag"], name=f"{model_name}_article"),
            )
            for model_name in LINK_MODELS
        ),
    ]

"""The fields of the JSON Lines format, shared by the export and the import."""

from django.db import models

from archive.models import Entity

ARTICLE_FIELDS = [
    "headline",
    "slug",
    "standfirst",
    "body",
    "byline",
    "publication",
    "dateline",
    "status",
    "published_at",
    "first_published_at",
    "created_at",
    "updated_at",
    "editor_note",
    "withdrawn_at",
    "withdrawal_note",
    "import_key",
]


SOURCE_FIELDS = ["title", "url", "publisher"]


CORRECTION_FIELDS = ["published_at", "text"]


# Fields every entity has that are bookkeeping, not content.
_ENTITY_INTERNAL = {"id", "name_key", "created_at", "updated_at"}


def entity_data_fields(model):
    """The exported fields of an entity kind: its own columns, minus bookkeeping."""
    return [field for field in model._meta.concrete_fields if field.name not in _ENTITY_INTERNAL]


def is_entity_reference(field):
    return isinstance(field, models.ForeignKey) and issubclass(field.related_model, Entity)

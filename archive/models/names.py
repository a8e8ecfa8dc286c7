"""Every key under which an entity is found by name: its name's and aliases' spellings in any
script and transliteration, and their distinctive parts (see archive.lib.names)."""

from django.contrib.contenttypes.models import ContentType
from django.db import models

from archive.lib.names import keys_of

REFRESHED_AT_ONCE = 1000


class NameKey(models.Model):
    class How(models.TextChoices):
        EXACT = "exact", "As written"
        ROMANISED = "romanised", "Romanised"
        SOUND = "sound", "Alike in sound"

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    key = models.CharField(max_length=200)
    how = models.CharField(max_length=10, choices=How.choices)
    part = models.BooleanField(default=False, help_text="A part of a name or alias, such as a surname.")

    class Meta:
        default_permissions = ()  # kept by the archive itself, never edited
        indexes = [
            models.Index(fields=["key"], name="namekey_key"),
            models.Index(fields=["content_type", "object_id"], name="namekey_entity"),
        ]

    def __str__(self):
        return f"{self.key} ({self.get_how_display().lower()}{', part' if self.part else ''})"

    @classmethod
    def refresh(cls, model, entity_ids):
        """Make the keys of these entities of `model` those of their names and aliases now.

        Saves, alias changes, merges and imports of known entities call it; new entities
        whose spellings are at hand get theirs from `add` instead.
        """
        entity_ids = list(entity_ids)
        content_type = ContentType.objects.get_for_model(model)
        alias_model = model._meta.get_field("aliases").related_model
        for start in range(0, len(entity_ids), REFRESHED_AT_ONCE):
            chunk = entity_ids[start : start + REFRESHED_AT_ONCE]
            spellings = {pk: [name] for pk, name in model.objects.filter(pk__in=chunk).values_list("pk", "name")}
            aliases = alias_model.objects.filter(content_type=content_type, object_id__in=chunk)
            for pk, name in aliases.values_list("object_id", "name"):
                spellings.setdefault(pk, []).append(name)
            cls.objects.filter(content_type=content_type, object_id__in=chunk).delete()
            cls.add(model, spellings)

    @classmethod
    def add(cls, model, spellings):
        """Write the keys of new entities of `model` from {entity id: [name, alias, ...]}: one
        statement per few thousand keys, for imports and the demo archive."""
        content_type = ContentType.objects.get_for_model(model)
        cls.objects.bulk_create(
            [
                cls(content_type=content_type, object_id=pk, key=key, how=how, part=part)
                for pk, names in spellings.items()
                for (key, part), how in keys_of(names, kind=model._meta.model_name).items()
            ],
            batch_size=5000,
        )

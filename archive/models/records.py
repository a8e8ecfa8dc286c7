"""The archive's record of editorial work: revisions of articles, public corrections, entity merges."""

import datetime

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from archive.lib.text import without_control_characters
from archive.models.articles import Article
from archive.models.history import ArchiveState
from archive.models.page_tags import CORRECTIONS, article_tag


class Revision(models.Model):
    """An article as it stood after one change: content, status, entities of every kind, sources.

    Kept when the article is deleted (no database constraint, nothing cascades),
    so a deleted article can be brought back from its last revision.
    """

    class Action(models.TextChoices):
        CREATED = "created", "Created"
        EDITED = "edited", "Edited"
        SUBMITTED = "submitted", "Submitted for review"
        RETURNED = "returned", "Returned to draft"
        PUBLISHED = "published", "Published"
        SCHEDULED = "scheduled", "Scheduled"
        WITHDRAWN = "withdrawn", "Withdrawn"
        IMPORTED = "imported", "Imported"
        RESTORED = "restored", "Restored"
        CORRECTED = "corrected", "Corrected"
        ENTITIES_MERGED = "merged", "Entities merged"
        DELETED = "deleted", "Deleted"
        FOUND = "found", "As found"

    article = models.ForeignKey(
        Article, on_delete=models.DO_NOTHING, db_constraint=False, related_name="revisions", db_index=False
    )
    number = models.PositiveIntegerField(help_text="1 for the article's first revision, then 2, 3, ...")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=12, choices=Action.choices, default=Action.EDITED)
    summary = models.CharField(max_length=500, blank=True, help_text="What changed, in words.")
    article_version = models.PositiveIntegerField(help_text="The article's version after this change.")
    data = models.JSONField(help_text="The article after this change: fields, entities by kind, sources.")

    class Meta:
        ordering = ["-number"]
        get_latest_by = "number"
        constraints = [models.UniqueConstraint(fields=["article", "number"], name="revision_unique_number")]

    def __str__(self):
        return f"Revision {self.number} of article {self.article_id}"


# An editor's clock and the server's may disagree by a little.
CLOCK_SKEW = datetime.timedelta(minutes=5)


class CorrectionQuerySet(models.QuerySet):
    def public(self):
        """Corrections readers may see: those of the articles readers may see."""
        return self.filter(article__in=Article.objects.published())


class Correction(models.Model):
    """A dated public note that the article was corrected, and how."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="corrections")
    published_at = models.DateTimeField(
        "date", default=timezone.now, help_text="When the correction was made; shown to readers."
    )
    text = models.TextField(help_text="Public. What was wrong, and what the article says now.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    objects = CorrectionQuerySet.as_manager()

    class Meta:
        ordering = ["published_at", "id"]
        get_latest_by = "published_at"
        indexes = [models.Index(fields=["-published_at"], name="correction_newest")]

    def __str__(self):
        return f"Correction of {self.published_at:%d %B %Y} to “{self.article}”"

    @transaction.atomic(savepoint=False)
    def save(self, *args, **kwargs):
        self.text = without_control_characters(self.text)
        super().save(*args, **kwargs)
        ArchiveState.touch(pages=self.shown_on())

    @transaction.atomic(savepoint=False)
    def delete(self, *args, **kwargs):
        pages = self.shown_on()
        result = super().delete(*args, **kwargs)
        ArchiveState.touch(pages=pages)
        return result

    def shown_on(self):
        """Its article's page and the corrections page and feeds."""
        return {article_tag(self.article_id), CORRECTIONS}

    def clean(self):
        # Readers see corrections newest first; one dated ahead would sit on top until its day.
        if self.published_at and self.published_at > timezone.now() + CLOCK_SKEW:
            raise ValidationError({"published_at": "A correction cannot be dated in the future."})


class EntityMerge(models.Model):
    """An audit record of entities merged into one: what each merged entity was, and where it went."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    survivor_id = models.PositiveBigIntegerField()
    survivor = GenericForeignKey("content_type", "survivor_id")
    merged = models.JSONField(
        help_text="Each entity merged away: id, name, slug, aliases, its own fields and the articles it was on."
    )
    merged_ids = models.TextField(
        default="",
        editable=False,
        help_text="The merged entities' ids, each between spaces (“ 12 15 ”): where an entity went is "
        "found without reading every record's article lists.",
    )
    links_moved = models.PositiveIntegerField(default=0)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["content_type", "survivor_id"], name="entitymerge_survivor")]

    def __str__(self):
        names = ", ".join(entity.get("name", "?") for entity in self.merged)
        return f"{names} merged into {self.survivor_id}"

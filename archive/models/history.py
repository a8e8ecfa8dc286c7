"""What the archive remembers about its own changes: old addresses, and when anything last changed."""

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from archive.signals import archive_changed


class SlugRedirect(models.Model):
    """An address something used to have: /places/kiev/ answers 301 to the page's address now."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    slug = models.SlugField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["content_type", "slug"], name="slugredirect_unique_slug")]
        indexes = [models.Index(fields=["content_type", "object_id"], name="slugredirect_target")]

    def __str__(self):
        return f"{self.slug} → {self.target}"

    @classmethod
    def target_in(cls, queryset, slug):
        """The object of `queryset` that once had `slug`, or None: only what may be shown is found."""
        content_type = ContentType.objects.get_for_model(queryset.model)
        redirect = cls.objects.filter(content_type=content_type, slug=slug).only("object_id").first()
        if redirect is None:
            return None
        return queryset.filter(pk=redirect.object_id).first()

    @classmethod
    def point(cls, moves=(), live=()):
        """Make old addresses answer 301 with their owners, and addresses in use again live.

        The one way addresses are kept, for a single save and a bulk import alike; a few
        queries per kind of owner. `moves` are (model, owner id, old slug, since): an old
        address that led elsewhere now leads to its new owner. `live` are (model, slug) now
        in use: whatever they led to before, they answer as themselves again.
        """
        wanted, taken = {}, {}
        for model, owner_pk, slug, since in moves:
            wanted.setdefault(ContentType.objects.get_for_model(model).pk, {})[slug] = (owner_pk, since)
        for model, slug in live:
            taken.setdefault(ContentType.objects.get_for_model(model).pk, set()).add(slug)
        for content_type_id in wanted.keys() | taken.keys():
            slugs, in_use = wanted.get(content_type_id, {}), taken.get(content_type_id, set())
            redirects = cls.objects.filter(content_type_id=content_type_id)
            current = dict(redirects.filter(slug__in=[*slugs, *in_use]).values_list("slug", "object_id"))
            gone = {slug for slug in in_use if slug in current}
            gone |= {slug for slug, (pk, _) in slugs.items() if slug in current and current[slug] != pk}
            if gone:
                redirects.filter(slug__in=gone).delete()
            cls.objects.bulk_create(
                cls(content_type_id=content_type_id, object_id=pk, slug=slug, created_at=since)
                for slug, (pk, since) in slugs.items()
                if slug not in current or slug in gone
            )


class KeepsOldSlugs(models.Model):
    """A page readers see: it remembers each slug it gives up, so old links keep working,
    and deleting it marks the archive as changed."""

    names_entities = False  # True for entities: their names feed entity suggestions

    class Meta:
        abstract = True

    @transaction.atomic(savepoint=False)
    def delete(self, *args, **kwargs):
        pages = self.shown_on()
        result = super().delete(*args, **kwargs)
        ArchiveState.touch(entities=self.names_entities, pages=pages)
        return result

    def shown_on(self):
        """The tags of the public pages that show this row (see archive.models.page_tags)."""
        return None

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        # Read without loading: a deferred field would query for itself.
        instance._saved_slug = instance.__dict__.get("slug")
        return instance

    def moved_from(self):
        """The address this row gave up since it was read, or None."""
        old = getattr(self, "_saved_slug", None)
        return old if old and old != self.slug else None

    def remember_old_slug(self):
        if (old := self.moved_from()) is not None:
            # The new address is live now, whatever it pointed to before.
            SlugRedirect.point(moves=[(type(self), self.pk, old, timezone.now())], live=[(type(self), self.slug)])
        self._saved_slug = self.slug


class ArchiveState(models.Model):
    """One row: when anything readers can see last changed, for conditional GET."""

    changed_at = models.DateTimeField(default=timezone.now)
    changes = models.PositiveBigIntegerField(default=0)
    entities_changed_at = models.DateTimeField(
        default=timezone.now, help_text="When an entity or alias last changed: entity suggestions follow it."
    )

    def __str__(self):
        return f"changed {self.changes} times, last at {self.changed_at:%Y-%m-%d %H:%M:%S}"

    @classmethod
    def touch(cls, entities=False, pages=None):
        """Mark the archive as changed; `entities=True` when names or aliases changed too.

        `pages` are the tags of the public pages the change affects (see
        archive.models.page_tags); without them every kept page is dropped. Whoever keeps
        pages hears of it through archive.signals.archive_changed, and may refuse the change.
        """
        archive_changed.send(sender=cls, pages=None if pages is None else set(pages))
        now = timezone.now()
        values = {"changed_at": now, "changes": models.F("changes") + 1}
        if entities:
            values["entities_changed_at"] = now
        if not cls.objects.filter(pk=1).update(**values):
            cls.objects.get_or_create(pk=1, defaults={"changes": 1, "changed_at": now, "entities_changed_at": now})

    @classmethod
    def current(cls):
        state = cls.objects.filter(pk=1).first()
        if state is None:  # an archive from before this row existed: start counting now
            state, _created = cls.objects.get_or_create(pk=1)
        return state

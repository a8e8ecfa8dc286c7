"""The entities articles cover: people, places, organisations, incidents.

Each kind is a django-taggit tag model declared once with
`@register_entity_kind(...)`, which gives it a through model with real foreign
keys, a TaggableManager on Article and a place in ENTITY_KINDS, from which
admin, URLs, import and export work.
"""

import sys
from functools import lru_cache

from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connections, models, transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from taggit.managers import TaggableManager, _TaggableManager
from taggit.models import ItemBase, TagBase

from archive.lib.names import language_of, name_refusal, spelling_keys
from archive.lib.text import (
    alphabetical_key,
    name_key,
    slug_base,
    squash_spaces,
    unique_slug,
    without_control_characters,
)
from archive.models.articles import Article
from archive.models.history import ArchiveState, KeepsOldSlugs
from archive.models.names import NameKey
from archive.models.page_tags import NAMES, article_pages, coverage_tag, entity_tag, index_tag
from archive.models.registry import ENTITY_KINDS, EntityKind


class Alias(models.Model):
    """Another spelling of an entity's name: a transliteration, an old name, an abbreviation."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    entity = GenericForeignKey("content_type", "object_id")

    class Language(models.TextChoices):
        ENGLISH = "en", "English"
        UKRAINIAN = "uk", "Ukrainian"
        RUSSIAN = "ru", "Russian"

    name = models.CharField(max_length=200)
    key = models.CharField(max_length=200, editable=False)
    language = models.CharField(
        max_length=2,
        choices=Language.choices,
        blank=True,
        help_text="The language this spelling is in, where known; Ukrainian and Russian are told by their letters.",
    )

    class Meta:
        verbose_name_plural = "aliases"
        ordering = ["name"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="alias_entity")]
        constraints = [
            # One spelling names one entity of a kind; this index also serves lookups.
            models.UniqueConstraint(fields=["content_type", "key"], name="alias_unique_key_per_kind")
        ]

    def __str__(self):
        return self.name

    @transaction.atomic(savepoint=False)
    def save(self, *args, **kwargs):
        self.name = squash_spaces(self.name)
        self.key = name_key(self.name)
        self.language = Alias.language_for(self.name, self.language)
        super().save(*args, **kwargs)
        NameKey.refresh(ContentType.objects.get_for_id(self.content_type_id).model_class(), [self.object_id])
        ArchiveState.touch(entities=True, pages=self.shown_on())

    @transaction.atomic(savepoint=False)
    def delete(self, *args, **kwargs):
        pages = self.shown_on()
        result = super().delete(*args, **kwargs)
        NameKey.refresh(ContentType.objects.get_for_id(self.content_type_id).model_class(), [self.object_id])
        ArchiveState.touch(entities=True, pages=pages)
        return result

    @staticmethod
    def language_for(name, given=""):
        """The language a spelling is in: as given, else as its letters tell, else unknown."""
        return given or language_of(name)

    def shown_on(self):
        """Its entity's page shows an alias."""
        return {entity_tag(ContentType.objects.get_for_id(self.content_type_id).model, self.object_id)}


@lru_cache(maxsize=100_000)
def entity_url(url_prefix, slug):
    """An entity page's address. Remembered: lists show the same entities over and over."""
    return reverse("archive:entity", kwargs={"kind": url_prefix, "slug": slug})


def alias_owners(model, **key_lookup):
    """A subquery of the ids of `model` entities having an alias whose key matches."""
    content_type = ContentType.objects.get_for_model(model)
    return Alias.objects.filter(content_type=content_type, **key_lookup).values("object_id")


class EntityQuerySet(models.QuerySet):
    def public(self):
        """Entities readers may see: those at least one published article covers.

        An entity made for a draft stays out of sight until the draft is published.
        """
        links = self.model.entity_kind.link_model.objects.visible()
        return self.filter(models.Exists(links.filter(tag=models.OuterRef("pk"))))

    def with_article_counts(self):
        """Each entity with `article_count`: the articles linked to it, whatever their status."""
        links = (
            self.model.entity_kind.link_model.objects.filter(tag=models.OuterRef("pk"))
            .order_by()
            .values("tag")
            .annotate(total=models.Count("pk"))
            .values("total")
        )
        return self.annotate(article_count=Coalesce(models.Subquery(links, output_field=models.IntegerField()), 0))

    def named(self, text):
        """Entities whose name or one of whose aliases is `text`, ignoring case and diacritics."""
        key = name_key(text)
        return self.filter(Q(name_key=key) | Q(pk__in=alias_owners(self.model, key=key)))

    def matching(self, text):
        """Entities with a name or alias containing `text`, closest first: exact, prefix, anywhere.

        What an editor types in a picker must answer at once among hundreds of thousands of
        entities, so each kind of match is read through an index and only the closest
        MATCHES_READ are kept: every name and alias starting with the text first, with those
        the text names in another script or spelling or by a surname (their name keys), then
        those containing it. See name_starts_with and name_contains.
        """
        key = name_key(text)
        if not key:
            return self
        vendor = connections[self.db].vendor
        starting = self.ids_where(name_starts_with(key, vendor), MATCHES_READ)
        if len(starting) < MATCHES_READ:
            starting += self.ids_named_by_keys(text, MATCHES_READ - len(starting), besides=starting)
        containing = []
        if len(starting) < MATCHES_READ:
            containing = self.ids_where(name_contains(key), MATCHES_READ - len(starting), besides=starting)
        exact = Q(name_key=key) | Q(pk__in=alias_owners(self.model, key=key))
        prefix = Q(pk__in=starting)
        closeness = models.Case(
            models.When(exact, then=0), models.When(prefix, then=1), default=2, output_field=models.IntegerField()
        )
        return self.filter(pk__in=[*starting, *containing]).annotate(closeness=closeness).order_by("closeness", "name")

    def ids_named_by_keys(self, text, limit, besides=()):
        """Ids of up to `limit` entities, other than `besides`, that `text` names by a name key."""
        keyed = NameKey.objects.filter(
            content_type=ContentType.objects.get_for_model(self.model), key__in=set(spelling_keys(text))
        ).exclude(object_id__in=besides)
        return list(dict.fromkeys(keyed.order_by().values_list("object_id", flat=True)[:limit]))

    def ids_where(self, condition, limit, besides=()):
        """Ids of up to `limit` entities, other than `besides`, whose name or an alias meets `condition(field)`."""
        by_name = self.filter(condition("name_key")).exclude(pk__in=besides).order_by()
        content_type = ContentType.objects.get_for_model(self.model)
        by_alias = Alias.objects.filter(condition("key"), content_type=content_type).exclude(object_id__in=besides)
        ids = [
            *by_name.values_list("pk", flat=True)[:limit],
            *by_alias.order_by().values_list("object_id", flat=True)[:limit],
        ]
        return list(dict.fromkeys(ids))[:limit]


# Matches an entity picker reads at most: more than anyone scrolls through, few enough to sort at once.
MATCHES_READ = 500


def name_starts_with(key, vendor):
    """A condition on a name key field that an index answers.

    PostgreSQL reads a pattern index (varchar_pattern_ops, see migration 0007), whatever the
    database's collation. SQLite's LIKE ignores case and so cannot use an index; the same
    prefix is a range of its (binary, code point ordered) index instead.
    """
    if vendor == "sqlite":
        after = key[:-1] + chr(ord(key[-1]) + 1)
        return lambda field: Q(**{f"{field}__gte": key, f"{field}__lt": after})
    return lambda field: Q(**{f"{field}__startswith": key})


def name_contains(key):
    """A condition on a name key field for the text anywhere in it.

    PostgreSQL answers it from a trigram index (migration 0007). SQLite reads names until it
    has enough (the caller's limit): quick for common text, and at worst one pass over the
    names' index, a few milliseconds per hundred thousand.
    """
    return lambda field: Q(**{f"{field}__contains": key})


class Entity(KeepsOldSlugs, TagBase):
    name = models.CharField(max_length=200, help_text="The canonical name readers see. Put other spellings in aliases.")
    slug = models.SlugField(
        max_length=200, unique=True, blank=True, help_text="Address of the entity's page. Filled from the name."
    )
    name_key = models.CharField(max_length=200, editable=False)
    # Where it goes in the A–Z index (archive.lib.text.alphabetical_key): people by surname, numbers as numbers.
    alphabetical_key = models.CharField(max_length=250, editable=False, default="", db_index=True)
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    aliases = GenericRelation(Alias)
    name_keys = GenericRelation(NameKey)  # deleted with the entity

    objects = EntityQuerySet.as_manager()

    # Set by @register_entity_kind on each concrete model.
    entity_kind = None
    names_entities = True

    class Meta:
        abstract = True
        ordering = ["name"]
        default_permissions = ("add", "change", "delete", "view", "merge")
        constraints = [
            models.UniqueConstraint(fields=["name_key"], name="%(app_label)s_%(class)s_unique_name_key"),
        ]

    # A person is looked up by surname; everything else by its name as written.
    sorted_by_surname = False

    @transaction.atomic(savepoint=False)
    def save(self, *args, **kwargs):
        self.name = squash_spaces(self.name)
        self.set_keys()
        self.description = without_control_characters(self.description)
        if self.slug and self.slug_follows_old_name():
            self.slug = ""  # renamed: the address follows the new name; the old one redirects
        if not self.slug:
            self.slug = unique_slug(
                type(self).objects.all(), self.name, max_length=200, fallback=self._meta.model_name, exclude_pk=self.pk
            )
        adding = self._state.adding
        super().save(*args, **kwargs)
        if adding or self.name != getattr(self, "_saved_name", None):
            NameKey.refresh(type(self), [self.pk])
        self.remember_old_slug()
        self._saved_name = self.name
        # A new entity is on no public page until a published article is linked to it.
        ArchiveState.touch(entities=True, pages=set() if adding else self.shown_on())

    def set_keys(self):
        """The keys derived from the name, on every write path (save, import, the demo archive)."""
        self.name_key = name_key(self.name)
        self.alphabetical_key = alphabetical_key(self.name, surname_first=self.sorted_by_surname)

    def get_absolute_url(self):
        return entity_url(self.entity_kind.url_prefix, self.slug)

    def shown_on(self):
        """Pages naming it (its own, articles', indexes'), and those listing its coverage."""
        key = self.entity_kind.key
        return {entity_tag(key, self.pk), coverage_tag(key, self.pk), index_tag(key), NAMES}

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._saved_name = instance.__dict__.get("name")
        return instance

    def slug_follows_old_name(self):
        """True when the name changed and the slug is still the one made from the old name."""
        old_name = getattr(self, "_saved_name", None)
        if not old_name or name_key(old_name) == self.name_key or self.slug != getattr(self, "_saved_slug", None):
            return False
        base = slug_base(old_name, 191)
        return bool(base) and (self.slug == base or self.slug.startswith(base + "-"))

    def clean(self):
        super().clean()
        check_names_are_free(type(self), [self.name], exclude_pk=self.pk, field="name")

    @property
    def alias_names(self):
        return [alias.name for alias in self.aliases.all()]

    def names_by_language(self):
        """[(language code, language name, [spellings])] of the aliases whose language is known,
        then ("", "", [the others]); empty groups left out."""
        groups = {}
        for alias in self.aliases.all():
            groups.setdefault(alias.language, []).append(alias.name)
        known = [(code, label, groups[code]) for code, label in Alias.Language.choices if code in groups]
        return known + ([("", "", groups[""])] if "" in groups else [])

    def details(self):
        """A few words that tell this entity from namesakes, e.g. a person's role."""
        return ""

    def autocomplete_label(self):
        parts = [self.name]
        if details := self.details():
            parts.append(details)
        if aliases := self.alias_names:
            parts.append("also " + ", ".join(aliases))
        return " · ".join(parts)


def check_names_are_free(model, names, *, exclude_pk=None, field="name"):
    """Refuse a name that identifies nothing (see archive.lib.names.name_refusal) or already
    names another entity of this kind.

    The database guarantees uniqueness too (unique keys); this gives editors a message
    that says which entity holds the name.
    """
    keys = {}
    for name in names:
        if refusal := name_refusal(name):
            raise ValidationError({field: refusal})
        keys.setdefault(name_key(name), name)
    holders = model.objects.exclude(pk=exclude_pk).filter(
        Q(name_key__in=keys) | Q(pk__in=alias_owners(model, key__in=keys))
    )
    for holder in holders[:1]:
        raise ValidationError(
            {field: f"That name is already used by the {model._meta.verbose_name} “{holder.name}”. Use it instead."}
        )


class LinkQuerySet(models.QuerySet):
    def visible(self):
        """Links to articles readers may see.

        The same rule as Article.objects.published(), read from the copy of the
        article's publication time each link keeps (NULL unless published), so
        an entity's coverage is one index range, however popular it is.
        """
        return self.filter(published_at__lte=timezone.now())

    def counted_for(self, entities):
        """`entities` as a list, each with `article_count`: how many of these links it has.

        For a page of entities already read; `EntityQuerySet.with_article_counts()` counts
        every link in the same query instead.
        """
        entities = list(entities)
        counts = dict(
            self.filter(tag__in=entities).values("tag").annotate(n=models.Count("pk")).values_list("tag", "n")
        )
        for entity in entities:
            entity.article_count = counts.get(entity.pk, 0)
        return entities


class EntityLink(ItemBase):
    """An article's link to one entity. Concrete subclasses are made by @register_entity_kind."""

    # Indexed with the entity (see register_entity_kind), so an article's links are read from the index alone.
    content_object = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+", db_index=False)
    published_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = LinkQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self._state.adding and self.published_at is None:
            self.published_at = self.content_object.link_published_at
        super().save(*args, **kwargs)


class EntityLinks(_TaggableManager):
    """An article's entities of one kind; any change marks the archive, and the pages it affects, as changed."""

    @transaction.atomic(savepoint=False)
    def add(self, *tags, **kwargs):
        before = self.linked_ids()
        super().add(*tags, **kwargs)
        self.changed(self.linked_ids() - before)

    @transaction.atomic(savepoint=False)
    def remove(self, *tags):
        before = self.linked_ids()
        super().remove(*tags)
        self.changed(before - self.linked_ids())

    @transaction.atomic(savepoint=False)
    def clear(self):
        before = self.linked_ids()
        super().clear()
        self.changed(before)

    def linked_ids(self):
        return set(self.through.objects.filter(content_object_id=self.instance.pk).values_list("tag_id", flat=True))

    def changed(self, entity_ids):
        kind_key = self.through.tag_model()._meta.model_name
        ArchiveState.touch(pages=article_pages(self.instance, links={(kind_key, pk) for pk in entity_ids}))


def register_entity_kind(*, article_field, url_prefix):
    """Register an Entity subclass as a kind articles can be linked to.

    Creates its through model ("<Model>Link", a real foreign key to both
    sides, one row per article and entity) and adds a TaggableManager named
    `article_field` to Article. Pages live under /<url_prefix>/<slug>/.
    """

    def register(model):
        link_name = f"{model.__name__}Link"
        meta = type(
            "Meta",
            (EntityLink.Meta,),
            {
                "verbose_name": f"{model._meta.verbose_name} link",
                "constraints": [
                    models.UniqueConstraint(fields=["tag", "content_object"], name=f"{link_name.lower()}_unique")
                ],
                "indexes": [
                    # An entity's coverage, newest first, as one index range.
                    models.Index(fields=["tag", "published_at"], name=f"{link_name.lower()}_coverage"),
                    # An article's entities: facets, chips and related coverage read only this index.
                    models.Index(fields=["content_object", "tag"], name=f"{link_name.lower()}_article"),
                    # What was covered lately, across entities (home page, scheduled articles).
                    models.Index(fields=["published_at"], name=f"{link_name.lower()}_published"),
                ],
            },
        )
        link_model = type(
            link_name,
            (EntityLink,),
            {
                "__module__": model.__module__,
                "Meta": meta,
                "tag": models.ForeignKey(model, on_delete=models.CASCADE, related_name="links", db_index=False),
            },
        )
        manager = TaggableManager(
            verbose_name=model._meta.verbose_name_plural,
            help_text="",
            through=link_model,
            blank=True,
            related_name="articles",
            manager=EntityLinks,
        )
        Article.add_to_class(article_field, manager)
        setattr(sys.modules[model.__module__], link_name, link_model)
        model.entity_kind = EntityKind(model, link_model, article_field, url_prefix)
        ENTITY_KINDS[model.entity_kind.key] = model.entity_kind
        return model

    return register


@register_entity_kind(article_field="people", url_prefix="people")
class Person(Entity):
    role = models.CharField(max_length=200, blank=True, help_text="e.g. “President of Ukraine”.")
    sorted_by_surname = True

    class Meta(Entity.Meta):
        verbose_name_plural = "people"

    def details(self):
        return self.role


@register_entity_kind(article_field="places", url_prefix="places")
class Place(Entity):
    class Kind(models.TextChoices):
        COUNTRY = "country", "Country"
        REGION = "region", "Region"
        DISTRICT = "district", "District"
        CITY = "city", "City"
        TOWN = "town", "Town"
        VILLAGE = "village", "Village"
        SITE = "site", "Site"
        AREA = "area", "Area"

    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.CITY)
    parent = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="children",
        help_text="The place this one lies in: Kursk region inside Russia.",
    )
    latitude = models.DecimalField(max_digits=8, decimal_places=5, null=True, blank=True)
    longitude = models.DecimalField(max_digits=8, decimal_places=5, null=True, blank=True)

    class Meta(Entity.Meta):
        constraints = [
            *Entity.Meta.constraints,
            models.CheckConstraint(condition=Q(latitude__gte=-90, latitude__lte=90), name="place_latitude_range"),
            models.CheckConstraint(condition=Q(longitude__gte=-180, longitude__lte=180), name="place_longitude_range"),
        ]

    def clean(self):
        super().clean()
        ancestor = self.parent
        while ancestor is not None:
            if self.pk and ancestor.pk == self.pk:
                raise ValidationError({"parent": "A place cannot lie inside itself."})
            ancestor = ancestor.parent

    def details(self):
        if self.parent_id:
            return f"{self.get_kind_display().lower()} in {self.parent.name}"
        return self.get_kind_display().lower()

    def ancestors(self):
        """Parent, grandparent, ... (nearest first)."""
        chain, seen, place = [], {self.pk}, self.parent
        while place is not None and place.pk not in seen:
            chain.append(place)
            seen.add(place.pk)
            place = place.parent
        return chain


@register_entity_kind(article_field="organisations", url_prefix="organisations")
class Organisation(Entity):
    class Kind(models.TextChoices):
        GOVERNMENT = "government", "Government"
        ARMED_FORCES = "armed_forces", "Armed forces"
        ARMED_GROUP = "armed_group", "Armed group"
        AGENCY = "agency", "Agency"
        INTERGOVERNMENTAL = "intergovernmental", "Intergovernmental organisation"
        PARTY = "party", "Political party"
        NGO = "ngo", "Non-governmental organisation"
        COMPANY = "company", "Company"
        MEDIA = "media", "Media"
        OTHER = "other", "Other"

    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)

    def details(self):
        return self.get_kind_display().lower()


@register_entity_kind(article_field="incidents", url_prefix="incidents")
class Incident(Entity):
    class Precision(models.TextChoices):
        DAY = "day", "Day"
        MONTH = "month", "Month"
        YEAR = "year", "Year"

    class Type(models.TextChoices):
        # After ACLED's event types and the sub-events newsrooms report most.
        BATTLE = "battle", "Battle"
        AIR_DRONE_STRIKE = "air_drone_strike", "Air or drone strike"
        SHELLING_MISSILE = "shelling_missile", "Shelling, artillery or missile attack"
        REMOTE_EXPLOSIVE = "remote_explosive", "Remote explosive, landmine or IED"
        VIOLENCE_AGAINST_CIVILIANS = "violence_against_civilians", "Violence against civilians"
        CAPTURE_ARREST = "capture_arrest", "Capture or arrest"
        ABDUCTION = "abduction", "Abduction or forced disappearance"
        PROTEST = "protest", "Protest"
        RIOT = "riot", "Riot"
        STRATEGIC_DEVELOPMENT = "strategic_development", "Strategic development"
        OTHER = "other", "Other"

    date = models.DateField(help_text="When it happened, or began.")
    end_date = models.DateField(null=True, blank=True, help_text="For incidents lasting more than a day.")
    date_precision = models.CharField(
        max_length=5,
        choices=Precision.choices,
        default=Precision.DAY,
        help_text="How exactly the date is known: a month precision shows “March 2024”.",
    )
    place = models.ForeignKey(Place, on_delete=models.SET_NULL, null=True, blank=True, related_name="incidents")
    incident_type = models.CharField("type", max_length=30, choices=Type.choices, default=Type.OTHER)
    killed = models.PositiveIntegerField(null=True, blank=True, help_text="Leave empty when unknown; 0 means none.")
    injured = models.PositiveIntegerField(null=True, blank=True, help_text="Leave empty when unknown; 0 means none.")
    summary = models.TextField(blank=True, help_text="What happened, in a few factual sentences.")

    class Meta(Entity.Meta):
        ordering = ["-date", "name"]
        indexes = [models.Index(fields=["date"], name="incident_date")]
        constraints = [
            *Entity.Meta.constraints,
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("date")),
                name="incident_end_after_start",
            ),
        ]

    def details(self):
        return f"{self.get_incident_type_display().lower()}, {self.date_label}"

    @property
    def date_label(self):
        """The date as precisely as it is known: "3 March 2024", "March 2024" or "2024"."""
        formats = {self.Precision.DAY: "%-d %B %Y", self.Precision.MONTH: "%B %Y", self.Precision.YEAR: "%Y"}
        label = self.date.strftime(formats[self.date_precision])
        if self.end_date and self.end_date != self.date:
            label += " – " + self.end_date.strftime(formats[self.date_precision])
        return label

"""Articles and their sources; `Article.objects.published()` is what readers may see."""

import datetime
import re

from django.core.validators import URLValidator
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from archive.lib.search_forms import search_forms_of_text
from archive.lib.text import squash_spaces, unique_slug, without_control_characters
from archive.models.history import ArchiveState, KeepsOldSlugs, SlugRedirect
from archive.models.page_tags import article_pages, linked_entities
from archive.models.registry import ENTITY_KINDS

# Saves within this time of publication (fixing a typo at once) are not "updates".
UPDATE_SHOWN_AFTER = datetime.timedelta(minutes=10)
SLUG_LENGTH = 120
TEXT_FIELDS = ("headline", "standfirst", "body")  # what readers search, and search_forms is made from


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """What readers may see: published, and not scheduled for later.

        The one definition of visibility; every public surface starts here.
        """
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=timezone.now())

    def withdrawn(self):
        """Articles taken down after readers could see them: their addresses answer 410 Gone.

        Never listed anywhere; only the date of withdrawal and the public note are shown.
        """
        return self.filter(status=Article.Status.WITHDRAWN, published_at__lte=timezone.now())


class Article(KeepsOldSlugs):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        REVIEW = "review", "In review"
        PUBLISHED = "published", "Published"
        WITHDRAWN = "withdrawn", "Withdrawn"

    headline = models.CharField(max_length=300)
    slug = models.SlugField(
        max_length=SLUG_LENGTH,
        unique=True,
        blank=True,
        help_text="The last part of the article's address, after /articles/. Filled from the headline if left empty.",
    )
    standfirst = models.TextField(blank=True, help_text="One or two sentences shown under the headline and in lists.")
    body = models.TextField(blank=True, help_text="Markdown. Separate paragraphs with a blank line.")
    byline = models.CharField(max_length=200, blank=True, help_text="Who wrote it, e.g. “Olena Kovalenko”.")
    publication = models.CharField(max_length=200, blank=True, help_text="The outlet it came from, e.g. “Reuters”.")
    dateline = models.CharField(max_length=100, blank=True, help_text="Where it was filed, e.g. “KYIV”.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(
        "publication time",
        null=True,
        blank=True,
        help_text="When readers may see it. A time in the future schedules it; empty means now, on publishing.",
    )
    first_published_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField("last updated", default=timezone.now, editable=False)
    editor_note = models.TextField(blank=True, help_text="Internal. Never shown to readers.")
    # Derived from the text on every write (fill_in), for the search index only: the other forms
    # of its words (archive.lib.search_forms), so that "Сибіга" finds "з міністром Сибігою" and
    # "Hordiienko" an article that spells him "Hordiyenko".
    search_forms = models.TextField(blank=True, default="", editable=False)
    withdrawn_at = models.DateTimeField(null=True, blank=True, editable=False)
    withdrawal_note = models.TextField(
        blank=True,
        help_text="Public. Shown at the article's address once it is withdrawn: why it was taken down.",
    )
    version = models.PositiveIntegerField(
        default=1, editable=False, help_text="Goes up on every save, so a stale copy can be detected."
    )
    import_key = models.CharField(
        max_length=255,
        unique=True,
        null=True,
        blank=True,
        editable=False,
        help_text="Identity of the imported file or record; importing it again updates this article.",
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = [models.F("published_at").desc(nulls_last=True), "-id"]
        get_latest_by = "published_at"
        permissions = [
            ("publish_article", "Can publish, schedule and withdraw articles"),
            ("correct_article", "Can attach public corrections to articles"),
        ]
        indexes = [
            models.Index(fields=["status", "-published_at"], name="article_status_published"),
            # The editors' list, newest first whatever the status, and its date drill-down.
            models.Index(fields=["-published_at", "-id"], name="article_newest_first"),
            # One publication's articles newest first; also each publication name in turn.
            models.Index(fields=["publication", "-published_at", "-id"], name="article_publication_newest"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="article_published_has_time",
            )
        ]

    def __str__(self):
        return self.headline

    @transaction.atomic(savepoint=False)
    def save(self, *args, **kwargs):
        adding = self._state.adding
        Article.before_writing([self])
        if not adding:
            self.version += 1
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "updated_at", "version"}
            if kwargs["update_fields"] & set(TEXT_FIELDS):
                kwargs["update_fields"].add("search_forms")
            if "status" in kwargs["update_fields"]:
                kwargs["update_fields"] |= {"published_at", "first_published_at", "withdrawn_at"}
        super().save(*args, **kwargs)
        Article.after_writing([self], updated=[] if adding else [self])

    # A save writes one article and an import many (archive.interchange.writer); both go through
    # the two methods below, so the rules of a write live in one place. The version is the one
    # rule they do not share: a save is an edit, while an import that changes nothing is not, so
    # the import raises it only for the articles its snapshots show changed.

    @classmethod
    def before_writing(cls, articles, *, keep_change_time=()):
        """Fill in what every write of articles fills in before its rows are written: cleaned text,
        publication and withdrawal times, a free slug, the change time.

        `keep_change_time` holds the id() of articles whose change time comes with them (an
        exported record's own).
        """
        now = timezone.now()
        used = {article.slug for article in articles if article.slug}
        for article in articles:
            article.fill_in()
            if id(article) not in keep_change_time:
                article.updated_at = now
            if not article.slug:
                article.slug = unique_slug(
                    cls.objects.all(), article.headline, max_length=SLUG_LENGTH, fallback="article", taken=used
                )
                used.add(article.slug)

    @classmethod
    def after_writing(cls, articles, *, updated=(), links_before=None):
        """Keep in step what every write of articles changes once its rows are written: the links'
        copy of visibility, the addresses articles left, and the public pages that showed them.

        `updated` are the articles that existed before the write; `links_before` is {article id:
        {(kind key, entity id), ...}} read before the write changed their links, so that the pages
        of entities an article left are refreshed too.
        """
        if updated:
            cls.sync_links([article.pk for article in updated])
        now = timezone.now()
        moved = [(article, old) for article in articles if (old := article.moved_from()) is not None]
        if moved:
            SlugRedirect.point(
                moves=[(cls, article.pk, old, now) for article, old in moved],
                live=[(cls, article.slug) for article, _old in moved],
            )
        shown = [article for article in articles if article_pages(article, links=set())]
        links_after = linked_entities([article.pk for article in shown])
        pages = set()
        for article in shown:
            pages |= article_pages(article, links=(links_before or {}).get(article.pk, set()) | links_after[article.pk])
        ArchiveState.touch(pages=pages)
        for article in articles:
            article._saved_slug = article.slug
            article._loaded_visibility = (article.status, article.published_at)

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        # What readers could see of it when loaded: a save must refresh the pages that showed it then.
        instance._loaded_visibility = (instance.__dict__.get("status"), instance.__dict__.get("published_at"))
        return instance

    def shown_on(self):
        return article_pages(self)

    def get_absolute_url(self):
        return reverse("archive:article", kwargs={"slug": self.slug})

    def clean(self):
        # Forms validate the database constraints before save(); publishing
        # with the time left empty means "now", so fill it in here too.
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()

    def fill_in(self):
        """What every write fills in, including bulk imports that skip save()."""
        self.headline = squash_spaces(self.headline)
        for name in ["standfirst", "body", "byline", "publication", "dateline", "editor_note", "withdrawal_note"]:
            setattr(self, name, without_control_characters(getattr(self, name)))
        self.search_forms = search_forms_of_text(*(getattr(self, name) for name in TEXT_FIELDS))
        if self.status == self.Status.PUBLISHED:
            self.published_at = self.published_at or timezone.now()
            self.first_published_at = self.first_published_at or self.published_at
        # The time of withdrawal is the time the status became "withdrawn", however it got there.
        if self.status == self.Status.WITHDRAWN:
            self.withdrawn_at = self.withdrawn_at or timezone.now()
        else:
            self.withdrawn_at = None

    @property
    def link_published_at(self):
        """What the entity links record of this article: its time while published, else nothing."""
        return self.published_at if self.status == self.Status.PUBLISHED else None

    @classmethod
    def sync_links(cls, article_pks):
        """Copy the articles' visibility onto their entity links, which entity pages read."""
        visible_from = models.Subquery(
            cls.objects.filter(pk=models.OuterRef("content_object_id"), status=cls.Status.PUBLISHED).values(
                "published_at"
            )[:1]
        )
        for kind in ENTITY_KINDS.values():
            kind.link_model.objects.filter(content_object_id__in=article_pks).update(published_at=visible_from)

    @property
    def shown_update_time(self):
        """The last-updated time readers see: only for changes made after publication settled."""
        if self.published_at and self.updated_at - self.published_at > UPDATE_SHOWN_AFTER:
            return self.updated_at
        return None

    @property
    def is_public(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def is_scheduled(self):
        return self.status == self.Status.PUBLISHED and self.published_at is not None and not self.is_public

    def entities_by_kind(self):
        """[(kind, [entity, ...]), ...] for the kinds this article has, in registry order."""
        groups = [(kind, list(getattr(self, kind.article_field).all())) for kind in ENTITY_KINDS.values()]
        return [(kind, entities) for kind, entities in groups if entities]


# What the URL Standard strips from the ends of a URL, and removes anywhere in it, before reading it.
_SPACE_AND_CONTROLS = "".join(map(chr, range(0x21)))
_BROWSER_IGNORES = re.compile(r"[\t\n\r]")
_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]*):")


class SourceLink(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="sources")
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=500, blank=True)
    url = models.URLField("URL", max_length=2000)
    publisher = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self):
        return self.title or self.url

    def save(self, *args, **kwargs):
        self.title = without_control_characters(self.title)
        self.publisher = without_control_characters(self.publisher)
        super().save(*args, **kwargs)

    @property
    def link_url(self):
        """The URL if a link may point to it, else "": only the schemes the form accepts (http, https, ftp, ftps).

        The admin form and the importers refuse other URLs, but the ORM stores any text, and a
        javascript: or data: URL made a link runs script when clicked (tests/public/test_sanitising.py).
        The scheme is read as a browser reads it: " JaVa<tab>ScRiPt:" is javascript:.
        """
        scheme = _SCHEME.match(_BROWSER_IGNORES.sub("", self.url.strip(_SPACE_AND_CONTROLS)))
        return self.url if scheme and scheme.group(1).lower() in URLValidator.schemes else ""

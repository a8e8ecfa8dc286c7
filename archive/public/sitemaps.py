"""Sitemaps for search engines: every published article and public entity page, and recent news."""

import datetime
from types import SimpleNamespace

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.db.models import Max, OuterRef, Subquery
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property

from archive.cache.freshness import last_changed
from archive.cache.middleware import depends_on, keep_page
from archive.lib.probes import first_and_last
from archive.models import ENTITY_KINDS, Article
from archive.models.page_tags import LISTS, index_tag


class IdRangePages:
    """A sitemap's pages by ranges of ids, `size` ids a page.

    Django's paginator counts every item (on each request of the index and of every page) and
    reaches a page by skipping all the items before it: both grow with the archive. Here the
    pages come from the first and last ids, read from the two ends of the primary key, and
    each page is one range of it. A page lists fewer than `size` items where ids were never
    published, and an item stays on its page when others come and go.
    """

    def __init__(self, items, size):
        self.items, self.size = items, size

    @cached_property
    def ends(self):
        """The first id of page 1 (a multiple of `size`, so pages keep their ids) and the last id."""
        first, last = first_and_last(self.items, "pk")
        if first is None:
            return 0, 0
        return (first - 1) // self.size * self.size, last

    @property
    def num_pages(self):
        start, last = self.ends
        return max(1, -(-(last - start) // self.size))

    def page(self, number):
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger("That page number is not an integer.") from None
        if not 1 <= number <= self.num_pages:
            raise EmptyPage("That page contains no results.")
        start = self.ends[0] + (number - 1) * self.size
        return SimpleNamespace(object_list=self.items.filter(pk__gt=start, pk__lte=start + self.size))


class IdRangeSitemap(Sitemap):
    limit = 5_000

    @property
    def paginator(self):
        return IdRangePages(self.items(), self.limit)

    def get_latest_lastmod(self):
        # Django's default reads every item to find this.
        return last_changed()


class ArticleSitemap(IdRangeSitemap):
    def items(self):
        return Article.objects.published().order_by("id").only("slug", "updated_at", "published_at")

    def lastmod(self, article):
        return max(article.updated_at, article.published_at)


class EntitySitemap(IdRangeSitemap):
    def __init__(self, kind):
        self.kind = kind

    def items(self):
        latest = (
            self.kind.link_model.objects.visible()
            .filter(tag=OuterRef("pk"))
            .order_by()
            .values("tag")
            .annotate(latest=Max("published_at"))
            .values("latest")
        )
        return (
            self.kind.model.objects.public().order_by("id").annotate(latest=Subquery(latest)).only("slug", "updated_at")
        )

    def lastmod(self, entity):
        return max(filter(None, [entity.updated_at, entity.latest]))


class HomeSitemap(Sitemap):
    changefreq = "hourly"

    def items(self):
        indexes = [("archive:entity_index", {"kind": kind.url_prefix}) for kind in ENTITY_KINDS.values()]
        return [("archive:home", {}), ("archive:archive_index", {}), *indexes]

    def location(self, item):
        name, kwargs = item
        return reverse(name, kwargs=kwargs)


SITEMAPS = {
    "pages": HomeSitemap,
    "articles": ArticleSitemap,
    **{kind.url_prefix: EntitySitemap(kind) for kind in ENTITY_KINDS.values()},
}


# Kept in the page cache: sitemaps list every published article and public entity with its last change.
SITEMAP_TAGS = [LISTS, *(index_tag(kind.key) for kind in ENTITY_KINDS.values())]
sitemap_index = keep_page(sitemap_views.index, *SITEMAP_TAGS)
sitemap_section = keep_page(sitemap_views.sitemap, *SITEMAP_TAGS)


def news_sitemap(request):
    """Google News: the articles published in the last two days, at most 1,000."""
    depends_on(request, LISTS)
    since = timezone.now() - datetime.timedelta(days=2)
    articles = Article.objects.published().filter(published_at__gte=since).order_by("-published_at")[:1000]
    return render(
        request,
        "archive/news_sitemap.xml",
        {"articles": articles, "site": request.build_absolute_uri("/").rstrip("/")},
        content_type="application/xml; charset=utf-8",
    )

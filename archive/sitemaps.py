"""Sitemaps for search engines: every published article and public entity page, and recent news."""

import datetime

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.db.models import Max, OuterRef, Subquery
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from .caching import depends_on, index_tag, keep_page
from .freshness import last_changed
from .models import ENTITY_KINDS, Article


class ArticleSitemap(Sitemap):
    limit = 10_000

    def items(self):
        return Article.objects.published().order_by("id").only("slug", "updated_at", "published_at")

    def lastmod(self, article):
        return max(article.updated_at, article.published_at)

    def get_latest_lastmod(self):
        # Django's default reads every item to find this.
        return last_changed()


class EntitySitemap(Sitemap):
    limit = 10_000

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

    def get_latest_lastmod(self):
        # Django's default reads every item to find this.
        return last_changed()


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
SITEMAP_TAGS = ["lists", *(index_tag(kind.key) for kind in ENTITY_KINDS.values())]
sitemap_index = keep_page(sitemap_views.index, *SITEMAP_TAGS)
sitemap_section = keep_page(sitemap_views.sitemap, *SITEMAP_TAGS)


def news_sitemap(request):
    """Google News: the articles published in the last two days, at most 1,000."""
    depends_on(request, "lists")
    since = timezone.now() - datetime.timedelta(days=2)
    articles = Article.objects.published().filter(published_at__gte=since).order_by("-published_at")[:1000]
    return render(
        request,
        "archive/news_sitemap.xml",
        {"articles": articles, "site": request.build_absolute_uri("/").rstrip("/")},
        content_type="application/xml; charset=utf-8",
    )

from django.urls import path, register_converter

from archive.public import feeds
from archive.public.converters import EntityKindConverter
from archive.public.sitemaps import SITEMAPS, news_sitemap, sitemap_index, sitemap_section
from archive.public.views import articles, dates, entities
from archive.public.views import search as search_views

register_converter(EntityKindConverter, "entity_kind")

app_name = "archive"
urlpatterns = [
    path("", articles.home, name="home"),
    path("articles/<slug:slug>/", articles.article_detail, name="article"),
    path("preview/articles/<int:pk>/", articles.article_preview, name="article_preview"),
    path("corrections/", articles.corrections, name="corrections"),
    path("corrections/feed.rss", feeds.CorrectionsFeed(), name="feed_corrections_rss"),
    path("corrections/feed.atom", feeds.CorrectionsAtomFeed(), name="feed_corrections_atom"),
    path("archive/", dates.archive_index, name="archive_index"),
    path("archive/<int:year>/", dates.YearArchive.as_view(), name="archive_year"),
    path("archive/<int:year>/<int:month>/", dates.MonthArchive.as_view(), name="archive_month"),
    path("archive/<int:year>/<int:month>/<int:day>/", dates.DayArchive.as_view(), name="archive_day"),
    path("feeds/latest.rss", feeds.LatestArticlesFeed(), name="feed_latest_rss"),
    path("feeds/latest.atom", feeds.LatestArticlesAtomFeed(), name="feed_latest_atom"),
    path("feeds/<entity_kind:kind>/<slug:slug>.rss", feeds.EntityFeed(), name="feed_entity_rss"),
    path("feeds/<entity_kind:kind>/<slug:slug>.atom", feeds.EntityAtomFeed(), name="feed_entity_atom"),
    path(
        "sitemap.xml",
        sitemap_index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "archive:sitemap_section"},
        name="sitemap",
    ),
    path("sitemap-news.xml", news_sitemap, name="news_sitemap"),
    path(
        "sitemap-<section>.xml",
        sitemap_section,
        {"sitemaps": SITEMAPS, "template_name": "archive/sitemap.xml"},
        name="sitemap_section",
    ),
    path("robots.txt", articles.robots_txt, name="robots"),
    path("search/", search_views.search_page, name="search"),
    path("search/feed/", search_views.SearchFeed(), name="search_feed"),
    path("<entity_kind:kind>/", entities.entity_index, name="entity_index"),
    path("<entity_kind:kind>/<slug:slug>/", entities.entity_detail, name="entity"),
]

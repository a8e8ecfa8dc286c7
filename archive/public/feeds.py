"""RSS 2.0 and Atom feeds: the latest articles, the latest of each entity, and the latest corrections."""

from django.contrib.syndication.views import Feed
from django.http import Http404, HttpResponsePermanentRedirect
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import escape, format_html, linebreaks

from archive.cache.middleware import depends_on
from archive.models import ENTITY_KINDS, Article, Correction, SlugRedirect
from archive.models.page_tags import CORRECTIONS, LISTS, NAMES, coverage_tag, entity_tag
from archive.public.coverage import Coverage
from archive.public.rendering import render_markdown

FEED_SIZE = 30


class ArticleFeed(Feed):
    feed_type = Rss201rev2Feed
    language = "en"
    author_name = "Newsroom Archive"

    def item_title(self, article):
        return article.headline

    def item_description(self, article):
        summary = format_html("<p><strong>{}</strong></p>", article.standfirst) if article.standfirst else ""
        return summary + render_markdown(article.body)

    def item_link(self, article):
        return article.get_absolute_url()

    def item_guid(self, article):
        # The article's number, not its address: a new slug must not make it a new item.
        return f"tag:newsroom-archive,{article.created_at:%Y-%m-%d}:article-{article.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, article):
        return article.published_at

    def item_updateddate(self, article):
        return max(article.updated_at, article.published_at)

    def item_author_name(self, article):
        return article.byline or None

    def item_categories(self, article):
        return [entity.name for _kind, entities in article.entities_by_kind() for entity in entities]

    def latest(self, articles):
        kinds = [kind.article_field for kind in ENTITY_KINDS.values()]
        return articles.order_by("-published_at", "-id").prefetch_related(*kinds)[:FEED_SIZE]


class LatestArticlesFeed(ArticleFeed):
    title = "Newsroom Archive: latest coverage"
    description = "The latest articles published in the archive."

    def get_object(self, request, *args, **kwargs):
        # Items name their entities as categories.
        depends_on(request, LISTS, NAMES)
        return None

    def link(self):
        return reverse("archive:home")

    def items(self):
        return self.latest(Article.objects.published())


class LatestArticlesAtomFeed(LatestArticlesFeed):
    feed_type = Atom1Feed
    subtitle = LatestArticlesFeed.description


class EntityFeed(ArticleFeed):
    url_name = "archive:feed_entity_rss"

    def __call__(self, request, kind, slug):
        try:
            return super().__call__(request, kind=kind, slug=slug)
        except Http404:
            # Readers subscribed before a rename or a merge: send their reader on to the new address.
            target = SlugRedirect.target_in(kind.model.objects.public(), slug)
            if target is None:
                raise
            return HttpResponsePermanentRedirect(reverse(self.url_name, args=[kind.url_prefix, target.slug]))

    def get_object(self, request, kind, slug):
        entity = kind.model.objects.public().filter(slug=slug).first()
        if entity is None:
            raise Http404("No such page.")
        depends_on(request, entity_tag(kind.key, entity.pk), coverage_tag(kind.key, entity.pk), NAMES)
        return entity

    def title(self, entity):
        return f"Newsroom Archive: {entity.name}"

    def description(self, entity):
        # RSS readers take a channel's description as HTML (feedparser calls it text/html), and an
        # entity's name is plain text that may hold "<script>": escaped, it is shown as written.
        return escape(self.about(entity))

    def about(self, entity):
        return f"The latest articles about {entity.name} ({entity.entity_kind.label})."

    def link(self, entity):
        return entity.get_absolute_url()

    def items(self, entity):
        return self.latest(Article.objects.published().filter(pk__in=Coverage(entity).newest_ids(FEED_SIZE)))


class EntityAtomFeed(EntityFeed):
    feed_type = Atom1Feed
    url_name = "archive:feed_entity_atom"

    def subtitle(self, entity):
        return self.about(entity)  # Atom's subtitle is a text construct: the reader escapes it


class CorrectionsFeed(Feed):
    feed_type = Rss201rev2Feed
    language = "en"
    author_name = "Newsroom Archive"
    title = "Newsroom Archive: corrections"
    description = "Corrections to articles in the archive, newest first."

    def link(self):
        return reverse("archive:corrections")

    def get_object(self, request, *args, **kwargs):
        depends_on(request, CORRECTIONS)
        return None

    def items(self):
        return Correction.objects.public().select_related("article").order_by("-published_at", "-id")[:FEED_SIZE]

    def item_title(self, correction):
        return f"Correction: {correction.article.headline}"

    def item_description(self, correction):
        return linebreaks(correction.text, autoescape=True)

    def item_link(self, correction):
        return f"{correction.article.get_absolute_url()}#correction-{correction.pk}"

    def item_guid(self, correction):
        return f"tag:newsroom-archive,{correction.published_at:%Y-%m-%d}:correction-{correction.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, correction):
        return correction.published_at

    def item_updateddate(self, correction):
        return correction.published_at  # Atom requires every entry's <updated>; a correction is not edited


class CorrectionsAtomFeed(CorrectionsFeed):
    feed_type = Atom1Feed
    subtitle = CorrectionsFeed.description

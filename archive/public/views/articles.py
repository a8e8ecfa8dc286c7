"""The reader's archive. Every list starts from Article.objects.published() or Entity.objects.public()."""

from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.urls import reverse

from archive.cache.freshness import conditional_on_archive
from archive.cache.middleware import depends_on
from archive.editorial import workflow
from archive.lib.pagination import counted_page, countless_page
from archive.models import ENTITY_KINDS, Article, Correction, SlugRedirect
from archive.models.page_tags import CORRECTIONS, LISTS, article_tag, entity_tag
from archive.public import coverage
from archive.public.related import related_articles, similar_in_wording
from archive.public.structured_data import news_article

RELATED = 6  # articles listed beside an article
FEW_RELATED = 3  # fewer sharing its entities than this, and articles alike in wording are added


def moved_or_404(request, queryset, slug):
    """A permanent redirect if `slug` is an old address of something in `queryset`, else 404.

    The query string goes along: page 3 of an entity's old address is page 3 of its new one.
    """
    target = SlugRedirect.target_in(queryset, slug)
    if target is None:
        raise Http404("No such page.")
    query = request.META.get("QUERY_STRING", "")
    return HttpResponsePermanentRedirect(target.get_absolute_url() + (f"?{query}" if query else ""))


@conditional_on_archive
def home(request):
    articles = Article.objects.published().order_by("-published_at", "-id")
    most_covered = coverage.most_covered(days=30)
    depends_on(request, LISTS, *shown_entities(most_covered))
    return render(
        request, "archive/home.html", {"page": countless_page(request, articles), "most_covered": most_covered}
    )


def shown_entities(groups):
    """Tags of the entities a page names, from [(kind, [entity or companion, ...]), ...]."""
    return [entity_tag(kind.key, entity.pk) for kind, entities in groups for entity in entities]


def with_page_rows(articles):
    """Articles with what their page shows fetched alongside: sources, corrections, entities of every kind."""
    kinds = ENTITY_KINDS.values()
    return articles.prefetch_related("sources", "corrections", *(kind.article_field for kind in kinds))


def article_page(request, article, **context):
    """The article as readers see it: the public page and the staff preview share this."""
    groups = article.entities_by_kind()
    corrections = list(article.corrections.all())
    related = related_articles(article, groups, limit=RELATED)
    # Few shared entities (an article nobody tagged): articles alike in wording make up the list,
    # under their own heading. Like a newly related one, a newly published article alike in
    # wording shows once the kept page expires (cache.middleware.PAGE_SECONDS).
    similar = []
    if len(related) < FEW_RELATED:
        similar = similar_in_wording(article, limit=RELATED - len(related), exclude=[other.pk for other in related])
    # A preview is never kept whatever it declares: it is private (see archive.caching.keepable).
    depends_on(
        request,
        article_tag(article.pk),
        *shown_entities(groups),
        *(article_tag(other.pk) for other in [*related, *similar]),
    )
    return render(
        request,
        "archive/article_detail.html",
        {
            "article": article,
            "groups": groups,
            "corrections": corrections,
            "related": related,
            "similar": similar,
            "structured_data": news_article(article, groups, request),
            **context,
        },
    )


@conditional_on_archive
def article_detail(request, slug):
    article = with_page_rows(Article.objects.published()).filter(slug=slug).first()
    if article is None:
        withdrawn = Article.objects.withdrawn()
        gone = withdrawn.filter(slug=slug).first() or SlugRedirect.target_in(withdrawn, slug)
        if gone is not None:
            return article_withdrawn(request, gone)
        return moved_or_404(request, Article.objects.published(), slug)
    return article_page(request, article, canonical_url=request.build_absolute_uri(article.get_absolute_url()))


def article_withdrawn(request, article):
    """410 Gone: when it was withdrawn and why, never what it said."""
    return render(request, "archive/article_withdrawn.html", {"article": article}, status=410)


def article_preview(request, pk):
    """Any article, whatever its status, as readers would see it: for staff who may look at articles.

    Everyone else gets the 404 any unknown address gets, so a preview address
    tells nobody that an article exists. Never cached, never indexed, never 304.
    """
    if not workflow.may_preview(request.user):
        raise Http404("No such page.")
    article = with_page_rows(Article.objects.all()).filter(pk=pk).first()
    if article is None:
        raise Http404("No such article.")
    response = article_page(request, article, preview=True)
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


@conditional_on_archive
def corrections(request):
    """Every public correction, newest first, with the article it corrects."""
    depends_on(request, CORRECTIONS)
    found = (
        Correction.objects.public()
        .select_related("article")
        .only("published_at", "text", "article__headline", "article__slug")
        .order_by("-published_at", "-id")
    )
    return render(request, "archive/corrections.html", {"page": counted_page(request, found)})


def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /search/",
        "Disallow: /preview/",
        "",
        f"Sitemap: {request.build_absolute_uri(reverse('archive:sitemap'))}",
        f"Sitemap: {request.build_absolute_uri(reverse('archive:news_sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")

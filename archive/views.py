"""The reader's archive. Every list starts from Article.objects.published() or Entity.objects.public()."""

import datetime
import itertools

from django.conf import settings
from django.db.models import Exists, OuterRef, Subquery
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.template.loader import select_template
from django.urls import reverse
from django.utils import timezone
from django.views.generic.dates import DayArchiveView, MonthArchiveView, YearArchiveView

from . import coverage, workflow
from .caching import article_tag, coverage_tag, depends_on, entity_tag, index_tag
from .forms import IncidentFilterForm
from .freshness import conditional_on_archive
from .models import ENTITY_KINDS, Article, Correction, Incident, Place, SlugRedirect
from .pagination import counted_page, countless_page, requested_page
from .probes import first_and_last
from .related import related_articles
from .structured_data import news_article

LETTERS = [chr(code) for code in range(ord("a"), ord("z") + 1)]


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
    depends_on(request, "lists", *shown_entities(most_covered))
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
    related = related_articles(article, groups)
    # A preview is never kept whatever it declares: it is private (see archive.caching.keepable).
    depends_on(request, article_tag(article.pk), *shown_entities(groups), *(article_tag(other.pk) for other in related))
    return render(
        request,
        "archive/article_detail.html",
        {
            "article": article,
            "groups": groups,
            "corrections": corrections,
            "related": related,
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
def entity_detail(request, kind, slug):
    references = [field.name for field in kind.model._meta.concrete_fields if field.is_relation]
    if kind.model is Place:
        references += ["parent__parent", "parent__parent__parent"]
    entity = (
        kind.model.objects.public().select_related(*references).prefetch_related("aliases").filter(slug=slug).first()
    )
    if entity is None:
        return moved_or_404(request, kind.model.objects.public(), slug)
    context = {
        "entity": entity,
        "kind": kind,
        "page": counted_page(request, coverage.Coverage(entity)),
        "timeline": coverage.timeline(entity),
        "covered_with": coverage.covered_with(entity),
        "facts_template": select_template([f"archive/facts/{kind.key}.html", "archive/facts/entity.html"]),
        "canonical_url": request.build_absolute_uri(entity.get_absolute_url()),
    }
    linked_places = [*(entity.ancestors() if kind.model is Place else []), getattr(entity, "place", None)]
    # Only places with published coverage have pages to link to.
    context["public_place_ids"] = set(
        Place.objects.public()
        .filter(pk__in=[place.pk for place in linked_places if place])
        .values_list("pk", flat=True)
    )
    if kind.model is Place:
        sub_places = Place.objects.public().filter(parent=entity).order_by("name")
        context.update(
            sub_places=list(sub_places[:60]),
            sub_place_count=sub_places.count(),
            incidents_here=coverage.incidents_in(entity, limit=10),
            ancestors=entity.ancestors(),
        )
        # A sub-place or incident shown stops being a link the moment its coverage ends.
        listed = [*context["sub_places"], *context["incidents_here"][0]]
        depends_on(request, *(coverage_tag(item.entity_kind.key, item.pk) for item in listed))
        depends_on(request, *(entity_tag(item.entity_kind.key, item.pk) for item in listed))
    depends_on(
        request,
        entity_tag(kind.key, entity.pk),
        coverage_tag(kind.key, entity.pk),
        *shown_entities(context["covered_with"]),
        *(
            tag
            for place in linked_places
            if place
            for tag in (entity_tag("place", place.pk), coverage_tag("place", place.pk))
        ),
    )
    return render(request, "archive/entity_detail.html", context)


# ---------------------------------------------------------------- indexes


@conditional_on_archive
def entity_index(request, kind):
    # Incidents are listed with their places, and filtered by them.
    depends_on(request, index_tag(kind.key), *([index_tag("place")] if kind.model is Incident else []))
    if kind.model is Place:
        return place_index(request, kind)
    if kind.model is Incident:
        return incident_index(request, kind)
    return alphabetical_index(request, kind)


def with_counts(entities, kind):
    """Entities with their number of published articles, counted for this page only."""
    return coverage.with_article_counts(entities, kind.link_model.objects.visible())


def alphabetical_index(request, kind):
    letter = request.GET.get("letter", "")
    entities = kind.model.objects.public().order_by("name_key")
    if letter in LETTERS:
        entities = entities.filter(name_key__startswith=letter)
    elif letter == "other":
        entities = entities.exclude(name_key__regex=r"^[a-z]")
    else:
        letter = ""
    # A letter's page says how many pages there are; the whole A-Z list does not count them all.
    page = counted_page(request, entities, per_page=100) if letter else countless_page(request, entities, 100)
    page.object_list = with_counts(page.object_list, kind)
    return render(
        request,
        "archive/entity_index.html",
        {"kind": kind, "page": page, "letters": LETTERS, "letter": letter},
    )


def place_index(request, kind):
    """Countries with their regions and cities, most covered first; every place through A–Z."""
    if request.GET.get("letter") or request.GET.get("page"):
        return alphabetical_index(request, kind)
    places = with_counts(
        Place.objects.public().filter(kind__in=[Place.Kind.COUNTRY, Place.Kind.REGION, Place.Kind.CITY]),
        kind,
    )
    children = {}
    for place in places:
        children.setdefault(place.parent_id, []).append(place)

    def most_covered_first(group):
        return sorted(group, key=lambda place: (-place.article_count, place.name))

    countries = most_covered_first(place for place in places if place.kind == Place.Kind.COUNTRY)
    for place in places:
        place.inside = most_covered_first(children.get(place.pk, []))
    return render(
        request,
        "archive/place_index.html",
        {
            "kind": kind,
            "letters": LETTERS,
            # Countries with regions get a section each; the others share a compact list.
            "countries_with_regions": [country for country in countries if any(p.inside for p in country.inside)],
            "other_countries": [country for country in countries if not any(p.inside for p in country.inside)],
        },
    )


def incident_index(request, kind):
    form = IncidentFilterForm(request.GET or None)
    place_is_public = Place.objects.public().filter(pk=OuterRef("place_id"))
    incidents = (
        Incident.objects.public()
        .select_related("place")
        .annotate(place_is_public=Exists(place_is_public))
        .order_by("-date", "name")
    )
    if form.is_valid():
        incidents = form.filter(incidents)
    # No total: counting a hundred thousand incidents costs more than the page.
    page = countless_page(request, incidents, per_page=50)
    return render(request, "archive/incident_index.html", {"kind": kind, "page": page, "form": form})


# ---------------------------------------------------------------- date archives


class ArticleDateArchive:
    queryset = Article.objects.published().order_by("-published_at", "-id")
    date_field = "published_at"
    allow_empty = False
    allow_future = False
    paginate_by = settings.ARCHIVE_PAGE_SIZE
    month_format = "%m"

    def get_queryset(self):
        return Article.objects.published().order_by("-published_at", "-id")

    def paginate_queryset(self, queryset, page_size):
        requested_page(self.request)
        return super().paginate_queryset(queryset, page_size)

    def get(self, request, *args, **kwargs):
        depends_on(request, self.date_tag())
        return super().get(request, *args, **kwargs)


class YearArchive(ArticleDateArchive, YearArchiveView):
    """A year's months; the articles are on the month pages."""

    def date_tag(self):
        return f"y:{self.get_year()}"

    template_name = "archive/archive_year.html"
    make_object_list = False
    paginate_by = None
    # get_date_list answers 404 for an empty year; Django's own check would load every article of it.
    allow_empty = True

    def get_date_list(self, queryset, date_type=None, ordering="ASC"):
        # Twelve indexed probes instead of truncating every article of the year.
        year = int(self.get_year())
        if not 1 <= year <= 9998:
            raise Http404("No such year.")
        months = [month_start(year, month) for month in range(1, 13)]
        found = [start.date() for start in periods_with_articles([*months, month_start(year + 1, 1)])]
        if not found:
            raise Http404("Nothing was published that year.")
        return found


class MonthArchive(ArticleDateArchive, MonthArchiveView):
    template_name = "archive/archive_month.html"

    def date_tag(self):
        return f"m:{int(self.get_year()):04d}-{int(self.get_month()):02d}"

    def get_date_list(self, queryset, date_type=None, ordering="ASC"):
        days = sorted(set(queryset.annotate(day=coverage.Day("published_at")).values_list("day", flat=True)))
        if not days:
            raise Http404("Nothing was published that month.")
        return [datetime.date.fromisoformat(day) for day in days]


def month_start(year, month):
    return datetime.datetime(year, month, 1, tzinfo=timezone.get_current_timezone())


def periods_with_articles(bounds):
    """The starts of the periods [bounds[n], bounds[n + 1]) in which anything was published.

    One query: for each period, the first publication time at or after its start, a seek
    into the publication-time index, instead of reading the date of every article.
    """
    published = Article.objects.published()
    probes = {
        f"after_{number}": Subquery(
            published.filter(published_at__gte=start).order_by("published_at").values("published_at")[:1]
        )
        for number, start in enumerate(bounds[:-1])
    }
    # Without the model's ordering: PostgreSQL would sort every article to pick the one row.
    found = published.order_by().values(**probes)[:1]
    if not found:
        return []
    return [
        start
        for number, (start, end) in enumerate(itertools.pairwise(bounds))
        if found[0][f"after_{number}"] is not None and found[0][f"after_{number}"] < end
    ]


def published_years():
    """The years with published articles, newest first: the ends of the index, then one probe a year."""
    first, last = first_and_last(Article.objects.published(), "published_at")
    if first is None:
        return []
    first, last = timezone.localtime(first).year, timezone.localtime(last).year
    starts = periods_with_articles([month_start(year, 1) for year in range(first, last + 2)])
    return sorted((start.year for start in starts), reverse=True)


class DayArchive(ArticleDateArchive, DayArchiveView):
    template_name = "archive/archive_day.html"

    def date_tag(self):
        return f"d:{int(self.get_year()):04d}-{int(self.get_month()):02d}-{int(self.get_day()):02d}"


def archive_index(request):
    depends_on(request, "lists")
    return render(request, "archive/archive_index.html", {"years": published_years()})


# ---------------------------------------------------------------- corrections


@conditional_on_archive
def corrections(request):
    """Every public correction, newest first, with the article it corrects."""
    depends_on(request, "corrections")
    found = (
        Correction.objects.public()
        .select_related("article")
        .only("published_at", "text", "article__headline", "article__slug")
        .order_by("-published_at", "-id")
    )
    return render(request, "archive/corrections.html", {"page": counted_page(request, found)})


# ---------------------------------------------------------------- robots


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

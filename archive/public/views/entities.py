"""Entity pages and the indexes of each kind: people and organisations A–Z, places by
country, incidents filtered by type, place and date."""

import datetime

from django.db.models import Exists, OuterRef
from django.shortcuts import render
from django.template.loader import select_template

from archive.cache.freshness import conditional_on_archive
from archive.cache.middleware import depends_on
from archive.lib.pagination import counted_page, countless_page
from archive.models import Incident, Place
from archive.models.page_tags import coverage_tag, entity_tag, index_tag
from archive.public import coverage
from archive.public.forms import IncidentFilterForm, without_controls
from archive.public.timeline import timeline
from archive.public.views.articles import moved_or_404, shown_entities

LETTERS = [chr(code) for code in range(ord("a"), ord("z") + 1)]


def requested_period(request):
    """(first day, last day) of the coverage asked for (?from=2025-03-01&to=2025-03-31, as the
    timeline's bars link), or None for all of it, also for dates that are not dates."""
    try:
        first = datetime.date.fromisoformat(request.GET.get("from", ""))
        last = datetime.date.fromisoformat(request.GET.get("to", ""))
    except ValueError:
        return None
    return (first, last) if first <= last else None


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
    period = requested_period(request)
    context = {
        "entity": entity,
        "kind": kind,
        "period": period,
        "page": counted_page(request, coverage.Coverage(entity, period)),
        "timeline": timeline(entity),
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
        shown_sub_places = list(sub_places[:SUB_PLACES_SHOWN])
        context.update(
            sub_places=shown_sub_places,
            more_sub_places=sub_places.count() - len(shown_sub_places),
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


@conditional_on_archive
def entity_index(request, kind):
    # Incidents are listed with their places, and filtered by them.
    depends_on(request, index_tag(kind.key), *([index_tag("place")] if kind.model is Incident else []))
    if kind.model is Place:
        return place_index(request, kind)
    if kind.model is Incident:
        return incident_index(request, kind)
    return alphabetical_index(request, kind)


SUB_PLACES_SHOWN = 60  # on a place's page; the rest are counted


def with_counts(entities, kind):
    """Entities with their number of published articles, counted for this page only."""
    return kind.link_model.objects.visible().counted_for(entities)


def alphabetical_index(request, kind):
    letter = request.GET.get("letter", "")
    entities = kind.model.objects.public().order_by("alphabetical_key", "pk")
    if letter in LETTERS:
        entities = entities.filter(alphabetical_key__startswith=letter)
    elif letter == "other":
        entities = entities.exclude(alphabetical_key__regex=r"^[a-z]")
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
    form = IncidentFilterForm(without_controls(request.GET) or None)
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

"""Which public pages show a row, by tag: the one place where tag names are spelled.

Views declare the tags of what they render (archive.cache.middleware.depends_on); a change
announces the tags it affects (ArchiveState.touch). `a:12` is an article's page, `e:place:7` an
entity's name wherever it is shown, `c:place:7` an entity's coverage lists, `i:place` a kind's
index, `y:2025`, `m:2025-03` and `d:2025-03-01` the date archives, LISTS the latest articles,
CORRECTIONS the corrections page and feeds, NAMES any entity's name, EVERYTHING every page."""

from django.utils import timezone

from archive.models.registry import ENTITY_KINDS

EVERYTHING = "all"
LISTS = "lists"
CORRECTIONS = "corrections"
NAMES = "names"


def entity_tag(kind_key, entity_pk):
    return f"e:{kind_key}:{entity_pk}"


def coverage_tag(kind_key, entity_pk):
    return f"c:{kind_key}:{entity_pk}"


def index_tag(kind_key):
    return f"i:{kind_key}"


def article_tag(article_pk):
    return f"a:{article_pk}"


def year_tag(year):
    return f"y:{int(year):04d}"


def month_tag(year, month):
    return f"m:{int(year):04d}-{int(month):02d}"


def day_tag(year, month, day):
    return f"d:{int(year):04d}-{int(month):02d}-{int(day):02d}"


def date_tags(moment):
    """The date archives a publication time is listed in: its year, month and day."""
    if moment is None:
        return set()
    moment = timezone.localtime(moment)
    return {year_tag(moment.year), month_tag(moment.year, moment.month), day_tag(moment.year, moment.month, moment.day)}


def coverage_tags(links):
    """Tags of the entity coverage lists and indexes that (kind key, entity id) pairs are on."""
    tags = set()
    for kind_key, entity_pk in links:
        tags |= {coverage_tag(kind_key, entity_pk), index_tag(kind_key)}
    return tags


def linked_entities(article_pks):
    """{article id: {(kind key, entity id), ...}} of the articles' entity links."""
    links = {pk: set() for pk in article_pks}
    if not links:
        return links
    for kind in ENTITY_KINDS.values():
        for article_pk, entity_pk in kind.link_model.objects.filter(content_object_id__in=links).values_list(
            "content_object_id", "tag_id"
        ):
            links[article_pk].add((kind.key, entity_pk))
    return links


def article_pages(article, links=None):
    """Cache tags of the public pages that show `article`, as it was loaded and as it is now.

    Nothing public shows an article that was never published (a draft's edits change no kept page).
    `links` are its (kind key, entity id) pairs whose coverage lists it is on; read if not given.
    """
    states = [getattr(article, "_loaded_visibility", (None, None)), (article.status, article.published_at)]
    listed = [when for status, when in states if status == "published"]
    if not listed:
        return set()
    if links is None:
        links = linked_entities([article.pk])[article.pk]
    tags = {article_tag(article.pk), LISTS, CORRECTIONS, *coverage_tags(links)}
    for when in listed:
        tags |= date_tags(when)
    return tags

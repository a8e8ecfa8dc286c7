"""schema.org descriptions of pages, for search engines and link previews."""

from archive.lib.moments import machine_readable

SCHEMA_TYPES = {"person": "Person", "place": "Place", "organisation": "Organization", "incident": "Event"}


def thing(kind, entity, request):
    data = {
        "@type": SCHEMA_TYPES.get(kind.key, "Thing"),
        "name": entity.name,
        "url": request.build_absolute_uri(entity.get_absolute_url()),
    }
    if kind.key == "incident":
        data["startDate"] = entity.date.isoformat()
        if entity.end_date:
            data["endDate"] = entity.end_date.isoformat()
    if kind.key == "place" and entity.latitude is not None and entity.longitude is not None:
        data["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": float(entity.latitude),
            "longitude": float(entity.longitude),
        }
    return data


# Search engines take at most this many characters of a NewsArticle's headline.
HEADLINE_LIMIT = 110


def shortened(text, limit):
    """`text`, or as much of it as fits in `limit` characters, cut between words, with "…"."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut).rstrip(" ,;:-") + "…"


def news_article(article, groups, request):
    url = request.build_absolute_uri(article.get_absolute_url())
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": shortened(article.headline, HEADLINE_LIMIT),
        "url": url,
        "mainEntityOfPage": url,
        "dateModified": machine_readable(max(filter(None, [article.updated_at, article.published_at]))),
        "isAccessibleForFree": True,
        "inLanguage": "en",
        "publisher": {"@type": "Organization", "name": article.publication or "Newsroom Archive"},
    }
    if article.published_at:  # a draft seen in preview has no publication time yet
        data["datePublished"] = machine_readable(article.published_at)
    if article.standfirst:
        data["description"] = article.standfirst
    if article.byline:
        data["author"] = [{"@type": "Person", "name": article.byline}]
    if article.dateline:
        data["dateline"] = article.dateline
    about = [thing(kind, entity, request) for kind, entities in groups if kind.key == "incident" for entity in entities]
    mentions = [
        thing(kind, entity, request) for kind, entities in groups if kind.key != "incident" for entity in entities
    ]
    if about:
        data["about"] = about
    if mentions:
        data["mentions"] = mentions
    # Only web addresses are cited as URLs: a javascript: or data: one (see SourceLink.link_url) is no address.
    citations = [
        {
            "@type": "CreativeWork",
            **({"url": source.link_url} if source.link_url else {}),
            **({"name": source.title} if source.title else {}),
        }
        for source in article.sources.all()
        if source.link_url or source.title
    ]
    if citations:
        data["citation"] = citations
    corrections = [
        {
            "@type": "CorrectionComment",
            "text": correction.text,
            "datePublished": machine_readable(correction.published_at),
        }
        for correction in article.corrections.all()
    ]
    if corrections:
        data["correction"] = corrections
    return data

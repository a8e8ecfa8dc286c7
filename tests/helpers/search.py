"""Asking the search engine, and reading the /search/ page as a reader sees it."""

import datetime

from archive.models import Person, Place
from archive.search.engine import SearchRequest, search
from tests.helpers.pages import Page

SEARCH = "/search/"
FEED = "/search/feed/"
PERSON = Person.entity_kind
PLACE = Place.entity_kind


def at(year, month, day, hour=12, minute=0):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=datetime.UTC)


def found(**request):
    """Headlines the engine returns for a public search, in the order shown."""
    return [article.headline for article in search(SearchRequest(**request)).articles]


def found_set(query, **request):
    return set(found(query=query, **request))


def get_page(client, **params):
    response = client.get(SEARCH, params)
    assert response.status_code == 200, (params, response.status_code)
    return response.content.decode()


def result_items(page):
    """The items of the results list, one per article shown."""
    return Page(page).select("ol.results > li.result")


def shown_headlines(page):
    return [link.text for link in Page(page).select("h3.result__headline > a")]


def shown_headline_html(page):
    """The headlines shown, as marked up: highlighted words in <mark>, the rest escaped."""
    return [link.inner_html for link in Page(page).select("h3.result__headline > a")]


def snippets(page):
    """The snippets shown, as marked up."""
    return [snippet.inner_html for snippet in Page(page).select("p.result__snippet")]


def total_line(page):
    """The count of results above the list ("3 results", "10,000+ results"), without what was searched for."""
    return Page(page).one("h2#results-heading.results__count").own_text


def notes(page):
    """What the page says it left out of the search, and why."""
    return [note.text for note in Page(page).select('div.notes[role="status"] > p')]


def matched_block(page):
    """The block naming the entities the words of the search name."""
    return Page(page).one("div.matched")


def suggestion_texts(page):
    """The searches "Did you mean" offers."""
    return [link.text for link in Page(page).select("p.suggestions a")]


def facet_items(page, label):
    """[(link, count)] of the Refine column's list under the heading `label` ("Year", "People", "Places"...)."""
    side = Page(page).first("aside.columns__side")
    headings = [heading for heading in side.select("h3.chips__label") if heading.text == label] if side else []
    if not headings:
        return []
    (heading,) = headings
    facet_list = heading.next_element
    assert facet_list.tag == "ul" and "facet-list" in facet_list.classes, facet_list
    assert all(item.tag == "li" for item in facet_list.elements), facet_list.html
    return [(item.one("a"), int(item.one("span.count").text.replace(",", ""))) for item in facet_list.elements]


def year_facets(page):
    """[(year, count, href)] from the Refine column."""
    return [(int(link.text), count, link["href"]) for link, count in facet_items(page, "Year")]


def entity_facets(page, label):
    """[(name, count, href)] of one kind's facet list ("People", "Places", ...)."""
    return [(link.text, count, link["href"]) for link, count in facet_items(page, label)]


def follow(client, href):
    assert href.startswith("?"), href
    response = client.get(SEARCH + href)
    assert response.status_code == 200
    return response.content.decode()


def entity_filter(entity):
    return f"{entity.entity_kind.key}:{entity.slug}"

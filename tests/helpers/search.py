"""Asking the search engine, and reading the /search/ page as a reader sees it."""

import datetime
import html as html_lib
import re

from archive.models import Person, Place
from archive.search.engine import SearchRequest, search

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


def strip_tags(fragment):
    return html_lib.unescape(re.sub(r"<[^>]+>", "", fragment)).strip()


def result_items(page):
    """The <li class="result"> blocks of the results list."""
    return re.findall(r'<li class="result">(.*?)</li>\s*(?=<li class="result">|</ol>)', page, re.S)


def shown_headlines(page):
    return [strip_tags(h) for h in re.findall(r'<h3 class="result__headline"><a href="[^"]*">(.*?)</a></h3>', page)]


def shown_headline_html(page):
    return re.findall(r'<h3 class="result__headline"><a href="[^"]*">(.*?)</a></h3>', page)


def snippets(page):
    return re.findall(r'<p class="result__snippet">(.*?)</p>', page, re.S)


def total_line(page):
    match = re.search(r'<h2 id="results-heading" class="results__count">\s*(.*?)\s*(?:<span|</h2>)', page, re.S)
    assert match, "the page shows no result count"
    return " ".join(match.group(1).split())


def notes(page):
    block = re.search(r'<div class="notes" role="status">(.*?)</div>', page, re.S)
    return [strip_tags(note) for note in re.findall(r"<p>(.*?)</p>", block.group(1), re.S)] if block else []


def matched_block(page):
    match = re.search(r'<div class="matched">(.*?)</div>', page, re.S)
    return match.group(1) if match else ""


def suggestion_texts(page):
    block = re.search(r'<p class="suggestions">(.*?)</p>', page, re.S)
    return [strip_tags(a) for a in re.findall(r"<a [^>]*>(.*?)</a>", block.group(1))] if block else []


def aside(page):
    match = re.search(r'<aside class="columns__side".*?</aside>', page, re.S)
    return match.group(0) if match else ""


def year_facets(page):
    """[(year, count, href)] from the Refine column."""
    block = re.search(r'<h3 class="chips__label">Year</h3>\s*<ul class="facet-list">(.*?)</ul>', aside(page), re.S)
    if not block:
        return []
    return [
        (int(year), int(count.replace(",", "")), html_lib.unescape(href))
        for href, year, count in re.findall(
            r'<li><a href="([^"]*)"[^>]*>(\d{4})</a> <span class="count">([\d,]+)</span></li>', block.group(1)
        )
    ]


def entity_facets(page, label):
    """[(name, count, href)] of one kind's facet list ("People", "Places", ...)."""
    block = re.search(rf'<h3 class="chips__label">{label}</h3>\s*<ul class="facet-list">(.*?)</ul>', aside(page), re.S)
    if not block:
        return []
    return [
        (strip_tags(name), int(count.replace(",", "")), html_lib.unescape(href))
        for href, name, count in re.findall(
            r'<li><a href="([^"]*)">(.*?)</a> <span class="count">([\d,]+)</span></li>', block.group(1)
        )
    ]


def follow(client, href):
    assert href.startswith("?"), href
    response = client.get(SEARCH + href)
    assert response.status_code == 200
    return response.content.decode()


def entity_filter(entity):
    return f"{entity.entity_kind.key}:{entity.slug}"

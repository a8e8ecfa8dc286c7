"""The search page and a feed for any search."""

from dataclasses import dataclass

from django.db.models import prefetch_related_objects
from django.shortcuts import render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.http import urlencode

from archive.lib.text import name_key
from archive.models import ENTITY_KINDS
from archive.public.feeds import ArticleFeed
from archive.search.engine import COUNT_CAP, SearchRequest, search
from archive.search.facets import entity_facets, result_entities, year_facets
from archive.search.forms import SearchForm
from archive.search.query import words_of
from archive.search.snippets import highlight, snippet, stem
from archive.search.suggestions import suggestions, text_with

FEW_RESULTS = 3


def finds_something(query):
    return bool(search(SearchRequest(query=query, order="newest")).total)


def search_page(request):
    response = render(request, "archive/search.html", search_context(request.GET))
    response["X-Robots-Tag"] = "noindex"
    return response


def search_context(parameters):
    """Everything the search page shows for these GET parameters: the search, snippets,
    facets and suggestions. Apart from the page so that benchmarks can time it alone."""
    form = SearchForm(parameters)
    search_request, notes = form.search_request()
    results = search(search_request)
    # Mark the searched words, and the other spellings of the entities the search named.
    words = results.words + [
        word
        for _kind, entity in results.matched_entities
        for name in [entity.name, *entity.alias_names]
        for word in words_of(name)
    ]
    stems = {stem(word) for word in words}
    chips = result_entities([article.pk for article in results.articles]) if results.articles else {}
    hits = [
        {
            "article": article,
            "headline": highlight(article.headline, stems),
            "snippet": snippet(article, words),
            "entities": chips.get(article.pk, []),
        }
        for article in results.articles
    ]
    context = {
        "form": form,
        "search_request": search_request,
        "results": results,
        "hits": hits,
        "notes": notes + results.notes,
        "count_cap": COUNT_CAP,
        "active_entities": search_request.entities,
        "incident_types": form.fields["type"].choices,
        "orders": form.fields["order"].choices,
        "feed_url": reverse("archive:search_feed") + "?" + urlencode(feed_parameters(parameters), doseq=True),
    }
    if results.searched:
        context["matched"] = [
            (kind, entity, kind.link_model.objects.visible().filter(tag=entity)[: COUNT_CAP + 1].count())
            for kind, entity in results.matched_entities
        ]
        # A name several people share: each of them, as the search with that person's full name.
        context["name_choices"] = [
            (text, [(kind, entity, text_with(search_request.query, text, entity.name)) for kind, entity in people])
            for text, people in results.name_choices
        ]
        if results.candidate_ids:
            context["year_facets"] = year_facets(results)
            context["entity_facets"] = entity_facets(results.candidate_ids, exclude=search_request.entities)
        if results.total < FEW_RESULTS and search_request.query:
            # Never "did you mean" an entity the search already took the words to name.
            named = {name_key(entity.name) for _kind, entity in results.matched_entities}
            context["suggestions"] = [
                offer for offer in suggestions(search_request, finds_something) if name_key(offer.query) not in named
            ]
    return context


def feed_parameters(parameters):
    return {name: parameters.getlist(name) for name in parameters if name not in {"page", "order"}}


@dataclass
class FollowedSearch:
    request: SearchRequest
    query_string: str  # the search's parameters, as the feed's own address and its page's carry them


class SearchFeed(ArticleFeed):
    """The newest articles matching any search, for researchers to follow a query."""

    feed_type = Atom1Feed

    def get_object(self, request):
        form = SearchForm(request.GET)
        search_request, _notes = form.search_request()
        search_request.order = "newest"
        search_request.page = 1
        return FollowedSearch(search_request, urlencode(feed_parameters(request.GET), doseq=True))

    def title(self, followed):
        query = followed.request.query
        return f"Newsroom Archive: search for “{query}”" if query else "Newsroom Archive: search"

    def link(self, followed):
        return reverse("archive:search") + "?" + followed.query_string

    def feed_url(self, followed):
        # Atom's rel="self" is this feed's own address: the search is in its query string.
        return reverse("archive:search_feed") + "?" + followed.query_string

    def subtitle(self, followed):
        return "The newest articles matching this search."

    def items(self, followed):
        articles = search(followed.request).articles
        # Each item names its entities as categories: fetch them for the whole page at once.
        prefetch_related_objects(articles, *(kind.article_field for kind in ENTITY_KINDS.values()))
        return articles

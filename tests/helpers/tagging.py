"""Articles whose text is given, and the entities suggestions find in them."""

from archive.editorial.tagging import new_candidates, suggest
from tests.helpers.builders import make_article


def article_saying(body="", *, headline="Report from the front line", standfirst="", **fields):
    """A saved, published article whose text is exactly this."""
    return make_article(headline=headline, standfirst=standfirst, body=body, **fields)


def named(article):
    """{(kind key, entity name)} of the suggestions for the article."""
    return {(suggestion.kind.key, suggestion.name) for suggestion in suggest(article)}


def candidate_names(article):
    return {candidate.name for candidate in new_candidates(article)}

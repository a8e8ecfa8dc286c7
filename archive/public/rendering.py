"""Article bodies: Markdown in, sanitised HTML out."""

import threading
import unicodedata
from urllib.parse import quote

import markdown
import nh3
from django.utils.safestring import mark_safe

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "strong", "em", "b", "i", "s", "sub", "sup",
    "blockquote", "ul", "ol", "li", "a", "code", "pre", "table", "thead", "tbody", "tr", "th", "td",
    "figure", "figcaption", "abbr", "cite", "q",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"scope"}, "td": {"colspan"}}

# Building a Markdown converter costs more than converting an article; each thread keeps one.
_converters = threading.local()


def converter():
    if not hasattr(_converters, "markdown"):
        _converters.markdown = markdown.Markdown(extensions=["extra", "sane_lists"], output_format="html")
    return _converters.markdown


def sanitise(html):
    """Keep only the tags above, drop event handlers, allow only http, https and mailto links."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=visible_addresses,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


def visible_addresses(tag, attribute, value):
    """A link's address with its invisible characters (spaces, controls, zero-width and
    direction marks) percent-encoded: no address may hold them, and feed validators and
    HTML checkers reject a page that writes them as they are."""
    if attribute != "href":
        return value
    return "".join(quote(character) if invisible(character) else character for character in value)


def invisible(character):
    return unicodedata.category(character) in {"Cc", "Cf", "Zs", "Zl", "Zp"}


def render_markdown(text):
    """HTML for a Markdown body, with anything that could run script removed.

    Editors may paste raw HTML into Markdown; it goes through nh3 like the rest.
    """
    return mark_safe(sanitise(converter().reset().convert(text)))

"""Article bodies: Markdown in, sanitised HTML out."""

import markdown
import nh3
from django.utils.safestring import mark_safe

ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "strong",
    "em",
    "b",
    "i",
    "s",
    "sub",
    "sup",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "code",
    "pre",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "figure",
    "figcaption",
    "abbr",
    "cite",
    "q",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"scope"}, "td": {"colspan"}}


def render_markdown(text):
    """HTML for a Markdown body, with anything that could run script removed.

    Editors may paste raw HTML into Markdown; nh3 keeps only the tags above,
    drops event handlers, and allows only http, https and mailto links.
    """
    html = markdown.markdown(text, extensions=["extra", "sane_lists"], output_format="html")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return mark_safe(clean)

import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from archive.rendering import render_markdown

register = template.Library()

# What Django's json_script escapes, so no text can close the script element.
JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter(name="markdown")
def markdown_filter(text):
    return render_markdown(text or "")


@register.filter
def json_ld(data):
    """A schema.org block; a hostile headline cannot break out of it."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(JSON_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))


@register.simple_tag(takes_context=True)
def page_url(context, number):
    """The current address with another page number, keeping filters and letters."""
    query = context["request"].GET.copy()
    query["page"] = number
    return "?" + query.urlencode()

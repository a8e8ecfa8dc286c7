import json

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from archive.lib.moments import machine_readable
from archive.public.rendering import render_markdown

register = template.Library()

# What Django's json_script escapes, so no text can close the script element.
JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter(name="markdown")
def markdown_filter(text):
    return render_markdown(text or "")


@register.filter
def machine_time(moment):
    """A `<time datetime>` value: whole seconds (HTML allows three digits of fraction at most)."""
    return machine_readable(moment)


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


@register.simple_tag
def timeline_chart(timeline):
    """The coverage timeline as SVG bars with their months (or days), and the same numbers as a
    table; each bar and period leads to that period's coverage on the same page. The links hold
    dates only: the chart holds no text an editor wrote.

    Built here rather than in a template loop: an entity covered for a decade
    has more than a hundred bars.
    """
    bars = [bar for bar in timeline.bars if bar.count]
    links = {bar.start: f"?from={bar.start.isoformat()}&to={bar.last_day.isoformat()}#coverage" for bar in bars}
    rects = format_html_join(
        "",
        '<a href="{}" aria-label="{}"><rect class="timeline__bar" x="{}" y="{}" width="{}" height="{}">'
        "<title>{}</title></rect></a>",
        ((links[bar.start], bar.label, bar.x, bar.y, timeline.bar_width, bar.height, bar.label) for bar in bars),
    )
    labels = format_html_join(
        "",
        '<text class="timeline__year" x="{}" y="{}">{}</text>',
        ((x, timeline.label_y, label) for label, x in timeline.axis_labels),
    )
    rows = format_html_join(
        "",
        '<tr><td><a href="{}">{}</a></td><td>{}</td></tr>',
        ((links[bar.start], bar.period, intcomma(bar.count)) for bar in bars),
    )
    return format_html(
        # A group, not an image: its bars are links, and an image has no parts to follow.
        '<svg class="timeline__chart" viewBox="0 -4 {} {}" role="group" aria-labelledby="timeline-caption">'
        '<line class="timeline__axis" x1="0" y1="{}" x2="{}" y2="{}"></line>{}{}</svg>'
        '<details class="timeline__table"><summary>The numbers, {} by {}</summary>'
        '<table><thead><tr><th scope="col">{}</th><th scope="col">Articles</th></tr></thead>'
        "<tbody>{}</tbody></table></details>",
        timeline.width,
        timeline.view_height,
        timeline.height,
        timeline.width,
        timeline.height,
        rects,
        labels,
        timeline.unit,
        timeline.unit,
        timeline.unit.capitalize(),
        rows,
    )


@register.simple_tag(takes_context=True)
def query_with(context, name, value):
    """The current search with one parameter set (or, if it is a list, added to), back at page one."""
    query = context["request"].GET.copy()
    query.pop("page", None)
    if name == "entity":
        values = query.getlist(name)
        if str(value) not in values:
            query.setlist(name, [*values, str(value)])
    else:
        query[name] = value
    return "?" + query.urlencode()


@register.simple_tag(takes_context=True)
def query_without(context, name, value=None):
    """The current search without a parameter (or one of its values), back at page one."""
    query = context["request"].GET.copy()
    query.pop("page", None)
    if value is None:
        query.pop(name, None)
    else:
        query.setlist(name, [item for item in query.getlist(name) if item != str(value)])
    return "?" + query.urlencode()

"""Hostile text renders inert everywhere: pages, feeds, JSON-LD, sitemaps and the admin.

Every payload of PAYLOADS is put in every text field an editor fills in that readers or staff
see: headline, standfirst, body, byline, publication, dateline, source titles, publishers and
URLs (ones a form would refuse, written through the ORM), corrections, the withdrawal note,
entity names, aliases, roles, descriptions and incident summaries. Each surface is fetched over
HTTP and parsed with a real parser (html.parser, xml.etree), and fails if any element, attribute
or URL that carries a payload's marker could run script: see ActiveMarkup for the rules.

test_the_checker_catches_every_payload_unsanitised proves each payload would be caught if it
reached a page as its author wrote it, so a surface passing means the payload was made inert.
"""

import datetime
import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from urllib.parse import urlencode, urljoin, urlsplit

import markdown
import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from archive.editorial.revisions import record_revision
from archive.models import ENTITY_KINDS, Correction, EntityMerge, Place, SourceLink
from archive.public.feeds import FEED_SIZE
from archive.public.structured_data import HEADLINE_LIMIT, shortened
from tests.helpers.admin import form_data
from tests.helpers.builders import (
    make_article,
    make_incident,
    make_organisation,
    make_person,
    make_place,
    make_withdrawn,
)

pytestmark = pytest.mark.django_db

# Each payload carries its own marker, XSSMARK and two digits, so a failure names the payload.
PAYLOADS = [
    "<script>alert('XSSMARK00')</script>",
    "<img src=x onerror=\"alert('XSSMARK01')\">",
    '<svg onload="alert(\'XSSMARK02\')"><circle r="1"></circle></svg>',
    "<svg><script>alert('XSSMARK03')</script></svg>",
    "<a href=\"javascript:alert('XSSMARK04')\">plain XSSMARK04</a>",
    "[Markdown link XSSMARK05](javascript:alert(/XSSMARK05/))",
    "<a href=\"JaVaScRiPt:alert('XSSMARK06')\">mixed case XSSMARK06</a>",
    "<a href=\"&#106;avascript:alert('XSSMARK07')\">entity XSSMARK07</a>",
    "<a href=\"java\tscript:alert('XSSMARK08')\">tab XSSMARK08</a>",
    "<a href=\" javascript:alert('XSSMARK09')\">leading space XSSMARK09</a>",
    "[Markdown obfuscated XSSMARK10]( JaVaScRiPt:alert(/XSSMARK10/))",
    "[Markdown entities XSSMARK11](&#x6A;avascript&colon;alert(/XSSMARK11/))",
    "![Markdown image XSSMARK12](javascript:alert(/XSSMARK12/))",
    "[Markdown reference XSSMARK13][evil]\n\n[evil]: javascript:alert('XSSMARK13')",
    "<a href=\"data:text/html,<script>alert('XSSMARK14')</script>\">data XSSMARK14</a>",
    '<iframe src="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==#XSSMARK15"></iframe>',
    "<iframe srcdoc=\"<script>alert('XSSMARK16')</script>\"></iframe>",
    "<object data=\"data:text/html,<script>alert('XSSMARK17')</script>\"></object>"
    "<embed src=\"javascript:alert('XSSMARK17')\">",
    "<style>body{background:url(\"javascript:alert('XSSMARK18')\")}</style>",
    "<p style=\"width:expression(alert('XSSMARK19'));background:url(javascript:alert('XSSMARK19'))\">"
    "styled XSSMARK19</p>",
    "<base href=\"javascript:alert('XSSMARK20')//\">",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(\'XSSMARK21\')">',
    "<form action=\"javascript:alert('XSSMARK22')\"><button formaction=\"javascript:alert('XSSMARK22')\">"
    "go XSSMARK22</button></form>",
    "<noscript><p title=\"</noscript><img src=x onerror=alert('XSSMARK23')>\"></noscript>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert('XSSMARK24')>",
    "\"><script>alert('XSSMARK25')</script>",
    "'><img src=x onerror=alert('XSSMARK26')>",
    "</script><script>alert('XSSMARK27')</script><!--",
    "<!--<img src=\"--><img src=x onerror=alert('XSSMARK28')//\">",
    "<!-- --!><img src=x onerror=alert('XSSMARK29')> -->",
    '<svg><a xlink:href="javascript:alert(\'XSSMARK30\')"><text x="0" y="20">XSSMARK30</text></a></svg>',
    "<video poster=\"javascript:alert('XSSMARK31')\"></video>"
    "<table background=\"javascript:alert('XSSMARK31')\"><tr><td>XSSMARK31</td></tr></table>",
    "<a href=\"vbscript:msgbox('XSSMARK32')\">vbscript XSSMARK32</a>",
    "<details open ontoggle=\"alert('XSSMARK33')\"><summary>XSSMARK33</summary></details>",
    "<IMG SRC=x OnErRoR=alert('XSSMARK34')>",
    "<a href=\"javascript&#58;alert('XSSMARK35')\">colon entity XSSMARK35</a>",
    '<div onmouseover="alert(\'XSSMARK36\')" title="x">hover XSSMARK36</div>',
    '" autofocus onfocus="alert(\'XSSMARK37\')" x="',
]

MARKER = re.compile(r"XSSMARK\d\d")
MARKER_ANY_CASE = re.compile(r"xssmark\d\d", re.IGNORECASE)
ALL_MARKERS = {f"XSSMARK{index:02d}" for index in range(len(PAYLOADS))}

# A word every article has, so that search finds them all.
PLAIN_WORD = "Zephyrquill"

# Source URLs the admin form and the importers refuse, but the ORM stores as given.
HOSTILE_SOURCE_URLS = [
    "javascript:alert('{marker}')",
    "JaVaScRiPt:alert('{marker}')",
    " javascript:alert('{marker}')",
    "java\tscript:alert('{marker}')",
    "data:text/html,<script>alert('{marker}')</script>",
    "vbscript:msgbox('{marker}')",
]


def marker_of(payload):
    return MARKER.search(payload).group()


# ---------------------------------------------------------------- the checker


URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "xlink:href", "poster", "background"}
DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:")
# Elements the site's own templates never fill with editors' text: one carrying a marker came from a payload.
CONTAINERS = {"iframe", "object", "embed", "style", "svg", "math", "noscript", "template"}
DATA_SCRIPT_TYPES = {"application/ld+json"}
VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr",
}  # fmt: skip


def normalised_url(value):
    """A URL as a browser reads its scheme (the URL Standard's basic URL parser), in lower case.

    The HTML parser has already unescaped it (&#106; is "j"). Then a browser strips control
    characters and spaces at either end and removes tabs and newlines anywhere: "java\tscript:"
    is javascript:. A space or control character left inside the scheme makes the URL a relative
    one ("java   script:alert(1)" is a path on this site), so those are not removed.
    """
    return re.sub(r"[\t\n\r]", "", value.strip("".join(map(chr, range(0x21))))).lower()


class ActiveMarkup(HTMLParser):
    """Finds markup carrying a payload's marker that a browser would run or let load.

    Only what carries a marker counts, so the admin's own scripts and the site's own
    meta tags and timeline chart are left alone. A marker is a problem when it is in:
    - the text or attributes of a <script> that is not a JSON-LD block;
    - an attribute whose name starts with "on", or a style attribute;
    - an href/src/action/formaction/data/xlink:href/poster/background URL whose scheme is
      javascript:, vbscript: or data:, read as a browser reads it;
    - anywhere inside an iframe, object, embed, style, svg, math, noscript or template
      element, or in the attributes of a base or form element, or the direct text of a form;
    - the attributes of a meta element other than the content of a plain name/property one
      (the page's description and Open Graph tags hold the headline; http-equiv never does);
    - a comment, declaration or processing instruction: the site's templates put no text
      there, and parsers disagree about where they end (the --!> trick).
    JSON-LD blocks (<script type="application/ld+json">) must parse as JSON.
    """

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []
        self.seen = set()  # markers shown as text or held in attribute values (form fields)
        self.json_blocks = []
        self.next_links = []
        self.hrefs = []
        self.text = []
        self.stack = []

    def problem(self, what, detail):
        self.problems.append(f"{what}: {detail[:300]!r}")

    def handle_starttag(self, tag, attrs):
        self.element(tag, attrs)
        if tag not in VOID:
            self.stack.append({"tag": tag, "attrs": attrs, "text": [], "marked": False})

    def handle_startendtag(self, tag, attrs):
        self.element(tag, attrs)

    def element(self, tag, attrs):
        values = {name: value or "" for name, value in attrs}
        marked_attributes = {name: value for name, value in values.items() if MARKER_ANY_CASE.search(value)}
        self.seen.update(MARKER.findall(" ".join(values.values())))
        if "href" in values:
            self.hrefs.append(values["href"])
            if tag == "a" and "next" in values.get("rel", "").split():
                self.next_links.append(values["href"])
        for name, value in marked_attributes.items():
            if name.startswith("on"):
                self.problem(f"event handler {name} on <{tag}>", value)
            if name == "style":
                self.problem(f"style attribute on <{tag}>", value)
            if name in URL_ATTRIBUTES and normalised_url(value).startswith(DANGEROUS_SCHEMES):
                self.problem(f"{name} URL on <{tag}>", value)
        if marked_attributes:
            if tag in CONTAINERS or tag in {"base", "form", "script"}:
                self.problem(f"<{tag}> from a payload", repr(marked_attributes))
            if tag == "meta":
                plain = ("name" in values or "property" in values) and "http-equiv" not in values
                if not plain or set(marked_attributes) != {"content"}:
                    self.problem("<meta> from a payload", repr(values))
            for open_element in self.stack:
                open_element["marked"] = True

    def handle_endtag(self, tag):
        for depth in range(len(self.stack) - 1, -1, -1):
            if self.stack[depth]["tag"] == tag:
                while len(self.stack) > depth:
                    self.finish(self.stack.pop())
                return

    def handle_data(self, data):
        self.text.append(data)
        self.seen.update(MARKER.findall(data))
        if self.stack:
            self.stack[-1]["text"].append(data)
            if MARKER_ANY_CASE.search(data):
                for open_element in self.stack:
                    open_element["marked"] = True

    def finish(self, element):
        tag, text = element["tag"], "".join(element["text"])
        if tag == "script":
            script_type = (dict(element["attrs"]).get("type") or "").strip().lower()
            if script_type in DATA_SCRIPT_TYPES:
                try:
                    self.json_blocks.append(json.loads(text))
                except ValueError as error:
                    self.problem(f"{script_type} block that is not JSON ({error})", text)
            elif MARKER_ANY_CASE.search(text):
                self.problem("<script> from a payload", text)
        elif tag in CONTAINERS and element["marked"]:
            self.problem(f"<{tag}> from a payload", text or repr(element["attrs"]))
        elif tag == "form" and MARKER_ANY_CASE.search(text):
            self.problem("<form> text from a payload", text)

    def handle_comment(self, data):
        if MARKER_ANY_CASE.search(data):
            self.problem("comment from a payload", data)

    def handle_decl(self, decl):
        if MARKER_ANY_CASE.search(decl):
            self.problem("declaration from a payload", decl)

    handle_pi = unknown_decl = handle_decl

    def close(self):
        if self.cdata_elem is not None:
            # An unclosed <script> or <style> runs to the end; html.parser would drop its text.
            self.handle_data(self.rawdata)
            self.rawdata = ""
            self.clear_cdata_mode()
        super().close()
        while self.stack:
            self.finish(self.stack.pop())


def inspect_html(text):
    checker = ActiveMarkup()
    checker.feed(text)
    checker.close()
    return checker


XHTML = "{http://www.w3.org/1999/xhtml}"
ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT_ENCODED = "{http://purl.org/rss/1.0/modules/content/}encoded"
HTML_FEED_ELEMENTS = {"description", CONTENT_ENCODED}  # RSS: entity-encoded HTML


def local_name(tag):
    return tag.rsplit("}", 1)[-1]


def inspect_xml(content, *, is_feed):
    """Problems in an XML document (feed or sitemap), and the markers it shows.

    The document's own elements and attributes get the same rules as HTML ones: a payload
    must not have become markup in it. In a feed, what a reader renders as HTML, RSS
    descriptions and Atom constructs of type html or xhtml, is checked as HTML. RSS titles
    and Atom text constructs are plain text (the RSS Best Practices Profile allows HTML only in
    an item's description): they must be text alone, with no markup inside.
    """
    root = ET.fromstring(content)
    problems, seen = [], set()
    for node in root.iter():
        name = local_name(node.tag)
        text = node.text or ""
        seen.update(MARKER.findall(text))
        own = f"<{name}> {' '.join(f'{key}={value}' for key, value in node.attrib.items())} {text}"
        if node.tag.startswith(XHTML) or name in CONTAINERS | {"script", "base", "meta", "form"}:
            if MARKER_ANY_CASE.search(own):
                problems.append(f"feed element <{name}> from a payload: {own[:300]!r}")
        for key, value in node.attrib.items():
            if MARKER_ANY_CASE.search(value) and (local_name(key).startswith("on") or local_name(key) == "style"):
                problems.append(f"feed attribute {key} from a payload: {value[:300]!r}")
        if not is_feed:
            continue
        kind = node.get("type", "text") if node.tag.startswith(ATOM) else None
        if node.tag in HTML_FEED_ELEMENTS or kind in {"html", "text/html"}:
            checked = inspect_html(text)
            problems += [f"in <{name}>: {problem}" for problem in checked.problems]
            seen |= checked.seen
        elif kind in {"xhtml", "application/xhtml+xml"}:
            checked = inspect_html("".join(ET.tostring(child, encoding="unicode") for child in node))
            problems += [f"in <{name}>: {problem}" for problem in checked.problems]
            seen |= checked.seen
        elif name in {"title", "subtitle", "summary", "content", "rights"} and len(node):
            problems.append(f"plain-text <{name}> holds markup: {ET.tostring(node, encoding='unicode')[:300]!r}")
    return problems, seen


# ---------------------------------------------------------------- the archive


def plain_payload(payload):
    """The payload as a one-line field keeps it."""
    return " ".join(payload.split())


def build_archive():
    """One published article per payload, linked to a person, place, organisation and incident
    named after it, with every text field holding payloads."""
    now = timezone.now()
    built = {"articles": [], "person": [], "place": [], "organisation": [], "incident": []}
    every_payload = "\n\n".join(PAYLOADS)
    for index, payload in enumerate(PAYLOADS):
        marker = marker_of(payload)
        line = plain_payload(payload)
        places = built["place"]
        if index == 0:
            place_fields = {"kind": Place.Kind.COUNTRY}
        elif index % 2:
            place_fields = {"kind": Place.Kind.REGION, "parent": places[0]}
        else:
            place_fields = {"kind": Place.Kind.CITY, "parent": places[index - 1]}
        entities = {
            "person": make_person(line, aliases=[f"{line} alias"], role=line, description=payload),
            "place": make_place(line, aliases=[f"{line} alias"], description=payload, **place_fields),
            "organisation": make_organisation(line, aliases=[f"{line} alias"], description=payload),
            "incident": make_incident(
                line,
                aliases=[f"{line} alias"],
                date=datetime.date(2025, 1, 1) + datetime.timedelta(days=index),
                summary=payload,
                description=payload,
            ),
        }
        entities["incident"].place = entities["place"]
        entities["incident"].save()
        for key, entity in entities.items():
            built[key].append(entity)
        article = make_article(
            headline=f"{line} {PLAIN_WORD}",
            standfirst=f"{payload} {PLAIN_WORD} standfirst.",
            body=f"{PLAIN_WORD} report number {index}.\n\n{payload}\n\n{every_payload}",
            byline=line,
            publication=line,
            dateline=line if len(line) <= 100 else marker,
            # Within the news sitemap's two days.
            published_at=now - datetime.timedelta(hours=2, minutes=index),
            people=[entities["person"]],
            places=[entities["place"]],
            organisations=[entities["organisation"]],
            incidents=[entities["incident"]],
        )
        record_revision(article, action="created")
        SourceLink.objects.create(
            article=article, position=0, title=payload, url=f"https://example.com/{index}", publisher=line
        )
        SourceLink.objects.create(
            article=article,
            position=1,
            title="",
            url=f"https://example.com/?q=\"><script>alert('{marker}')</script>",
            publisher=payload,
        )
        hostile_url = HOSTILE_SOURCE_URLS[index % len(HOSTILE_SOURCE_URLS)].format(marker=marker)
        SourceLink.objects.create(article=article, position=2, title="", url=hostile_url)
        SourceLink.objects.create(article=article, position=3, title=payload, url=hostile_url)
        Correction.objects.create(article=article, text=f"{payload}\n{PLAIN_WORD} corrected.\n{payload}")
        # A second revision: the history compares the two, word by word.
        article.refresh_from_db()
        article.standfirst = f"{PAYLOADS[(index + 1) % len(PAYLOADS)]} {PLAIN_WORD} standfirst, revised."
        article.save()
        record_revision(article, action="edited")
        built["articles"].append(article)
    for key, entities in built.items():
        if key == "articles":
            continue
        content_type = ContentType.objects.get_for_model(entities[0])
        for entity, payload in zip(entities, PAYLOADS, strict=True):
            EntityMerge.objects.create(
                content_type=content_type,
                survivor_id=entity.pk,
                merged=[{"id": 0, "name": payload, "slug": "merged", "aliases": [payload], "articles": []}],
            )
    built["withdrawn"] = make_withdrawn(
        headline=f"{PLAIN_WORD} withdrawn", withdrawal_note=every_payload, published_at=now - datetime.timedelta(days=3)
    )
    return built


@pytest.fixture(scope="module")
def archive(django_db_setup, django_db_blocker):
    """Built once for the module, in a transaction rolled back at its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_archive()
        transaction.set_rollback(True)


# ---------------------------------------------------------------- the surfaces


def article_urls(built):
    return [article.get_absolute_url() for article in built["articles"]]


def entity_urls(key):
    return lambda built: [entity.get_absolute_url() for entity in built[key]]


def index_urls(key):
    def urls(built):
        prefix = ENTITY_KINDS[key].url_prefix
        base = reverse("archive:entity_index", args=[prefix])
        letters = sorted({entity.name_key[0] for entity in built[key]})
        found = [base, f"{base}?letter=other", *(f"{base}?{urlencode({'letter': letter})}" for letter in letters)]
        if key == "incident":
            found += [f"{base}?{urlencode({'place': place.slug})}" for place in built["place"]]
        return found

    return urls


def date_urls(built):
    days = {timezone.localtime(article.published_at).date() for article in built["articles"]}
    urls = [reverse("archive:archive_index")]
    urls += sorted({reverse("archive:archive_year", args=[day.year]) for day in days})
    urls += sorted({reverse("archive:archive_month", args=[day.year, day.month]) for day in days})
    urls += sorted(reverse("archive:archive_day", args=[day.year, day.month, day.day]) for day in days)
    return urls


def search_urls(query_of):
    def urls(built):
        return [f"{reverse('archive:search')}?{urlencode(query)}" for query in query_of(built)]

    return urls


def search_feed_urls(query_of):
    def urls(built):
        return [f"{reverse('archive:search_feed')}?{urlencode(query)}" for query in query_of(built)]

    return urls


def word_queries(built):
    return [{"q": PLAIN_WORD}, {"q": PLAIN_WORD, "order": "oldest"}]


def payload_queries(built):
    return [{"q": payload} for payload in PAYLOADS]


def entity_filter_queries(built):
    return [
        {"q": PLAIN_WORD, "entity": f"{key}:{entity.slug}", "publication": entity.name}
        for key in ["person", "place", "organisation", "incident"]
        for entity in built[key][:6]
    ]


def fixed(*names, args=()):
    return lambda built: [reverse(name, args=args) for name in names]


def entity_feed_urls(fmt):
    return lambda built: [
        reverse(f"archive:feed_entity_{fmt}", args=[ENTITY_KINDS[key].url_prefix, entity.slug])
        for key in ["person", "place", "organisation", "incident"]
        for entity in built[key]
    ]


def admin_changes(key):
    return lambda built: [
        reverse(f"admin:archive_{key}_change", args=[item.pk])
        for item in built["articles" if key == "article" else key]
    ]


def admin_histories(key):
    return lambda built: [
        reverse(f"admin:archive_{key}_history", args=[item.pk])
        for item in built["articles" if key == "article" else key]
    ]


def article_records(built):
    return [
        url
        for article in built["articles"]
        for url in [
            reverse("admin:archive_article_history", args=[article.pk]),
            reverse("admin:archive_article_revision", args=[article.pk, 1]),
            reverse("admin:archive_article_revision", args=[article.pk, 2]),
        ]
    ]


def admin_article_lists(built):
    base = reverse("admin:archive_article_changelist")
    publications = [{"publication": article.publication} for article in built["articles"][:6]]
    queries = [{}, {"q": PLAIN_WORD}, {"q": PAYLOADS[0]}, *publications]
    return [f"{base}?{urlencode(query)}" if query else base for query in queries]


def admin_entity_lists(key):
    def urls(built):
        base = reverse(f"admin:archive_{key}_changelist")
        return [base, f"{base}?{urlencode({'q': built[key][0].name})}"]

    return urls


# Pages of HTML: (id, their addresses from the archive, the markers they must show between them,
# whether they need a staff login, the status they answer).
EVERY = ALL_MARKERS
HTML_SURFACES = [
    ("home", fixed("archive:home"), EVERY, False, 200),
    ("article", article_urls, EVERY, False, 200),
    ("withdrawn-article", lambda built: [f"/articles/{built['withdrawn'].slug}/"], EVERY, False, 410),
    *((f"entity-{key}", entity_urls(key), EVERY, False, 200) for key in ENTITY_KINDS),
    *((f"index-{key}", index_urls(key), EVERY, False, 200) for key in ENTITY_KINDS),
    ("date-archives", date_urls, EVERY, False, 200),
    ("corrections", fixed("archive:corrections"), EVERY, False, 200),
    ("search-word", search_urls(word_queries), EVERY, False, 200),
    ("search-payload", search_urls(payload_queries), EVERY, False, 200),
    ("search-entity-filter", search_urls(entity_filter_queries), None, False, 200),
    ("admin-article-changelist", admin_article_lists, EVERY, True, 200),
    ("admin-article-change", admin_changes("article"), EVERY, True, 200),
    ("admin-article-preview", lambda b: [f"/preview/articles/{a.pk}/" for a in b["articles"]], EVERY, True, 200),
    ("admin-article-history", article_records, EVERY, True, 200),
    *((f"admin-{key}-changelist", admin_entity_lists(key), EVERY, True, 200) for key in ENTITY_KINDS),
    *((f"admin-{key}-change", admin_changes(key), EVERY, True, 200) for key in ENTITY_KINDS),
    *((f"admin-{key}-history", admin_histories(key), EVERY, True, 200) for key in ENTITY_KINDS),
]

# Feeds: (id, their addresses, the markers they must show between them).
NEWEST = {marker_of(payload) for payload in PAYLOADS[:FEED_SIZE]}  # the newest articles' headlines
CORRECTED_LAST = {marker_of(payload) for payload in PAYLOADS[-FEED_SIZE:]}  # the newest corrections
FEED_SURFACES = [
    ("feed-latest-rss", fixed("archive:feed_latest_rss"), NEWEST),
    ("feed-latest-atom", fixed("archive:feed_latest_atom"), NEWEST),
    ("feed-entity-rss", entity_feed_urls("rss"), EVERY),
    ("feed-entity-atom", entity_feed_urls("atom"), EVERY),
    ("feed-corrections-rss", fixed("archive:feed_corrections_rss"), CORRECTED_LAST),
    ("feed-corrections-atom", fixed("archive:feed_corrections_atom"), CORRECTED_LAST),
    ("feed-search-word", search_feed_urls(word_queries), None),
    ("feed-search-payload", search_feed_urls(payload_queries), None),
]


def fetch_html(client, url, status):
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    assert response["Content-Type"].startswith("text/html"), (url, response["Content-Type"])
    return inspect_html(response.content.decode())


def check_pages(client, urls, status):
    """Every page of `urls` and the pages after them (rel=next): their problems and the markers they show."""
    problems, seen, pages = [], set(), 0
    queue, visited = list(urls), set()
    while queue:
        url = queue.pop(0)
        if url in visited:
            continue
        visited.add(url)
        checked = fetch_html(client, url, status)
        pages += 1
        problems += [f"{url}: {problem}" for problem in checked.problems]
        seen |= checked.seen
        queue += [urljoin(url, link) for link in checked.next_links]
    return problems, seen, pages


@pytest.mark.parametrize(
    ("urls", "expected", "staff", "status"),
    [pytest.param(*rest, id=name) for name, *rest in HTML_SURFACES],
)
def test_html_surface_is_inert(archive, client, editor, urls, expected, staff, status):
    if staff:
        client.force_login(editor)
    problems, seen, pages = check_pages(client, urls(archive), status)
    assert not problems, f"{len(problems)} active payloads on {pages} pages:\n" + "\n".join(problems[:40])
    # The payloads were shown (as text), not left out: the check above was not vacuous.
    assert seen, "no payload was shown at all"
    if expected:
        assert expected <= seen, f"payloads never shown: {sorted(expected - seen)}"


@pytest.mark.parametrize(("urls", "expected"), [pytest.param(*rest, id=name) for name, *rest in FEED_SURFACES])
def test_feed_is_inert(archive, client, urls, expected):
    problems, seen = [], set()
    for url in urls(archive):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        found, shown = inspect_xml(response.content, is_feed=True)
        problems += [f"{url}: {problem}" for problem in found]
        seen |= shown
    assert not problems, f"{len(problems)} active payloads:\n" + "\n".join(problems[:40])
    assert seen, "no payload was shown at all"
    if expected:
        assert expected <= seen, f"payloads never shown: {sorted(expected - seen)}"


def test_sitemaps_are_inert(archive, client):
    index = client.get(reverse("archive:sitemap"))
    assert index.status_code == 200
    sections = [
        loc.text for loc in ET.fromstring(index.content).iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")
    ]
    assert sections
    problems, seen = inspect_xml(index.content, is_feed=False)
    for url in [*sections, reverse("archive:news_sitemap")]:
        response = client.get(urlsplit(url)._replace(scheme="", netloc="").geturl())
        assert response.status_code == 200, url
        found, shown = inspect_xml(response.content, is_feed=False)
        problems += [f"{url}: {problem}" for problem in found]
        seen |= shown
    assert not problems, "\n".join(problems[:40])
    # The news sitemap names every article by its headline.
    assert seen == ALL_MARKERS


def test_structured_data_keeps_the_hostile_text_as_data(archive, client):
    """The JSON-LD of each article parses, and holds the headline (up to search engines' limit) and
    names exactly as written."""
    for article in archive["articles"]:
        checked = fetch_html(client, article.get_absolute_url(), 200)
        assert not checked.problems
        [data] = [block for block in checked.json_blocks if block.get("@type") == "NewsArticle"]
        assert data["headline"] == shortened(article.headline, HEADLINE_LIMIT)
        assert data["author"] == [{"@type": "Person", "name": article.byline}]
        assert data["correction"][0]["text"] == article.corrections.get().text
        names = {thing["name"] for thing in [*data["about"], *data["mentions"]]}
        assert names == {entity.name for _kind, entities in article.entities_by_kind() for entity in entities}
        # Only web addresses are cited: a javascript: or data: source is no link to anything.
        assert all(re.match(r"https?://", citation.get("url", "https://")) for citation in data["citation"])


def test_hostile_source_urls_are_shown_as_text_not_links(archive, client):
    """Source URLs no form accepts (javascript:, data:, vbscript:), stored through the ORM, are text."""
    hostile = {source.url for source in SourceLink.objects.exclude(url__startswith="https://")}
    assert len(hostile) == len(PAYLOADS)
    for article in archive["articles"]:
        checked = fetch_html(client, article.get_absolute_url(), 200)
        assert not checked.problems
        [url] = {source.url for source in article.sources.all()} & hostile
        assert url in "".join(checked.text)
        assert not any(url in href for href in checked.hrefs)


def test_near_duplicate_warning_in_the_admin_is_inert(archive, client, editor):
    """The warning an entity's add form shows is marked safe HTML: the names in it must be escaped."""
    client.force_login(editor)
    shown = 0
    for person in archive["person"][:10]:
        url = reverse("admin:archive_person_add")
        page = client.get(url)
        data = form_data(page, name=person.name.replace("XSSMARK", "XSSMARC"))
        response = client.post(url, data)
        checked = inspect_html(response.content.decode())
        assert not checked.problems, checked.problems
        shown += 'class="near-duplicates"' in response.content.decode()
    assert shown, "no near-duplicate warning was shown"


# ---------------------------------------------------------------- the payloads themselves


def test_there_are_enough_distinct_payloads():
    assert len(PAYLOADS) >= 15
    markers = [MARKER.findall(payload) for payload in PAYLOADS]
    assert all(set(found) == {f"XSSMARK{index:02d}"} for index, found in enumerate(markers))


@pytest.mark.parametrize("payload", [pytest.param(payload, id=marker_of(payload)) for payload in PAYLOADS])
def test_the_checker_catches_every_payload_unsanitised(payload):
    """Each payload is active as its author wrote it, as raw HTML or through Markdown without the
    sanitiser; so a surface where the checker finds nothing has made it inert."""
    unescaped_places = [
        f"<div>{payload}</div>",
        f'<a href="/" title="{payload}">text</a>',
        f"<a href='/' title='{payload}'>text</a>",
        f'<script type="application/ld+json">{{"headline": "{payload}"}}</script>',
        markdown.markdown(payload, extensions=["extra"]),
    ]
    assert any(inspect_html(page).problems for page in unescaped_places)

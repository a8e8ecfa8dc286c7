"""Reading a rendered page the way a browser parses it, so that tests ask it for things instead of scraping.

    page = Page(response)                       # a response, or its HTML as str or bytes
    page.one("h2#results-heading").own_text     # exactly one element, else the test fails saying so
    [a.text for a in page.select("h3.result__headline > a")]
    page.one("a.viewsitelink")["href"]          # attribute values come unescaped: "&amp;" is "&"
    page.links()                                # [(href, text)] of every link
    page.json_ld(), page.meta(), page.times(), page.form_values(), page.urls()

Selectors are a small part of CSS: a tag, #id, .class and [attribute], [attribute="value"] (also ~= ^= $= *=),
joined by descendant (space) and child (>) combinators, and several of them separated by commas.

An element's `text` is what a reader sees: the text of all it holds, with the characters references stand for,
scripts and styles left out, a space where a block (a paragraph, a list item, a cell...) starts or ends, and
runs of white space made one space. `html` and `inner_html` are its markup exactly as the page has it, for the
few assertions about markup itself (highlighting, escaping).
"""

import json
import re
from html.parser import HTMLParser

# Elements that never have content or an end tag.
VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr",
}  # fmt: skip
# Elements a browser lays out as blocks (or as cells and rows): their edges read as a space in `text`.
BLOCK = {
    "address", "article", "aside", "blockquote", "body", "br", "caption", "dd", "details", "dialog", "div", "dl",
    "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "head",
    "header", "hr", "html", "legend", "li", "main", "nav", "ol", "option", "p", "pre", "section", "select",
    "summary", "table", "tbody", "td", "tfoot", "th", "thead", "title", "tr", "ul",
}  # fmt: skip
# Elements whose content is not text a reader sees.
NOT_TEXT = {"script", "style", "template"}
# Start tags that end an open paragraph.
ENDS_A_PARAGRAPH = {
    "address", "article", "aside", "blockquote", "center", "dd", "details", "dialog", "dir", "div", "dl", "dt",
    "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup",
    "hr", "li", "main", "menu", "nav", "ol", "p", "pre", "section", "summary", "table", "ul",
}  # fmt: skip
# Start tags that end an open element of these kinds, as HTML's parsing rules say (in part).
CLOSED_BY = {
    "li": {"li"},
    "dt": {"dt", "dd"},
    "dd": {"dt", "dd"},
    "option": {"option", "optgroup"},
    "tr": {"tr"},
    "td": {"td", "th", "tr"},
    "th": {"td", "th", "tr"},
    "p": ENDS_A_PARAGRAPH,
}


def squashed(text):
    return " ".join(text.split())


class Element:
    """One element of the page, with its attributes, what it holds and where its markup lies in the page."""

    def __init__(self, tag, attrs, parent, source, start, start_end):
        self.tag = tag
        self.attrs = attrs
        self.parent = parent
        self.children = []  # Elements and strings, in order
        self._source = source
        self._start, self._start_end = start, start_end
        self._end_start = self._end = None

    def __repr__(self):
        attrs = "".join(f' {name}="{value}"' for name, value in self.attrs.items())
        return f"<{self.tag}{attrs}>"

    # ------------------------------------------------------------ attributes

    def __getitem__(self, name):
        if name not in self.attrs:
            raise AssertionError(f"{self!r} has no attribute {name!r}")
        return self.attrs[name]

    def get(self, name, default=None):
        return self.attrs.get(name, default)

    def __contains__(self, item):
        raise TypeError("ask an element's .text, .html or .attrs whether they hold something")

    def __iter__(self):
        raise TypeError("iterate over an element's .children, .elements or .iter()")

    @property
    def id(self):
        return self.attrs.get("id")

    @property
    def classes(self):
        return (self.attrs.get("class") or "").split()

    # ------------------------------------------------------------ what it holds

    @property
    def elements(self):
        """The elements directly inside this one."""
        return [child for child in self.children if isinstance(child, Element)]

    def iter(self):
        """Every element inside this one, in the order of the page."""
        for child in self.children:
            if isinstance(child, Element):
                yield child
                yield from child.iter()

    @property
    def text(self):
        """The text a reader sees in it, white space made single spaces."""
        return squashed("".join(self._text_parts()))

    def _text_parts(self):
        if self.tag in NOT_TEXT:
            return
        block = self.tag in BLOCK
        if block:
            yield " "
        for child in self.children:
            if isinstance(child, Element):
                yield from child._text_parts()
            else:
                yield child
        if block:
            yield " "

    @property
    def own_text(self):
        """Only the text directly inside it, not in the elements it holds."""
        return squashed(" ".join(child for child in self.children if isinstance(child, str)))

    @property
    def html(self):
        """Its markup exactly as the page has it, start tag to end tag."""
        return self._source[self._start : self._end]

    @property
    def inner_html(self):
        """The markup between its start and end tags, exactly as the page has it."""
        return self._source[self._start_end : self._end_start]

    # ------------------------------------------------------------ neighbours

    def _siblings(self):
        return self.parent.children if self.parent is not None else [self]

    @property
    def next_node(self):
        """What follows it in its parent: an element, a string, or None."""
        siblings = self._siblings()
        index = next(index for index, node in enumerate(siblings) if node is self)
        return siblings[index + 1] if index + 1 < len(siblings) else None

    @property
    def next_element(self):
        """The next element in its parent, skipping text between; or None."""
        siblings = self._siblings()
        index = next(index for index, node in enumerate(siblings) if node is self)
        return next((node for node in siblings[index + 1 :] if isinstance(node, Element)), None)

    # ------------------------------------------------------------ finding elements

    def select(self, selector):
        """Every element inside this one that matches the selector, in the order of the page."""
        test = compile_selector(selector)
        return [element for element in self.iter() if test(element)]

    def one(self, selector):
        """The only element that matches the selector; the test fails if there is none or more than one."""
        found = self.select(selector)
        if len(found) != 1:
            raise AssertionError(f"{len(found)} elements match {selector!r}, not one: {found[:5]}")
        return found[0]

    def first(self, selector):
        """The first element that matches the selector, or None."""
        test = compile_selector(selector)
        return next((element for element in self.iter() if test(element)), None)

    # ------------------------------------------------------------ what tests ask pages for

    def links(self, selector="a[href]"):
        """[(href, text)] of the links inside it."""
        return [(element["href"], element.text) for element in self.select(selector)]

    def link(self, text):
        """The address of the only link whose text is `text`."""
        found = [href for href, link_text in self.links() if link_text == text]
        if len(found) != 1:
            raise AssertionError(f"{len(found)} links read {text!r}, not one: {found[:5]}")
        return found[0]

    def urls(self):
        """Every address in an href or src attribute (of any name ending so: xlink:href, data-src...)."""
        return [
            value
            for element in self.iter()
            for name, value in element.attrs.items()
            if name.endswith(("href", "src")) and value is not None
        ]

    def times(self):
        """[(datetime, text)] of the <time datetime> elements inside it."""
        return [(element["datetime"], element.text) for element in self.select("time[datetime]")]

    def meta(self):
        """{name or property: content} of its <meta> tags."""
        return {
            element.get("name") or element.get("property"): element.get("content")
            for element in self.select("meta[name], meta[property]")
        }

    def json_ld(self):
        """Each <script type="application/ld+json"> block inside it, parsed."""
        return [json.loads(element.inner_html) for element in self.select('script[type="application/ld+json"]')]

    def form_values(self, selector="form"):
        """{name: value} of what a browser would send from the only form matching `selector`, as the page fills it
        in: text inputs and hidden ones, checked boxes and radios, selected options, text areas. A name given more
        than once maps to a list."""
        form = self.one(selector) if selector else self
        values = {}

        def add(name, value):
            if name in values:
                values[name] = [*values[name], value] if isinstance(values[name], list) else [values[name], value]
            else:
                values[name] = value

        for element in form.iter():
            name = element.get("name")
            if not name or "disabled" in element.attrs:
                continue
            if element.tag == "input":
                kind = (element.get("type") or "text").lower()
                if kind in {"submit", "button", "image", "reset", "file"}:
                    continue
                if kind in {"checkbox", "radio"}:
                    if "checked" in element.attrs:
                        add(name, element.get("value") or "on")
                    continue
                add(name, element.get("value") or "")
            elif element.tag == "textarea":
                add(name, "".join(child for child in element.children if isinstance(child, str)).removeprefix("\n"))
            elif element.tag == "select":
                options = element.select("option")
                chosen = [option for option in options if "selected" in option.attrs]
                if not chosen and options and "multiple" not in element.attrs:
                    chosen = options[:1]  # a single choice with none selected sends the first
                for option in chosen:
                    add(name, option.get("value", option.text))
        return values


class Page(Element):
    """A whole page: `Page(response)` or `Page(html)`."""

    def __init__(self, content):
        if hasattr(content, "content"):
            content = content.content
        if isinstance(content, bytes):
            content = content.decode()
        super().__init__("#document", {}, None, content, 0, 0)
        _TreeBuilder(self).build(content)
        self._end_start = self._end = len(content)


class _TreeBuilder(HTMLParser):
    def __init__(self, root):
        super().__init__(convert_charrefs=True)
        self.root = root
        self.open = [root]

    def build(self, source):
        self.source = source
        self.line_starts = [0] + [index + 1 for index, char in enumerate(source) if char == "\n"]
        self.feed(source)
        self.close()
        while len(self.open) > 1:
            self._close(self.open[-1], len(source), len(source))

    def _offset(self):
        line, column = self.getpos()
        return self.line_starts[line - 1] + column

    def _close(self, element, end_start, end):
        while self.open:
            top = self.open.pop()
            top._end_start, top._end = (end_start, end) if top is element else (end_start, end_start)
            if top is element:
                return

    def handle_starttag(self, tag, attrs):
        self._start(tag, attrs, void=tag in VOID)

    def handle_startendtag(self, tag, attrs):
        self._start(tag, attrs, void=True)

    def _start(self, tag, attrs, void):
        start = self._offset()
        start_end = start + len(self.get_starttag_text())
        while tag in CLOSED_BY.get(self.open[-1].tag, ()):
            self._close(self.open[-1], start, start)
        parent = self.open[-1]
        element = Element(tag, {name: value for name, value in attrs}, parent, self.source, start, start_end)
        parent.children.append(element)
        if void:
            element._end_start = element._end = start_end
        else:
            self.open.append(element)

    def handle_endtag(self, tag):
        end_start = self._offset()
        end = self.source.index(">", end_start) + 1
        for element in reversed(self.open[1:]):
            if element.tag == tag:
                self._close(element, end_start, end)
                return
        # An end tag with no open element of its kind is ignored, as browsers do.

    def handle_data(self, data):
        self.open[-1].children.append(data)


# ---------------------------------------------------------------- selectors

_COMPOUND = re.compile(r"(?P<tag>[a-zA-Z][\w-]*|\*)?(?P<rest>.*)", re.S)
_PART = re.compile(
    r"""\#(?P<id>[\w-]+)"""
    r"""|\.(?P<class>[\w-]+)"""
    r"""|\[\s*(?P<name>[^\s~^$*=\]]+)\s*(?:(?P<operator>[~^$*]?=)\s*(?P<value>"[^"]*"|'[^']*'|[^\]\s]+)\s*)?\]"""
)


def split_outside_brackets(text, separators):
    """Cut `text` at each of `separators` that is not inside [...] or quotes; the separators are kept."""
    pieces, current, depth, quote = [], "", 0, None
    for char in text:
        if quote:
            quote = None if char == quote else quote
        elif char in "\"'" and depth:
            quote = char
        elif char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
        elif not depth and char in separators:
            pieces += [current, char]
            current = ""
            continue
        current += char
    return [*pieces, current]


def compile_selector(selector):
    """A test of elements for a selector, which may list several alternatives separated by commas."""
    alternatives = [parse_steps(part) for part in split_outside_brackets(selector, ",")[::2]]
    return lambda element: any(matches(element, steps) for steps in alternatives)


def parse_steps(selector):
    """[(combinator, test)] from left to right; the combinator is " " or ">" (None for the first)."""
    steps, combinator = [], None
    for piece in split_outside_brackets(selector.strip(), " \t\n>"):
        if piece == ">":
            combinator = ">"
        elif piece and not piece.isspace():
            if steps and combinator is None:
                combinator = " "
            if not steps and combinator:
                raise ValueError(f"a selector cannot start with a combinator: {selector!r}")
            steps.append((combinator, compile_compound(piece)))
            combinator = None
    if not steps or combinator:
        raise ValueError(f"not a whole selector: {selector!r}")
    return steps


def compile_compound(compound):
    match = _COMPOUND.fullmatch(compound)
    tag, rest = match.group("tag"), match.group("rest")
    parts = list(_PART.finditer(rest))
    if "".join(part.group(0) for part in parts) != rest:
        raise ValueError(f"not a selector this reader understands: {compound!r}")
    tests = []
    if tag and tag != "*":
        tests.append(attribute_test("#tag", "=", tag.lower()))
    for part in parts:
        if part.group("id"):
            tests.append(attribute_test("id", "=", part.group("id")))
        elif part.group("class"):
            tests.append(attribute_test("class", "~=", part.group("class")))
        else:
            value = part.group("value")
            if value is not None and value[:1] in "\"'":
                value = value[1:-1]
            tests.append(attribute_test(part.group("name").lower(), part.group("operator"), value))
    return lambda element: all(test(element) for test in tests)


def attribute_test(name, operator, value):
    def test(element):
        if name == "#tag":
            actual = element.tag
        elif name in element.attrs:
            actual = element.attrs[name] or ""
        else:
            return False
        if operator is None:
            return True
        if operator == "=":
            return actual == value
        if operator == "~=":
            return value in actual.split()
        if operator == "^=":
            return actual.startswith(value)
        if operator == "$=":
            return actual.endswith(value)
        return value in actual  # *=

    return test


def matches(element, steps):
    """Whether the element matches the selector's steps, read from the right as browsers do."""
    *ancestors, (combinator, test) = steps
    if not test(element):
        return False
    if not ancestors:
        return True
    parent = element.parent
    if combinator == ">":
        return parent is not None and parent.tag != "#document" and matches(parent, ancestors)
    while parent is not None and parent.tag != "#document":
        if matches(parent, ancestors):
            return True
        parent = parent.parent
    return False

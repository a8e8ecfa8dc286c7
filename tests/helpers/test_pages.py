"""The page reader the tests use instead of regular expressions: it must read pages as a browser parses them."""

from types import SimpleNamespace

import pytest

from tests.helpers.pages import Page

PAGE = """<!doctype html>
<html lang="en">
<head>
  <title>Kyiv &amp; Lviv · Newsroom Archive</title>
  <meta name="description" content="Coverage of &quot;Kyiv&quot;">
  <meta property="og:url" content="http://testserver/places/kyiv/">
  <link rel="stylesheet" href="/static/archive/site.0123456789ab.css">
  <script type="application/ld+json">{"@type": "Place", "name": "Kyiv <\\/script>"}</script>
  <style>h1 { color: red }</style>
</head>
<body>
  <h1 id="title" class="page-title big">Kyiv<span class="count"> 3 articles</span></h1>
  <p class="lede">Strikes &amp; <b>bold</b> claims: <mark>Kyiv</mark>
     held.<br>Next line</p>
  <ul class="list">
    <li><a href="/articles/one/?a=1&amp;b=2">One</a> <span class="count">1</span>
    <li class="last"><a href="/articles/two/" rel="next">Two</a><span class="count">2</span>
  </ul>
  <p>Published <time datetime="2024-03-05T12:00:00+00:00">5 March 2024</time></p>
  <img src="/static/map.png" alt="Map"><svg><a xlink:href="/svg-link/">chart</a></svg>
  <form method="post">
    <input type="hidden" name="version" value="3">
    <input type="text" name="name" value="Đorđe &quot;Ćirić&quot;" id="id_name">
    <input type="checkbox" name="kept" checked><input type="checkbox" name="dropped">
    <select name="status"><option value="draft">Draft</option>
      <option value="review" selected>In review</option></select>
    <select name="order"><option value="newest">Newest</option><option value="oldest">Oldest</option></select>
    <select name="people" multiple><option value="1" selected>A</option><option value="2" selected>B</option></select>
    <textarea name="body">
Line one &amp; two</textarea>
    <input type="submit" name="_save" value="Save" class="workflow-button workflow-button--main">
  </form>
</body>
</html>
"""


@pytest.fixture
def page():
    return Page(PAGE)


def test_text_is_what_a_reader_sees(page):
    assert page.one("p.lede").text == "Strikes & bold claims: Kyiv held. Next line"
    assert page.one("h1").text == "Kyiv 3 articles"
    assert page.one("ul.list").text == "One 1 Two2"  # inline elements run on as they are written
    assert "color: red" not in page.text and "@type" not in page.text  # styles and scripts are not text
    assert page.text.startswith("Kyiv & Lviv · Newsroom Archive Kyiv 3 articles Strikes")


def test_own_text_leaves_out_the_elements_inside(page):
    assert page.one("h1").own_text == "Kyiv"


def test_markup_is_given_exactly_as_the_page_has_it(page):
    lede = page.one("p.lede")
    assert lede.inner_html.startswith("Strikes &amp; <b>bold</b> claims: <mark>Kyiv</mark>")
    assert lede.html.startswith('<p class="lede">Strikes') and lede.html.endswith("Next line</p>")
    assert page.one("b").html == "<b>bold</b>"


def test_attributes_come_unescaped(page):
    assert page.first("ul a")["href"] == "/articles/one/?a=1&b=2"
    assert page.one("#id_name")["value"] == 'Đorđe "Ćirić"'
    assert page.one("h1").classes == ["page-title", "big"]
    assert page.one("input[type=checkbox][checked]").get("checked") is None  # present, without a value
    with pytest.raises(AssertionError, match="has no attribute 'href'"):
        page.one("h1")["href"]


@pytest.mark.parametrize(
    "selector, expected",
    [
        ("li", 2),
        ("li.last", 1),
        ("#title", 1),
        ("h1.page-title.big", 1),
        ("h1.page", 0),  # a class is a whole word
        ("ul > li > a", 2),
        ("ul > a", 0),
        ("ul a", 2),
        ("body span.count", 3),
        ("a[rel]", 1),
        ('a[rel="next"]', 1),
        ("a[href^='/articles/']", 2),
        ('a[href$="two/"]', 1),
        ('a[href*="b=2"]', 1),
        ('input[class~="workflow-button"]', 1),
        ('input[class="workflow-button"]', 0),  # = compares the whole value
        ("select[name=status] option", 2),
        ("h1, li.last", 2),
        ("*[name=version]", 1),
    ],
)
def test_selectors_pick_the_elements_a_browser_would(page, selector, expected):
    assert len(page.select(selector)) == expected


def test_one_fails_unless_exactly_one_element_matches(page):
    assert page.one("li.last").one("a").text == "Two"
    with pytest.raises(AssertionError, match="2 elements match 'li'"):
        page.one("li")
    with pytest.raises(AssertionError, match="0 elements match 'table'"):
        page.one("table")
    assert page.first("li").one("a").text == "One" and page.first("table") is None


def test_unclosed_list_items_and_void_elements_are_closed_as_a_browser_closes_them(page):
    first, last = page.select("ul > li")
    assert first.text == "One 1" and last.text == "Two2"
    assert page.one("img").elements == [] and page.one("img").next_element.tag == "svg"
    assert [element.tag for element in Page("<p>one<div>two</div>").elements] == ["p", "div"]


def test_neighbours(page):
    link = page.one("li.last a")
    assert link.next_node is link.next_element and link.next_element.text == "2"
    first = page.first("li a")
    assert first.next_node == " " and first.next_element.classes == ["count"]


def test_what_pages_are_asked_for(page):
    assert page.links() == [("/articles/one/?a=1&b=2", "One"), ("/articles/two/", "Two")]
    assert page.link("Two") == "/articles/two/"
    assert page.urls() == [
        "/static/archive/site.0123456789ab.css",
        "/articles/one/?a=1&b=2",
        "/articles/two/",
        "/static/map.png",
        "/svg-link/",
    ]
    assert page.times() == [("2024-03-05T12:00:00+00:00", "5 March 2024")]
    assert page.meta() == {"description": 'Coverage of "Kyiv"', "og:url": "http://testserver/places/kyiv/"}
    assert page.json_ld() == [{"@type": "Place", "name": "Kyiv </script>"}]


def test_form_values_are_what_a_browser_would_send(page):
    assert page.form_values() == {
        "version": "3",
        "name": 'Đorđe "Ćirić"',
        "kept": "on",
        "status": "review",
        "order": "newest",
        "people": ["1", "2"],
        "body": "Line one & two",
    }


def test_a_page_is_read_from_a_response_or_bytes():
    response = SimpleNamespace(content="<p>Київ &#8212; <a href='/x/'>x</a></p>".encode())
    assert Page(response).text == Page(response.content).text == "Київ — x"
    assert Page(response).links() == [("/x/", "x")]


def test_an_element_is_not_mistaken_for_its_text(page):
    with pytest.raises(TypeError, match="ask an element's .text, .html or .attrs"):
        assert "Kyiv" in page.one("h1")


def test_a_paragraph_ends_where_a_block_starts_but_not_at_a_menu_or_a_link():
    page = Page('<p>Pick <select name="kind"><option>one</select> <a href="/x/">x</a><div>apart</div>')
    assert page.one("p").text == "Pick one x"
    assert page.one("div").parent is page

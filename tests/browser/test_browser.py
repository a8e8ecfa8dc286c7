"""The archive in a real browser: a reader's walk, accessibility, keyboard, no JavaScript, privacy, screenshots.

Chromium (the system one) is driven by Playwright against pytest-django's live
server, over a small generated archive plus one draft whose headline and body
carry a marker word no reader may ever see.
"""

import datetime
import io
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.core.management import call_command
from django.db.models import Count
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from archive.lib.text import alphabetical_key, name_key
from archive.models import Article, Correction, Incident, Organisation, Person, Place
from tests.helpers.builders import make_article, make_draft, make_person, make_place, make_staff, restore_roles

pytestmark = pytest.mark.browser


MARKER = "Zephyrquill"  # in the draft only: on no public page, ever
SCREENSHOTS = Path(__file__).resolve().parent.parent / "screenshots"  # tests/screenshots/, ignored by git
WIDE = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
PAPER = "rgb(251, 250, 247)"  # the body background site.css sets: proof the stylesheet loaded
ARTICLE_URL = re.compile(r"/articles/[a-z0-9-]+/$")
ENTITY_URL = re.compile(r"/(people|places|organisations|incidents)/[a-z0-9-]+/$")


# ---------------------------------------------------------------- fixtures


def most_covered(model):
    """The public entity of a kind with the most published articles."""
    link_model = model.entity_kind.link_model
    top = (
        link_model.objects.visible()
        .values("tag")
        .annotate(n=Count("pk"))
        .order_by("-n", "tag")
        .values_list("tag", flat=True)
        .first()
    )
    return model.objects.get(pk=top)


@pytest.fixture
def archive(transactional_db):
    """A generated archive of about 300 articles ending today, one draft carrying MARKER, and the pages to visit.

    live_server reads committed data, so this is built for each test (transactional_db).
    """
    call_command(
        "generate_demo", articles=300, seed=5, end_date=timezone.localdate(), stdout=io.StringIO(), stderr=io.StringIO()
    )
    person, place = most_covered(Person), most_covered(Place)
    organisation, incident = most_covered(Organisation), most_covered(Incident)
    # The draft is linked to the most visible entities, and to a person only it covers.
    draft_person = make_person(f"{MARKER} Draftperson", role=f"{MARKER} spokesperson")
    draft = make_draft(
        headline=f"{MARKER} embargoed story from {place.name}",
        standfirst=f"{MARKER} standfirst.",
        body=f"{MARKER} said nothing yet.\n\nSecond paragraph.",
        people=[person, draft_person],
        places=[place],
        organisations=[organisation],
        incidents=[incident],
    )
    latest = Article.objects.published().order_by("-published_at", "-id").first()
    day = timezone.localtime(latest.published_at).date()
    pages = {
        "home": "/",
        "article": latest.get_absolute_url(),
        "person": person.get_absolute_url(),
        "place": place.get_absolute_url(),
        "organisation": organisation.get_absolute_url(),
        "incident": incident.get_absolute_url(),
        "people-index": "/people/",
        "places-index": "/places/",
        "organisations-index": "/organisations/",
        "incidents-index": "/incidents/",
        "archive-index": "/archive/",
        "archive-year": f"/archive/{day.year}/",
        "archive-month": f"/archive/{day.year}/{day.month}/",
        "archive-day": f"/archive/{day.year}/{day.month}/{day.day}/",
        "not-found": "/articles/no-such-article-here/",
    }
    return SimpleNamespace(
        pages=pages, draft=draft, draft_person=draft_person, entities=[person, place, organisation, incident]
    )


@pytest.fixture
def context(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport=WIDE)
    yield context
    context.close()


@pytest.fixture
def page(context):
    return context.new_page()


# ---------------------------------------------------------------- helpers


def visit(page, path, *, status=200):
    response = page.goto(path)
    assert response is not None, path
    assert response.status == status, f"{path} answered {response.status}"
    return response


def follow(page, link):
    """Click a link and wait for the page it leads to; the response of that page."""
    with page.expect_navigation() as navigation:
        link.click()
    response = navigation.value
    assert response is not None and response.status == 200, f"{page.url} answered {response and response.status}"
    return response


def assert_reader_page(page, *, url=None, h1=None):
    """What every public page shows a reader: styled, the site's landmarks, one heading, no error, no draft."""
    if url is not None:
        expect(page).to_have_url(url)
    expect(page.locator("body")).to_have_css("background-color", PAPER)
    expect(page.locator("body > header.site-header")).to_be_visible()
    expect(page.locator(".site-name")).to_have_text("Newsroom Archive")
    expect(page.get_by_role("navigation", name="Sections")).to_be_visible()
    expect(page.get_by_role("search")).to_be_visible()
    expect(page.locator("body > main#main")).to_be_visible()
    expect(page.locator("body > footer.site-footer")).to_be_visible()
    expect(page.locator("h1")).to_have_count(1)
    if h1 is not None:
        expect(page.locator("h1")).to_have_text(h1)
    title = page.title()
    assert title.endswith("Newsroom Archive"), title
    assert not title.startswith(("Not found", "Server error")), title
    assert_no_marker(page)


def assert_no_marker(page):
    """Not in the text, the markup, the metadata, nor any link (the draft's slug carries the marker too)."""
    assert MARKER.casefold() not in page.content().casefold(), f"the draft's marker is on {page.url}"


def chip_name(chip):
    """A chip's entity name, without the article count some chips carry."""
    return chip.evaluate("element => element.firstChild.textContent.trim()")


def nav_link(page, label):
    return page.get_by_role("navigation", name="Sections").get_by_role("link", name=label, exact=True)


# ---------------------------------------------------------------- 1. a reader's walk


def test_a_reader_walks_from_the_latest_coverage_to_a_day_of_the_archive(archive, page):
    visit(page, "/")
    assert_reader_page(page, h1="Latest coverage")
    expect(nav_link(page, "Latest")).to_have_attribute("aria-current", "page")
    expect(page.get_by_role("heading", name="Most covered in the last 30 days")).to_be_visible()

    # The first article in the latest list.
    first = page.locator("main .article-list .article-item__headline a").first
    headline = first.inner_text()
    follow(page, first)
    assert_reader_page(page, url=ARTICLE_URL, h1=headline)
    expect(page.locator("article.article")).to_be_visible()
    expect(page.locator(".article__body p").first).to_be_visible()
    assert page.locator(".article__body p").count() >= 2
    expect(page.locator(".article__header time").first).to_have_attribute("datetime", re.compile(r"^\d{4}-\d\d-\d\d"))
    entities = page.get_by_role("region", name="In this article")
    expect(entities).to_be_visible()
    chips = entities.locator("a.chip")
    assert chips.count() >= 1

    # One of its entities.
    chip = chips.first
    name = chip_name(chip)
    follow(page, chip)
    assert_reader_page(page, url=ENTITY_URL, h1=name)
    coverage = page.get_by_role("region", name=re.compile(r"^Coverage"))
    expect(coverage.get_by_role("heading", level=2)).to_have_text(re.compile(r"^Coverage \d+ articles?$"))
    expect(coverage.locator("figure.timeline svg.timeline__chart")).to_be_visible()
    expect(coverage.locator("figure.timeline figcaption")).to_contain_text("Articles per month")
    assert coverage.locator("rect.timeline__bar").count() >= 1
    covered = coverage.locator(".article-list .article-item__headline a")
    assert covered.count() >= 1

    # An article in its coverage that has related coverage.
    entity_url = page.url
    for index in range(covered.count()):
        headline = covered.nth(index).inner_text()
        follow(page, covered.nth(index))
        assert_reader_page(page, url=ARTICLE_URL, h1=headline)
        if page.get_by_role("region", name="Related coverage").count():
            break
        page.goto(entity_url)
    else:
        pytest.fail(f"no article covering {name} has related coverage")
    related = page.get_by_role("region", name="Related coverage").get_by_role("link")
    assert 1 <= related.count() <= 6
    headline = related.first.inner_text()
    follow(page, related.first)
    assert_reader_page(page, url=ARTICLE_URL, h1=headline)
    expect(page.locator(".article__body p").first).to_be_visible()

    # The people index, then a letter.
    follow(page, nav_link(page, "People"))
    assert_reader_page(page, url=re.compile(r"/people/$"), h1="People")
    expect(nav_link(page, "People")).to_have_attribute("aria-current", "page")
    letters = page.get_by_role("navigation", name="By first letter")
    expect(letters.get_by_role("link", name="All", exact=True)).to_have_attribute("aria-current", "page")
    names = page.locator(".index-list__name > a").all_inner_texts()
    assert names
    # People are listed by surname.
    surnames = [alphabetical_key(name, surname_first=True) for name in names]
    letter = next(key[0] for key in surnames if key[:1].isascii() and key[:1].isalpha())
    follow(page, letters.get_by_role("link", name=letter.upper(), exact=True))
    assert_reader_page(page, url=re.compile(rf"/people/\?letter={letter}$"), h1="People")
    expect(letters.get_by_role("link", name=letter.upper(), exact=True)).to_have_attribute("aria-current", "page")
    assert f"· {letter.upper()} ·" in page.title()
    names = page.locator(".index-list__name > a").all_inner_texts()
    assert names and all(alphabetical_key(each, surname_first=True).startswith(letter) for each in names), names

    # By date: a year, a month, a day.
    follow(page, nav_link(page, "By date"))
    assert_reader_page(page, url=re.compile(r"/archive/$"), h1="The archive by date")
    expect(nav_link(page, "By date")).to_have_attribute("aria-current", "page")
    year_link = page.locator("main .year-list a").first
    year = year_link.inner_text()
    follow(page, year_link)
    assert_reader_page(page, url=re.compile(rf"/archive/{year}/$"), h1=year)
    expect(page.get_by_role("navigation", name="Archive").get_by_role("link", name="By date")).to_be_visible()
    month_link = page.locator("main .month-list a").first
    month_name = month_link.locator(".month-list__name").inner_text()
    assert re.fullmatch(r"[\d,]+ articles?", month_link.locator(".count").inner_text())
    follow(page, month_link)
    assert_reader_page(page, url=re.compile(rf"/archive/{year}/\d{{1,2}}/$"), h1=f"{month_name} {year}")
    month = int(page.url.rstrip("/").rsplit("/", 1)[1])
    day_link = page.get_by_role("navigation", name="Days with coverage").get_by_role("link").first
    day = datetime.date(int(year), month, int(day_link.inner_text()))
    follow(page, day_link)
    assert_reader_page(page, url=re.compile(rf"/archive/{year}/{month}/{day.day}/$"), h1=day.strftime("%A %-d %B %Y"))
    breadcrumbs = page.get_by_role("navigation", name="Archive")
    expect(breadcrumbs.get_by_role("link")).to_have_text(["By date", year, month_name])
    times = page.locator("main .article-list .meta time")
    assert times.count() >= 1
    for stamp in times.evaluate_all("elements => elements.map(element => element.getAttribute('datetime'))"):
        assert stamp.startswith(day.isoformat()), stamp


# ---------------------------------------------------------------- 2. accessibility


def axe_violations(page):
    return Axe().run(page).response["violations"]


def describe(where, violations):
    lines = []
    for violation in violations:
        lines.append(f"{where}: {violation['id']} ({violation['impact']}) {violation['help']}")
        for node in violation["nodes"]:
            lines.append(f"    at {' '.join(map(str, node['target']))}")
            lines.append(f"    {node['html']}")
            if node.get("failureSummary"):
                lines.append("    " + node["failureSummary"].replace("\n", "\n    "))
    return "\n".join(lines)


def test_no_page_type_has_a_serious_or_critical_accessibility_violation(archive, page):
    serious = []
    for name, path in archive.pages.items():
        visit(page, path, status=404 if name == "not-found" else 200)
        violations = axe_violations(page)
        if violations:
            print(describe(f"{name} {path}", violations))  # every impact, for the record
        serious += [(f"{name} {path}", v) for v in violations if v["impact"] in {"serious", "critical"}]
    assert not serious, "\n" + "\n".join(describe(where, [violation]) for where, violation in serious)


DANGLING_REFERENCES = """() => {
    const names = ["aria-describedby", "aria-labelledby", "aria-controls", "aria-owns", "for"];
    const selector = "[aria-describedby], [aria-labelledby], [aria-controls], [aria-owns], label[for]";
    return [...document.querySelectorAll(selector)].flatMap(element =>
        names.filter(name => element.hasAttribute(name)).flatMap(name =>
            element.getAttribute(name).split(/\\s+/).filter(id => id && !document.getElementById(id))
                .map(id => `${name}="${id}" points to nothing: ${element.cloneNode(false).outerHTML}`)));
}"""


def test_every_aria_and_label_reference_points_to_an_element_on_the_page(archive, page):
    """axe lists a missing aria-describedby target only as "needs review"; readers lose the description all the same."""
    broken = []
    for name, path in archive.pages.items():
        visit(page, path, status=404 if name == "not-found" else 200)
        broken += [f"{name} {path}: {problem}" for problem in page.evaluate(DANGLING_REFERENCES)]
    assert not broken, "\n" + "\n".join(broken)


# ---------------------------------------------------------------- 3. keyboard


def test_the_first_tab_reaches_the_skip_link_which_moves_focus_to_the_main_content(archive, page):
    visit(page, archive.pages["article"])
    skip_link = page.locator("a.skip-link")
    page.keyboard.press("Tab")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_have_text("Skip to content")
    # Hidden until focused, then on screen.
    box = skip_link.bounding_box()
    assert box is not None and box["y"] >= 0 and box["height"] > 0, box
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))
    expect(page.locator("main#main")).to_be_focused()
    # The next Tab goes on from the main content, not from the header.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null"), page.evaluate(
        "document.activeElement.outerHTML"
    )


# ---------------------------------------------------------------- 4. without JavaScript


def test_article_body_and_entity_timeline_show_without_javascript(archive, browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport=WIDE, java_script_enabled=False)
    try:
        page = context.new_page()
        page.set_content("<title>before</title><script>document.title = 'ran'</script>")
        assert page.title() == "before", "JavaScript is not off in this context"

        visit(page, archive.pages["article"])
        assert_reader_page(page, url=ARTICLE_URL)
        expect(page.locator(".article__body p").first).to_be_visible()
        assert page.locator(".article__body p").count() >= 2
        expect(page.get_by_role("region", name="In this article").locator("a.chip").first).to_be_visible()

        for kind in ["person", "place", "organisation", "incident"]:
            visit(page, archive.pages[kind])
            assert_reader_page(page, url=ENTITY_URL)
            timeline = page.locator("figure.timeline")
            expect(timeline.locator("svg.timeline__chart")).to_be_visible()
            assert timeline.locator("rect.timeline__bar").count() >= 1
            # The numbers behind the chart open without a script.
            timeline.locator("summary").click()
            expect(timeline.locator("table tbody tr").first).to_be_visible()
    finally:
        context.close()


# ---------------------------------------------------------------- 5. privacy


def test_the_draft_is_on_no_page_a_reader_can_visit(archive, page):
    draft_only = archive.draft_person
    paths = [
        *archive.pages.values(),
        *(entity.get_absolute_url() for entity in archive.entities),
        f"/people/?letter={alphabetical_key(draft_only.name, surname_first=True)[0]}",
        "/people/?letter=other",
        "/places/?letter=" + name_key(archive.entities[1].name)[0],
    ]
    missing = {
        archive.pages["not-found"],
        archive.draft.get_absolute_url(),  # the draft's own address
        draft_only.get_absolute_url(),  # an entity only the draft covers
    }
    for path in [*paths, *missing]:
        visit(page, path, status=404 if path in missing else 200)
        if path not in missing:
            assert_reader_page(page)
        assert_no_marker(page)


# ---------------------------------------------------------------- 6. screenshots


def test_screenshots_of_every_page_type(archive, browser, live_server, page):
    SCREENSHOTS.mkdir(exist_ok=True)
    taken = []
    for name, path in archive.pages.items():
        visit(page, path, status=404 if name == "not-found" else 200)
        target = SCREENSHOTS / f"{name}-1280.png"
        page.screenshot(path=target, full_page=True)
        taken.append(target)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= WIDE["width"], f"{name} scrolls sideways at 1280px: {width}px wide"

    phone = browser.new_context(base_url=live_server.url, viewport=PHONE)
    try:
        small = phone.new_page()
        visit(small, archive.pages["article"])
        assert_reader_page(small, url=ARTICLE_URL)
        target = SCREENSHOTS / "article-390.png"
        small.screenshot(path=target, full_page=True)
        taken.append(target)
        width = small.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"the article scrolls sideways at 390px: {width}px wide"
    finally:
        phone.close()
    for target in taken:
        assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", target


# ---------------------------------------------------------------- 7. the editors' admin, by role


def logged_in_context(browser, live_server, user):
    """A browser context carrying `user`'s session, as if they had signed in."""
    client = Client()
    client.force_login(user)
    context = browser.new_context(base_url=live_server.url, viewport=WIDE)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    return context


@pytest.fixture
def a_draft(transactional_db):
    restore_roles()  # a transactional test before this one emptied the groups
    return make_draft(
        headline="Power restored to most of Kharkiv after overnight strikes",
        standfirst="Engineers worked through the night.",
        body="Power was restored to most of Kharkiv by morning.\n\nSome districts remain dark.",
        people=[make_person()],
        places=[make_place("Kharkiv")],
    )


@pytest.mark.parametrize(
    "role, buttons",
    [
        ("Editor", ["Submit for review", "Publish", "Schedule"]),
        ("Reporter", ["Submit for review"]),
    ],
)
def test_the_change_form_shows_each_role_its_moves_and_a_screenshot_is_kept(
    a_draft, browser, live_server, role, buttons
):
    SCREENSHOTS.mkdir(exist_ok=True)
    context = logged_in_context(browser, live_server, make_staff(role))
    try:
        page = context.new_page()
        visit(page, f"/admin/archive/article/{a_draft.pk}/change/")
        expect(page.locator("#article_form")).to_be_visible()
        shown = page.locator(".submit-row .workflow-button")
        expect(shown).to_have_count(len(buttons))
        for index, label in enumerate(buttons):
            expect(shown.nth(index)).to_have_value(label)
        status = page.locator("select[name=status] option")
        expect(status).to_have_count(3 if role == "Editor" else 2)
        if role == "Reporter":
            expect(page.locator("input[name=published_at_0]")).to_have_count(0)
            expect(page.get_by_text("Corrections (public", exact=False)).to_have_count(0)
        else:
            expect(page.get_by_role("heading", name=re.compile("Corrections", re.I))).to_be_visible()
        target = SCREENSHOTS / f"admin-article-{role.lower()}.png"
        page.screenshot(path=target, full_page=True)
        assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= WIDE["width"], f"the {role}'s form scrolls sideways: {width}px wide"
    finally:
        context.close()


def test_a_reporter_submits_a_draft_for_review_with_the_button(a_draft, browser, live_server):
    draft = a_draft
    context = logged_in_context(browser, live_server, make_staff("Reporter"))
    try:
        page = context.new_page()
        visit(page, f"/admin/archive/article/{draft.pk}/change/")
        with page.expect_navigation():
            page.locator("input[name=_submit_for_review]").click()
        expect(page.locator(".messagelist")).to_contain_text("Submitted for review.")
        expect(page.locator("select[name=status]")).to_have_value("review")  # still theirs to edit
        expect(page.locator(".submit-row .workflow-button")).to_have_count(0)
    finally:
        context.close()
    draft.refresh_from_db()
    assert draft.status == Article.Status.REVIEW


def test_corrections_withdrawal_and_preview_pages_are_whole_accessible_pages(a_draft, browser, live_server):
    corrected = make_article(headline="Strike on a Kyiv substation")
    Correction.objects.create(
        article=corrected, text="An earlier version named the wrong district.", published_at=timezone.now()
    )
    withdrawn = make_article(headline="Unverified report", status=Article.Status.WITHDRAWN)
    withdrawn.withdrawal_note = "Withdrawn: its single source could not be verified."
    withdrawn.save()
    pages = {
        "corrected-article": (corrected.get_absolute_url(), 200, "Strike on a Kyiv substation"),
        "corrections": ("/corrections/", 200, "Corrections"),
        "withdrawn": (withdrawn.get_absolute_url(), 410, "Article withdrawn"),
        "preview": (f"/preview/articles/{a_draft.pk}/", 200, a_draft.headline),
    }
    context = logged_in_context(browser, live_server, make_staff("Reporter"))
    try:
        page = context.new_page()
        serious = []
        for name, (path, status, h1) in pages.items():
            visit(page, path, status=status)
            assert_reader_page(page, h1=h1)
            violations = [v for v in axe_violations(page) if v["impact"] in {"serious", "critical"}]
            serious += [describe(f"{name} {path}", [violation]) for violation in violations]
            page.screenshot(path=SCREENSHOTS / f"{name}-1280.png", full_page=True)
        assert not serious, "\n" + "\n".join(serious)
        visit(page, pages["preview"][0])
        expect(page.locator(".preview-banner")).to_contain_text("Preview: not published — draft")
    finally:
        context.close()


# ---------------------------------------------------------------- 7. content security policy

REPORT_VIOLATIONS = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', (event) => window.__violations.push(
    `${event.violatedDirective} blocked ${event.blockedURI || 'inline'} at ${event.sourceFile}:${event.lineNumber}`));
"""


@pytest.fixture
def watched_page(page):
    """A page that records, on every document it loads, Content-Security-Policy violations and console messages."""
    page.add_init_script(REPORT_VIOLATIONS)
    page.problems = []
    page.on("console", lambda message: page.problems.append(f"{page.url} console {message.type}: {message.text}"))
    page.on("pageerror", lambda error: page.problems.append(f"{page.url} error: {error}"))
    return page


def visit_watched(page, path, *, status=200):
    visit(page, path, status=status)
    page.problems += [f"{path}: {violation}" for violation in page.evaluate("window.__violations")]


def problems_of(page):
    # A 404's console line is the browser reporting the status, not a problem of the page.
    return [problem for problem in page.problems if "404 (Not Found)" not in problem]


def test_no_public_page_breaks_the_content_security_policy(archive, watched_page):
    page = watched_page
    headline_word = Article.objects.published().order_by("-published_at").first().headline.split()[0]
    visits = [(path, 404 if name == "not-found" else 200) for name, path in archive.pages.items()]
    visits += [(f"/search/?q={headline_word}", 200), ("/search/?q=qqqzzzxx", 200), ("/people/?letter=a", 200)]
    for path, status in visits:
        visit_watched(page, path, status=status)
    response = page.request.get(archive.pages["article"])
    assert "default-src 'self'" in response.headers["content-security-policy"]
    assert 'type="application/ld+json"' in response.text()  # structured data is there, and not reported

    assert problems_of(page) == []


def test_the_admin_article_form_works_under_the_content_security_policy(archive, watched_page, django_user_model):
    page = watched_page
    django_user_model.objects.create_superuser("desk", "desk@example.com", "a-long-test-password")
    article = Article.objects.published().order_by("-published_at").first()
    change_url = f"/admin/archive/article/{article.pk}/change/"
    visit_watched(page, f"/admin/login/?next={change_url}")
    page.fill("#id_username", "desk")
    page.fill("#id_password", "a-long-test-password")
    with page.expect_navigation():
        page.click("input[type=submit]")
    expect(page).to_have_url(re.compile(re.escape(change_url) + "$"))
    admin_pages = [
        "/admin/",
        "/admin/archive/article/?visibility=live",
        "/admin/archive/article/add/",
        "/admin/archive/person/?q=a",
        "/admin/archive/person/add/?_to_field=id&_popup=1",
        "/admin/archive/incident/",
        "/admin/axes/accessattempt/",
        f"/admin/archive/article/{article.pk}/history/",
        change_url,
    ]
    for path in admin_pages:
        visit_watched(page, path)
    # The date widget's calendar and the collapsed record open.
    page.locator(".field-published_at .datetimeshortcuts a").nth(1).click()
    expect(page.locator(".calendarbox").first).to_be_visible()
    page.keyboard.press("Escape")
    # The entity pickers' autocomplete works: its scripts and styles are allowed.
    page.locator(".field-people .select2-selection").click()
    page.keyboard.type(archive.entities[0].name[:3])
    expect(page.locator(".select2-results__option").first).to_be_visible()
    page.problems += page.evaluate("window.__violations")

    assert problems_of(page) == []


# ---------------------------------------------------------------- 7. an editor's stale save


def test_a_stale_save_shows_who_changed_what_and_keeps_the_editors_text(transactional_db, browser, live_server):
    """Alice opens an article, Bob saves a change first; Alice's save is refused with his change shown."""
    from django.contrib.auth.models import User

    from archive.editorial.revisions import record_revision

    article = make_draft(
        headline="Drone strike hits Kyiv apartment block",
        standfirst="Rescuers search the rubble after a night attack.",
        body="At least three people were killed.\n\nRescuers were still searching the rubble in the morning.",
        people=[make_person()],
    )
    record_revision(article)
    User.objects.create_superuser("alice", "alice@example.com", "a-long-test-password")
    bob = User.objects.create_superuser("bob", "bob@example.com", "a-long-test-password")
    context = browser.new_context(base_url=live_server.url, viewport=WIDE)
    try:
        page = context.new_page()
        visit(page, "/admin/login/")
        page.fill("#id_username", "alice")
        page.fill("#id_password", "a-long-test-password")
        page.click("input[type=submit]")
        visit(page, f"/admin/archive/article/{article.pk}/change/")
        # Meanwhile Bob saves his correction.
        article.headline = "Drone strike hits Kyiv apartment block, killing four"
        article.body = article.body.replace("three", "four")
        article.save()
        record_revision(article, user=bob)
        page.fill("#id_standfirst", "Alice's rewrite: rescuers search the rubble through the day.")
        page.click("input[name=_save]")

        notice = page.locator(".stale-notice")
        expect(notice).to_be_visible()
        expect(notice).to_contain_text("Not saved: someone else changed this article after you opened it.")
        expect(notice).to_contain_text("Saved by bob at")
        expect(notice.locator("ins").first).to_have_text(", killing four")
        expect(page.locator("#id_standfirst")).to_have_value(
            "Alice's rewrite: rescuers search the rubble through the day."
        )
        SCREENSHOTS.mkdir(exist_ok=True)
        target = SCREENSHOTS / "admin-stale-save-1280.png"
        page.screenshot(path=target, full_page=False)
        assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    finally:
        context.close()
    article.refresh_from_db()
    assert article.standfirst == "Rescuers search the rubble after a night attack."


def test_the_history_and_a_comparison_are_clear_accessible_pages(transactional_db, browser, live_server):
    """An editor reads who changed what, and sees the words that changed marked in place."""
    from django.contrib.auth.models import User

    from archive.editorial.revisions import record_revision

    kyiv = make_place("Kyiv")
    article = make_draft(
        headline="Drone strike hits Kyiv apartment block",
        body="At least three people were killed.\n\nRescuers were still searching the rubble in the morning.",
        places=[kyiv],
    )
    record_revision(article)
    editor = User.objects.create_superuser("desk", "desk@example.com", "a-long-test-password")
    article.headline = "Drone strike hits Kyiv apartment block, killing four"
    article.body = article.body.replace("three", "four")
    article.save()
    article.people.add(make_person())
    record_revision(article, user=editor)
    context = logged_in_context(browser, live_server, editor)
    try:
        page = context.new_page()
        visit(page, f"/admin/archive/article/{article.pk}/history/")
        rows = page.locator("#revision-history tbody tr")
        expect(rows).to_have_count(2)
        expect(rows.first).to_contain_text("desk")
        serious = [v for v in axe_violations(page) if v["impact"] in {"serious", "critical"}]
        SCREENSHOTS.mkdir(exist_ok=True)
        page.screenshot(path=SCREENSHOTS / "admin-history-1280.png", full_page=True)
        with page.expect_navigation():
            rows.first.get_by_role("link").first.click()
        expect(page.locator("del", has_text="three").first).to_be_visible()
        expect(page.locator("ins", has_text="four").first).to_be_visible()
        expect(page.get_by_text("Volodymyr Zelenskiy")).to_be_visible()
        serious += [v for v in axe_violations(page) if v["impact"] in {"serious", "critical"}]
        page.screenshot(path=SCREENSHOTS / "admin-revision-diff-1280.png", full_page=True)
        assert not serious, "\n" + describe("history and comparison", serious)
    finally:
        context.close()

"""Entity suggestions on the article change page: over HTTP, and in the system Chromium, where Add and Add all
put suggestions in their pickers and saving links them."""

import re

import pytest
from django.apps import apps
from django.core.management.sql import emit_post_migrate_signal
from django.db import DEFAULT_DB_ALIAS
from django.urls import reverse
from playwright.sync_api import expect

from archive.models import Article, Organisation, Person, Place
from tests.helpers.builders import make_organisation, make_person, make_place
from tests.helpers.pages import Page
from tests.helpers.tagging import article_saying

PASSWORD = "a-long-test-password"
# The browser tests commit, so each ends by emptying the tables. On PostgreSQL the full-text
# table (archive_search, made by a migration, not a model) refers to articles, and only a
# TRUNCATE ... CASCADE can empty them: Django cascades when a test names its available apps.
BROWSER_DB = pytest.mark.django_db(transaction=True, available_apps=[app.name for app in apps.get_app_configs()])


@pytest.fixture(scope="module", autouse=True)
def database_as_migrated_afterwards(django_db_blocker):
    """Naming available apps also keeps the flush after each browser test from making again what migrating
    made (content types, permissions): make them once these tests are done, as a flush without available
    apps does, or the transactional tests of the modules that run next write rows that refer to nothing."""
    yield
    with django_db_blocker.unblock():
        emit_post_migrate_signal(verbosity=0, interactive=False, db=DEFAULT_DB_ALIAS)


def change_page(client, article):
    response = client.get(reverse("admin:archive_article_change", args=[article.pk]))
    assert response.status_code == 200
    return response.content.decode()


def suggestion_block(page):
    """The panel of entity suggestions on the article change page."""
    return Page(page).one("div.entity-suggestions")


def suggestion_items(block):
    """Its items: the known entities the text names, then the names it uses that are new."""
    return block.select("li.entity-suggestion")


def item_named(items, name):
    (item,) = [item for item in items if item.one("strong").text == name]
    return item


@pytest.fixture
def admin_article():
    kyiv = make_place("Kyiv", aliases=["Kiev"])
    make_place("Kotovsk", kind=Place.Kind.TOWN)
    make_organisation("Security Service of Ukraine", aliases=["SBU"])
    make_person("Volodymyr Zelenskiy")
    return article_saying(
        headline="Spotters caught in Kyiv",
        body="The SBU told Volodymyr Zelenskiy that drones hit Kotovsk. Officials met Andriy Yermak in Kiev. "
        "Reporters said Andriy Yermak was tired.",
        places=[kyiv],
    )


@pytest.mark.django_db
def test_change_page_shows_suggestions_by_kind_with_add_buttons(editor_client, admin_article):
    block = suggestion_block(change_page(editor_client, admin_article))

    items = suggestion_items(block)
    shown = [
        (item.one("span.entity-suggestion__kind").text, item.one("strong").text)
        for item in items
        if not item.select("[data-create-entity]")
    ]
    assert shown == [
        ("person", "Volodymyr Zelenskiy"),
        ("place", "Kotovsk"),
        ("place", "Kyiv"),
        ("organisation", "Security Service of Ukraine"),
    ]
    for name, field, entity in [
        ("Volodymyr Zelenskiy", "people", Person.objects.get(name="Volodymyr Zelenskiy")),
        ("Kotovsk", "places", Place.objects.get(name="Kotovsk")),
        ("Security Service of Ukraine", "organisations", Organisation.objects.get()),
    ]:
        item = item_named(items, name)
        button = item.one("button[data-add-entity]")
        assert button.text == "Add"
        assert (button["data-field"], button["data-entity"], button["data-label"]) == (field, str(entity.pk), name)
        assert "entity-suggestion--linked" not in item.html
    assert block.one("button[data-add-all-entities]").text == "Add all"


@pytest.mark.django_db
def test_change_page_marks_already_linked_suggestions(editor_client, admin_article):
    items = suggestion_items(suggestion_block(change_page(editor_client, admin_article)))

    kyiv = item_named(items, "Kyiv")
    assert kyiv["class"] == "entity-suggestion entity-suggestion--linked"
    assert kyiv.one("span.entity-suggestion__done").text == "linked"
    assert "data-add-entity" not in kyiv.html
    assert "as “Kiev”, “Kyiv” in headline, body" in kyiv.text


@pytest.mark.django_db
def test_change_page_offers_to_create_new_candidates_with_the_name_prefilled(editor_client, admin_article):
    block = suggestion_block(change_page(editor_client, admin_article))
    item = item_named(suggestion_items(block), "Andriy Yermak")
    assert "2 times" in item.text

    links = {link["data-field"]: link["href"] for link in item.select('a[class="button"][data-create-entity]')}
    assert set(links) == {"people", "places", "organisations"}
    for field, kind in [("people", "person"), ("places", "place"), ("organisations", "organisation")]:
        assert links[field] == f"{reverse(f'admin:archive_{kind}_add')}?_to_field=id&_popup=1&name=Andriy%20Yermak"
        form = editor_client.get(links[field])
        assert form.status_code == 200
        name = Page(form).one("input#id_name")
        assert (name["type"], name["name"], name["value"]) == ("text", "name", "Andriy Yermak")


@pytest.mark.django_db
def test_a_candidate_with_letters_beyond_ascii_is_prefilled_as_written(editor_client):
    make_place("Kyiv")
    article = article_saying("Officials in Kyiv met Đorđe Ćirić on Friday.")
    block = suggestion_block(change_page(editor_client, article))

    (link,) = block.select('a[data-field="people"][href*="name=%C4%90or%C4%91e"]')
    form = editor_client.get(link["href"]).content.decode()
    assert 'name="name" value="Đorđe Ćirić"' in form


@pytest.mark.django_db
def test_add_page_says_to_save_first(editor_client):
    make_place("Kyiv")

    page = editor_client.get(reverse("admin:archive_article_add")).content.decode()

    assert "Save the article to see the entities its text names." in page
    assert "entity-suggestions" not in page


@pytest.mark.django_db
def test_change_page_says_when_the_text_names_no_known_entity(editor_client):
    make_place("Kyiv")
    article = article_saying("Officials met Andriy Yermak on Friday.")

    block = suggestion_block(change_page(editor_client, article))

    assert "The text names no entity the archive knows." in block.text
    assert "data-add-all-entities" not in block.html
    assert "Andriy Yermak" in [strong.text for strong in block.select("strong")]


@pytest.mark.django_db
def test_change_page_opens_when_the_archive_knows_no_entity_yet(editor_client):
    article = article_saying("Officials met Andriy Yermak in Kotovsk on Friday.")

    block = suggestion_block(change_page(editor_client, article))

    assert "The text names no entity the archive knows." in block.text
    assert "Andriy Yermak" in [strong.text for strong in block.select("strong")]


@pytest.fixture
def browser_archive(django_user_model):
    """A superuser, four known entities and an article naming three of them (live_server reads committed data)."""
    django_user_model.objects.create_superuser("desk", "desk@example.com", PASSWORD)
    entities = {
        "kyiv": make_place("Kyiv", aliases=["Kiev"]),
        "sbu": make_organisation("Security Service of Ukraine", aliases=["SBU"], kind=Organisation.Kind.AGENCY),
        "zelenskiy": make_person("Volodymyr Zelenskiy", role="President of Ukraine"),
        "lviv": make_place("Lviv"),  # known, not named
    }
    article = article_saying(
        headline="Spotters caught in Kyiv",
        body="The SBU told Volodymyr Zelenskiy the spotters were caught.\n\nOfficials met Andriy Yermak in Kiev.",
    )
    return article, entities


@pytest.fixture
def admin_page(browser, live_server, browser_archive):
    article, _entities = browser_archive
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    change_url = reverse("admin:archive_article_change", args=[article.pk])
    page.goto(f"{reverse('admin:login')}?next={change_url}")
    page.fill("#id_username", "desk")
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("input[type=submit]")
    expect(page).to_have_url(re.compile(re.escape(change_url) + "$"))
    expect(page.locator(".entity-suggestions")).to_be_visible()
    yield page
    context.close()


def save_and_continue(page):
    with page.expect_navigation():
        page.click("input[name=_continue]")
    expect(page.locator(".messagelist .success")).to_be_visible()


def linked_names(article):
    article = Article.objects.get(pk=article.pk)
    return {(kind.key, entity.name) for kind, entities in article.entities_by_kind() for entity in entities}


@pytest.mark.browser
@BROWSER_DB
def test_add_puts_the_suggestion_in_its_picker_and_saving_links_it(admin_page, browser_archive):
    page = admin_page
    article, entities = browser_archive
    kyiv = entities["kyiv"]
    button = page.locator(f'button[data-add-entity][data-field="places"][data-entity="{kyiv.pk}"]')
    expect(button).to_have_attribute("data-label", "Kyiv")

    button.click()

    expect(button).to_have_text("Added")
    expect(button).to_be_disabled()
    option = page.locator(f'#id_places option[value="{kyiv.pk}"]')
    expect(option).to_have_count(1)
    expect(option).to_have_js_property("selected", True)
    expect(page.locator(".field-places .select2-selection__choice")).to_contain_text(["Kyiv"])
    # Nothing is saved before the editor saves.
    assert linked_names(article) == set()

    save_and_continue(page)

    assert linked_names(article) == {("place", "Kyiv")}
    kyiv_item = page.locator(".entity-suggestion", has_text="Kyiv").first
    expect(kyiv_item.locator(".entity-suggestion__done")).to_have_text("linked")
    expect(page.locator(f'button[data-add-entity][data-field="places"][data-entity="{kyiv.pk}"]')).to_have_count(0)


@pytest.mark.browser
@BROWSER_DB
def test_add_all_puts_every_suggestion_in_its_picker_and_saving_links_them(admin_page, browser_archive):
    page = admin_page
    article, entities = browser_archive

    page.click("button[data-add-all-entities]")

    for key, field in [("kyiv", "places"), ("sbu", "organisations"), ("zelenskiy", "people")]:
        option = page.locator(f'#id_{field} option[value="{entities[key].pk}"]')
        expect(option).to_have_js_property("selected", True)
    expect(page.locator("button[data-add-entity]:not(:disabled)")).to_have_count(0)
    expect(page.locator(f'#id_places option[value="{entities["lviv"].pk}"]')).to_have_count(0)

    save_and_continue(page)

    assert linked_names(article) == {
        ("person", "Volodymyr Zelenskiy"),
        ("place", "Kyiv"),
        ("organisation", "Security Service of Ukraine"),
    }
    expect(page.locator("button[data-add-entity]")).to_have_count(0)
    expect(page.locator(".entity-suggestion__done")).to_have_count(3)

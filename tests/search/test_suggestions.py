"""Did you mean: close words and entity names of the published archive, never of drafts; and the close
spellings of entities editors are warned about."""

import pytest
from django.db import connection

from archive.models import Article, Person, Place
from archive.search.suggestions import refresh_vocabulary
from tests.helpers.builders import make_article, make_draft, make_person, make_place
from tests.helpers.pages import Page
from tests.helpers.search import get_page, suggestion_texts, total_line

pytestmark = pytest.mark.django_db(transaction=False)


def test_a_misspelled_word_suggests_a_close_word_of_the_archive(client):
    make_article(headline="Ceasefire holds", body="Quiet night.")
    make_article(headline="Ceasefire broken", body="Shelling resumed.")
    refresh_vocabulary()

    page = get_page(client, q="ceasfire")

    assert total_line(page) == "0 results"
    assert suggestion_texts(page) == ["ceasefire"]
    assert '<a href="?q=ceasefire">' in page


def test_a_misspelled_entity_name_suggests_the_entity(client, zelenskiy):
    make_article(headline="Address to parliament", body="A speech.", people=[zelenskiy])
    refresh_vocabulary()

    page = get_page(client, q="Zelenksy")

    assert "Volodymyr Zelenskiy" in suggestion_texts(page)
    (suggestion,) = [link for link in Page(page).select("p.suggestions a") if link.text == "Volodymyr Zelenskiy"]
    assert suggestion.next_node == " "  # then what kind of entity it is
    assert suggestion.next_element.html == '<span class="meta">(person)</span>'


def test_a_misspelled_name_is_suggested_when_the_entity_has_several_aliases(client):
    person = make_person(
        "Volodymyr Zelenskiy", aliases=["Zelensky", "Zelenskyi Volodymyr Oleksandrovych"], role="President"
    )
    make_article(headline="Address to parliament", body="A speech.", people=[person])

    assert "Volodymyr Zelenskiy" in suggestion_texts(get_page(client, q="Zelenksy"))


def test_every_misspelled_word_is_corrected_at_once_before_one_at_a_time(client):
    make_article(headline="Grain exports resume from Odesa", body="Ships left the port.")
    make_article(headline="Odesa grain terminal repaired", body="Work took a week.")
    refresh_vocabulary()

    page = get_page(client, q="grian odesaa")

    assert total_line(page) == "0 results"
    assert suggestion_texts(page)[0] == "grain odesa"


def test_a_name_and_the_same_word_are_suggested_once(client):
    kharkiv = make_place("Kharkiv")
    make_article(headline="Kharkiv metro reopens", body="Trains run again.", places=[kharkiv])
    make_article(headline="Power back in Kharkiv", body="Repairs done.", places=[kharkiv])
    refresh_vocabulary()

    offered = suggestion_texts(get_page(client, q="Karkhiv"))

    assert [text.casefold() for text in offered] == ["kharkiv"]


def test_nothing_is_suggested_that_would_find_nothing(client):
    first = make_article(headline="Ceasefire holds", body="Quiet night.")
    second = make_article(headline="Ceasefire broken", body="Shelling resumed.")
    refresh_vocabulary()  # the vocabulary now knows "ceasefire"...
    for article in [first, second]:
        article.status = Article.Status.DRAFT  # ...which no published article contains any more
        article.save()

    page = get_page(client, q="ceasfire")

    assert suggestion_texts(page) == []
    assert "Did you mean" not in page
    assert "Try fewer words, or check the spelling." in page


def test_a_word_found_only_in_drafts_is_never_suggested(client):
    for number in range(3):
        make_draft(headline=f"Embargoed Quarzelite memo {number}", standfirst="Quarzelite details.")
    make_article(headline="Public memo", body="Nothing secret.")
    refresh_vocabulary()

    page = get_page(client, q="quarzelit")

    assert suggestion_texts(page) == []
    assert "Quarzelite" not in page and "quarzelite" not in page


@pytest.mark.django_db
@pytest.mark.parametrize("kind_model", [Person, Place])
def test_close_spellings_are_found_only_among_entities_of_the_same_kind(kind_model):
    from archive.search.suggestions import near_duplicates

    make_person("Volodymyr Zelenskiy")
    make_place("Volodymyr Zelenskiy square")

    found = [near.entity.name for near in near_duplicates(kind_model, "Volodymyr Zelensky")]

    assert found == (["Volodymyr Zelenskiy"] if kind_model is Person else ["Volodymyr Zelenskiy square"])


if connection.vendor == "sqlite":
    # Only SQLite keeps close spellings in tables of its own (PostgreSQL indexes the names themselves).

    @pytest.mark.django_db
    def test_the_sqlite_names_tables_are_filled_with_what_the_archive_had_before_them():
        from archive.apps import ArchiveConfig
        from archive.search import names
        from archive.search.suggestions import near_duplicates

        zelenskiy = make_person("Volodymyr Zelenskiy", aliases=["Zelensky"])
        with connection.cursor() as cursor:
            for kind_table in ["archive_names_person", "archive_names_place"]:
                cursor.execute(f"DROP TABLE {kind_table}")

        names.install_after_migrate(sender=ArchiveConfig)

        assert [near.entity for near in near_duplicates(Person, "Volodymyr Zelensky")] == [zelenskiy]
        assert [near.close_name for near in near_duplicates(Person, "Zelenskyy")] == ["Zelensky"]

import datetime
import io
import json

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import resolve
from django.utils import timezone
from taggit.managers import TaggableManager

from archive.models import ENTITY_KINDS, Alias, ArchiveState, Article, Incident, Person, Place, SlugRedirect
from tests.helpers.builders import (
    links_out_of_step,
    make_article,
    make_draft,
    make_incident,
    make_person,
    make_place,
    make_scheduled,
    make_withdrawn,
)

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------- publication


def test_published_is_only_published_articles_whose_time_has_come():
    live = make_article()
    make_draft()
    make_article(status=Article.Status.REVIEW, published_at=None)
    make_withdrawn()
    make_scheduled()
    assert list(Article.objects.published()) == [live]


def test_scheduled_article_becomes_visible_when_its_time_passes():
    scheduled = make_scheduled()
    assert scheduled.is_scheduled and not scheduled.is_public
    Article.objects.filter(pk=scheduled.pk).update(published_at=timezone.now() - datetime.timedelta(seconds=1))
    assert list(Article.objects.published()) == [scheduled]


def test_publishing_without_a_time_publishes_now_and_records_first_publication():
    article = make_draft()
    before = timezone.now()
    article.status = Article.Status.PUBLISHED
    article.save()
    assert before <= article.published_at <= timezone.now()
    assert article.first_published_at == article.published_at
    first = article.first_published_at
    article.published_at = timezone.now() + datetime.timedelta(days=2)
    article.save()
    assert article.first_published_at == first


def test_a_published_article_without_a_time_is_refused_by_the_database():
    article = make_draft()
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.filter(pk=article.pk).update(status=Article.Status.PUBLISHED)


def test_every_save_raises_the_version_and_the_update_time():
    article = make_draft()
    version, updated = article.version, article.updated_at
    article.headline = "Changed"
    article.save()
    article.refresh_from_db()
    assert article.version == version + 1
    assert article.updated_at > updated
    article.save(update_fields=["headline"])
    article.refresh_from_db()
    assert article.version == version + 2


def test_slugs_come_from_headlines_and_never_collide():
    first = make_article(headline="Drone strike on Sumy")
    second = make_article(headline="Drone  strike on  Sumy")
    assert first.slug == "drone-strike-on-sumy"
    assert second.slug == "drone-strike-on-sumy-2"
    assert second.headline == "Drone strike on Sumy"


def test_a_headline_without_letters_still_gets_a_slug():
    assert make_article(headline="🚀 !!!").slug == "article"


# ---------------------------------------------------------------- entities


def test_a_case_or_diacritic_variant_cannot_become_a_second_entity():
    make_person("Volodymyr Zelenskiy")
    for variant in ["volodymyr zelenskiy", "Volodymyr Zelenskíy", "VOLODYMYR  ZELENSKIY"]:
        with pytest.raises(IntegrityError), transaction.atomic():
            Person.objects.create(name=variant)
    assert Person.objects.count() == 1


def test_validation_names_the_entity_that_already_has_the_name_or_alias():
    make_person("Volodymyr Zelenskiy", aliases=["Zelensky"])
    for name in ["VOLODYMYR ZELENSKIY", "zelensky"]:
        with pytest.raises(ValidationError, match="Volodymyr Zelenskiy"):
            Person(name=name).full_clean()


def test_the_same_name_may_be_used_by_entities_of_different_kinds():
    make_place("Georgia")
    make_person("Georgia")
    assert Place.objects.named("georgia").count() == Person.objects.named("georgia").count() == 1


def test_a_name_without_letters_or_digits_is_refused():
    with pytest.raises(ValidationError, match="no letters or digits"):
        Person(name="???").full_clean()


def test_an_alias_names_one_entity_of_a_kind_only():
    make_place("Kyiv", aliases=["Kiev"])
    other = make_place("Kyiv region")
    with pytest.raises(IntegrityError), transaction.atomic():
        Alias.objects.create(entity=other, name="KIEV")


def test_named_finds_an_entity_by_name_or_alias_ignoring_case_and_diacritics():
    zelenskiy = make_person("Volodymyr Zelenskiy", aliases=["Zelensky", "Zelenskyy"])
    make_person("Andriy Sybiha")
    for text in ["Volodymyr Zelenskiy", "zelensky", "ZELENSKYY", "Zelenský"]:
        assert list(Person.objects.named(text)) == [zelenskiy]
    assert not Person.objects.named("Zelen").exists()


def test_matching_lists_exact_then_prefix_then_partial_matches():
    partial = make_person("Anna Kyivska")
    prefix = make_person("Kyivan Rus")
    exact = make_person("Kyiv")
    assert list(Person.objects.matching("kyiv")) == [exact, prefix, partial]


def test_names_in_any_script_give_working_ascii_urls(client):
    kyiv = make_place("Київ")
    person = make_person("Володимир Зеленський")
    assert kyiv.slug == "kiyiv"
    assert person.slug == "volodimir-zelenskii"
    make_article(places=[kyiv], people=[person])
    for entity in (kyiv, person):
        response = client.get(entity.get_absolute_url())
        assert response.status_code == 200
        assert entity.name in response.content.decode()


def test_entity_slugs_never_collide():
    first = make_person("A. B.")
    second = make_person("A B C")
    third = make_place("A. B.")
    assert (first.slug, second.slug, third.slug) == ("a-b", "a-b-c", "a-b")


def test_a_place_cannot_lie_inside_itself():
    country = make_place("Russia", kind=Place.Kind.COUNTRY)
    region = make_place("Kursk region", kind=Place.Kind.REGION, parent=country)
    country.parent = region
    with pytest.raises(ValidationError, match="inside itself"):
        country.full_clean()
    assert region.ancestors() == [country]


def test_coordinates_out_of_range_are_refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        make_place("Nowhere", latitude=91, longitude=0)


def test_an_incident_cannot_end_before_it_starts():
    with pytest.raises(IntegrityError), transaction.atomic():
        make_incident(date=datetime.date(2025, 1, 11), end_date=datetime.date(2025, 1, 10))


def test_unknown_casualties_are_not_zero():
    unknown = make_incident("Unknown toll", killed=None)
    none = make_incident("No deaths", killed=0)
    assert Incident.objects.filter(killed__isnull=True).get() == unknown
    assert Incident.objects.get(killed=0) == none


@pytest.mark.parametrize(
    ("precision", "label"),
    [("day", "11 January 2025"), ("month", "January 2025"), ("year", "2025")],
)
def test_incident_dates_are_shown_as_precisely_as_known(precision, label):
    assert make_incident(date_precision=precision).date_label == label


def test_autocomplete_labels_tell_namesakes_apart():
    russia = make_place("Russia", kind=Place.Kind.COUNTRY)
    assert make_place("Kursk", parent=russia).autocomplete_label() == "Kursk · city in Russia"
    person = make_person("Volodymyr Zelenskiy", aliases=["Zelensky"], role="President of Ukraine")
    assert person.autocomplete_label() == "Volodymyr Zelenskiy · President of Ukraine · also Zelensky"


def test_every_entity_kind_is_wired_into_articles_admin_and_urls():
    assert set(ENTITY_KINDS) == {"person", "place", "organisation", "incident"}
    for kind in ENTITY_KINDS.values():
        manager = Article._meta.get_field(kind.article_field)
        assert isinstance(manager, TaggableManager)
        assert manager.remote_field.model is kind.model
        link_article = kind.link_model._meta.get_field("content_object")
        link_entity = kind.link_model._meta.get_field("tag")
        assert link_article.related_model is Article and link_entity.related_model is kind.model
        assert admin.site.is_registered(kind.model)
        entity = kind.model(name="Example", slug="example")
        assert resolve(entity.get_absolute_url()).url_name == "entity"


def test_linking_an_entity_twice_keeps_one_link():
    person = make_person()
    article = make_article(people=[person])
    with pytest.raises(IntegrityError), transaction.atomic():
        Person.entity_kind.link_model.objects.create(content_object=article, tag=person)
    article.people.add(person)
    assert article.people.count() == 1


def test_entities_by_kind_lists_only_kinds_the_article_has():
    kyiv, zelenskiy = make_place(), make_person()
    article = make_article(places=[kyiv], people=[zelenskiy])
    groups = {kind.key: entities for kind, entities in article.entities_by_kind()}
    assert groups == {"person": [zelenskiy], "place": [kyiv]}


# ---------------------------------------------------------------- links keep up with their articles


def test_links_follow_their_article_through_every_status():
    place, person = make_place(), make_person()
    article = make_draft(places=[place], people=[person])
    assert not links_out_of_step()
    for status, published_at in [
        (Article.Status.PUBLISHED, None),
        (Article.Status.PUBLISHED, timezone.now() + datetime.timedelta(days=3)),
        (Article.Status.WITHDRAWN, None),
        (Article.Status.REVIEW, None),
    ]:
        article.status = status
        if published_at:
            article.published_at = published_at
        article.save()
        assert not links_out_of_step(), status


def test_links_added_later_copy_the_articles_time():
    article = make_article()
    draft = make_draft()
    article.people.add(make_person())
    draft.places.set([make_place()])
    assert not links_out_of_step()
    assert Person.entity_kind.link_model.objects.visible().count() == 1
    assert Place.entity_kind.link_model.objects.visible().count() == 0


def test_links_stay_in_step_through_import_and_generation(tmp_path):
    call_command("generate_demo", articles=120, seed=2, stdout=io.StringIO())
    assert not links_out_of_step()
    export = tmp_path / "export.jsonl"
    call_command("export_articles", output=str(export), stdout=io.StringIO())
    lines = [json.loads(line) for line in export.read_text().splitlines()]
    for line in lines:
        if line["type"] == "article" and line["status"] == "published":
            line["status"] = "withdrawn"
    export.write_text("".join(json.dumps(line) + "\n" for line in lines))
    call_command("import_articles", str(export), stdout=io.StringIO())
    assert not links_out_of_step()
    assert not Place.entity_kind.link_model.objects.visible().exists()


# ---------------------------------------------------------------- public entities and old addresses


def test_an_entity_is_public_only_while_a_published_article_covers_it():
    person = make_person()
    assert not Person.objects.public().exists()
    article = make_draft(people=[person])
    assert not Person.objects.public().exists()
    article.status = Article.Status.PUBLISHED
    article.save()
    assert list(Person.objects.public()) == [person]


def test_a_renamed_entity_keeps_a_slug_an_editor_chose():
    place = make_place("Kiev", slug="kyiv-city")
    place.name = "Kyiv"
    place.save()
    assert place.slug == "kyiv-city"
    assert not SlugRedirect.objects.exists()


def test_every_change_marks_the_archive_as_changed():
    changes = []

    def mark():
        changes.append(ArchiveState.current().changes)

    article = make_article()
    mark()
    article.people.add(make_person())
    mark()
    article.people.clear()
    mark()
    place = make_place()
    mark()
    place.delete()
    mark()
    article.delete()
    mark()
    assert changes == sorted(set(changes)), changes


def test_invisible_control_characters_are_removed_when_saved():
    person = make_person("Olena\x01 Kovalenko", description="A\x08 reporter")
    article = make_article(headline="Head\x07line", standfirst="Stand\x1bfirst", body="Tab\tand\nnewline stay\x0b.")
    assert (article.headline, article.standfirst, article.body) == ("Headline", "Standfirst", "Tab\tand\nnewline stay.")
    assert (person.name, person.description) == ("Olena Kovalenko", "A reporter")

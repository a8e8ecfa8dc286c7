import datetime
import io
from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from archive.interchange.export import export_lines
from archive.lib.text import name_key
from archive.models import ENTITY_KINDS, Alias, Article, Correction, Incident, Place
from archive.search.engine import SearchRequest, search
from tests.helpers.builders import make_article

pytestmark = pytest.mark.django_db
END = datetime.date(2025, 6, 30)


def generate(articles=300, seed=7):
    out = io.StringIO()
    call_command("generate_demo", articles=articles, seed=seed, end_date=END, stdout=out)
    return out.getvalue()


def empty_archive():
    Article.objects.all().delete()
    for kind in ENTITY_KINDS.values():
        kind.model.objects.all().delete()
    Alias.objects.all().delete()


def test_generates_the_requested_number_of_articles_and_reports_its_speed():
    output = generate(articles=300)
    assert Article.objects.count() == 300
    assert "Generated 300 articles" in output and "articles/s" in output


def test_the_same_seed_gives_the_same_archive_and_another_seed_does_not():
    generate(seed=11)
    first = list(export_lines())
    empty_archive()
    generate(seed=11)
    assert list(export_lines()) == first
    empty_archive()
    generate(seed=12)
    assert list(export_lines()) != first


def test_refuses_to_fill_an_archive_that_has_content():
    make_article()
    with pytest.raises(CommandError, match="empty archive"):
        generate()
    assert Article.objects.count() == 1


def test_popularity_is_skewed_with_a_long_tail():
    generate(articles=600)
    place_links = Counter(Place.entity_kind.link_model.objects.values_list("tag__name", flat=True))
    (top, top_count), *_ = place_links.most_common(1)
    assert top == "Ukraine"
    assert 0.2 <= top_count / 600 <= 0.45
    typical = sorted(place_links.values())[len(place_links) // 2]
    assert top_count >= 20 * typical


def test_every_article_names_each_entity_it_is_linked_to():
    generate(articles=200)
    names = {}
    for kind in ENTITY_KINDS.values():
        for entity in kind.model.objects.prefetch_related("aliases"):
            names[(kind.key, entity.pk)] = [entity.name, *entity.alias_names]
    articles = Article.objects.prefetch_related(*(kind.article_field for kind in ENTITY_KINDS.values()))
    for article in articles:
        text = f" {name_key(' '.join([article.headline, article.standfirst, article.body]))} "
        for kind in ENTITY_KINDS.values():
            for entity in getattr(article, kind.article_field).all():
                spellings = names[(kind.key, entity.pk)]
                assert any(f" {name_key(spelling)} " in text for spelling in spellings), (article.pk, spellings)


def test_generated_entities_have_aliases_a_hierarchy_and_incident_facts():
    generate(articles=300)
    assert Alias.objects.exists()
    kursk = Place.objects.get(name="Kursk")
    assert [place.name for place in kursk.ancestors()] == ["Kursk region", "Russia"]
    assert not Incident.objects.filter(place__isnull=True).exists()
    assert Incident.objects.filter(killed__isnull=True).exists()
    assert Incident.objects.filter(killed__gt=0).exists()


def test_some_generated_articles_are_not_public():
    generate(articles=600)
    statuses = set(Article.objects.values_list("status", flat=True))
    assert {"published", "draft"} <= statuses
    assert Article.objects.published().count() < 600


def test_withdrawn_articles_say_when_and_why_and_some_articles_are_corrected(client):
    generate(articles=1500)

    withdrawn = Article.objects.filter(status=Article.Status.WITHDRAWN)
    assert withdrawn.exists()
    for article in withdrawn:
        assert article.published_at < article.withdrawn_at and article.withdrawal_note
        page = client.get(article.get_absolute_url()).content.decode()
        assert f"{article.withdrawn_at:%-d %B %Y}</time>" in page and article.withdrawal_note in page
    corrections = Correction.objects.public()
    assert corrections.count() >= 5
    assert all(c.published_at >= c.article.published_at for c in corrections.select_related("article"))
    assert corrections.first().text in client.get("/corrections/").content.decode()


def test_prepare_demo_fills_an_empty_archive_once_and_prints_a_working_login(tmp_path, monkeypatch):
    from archive.management.commands import prepare_demo

    monkeypatch.setattr(prepare_demo, "PASSWORD_FILE", tmp_path / "admin-password.txt")
    output = io.StringIO()
    call_command("prepare_demo", articles=30, address="127.0.0.1:8123", stdout=output, stderr=io.StringIO())

    printed = output.getvalue()
    password = (tmp_path / "admin-password.txt").read_text().strip()
    assert "http://127.0.0.1:8123/admin/" in printed and password in printed
    assert Article.objects.count() == 31  # the demo archive and the sample wire story
    assert Article.objects.filter(import_key__startswith="wire:").get().status == Article.Status.PUBLISHED
    user = get_user_model().objects.get(username="admin")
    assert user.is_superuser and user.check_password(password)

    again = io.StringIO()
    call_command("prepare_demo", articles=30, stdout=again, stderr=io.StringIO())
    assert "already has content" in again.getvalue() and Article.objects.count() == 31
    assert password in again.getvalue()


def test_every_generated_article_readers_may_see_is_found_by_its_headline_and_no_other():
    # The index is built once at the end of generation, not batch by batch: all of it must be there.
    generate(articles=120)
    published = set(Article.objects.published())
    hidden = set(Article.objects.all()) - published
    assert published and hidden

    for article in Article.objects.all():
        found = search(SearchRequest(query=f'"{article.headline}"')).articles
        assert (article in found) == (article in published), article.headline

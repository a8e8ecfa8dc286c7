"""The process-wide matcher: rebuilt whenever entities or their spellings change, and only then, and fast enough
for 20,000 spellings."""

import itertools
import random
import time

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from archive.editorial.tagging import matcher, new_candidates, suggest
from archive.lib.text import name_key, slug_base
from archive.models import Alias, ArchiveState, Place
from tests.helpers.builders import make_place, with_aliases
from tests.helpers.imports import run_import, write_jsonl
from tests.helpers.tagging import article_saying, candidate_names, named


@pytest.mark.django_db
def test_adding_an_alias_refreshes_the_matcher():
    kyiv = make_place("Kyiv")
    article = article_saying("Sirens sounded in Kiev.")
    assert named(article) == set()

    with_aliases(kyiv, "Kiev")

    assert named(article) == {("place", "Kyiv")}


@pytest.mark.django_db
def test_creating_an_entity_refreshes_the_matcher():
    make_place("Kyiv")
    article = article_saying("Drones hit Kotovsk overnight. Sirens sounded in Kyiv.")
    assert named(article) == {("place", "Kyiv")}
    assert "Kotovsk" in candidate_names(article)

    make_place("Kotovsk", kind=Place.Kind.TOWN)

    assert named(article) == {("place", "Kyiv"), ("place", "Kotovsk")}
    assert "Kotovsk" not in candidate_names(article)


@pytest.mark.django_db
def test_renaming_an_entity_refreshes_the_matcher():
    place = make_place("Kiev")
    new_spelling = article_saying("Sirens sounded in Kyiv.")
    old_spelling = article_saying("Sirens sounded in Kiev.")
    assert (named(new_spelling), named(old_spelling)) == (set(), {("place", "Kiev")})

    place.name = "Kyiv"
    place.save()

    assert (named(new_spelling), named(old_spelling)) == ({("place", "Kyiv")}, set())


@pytest.mark.django_db
def test_deleting_an_entity_refreshes_the_matcher():
    place = make_place("Kotovsk")
    article = article_saying("Drones hit Kotovsk.")
    assert named(article) == {("place", "Kotovsk")}

    place.delete()

    assert named(article) == set()


@pytest.mark.django_db
def test_deleting_an_alias_refreshes_the_matcher():
    kyiv = make_place("Kyiv", aliases=["Kiev"])
    article = article_saying("Sirens sounded in Kiev.")
    assert named(article) == {("place", "Kyiv")}

    kyiv.aliases.get(name="Kiev").delete()

    assert named(article) == set()


@pytest.mark.django_db
def test_deleting_entities_with_the_admin_action_refreshes_the_matcher(editor_client):
    place = make_place("Kotovsk")
    article = article_saying("Drones hit Kotovsk.")
    assert named(article) == {("place", "Kotovsk")}

    response = editor_client.post(
        reverse("admin:archive_place_changelist"),
        {"action": "delete_selected", "_selected_action": [place.pk], "post": "yes"},
    )

    assert response.status_code == 302
    assert not Place.objects.exists()
    assert named(article) == set()


@pytest.mark.django_db
def test_reimporting_an_entity_without_an_alias_refreshes_the_matcher(tmp_path):
    record = {"type": "entity", "entity_kind": "place", "entity": {"name": "Kyiv", "slug": "kyiv", "kind": "city"}}
    run_import(write_jsonl(tmp_path / "with.jsonl", {**record, "entity": {**record["entity"], "aliases": ["Kiev"]}}))
    article = article_saying("Sirens sounded in Kiev.")
    assert named(article) == {("place", "Kyiv")}

    run_import(write_jsonl(tmp_path / "without.jsonl", {**record, "entity": {**record["entity"], "aliases": []}}))

    assert not Alias.objects.exists()
    assert named(article) == set()


@pytest.mark.django_db
def test_the_matcher_is_not_rebuilt_when_nothing_about_entities_changed():
    kyiv = make_place("Kyiv")
    first = matcher()

    assert matcher() is first
    article = article_saying("Sirens sounded in Kyiv.")  # the archive changed, its entities did not
    article.places.add(kyiv)
    article.headline = "Sirens in Kyiv"
    article.save()
    assert matcher() is first
    assert named(article) == {("place", "Kyiv")}
    assert matcher() is first

    with_aliases(kyiv, "Kiev")
    second = matcher()
    assert second is not first
    assert matcher() is second


SYLLABLES = "ka lo vy ne sh ra mi to du be go ze chi pa lu ro sa vi te ko ma ny do bu li ha fe zo ry va".split()


def invented_names(count, seed):
    """`count` different two-word names: Kalovy Neshra, ..."""
    rng = random.Random(seed)
    words = ["".join(parts).capitalize() for parts in itertools.product(SYLLABLES, repeat=3)]
    rng.shuffle(words)
    names, seen = [], set()
    for first, second in zip(words, words[1:] + words[:1], strict=True):
        name = f"{first} {second}"
        if name_key(name) not in seen:
            seen.add(name_key(name))
            names.append(name)
        if len(names) == count:
            break
    return names


@pytest.mark.django_db
def test_building_the_matcher_for_20000_spellings_and_suggesting_for_a_long_article():
    names = invented_names(20_010, seed=7)
    names, unknown = names[:20_000], names[20_000:]
    places, aliases = names[:15_000], names[15_000:]
    Place.objects.bulk_create(
        (Place(name=name, name_key=name_key(name), slug=slug_base(name, 190), kind="village") for name in places),
        batch_size=1000,
    )
    owners = list(Place.objects.order_by("pk").values_list("pk", flat=True))
    content_type = ContentType.objects.get_for_model(Place)
    Alias.objects.bulk_create(
        (
            Alias(content_type=content_type, object_id=owner, name=alias, key=name_key(alias))
            for owner, alias in zip(owners, aliases, strict=False)
        ),
        batch_size=1000,
    )
    ArchiveState.touch(entities=True)

    started = time.perf_counter()
    built = matcher()
    build_seconds = time.perf_counter() - started
    assert built.size == 20_000

    rng = random.Random(3)
    filler = "officials said the strike hit a school near the river and power was cut for hours".split()
    named_here, unknown_here = rng.sample(names, 50), []
    words = []
    for sentence in itertools.count():
        if len(words) >= 1000:
            break
        words += rng.sample(filler, 12)
        words.append(named_here[sentence % 50] + ".")
        if sentence % 8 == 0:  # now and then a name the archive does not know
            unknown_here.append(unknown[sentence // 8 % len(unknown)])
            words += ["reported", "by", unknown_here[-1] + "."]
    body = " ".join(words)
    article = article_saying(body)
    assert 1000 <= len(body.split()) <= 1100

    started = time.perf_counter()
    suggestions = suggest(article)
    suggest_seconds = time.perf_counter() - started
    started = time.perf_counter()
    new = new_candidates(article)
    candidates_seconds = time.perf_counter() - started
    assert matcher() is built

    print(
        f"\nspeed: {built.size} spellings, matcher built in {build_seconds:.3f}s; "
        f"{len(body.split())}-word article: suggest() {suggest_seconds * 1000:.1f} ms "
        f"({len(suggestions)} suggestions), new_candidates() {candidates_seconds * 1000:.1f} ms ({len(new)} candidates)"
    )
    assert {s.name for s in suggestions} == {
        Place.objects.get(aliases__name=name).name if name in aliases else name for name in named_here
    }
    assert {candidate.name for candidate in new} == set(unknown_here)
    assert build_seconds < 60
    assert suggest_seconds < 5
    assert candidates_seconds < 5

"""A labelled name-search set: how often a name typed as readers type it finds what they expect.

How the set was made. A cast of people and places was written by hand, with names the demo
archive's generator cannot make, so that no article of the archive underneath is about them:
- each has its name as the archive records it, the aliases an editor might have added, other
  Latin transliterations that are *not* aliases (Hordienko, Gordienko; Khmelnik), and its
  Ukrainian and Russian spellings in the cases wire copy uses them (Гордієнка, з Гордієнком,
  у Хмільнику), declined by hand, not by the morphology library under test;
- two people share a surname and are covered alike (Serhii and Vasyl Pylypchuk), two share one
  and one of them is covered ten times more (Yurii and Ihor Zhuravel).

Articles about them are then written from templates in English, Ukrainian and Russian: the
person in full once, then by surname alone, each outlet in its own transliteration. About
three in five are linked to the people and places they are about, as editors would have
tagged them; the rest are found only by their text.

Each query (a surname as the archive spells it and in other transliterations, a full name,
Ukrainian and Russian spellings, inflected forms, a place's names) is labelled with the
articles a reader expects: those about the person named in full, those about anyone with
the surname typed alone, those about the place. Searched as readers search (the public search,
its first 500 results), each query gives a recall and a precision; so do the entity
suggestions for each article, against the people and places it is about.

It all happens in one transaction, rolled back, over whatever archive is in the database.
"""

import datetime
import random
import statistics
import time
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from archive.editorial.tagging import suggest
from archive.models import Alias, Article, Person, Place
from archive.search.engine import SearchRequest, search


@dataclass
class CastMember:
    name: str  # as the archive records it
    aliases: list  # what an editor added
    latin: list  # surname (or place name) in other transliterations, not aliases
    uk: dict  # Ukrainian: {"nom": ..., "gen": ..., "ins": ..., "loc": ...}
    ru: dict  # Russian, alike
    weight: int = 0  # how many articles are about it, roughly
    first: tuple = ()  # a person's first name: (Latin, Ukrainian, Russian)
    feminine: bool = False


PEOPLE = [
    CastMember(
        "Oleksandr Hordiienko",
        ["Oleksandr Gordienko"],
        ["Hordienko", "Hordiyenko"],
        {"nom": "Гордієнко", "gen": "Гордієнка", "ins": "Гордієнком"},
        {"nom": "Гордиенко", "gen": "Гордиенко", "ins": "Гордиенко"},
        weight=30,
        first=("Oleksandr", "Олександр", "Александр"),
    ),
    CastMember(
        "Dmytro Kuleshov",
        [],
        ["Kulieshov", "Kuleszow"],
        {"nom": "Кулешов", "gen": "Кулешова", "ins": "Кулешовим"},
        {"nom": "Кулешов", "gen": "Кулешова", "ins": "Кулешовым"},
        weight=20,
        first=("Dmytro", "Дмитро", "Дмитрий"),
    ),
    CastMember(
        "Serhii Pylypchuk",
        [],
        ["Pilipchuk", "Pylypczuk"],
        {"nom": "Пилипчук", "gen": "Пилипчука", "ins": "Пилипчуком"},
        {"nom": "Пилипчук", "gen": "Пилипчука", "ins": "Пилипчуком"},
        weight=14,
        first=("Serhii", "Сергій", "Сергей"),
    ),
    CastMember(
        "Vasyl Pylypchuk",
        [],
        ["Pilipchuk", "Pylypczuk"],
        {"nom": "Пилипчук", "gen": "Пилипчука", "ins": "Пилипчуком"},
        {"nom": "Пилипчук", "gen": "Пилипчука", "ins": "Пилипчуком"},
        weight=14,
        first=("Vasyl", "Василь", "Василий"),
    ),
    CastMember(
        "Yurii Zhuravel",
        [],
        ["Zhurawel", "Shuravel"],
        {"nom": "Журавель", "gen": "Журавля", "ins": "Журавлем"},
        {"nom": "Журавель", "gen": "Журавля", "ins": "Журавлём"},
        weight=30,
        first=("Yurii", "Юрій", "Юрий"),
    ),
    CastMember(
        "Ihor Zhuravel",
        [],
        ["Zhurawel", "Shuravel"],
        {"nom": "Журавель", "gen": "Журавля", "ins": "Журавлем"},
        {"nom": "Журавель", "gen": "Журавля", "ins": "Журавлём"},
        weight=3,
        first=("Ihor", "Ігор", "Игорь"),
    ),
    CastMember(
        "Mariia Sheremet",
        [],
        ["Scheremet", "Szeremet"],
        {"nom": "Шеремет", "gen": "Шеремет", "ins": "Шеремет"},
        {"nom": "Шеремет", "gen": "Шеремет", "ins": "Шеремет"},
        weight=20,
        first=("Mariia", "Марія", "Мария"),
        feminine=True,
    ),
]

PLACES = [
    CastMember(
        "Pryluky",
        ["Priluki"],
        ["Pryluki"],
        {"nom": "Прилуки", "loc": "Прилуках"},
        {"nom": "Прилуки", "loc": "Прилуках"},
    ),
    CastMember(
        "Khmilnyk",
        [],
        ["Khmelnik", "Chmielnik"],
        {"nom": "Хмільник", "loc": "Хмільнику"},
        {"nom": "Хмельник", "loc": "Хмельнике"},
    ),
    CastMember(
        "Oleshky", ["Aleshki"], ["Oleshki"], {"nom": "Олешки", "loc": "Олешках"}, {"nom": "Алёшки", "loc": "Алёшках"}
    ),
]

TOPICS = {
    "en": ["repairs to the water supply would take a month", "the evacuation of two villages had begun"],
    "uk": ["ремонт водогону триватиме місяць", "почалася евакуація двох сіл"],
    "ru": ["ремонт водопровода займёт месяц", "началась эвакуация двух сёл"],
}
ARTICLES = 160
LINKED_SHARE = 0.6


def surname(person):
    return person.name.split()[-1]


@dataclass
class Written:
    article: Article
    person: CastMember
    place: CastMember


def write_article(rng, person, place, published_at):
    language = rng.choices(["en", "uk", "ru"], [55, 30, 15])[0]
    topic, detail = rng.sample(TOPICS[language], 2)
    if language == "en":
        spelled = rng.choice([surname(person), surname(person), *person.latin])
        place_name = rng.choice([place.name, place.name, *place.latin, *place.aliases])
        first = person.first[0] if rng.random() < 0.8 else person.name.split()[0]
        headline = rng.choice([f"{spelled} visits {place_name}", f"{place_name}: {spelled} on the repairs"])
        body = (
            f"{first} {spelled} said in {place_name} on Tuesday that {topic}.\n\n"
            f"{spelled} added that {detail}. Officials in {place_name} did not comment."
        )
    else:
        forms, place_forms = (person.uk, place.uk) if language == "uk" else (person.ru, place.ru)
        first = person.first[1] if language == "uk" else person.first[2]
        said = {"uk": ("заявив", "заявила"), "ru": ("заявил", "заявила")}[language][person.feminine]
        at, that, according, spoke, after = {
            "uk": ("у", "що", "За словами", "Журналісти поговорили з", "після зустрічі"),
            "ru": ("в", "что", "По словам", "Журналисты поговорили с", "после встречи"),
        }[language]
        headline = f"{forms['nom']}: {place_forms['nom']}"
        body = (
            f"{first} {forms['nom']} {said} {at} {place_forms['loc']}, {that} {topic}.\n\n"
            f"{according} {forms['gen']}, {detail}. {spoke} {forms['ins']} {after}."
        )
    article = Article(
        headline=headline, body=body, status=Article.Status.PUBLISHED, published_at=published_at, publication="Wire"
    )
    article.save()
    return article


def write_labelled_archive(rng):
    """The cast's entities and articles about them: ({name: entity}, [Written])."""
    entities = {}
    for model, members in [(Person, PEOPLE), (Place, PLACES)]:
        for member in members:
            fields = {"kind": "city"} if model is Place else {}
            entity = model.objects.create(name=member.name, **fields)
            for alias in member.aliases:
                Alias.objects.create(entity=entity, name=alias)
            entities[member.name] = entity
    written = []
    moment = timezone.now() - datetime.timedelta(days=400)
    for number in range(ARTICLES):
        person = rng.choices(PEOPLE, [member.weight for member in PEOPLE])[0]
        place = rng.choice(PLACES)
        article = write_article(rng, person, place, moment + datetime.timedelta(hours=number * 7))
        if rng.random() < LINKED_SHARE:
            article.people.add(entities[person.name])
            article.places.add(entities[place.name])
        written.append(Written(article, person, place))
    return entities, written


def labelled_queries(written):
    """[(kind of query, query, ids of the articles a reader expects)]."""
    about = {}
    for item in written:
        about.setdefault(item.person.name, set()).add(item.article.pk)
        about.setdefault(item.place.name, set()).add(item.article.pk)
    by_surname = {}
    for person in PEOPLE:
        by_surname.setdefault(surname(person), set()).update(about.get(person.name, ()))
    queries = []
    for person in PEOPLE:
        own, shared = about.get(person.name, set()), by_surname[surname(person)]
        queries += [
            ("full name", person.name, own),
            ("full name, another transliteration", f"{person.first[0]} {person.latin[0]}", own),
            ("full name, Ukrainian", f"{person.first[1]} {person.uk['nom']}", own),
            ("surname as recorded", surname(person), shared),
            *[("surname, another transliteration", spelling, shared) for spelling in person.latin],
            ("surname, Ukrainian", person.uk["nom"], shared),
            ("surname, Russian", person.ru["nom"], shared),
            ("surname, inflected", person.uk["ins"], shared),
            ("surname, inflected", person.ru["gen"], shared),
        ]
    for place in PLACES:
        own = about.get(place.name, set())
        queries += [
            ("place as recorded", place.name, own),
            *[("place, another transliteration", spelling, own) for spelling in place.latin],
            ("place, Ukrainian or Russian", place.uk["nom"], own),
            ("place, Ukrainian or Russian", place.ru["nom"], own),
            ("place, inflected", place.uk["loc"], own),
            ("place, inflected", place.ru["loc"], own),
        ]
    # The same text twice (a surname indeclinable in Russian) is asked once.
    unique = {}
    for kind, query, expected in queries:
        unique.setdefault(query, (kind, query, expected))
    return list(unique.values())


@dataclass
class Score:
    expected: int = 0
    found: int = 0
    right: int = 0
    queries: int = 0

    def add(self, expected, found):
        self.queries += 1
        self.expected += len(expected)
        self.found += len(found)
        self.right += len(expected & found)

    @property
    def recall(self):
        return self.right / max(self.expected, 1)

    @property
    def precision(self):
        return self.right / max(self.found, 1) if self.found else 1.0


@dataclass
class NameQuality:
    articles: int = 0
    by_kind: dict = field(default_factory=dict)  # {kind of query: Score}
    overall: Score = field(default_factory=Score)
    suggestions: Score = field(default_factory=Score)
    misses: list = field(default_factory=list)  # (query, expected, found) where they differ
    search_times: list = field(default_factory=list)  # seconds


def measure_names(seed=1):
    """A NameQuality for the labelled set, written over the archive in the database and rolled back."""
    rng = random.Random(seed)
    quality = NameQuality()
    with transaction.atomic():
        entities, written = write_labelled_archive(rng)
        quality.articles = len(written)
        for kind, query, expected in labelled_queries(written):
            started = time.perf_counter()
            results = search(SearchRequest(query=query, candidates_only=True))
            quality.search_times.append(time.perf_counter() - started)
            found = set(results.candidate_ids)
            # Articles of the archive underneath count as found too: a name that finds them is wrong.
            quality.by_kind.setdefault(kind, Score()).add(expected, found)
            quality.overall.add(expected, found)
            if found != expected:
                quality.misses.append((query, len(expected - found), len(found - expected)))
        for item in written:
            expected = {("person", entities[item.person.name].pk), ("place", entities[item.place.name].pk)}
            suggested = {(suggestion.kind.key, suggestion.entity_id) for suggestion in suggest(item.article)}
            quality.suggestions.add(expected, suggested)
        transaction.set_rollback(True)
    return quality


def describe(quality):
    """Rows for the benchmark's table of figures."""
    rows = [
        (
            f"name searches, labelled set ({quality.overall.queries} queries, {quality.articles} articles)",
            f"recall {quality.overall.recall:.1%}, precision {quality.overall.precision:.1%}; "
            f"search median {statistics.median(quality.search_times) * 1000:.1f} ms",
        )
    ]
    for kind, score in quality.by_kind.items():
        rows.append(
            (
                f"name searches: {kind} ({score.queries})",
                f"recall {score.recall:.1%}, precision {score.precision:.1%}",
            )
        )
    rows.append(
        (
            f"suggestions, labelled set ({quality.articles} articles)",
            f"recall {quality.suggestions.recall:.1%}, precision {quality.suggestions.precision:.1%}",
        )
    )
    return rows

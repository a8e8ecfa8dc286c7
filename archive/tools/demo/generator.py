"""A realistic synthetic archive, for demos, tests and benchmarks.

Popularity is skewed as in real coverage: Ukraine is on about a third of the
articles, a few people and cities on a large share, and a long tail of
villages, brigades and incidents on a handful each. Every article's text names
each entity it is linked to (sometimes by an alias) and no other, so the links
can be checked against the text. The same seed and end date give the same archive.
"""

import bisect
import datetime
import itertools
import random
from dataclasses import dataclass, field
from functools import cached_property

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone

from archive.lib.search_forms import search_forms_of_text
from archive.lib.text import name_key, slug_base
from archive.models import (
    ENTITY_KINDS,
    Alias,
    ArchiveState,
    Article,
    Correction,
    Incident,
    NameKey,
    Organisation,
    Person,
    Place,
    SourceLink,
)
from archive.search import index as search_index
from archive.tools.demo import data

BATCH_SIZE = 1000
START = datetime.datetime(2014, 2, 20, tzinfo=datetime.UTC)
FULL_SCALE_WAR = datetime.datetime(2022, 2, 24, tzinfo=datetime.UTC)


class ArchiveNotEmpty(Exception):
    pass


@dataclass(eq=False)
class Draft:
    """An entity before it is written: its row, its aliases and what the text calls it."""

    model: type
    name: str
    aliases: list = field(default_factory=list)
    values: dict = field(default_factory=dict)
    pk: int | None = None

    def mention(self, rng):
        """The name, or now and then another spelling of it."""
        if self.aliases and rng.random() < 0.25:
            return rng.choice(self.aliases)
        return self.name


def skewed_index(rng, size, skew):
    """An index in [0, size) where low indexes are far more likely: a Zipf-like long tail."""
    return min(size - 1, int(size * rng.random() ** skew))


def ordinal(number):
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def russian_spelling(name):
    variant = name
    for ukrainian, russian in data.RUSSIAN_STYLE:
        variant = variant.replace(ukrainian, russian)
    return variant if name_key(variant) != name_key(name) else None


class DemoArchive:
    def __init__(self, articles, seed, end):
        self.rng = random.Random(seed)
        self.article_count = articles
        self.end = end
        self.used_keys = {model: set() for model in (Person, Place, Organisation, Incident)}
        self.by_name = {}
        self.countries, self.regions, self.cities, self.towns = [], [], [], []
        self.people, self.organisations, self.incidents = [], [], []
        self.role_links = {}  # person -> entities their role names

    # ------------------------------------------------------------ entities

    def add(self, model, name, aliases=(), **values):
        aliases = [alias for alias in aliases if name_key(alias) != name_key(name)]
        keys = {name_key(name), *map(name_key, aliases)}
        if keys & self.used_keys[model]:
            return None
        self.used_keys[model] |= keys
        draft = Draft(model, name, list(aliases), values)
        self.by_name[name] = draft
        return draft

    def build_places(self):
        for name, aliases, lat, lon in data.COUNTRIES:
            self.countries.append(self.add(Place, name, aliases, kind="country", latitude=lat, longitude=lon))
        for name, aliases, country, lat, lon in data.REGIONS:
            self.regions.append(
                self.add(Place, name, aliases, kind="region", parent=self.by_name[country], latitude=lat, longitude=lon)
            )
        for name, aliases, parent, lat, lon in data.CITIES:
            self.cities.append(
                self.add(Place, name, aliases, kind="city", parent=self.by_name[parent], latitude=lat, longitude=lon)
            )
        wanted = max(40, self.article_count // 25)
        frontline_regions = [region for region in self.regions if region.values["parent"].name == "Ukraine"]
        frontline_regions += [region for region in self.regions if region.values["parent"].name == "Russia"][:4]
        attempts = 0
        while len(self.towns) < wanted and attempts < wanted * 20:
            attempts += 1
            rng = self.rng
            name = (
                rng.choice(data.PLACE_MODIFIERS)
                + rng.choice(data.PLACE_PREFIXES)
                + rng.choice(data.PLACE_ROOTS)
                + rng.choice(data.PLACE_SUFFIXES)
            )
            name = " ".join(word[0].upper() + word[1:] for word in name.split())
            region = frontline_regions[skewed_index(rng, len(frontline_regions), 1.6)]
            aliases = [variant] if (variant := russian_spelling(name)) and rng.random() < 0.3 else []
            town = self.add(
                Place,
                name,
                aliases,
                kind=rng.choice(["village", "village", "town"]),
                parent=region,
                latitude=round(region.values["latitude"] + rng.uniform(-0.8, 0.8), 4),
                longitude=round(region.values["longitude"] + rng.uniform(-0.8, 0.8), 4),
            )
            if town:
                self.towns.append(town)

    def build_organisations(self):
        for name, aliases, kind in data.ORGANISATIONS:
            self.organisations.append(self.add(Organisation, name, aliases, kind=kind))
        wanted = len(self.organisations) + max(20, self.article_count // 50)
        places = self.regions + self.cities + self.towns
        for _ in range(wanted * 20):
            if len(self.organisations) >= wanted:
                break
            pattern, kind = self.rng.choice(data.ORGANISATION_PATTERNS)
            if "{ordinal}" in pattern:
                name = pattern.format(ordinal=ordinal(self.rng.randint(1, 250)))
            else:
                name = pattern.format(place=self.rng.choice(places).name)
            if organisation := self.add(Organisation, name, kind=kind):
                self.organisations.append(organisation)

    def invent_person_name(self, tradition, with_initial):
        first_names, roots, endings = data.NAME_TRADITIONS[tradition]
        first, first_variant = self.rng.choice(first_names)
        surname, surname_variant = self.rng.choice(roots), None
        if endings:
            ending, ending_variant = self.rng.choice(endings)
            surname, surname_variant = surname + ending, (surname + ending_variant if ending_variant else None)
        middle = f" {self.rng.choice('ABDHKLMNOPRSTVZ')}." if with_initial else ""
        name = f"{first}{middle} {surname}"
        aliases = []
        if first_variant and self.rng.random() < 0.5:
            aliases.append(f"{first_variant}{middle} {surname}")
        if surname_variant:
            aliases.append(f"{first}{middle} {surname_variant}")
        return name, aliases

    def build_people(self):
        rng = self.rng
        wanted = max(60, self.article_count // 12)
        traditions = list(data.NAME_TRADITION_WEIGHTS)
        weights = list(data.NAME_TRADITION_WEIGHTS.values())
        for attempt in itertools.count():
            if len(self.people) >= wanted or attempt > wanted * 30:
                break
            index = len(self.people)
            links = []
            if index < len(data.NATIONAL_ROLES):
                role, tradition, named = data.NATIONAL_ROLES[index]
                links = [self.by_name[entity_name] for entity_name in named]
            else:
                tradition = rng.choices(traditions, weights)[0]
                if tradition == "ukrainian" and rng.random() < 0.4:
                    region = rng.choice(self.regions[:25])
                    cities = [city for city in self.cities if city.values["parent"] is region]
                    if cities and rng.random() < 0.5:
                        city = rng.choice(cities)
                        role, links = rng.choice(data.CITY_ROLES).format(city=city.name), [city]
                    else:
                        role, links = rng.choice(data.REGION_ROLES).format(region=region.name), [region]
                else:
                    role = rng.choice(data.GENERIC_ROLES)
            # Plain combinations run out in big archives; a middle initial multiplies them.
            name, aliases = self.invent_person_name(tradition, with_initial=attempt > wanted * 2)
            person = self.add(Person, name, aliases, role=role)
            if person:
                self.people.append(person)
                self.role_links[person] = links

    def build_incidents(self):
        rng = self.rng
        wanted = max(30, self.article_count // 8)
        types = list(data.INCIDENT_TYPES)
        weights = [data.INCIDENT_TYPES[t][1] for t in types]
        places = self.cities[:45] + self.towns
        for _ in range(wanted * 20):
            if len(self.incidents) >= wanted:
                break
            incident_type = rng.choices(types, weights)[0]
            noun = data.INCIDENT_TYPES[incident_type][0]
            place = places[skewed_index(rng, len(places), 2.2)]
            moment = self.random_moment()
            precision = "day" if rng.random() < 0.9 else "month"
            when = moment.strftime("%-d %B %Y") if precision == "day" else moment.strftime("%B %Y")
            name = f"{place.name} {noun} of {when}"
            killed = None if rng.random() < 0.2 else int(rng.paretovariate(1.3)) - 1
            injured = None if rng.random() < 0.25 else int(rng.paretovariate(1.1)) - 1
            incident = self.add(
                Incident,
                name,
                date=moment.date(),
                date_precision=precision,
                place=place,
                incident_type=incident_type,
                killed=killed,
                injured=injured,
                summary=self.incident_summary(noun, place, killed, injured),
            )
            if incident:
                self.incidents.append(incident)
        self.incidents.sort(key=lambda incident: incident.values["date"])
        self.incident_dates = [incident.values["date"] for incident in self.incidents]

    @staticmethod
    def incident_summary(noun, place, killed, injured):
        casualties = []
        if killed is not None:
            casualties.append(f"{killed} killed")
        if injured is not None:
            casualties.append(f"{injured} injured")
        told = ", ".join(casualties) if casualties else "casualties unknown"
        return f"A {noun} in {place.name} ({told})."

    def random_moment(self):
        """A time between the start and the end, denser since the full-scale invasion."""
        span_start = FULL_SCALE_WAR if self.rng.random() < 0.75 and self.end > FULL_SCALE_WAR else START
        seconds = (self.end - span_start).total_seconds()
        return span_start + datetime.timedelta(seconds=int(self.rng.random() * seconds))

    # ------------------------------------------------------------ articles

    def pick(self, population, skew, start=0):
        """From population[start:], without copying it: at a million articles there are 250,000 people."""
        return population[start + skewed_index(self.rng, len(population) - start, skew)]

    @cached_property
    def settlements(self):
        """Cities, then towns: made once the places are built, not for every article."""
        return self.cities + self.towns

    def pick_person(self):
        """National figures are on a steady share of stories whatever the archive's size."""
        leaders = len(data.NATIONAL_ROLES)
        if self.rng.random() < 0.3 or len(self.people) <= leaders:
            return self.pick(self.people[:leaders], 2.5)
        return self.pick(self.people, 2.2, start=leaders)

    def article(self, moment):
        rng = self.rng
        linked = []  # in order of first mention

        def link(*entities):
            for entity in entities:
                if entity is not None and entity not in linked:
                    linked.append(entity)

        incident = None
        if self.incidents and rng.random() < 0.45:
            low = bisect.bisect_left(self.incident_dates, (moment - datetime.timedelta(days=10)).date())
            high = bisect.bisect_right(self.incident_dates, moment.date())
            if high > low:
                incident = self.incidents[rng.randrange(low, high)]
        places = []
        if incident:
            places.append(incident.values["place"])
        for _ in range(rng.choice([1, 1, 2])):
            places.append(self.pick(self.settlements, 2.4) if rng.random() < 0.8 else self.pick(self.regions, 1.8))
        countries = []
        if rng.random() < 0.12:
            countries.append(self.countries[0])
        if rng.random() < 0.2:
            countries.append(self.countries[1])
        if rng.random() < 0.08:
            countries.append(self.pick(self.countries[2:], 1.5))
        people = [self.pick_person() for _ in range(rng.choice([0, 1, 1, 2, 3]))]
        organisations = [self.pick(self.organisations, 2.4) for _ in range(rng.choice([0, 0, 1, 1, 2]))]

        paragraphs = []
        headline = self.headline(incident, places, people, organisations, countries)
        standfirst = self.prose_sentence(place=places[0])
        link(*headline[1])
        link(places[0])
        if incident:
            paragraphs.append(self.incident_paragraph(incident))
            link(incident, incident.values["place"])
        for place in places:
            paragraphs.append(f"In {place.mention(rng)}, {self.prose_sentence(lower=True)} {self.filler()}")
            link(place)
        for person in people:
            paragraphs.append(
                f"{person.mention(rng)}, {person.values['role']}, said "
                f"{self.prose_sentence(lower=True)} {self.filler()}"
            )
            link(person, *self.role_links.get(person, []))
        for organisation in organisations:
            name = organisation.mention(rng)
            article = "The " if name.split()[0] in data.ORGANISATIONS_TAKING_THE or name[0].isdigit() else ""
            paragraphs.append(f"{article}{name} {self.prose_sentence(lower=True, subject=False)}")
            link(organisation)
        for country in countries:
            paragraphs.append(f"{country.mention(rng)}'s {self.prose_sentence(lower=True)} {self.filler()}")
            link(country)
        while len(paragraphs) < 7:
            paragraphs.append(f"{self.prose_sentence()} {self.filler()} {self.prose_sentence()}")
        rng.shuffle(paragraphs)
        return headline[0], standfirst, paragraphs, linked

    def headline(self, incident, places, people, organisations, countries):
        rng = self.rng
        place = places[0]
        options = [
            (f"{rng.choice(data.OBJECTS).capitalize()} reported in {place.name}", [place]),
            (f"{place.name} residents count the cost of {rng.choice(data.OBJECTS)}", [place]),
        ]
        if incident:
            killed = incident.values["killed"]
            noun = data.INCIDENT_TYPES[incident.values["incident_type"]][0]
            where = incident.values["place"]
            options = [
                (f"{noun.capitalize()} hits {where.name}, officials say", [where]),
                (f"{where.name} counts the cost after {noun}", [where]),
                (f"Officials investigate {noun} in {where.name}", [where]),
                (f"What we know about the {noun} in {where.name}", [where]),
            ]
            if killed:
                options.append((f"{killed} killed in {noun} on {where.name}", [where]))
        elif people and rng.random() < 0.5:
            options = [(f"{people[0].name} warns of {rng.choice(data.OBJECTS)}", [people[0]])]
        elif organisations and rng.random() < 0.4:
            options = [(f"{organisations[0].name} reports {rng.choice(data.OBJECTS)}", [organisations[0]])]
        elif countries and rng.random() < 0.3:
            options = [(f"{countries[0].name} braces for {rng.choice(data.OBJECTS)}", [countries[0]])]
        return rng.choice(options)

    def incident_paragraph(self, incident):
        rng = self.rng
        killed, injured = incident.values["killed"], incident.values["injured"]
        if killed is None and injured is None:
            toll = "The number of casualties from the {name} was not yet known, {subject} said."
        elif killed == 0 and injured == 0:
            toll = "No casualties were reported from the {name}, {subject} said."
        elif killed is None:
            toll = "The {name} injured at least {injured} people, {subject} said, and the death toll was unclear."
        else:
            toll = "The {name} killed {killed} people and injured {injured}, {subject} said."
        return (
            toll.format(
                name=incident.name,
                killed=killed,
                injured=injured if injured is not None else "an unknown number",
                subject=rng.choice(data.SUBJECTS),
            )
            + " "
            + self.filler()
        )

    def prose_sentence(self, lower=False, subject=True, place=None):
        rng = self.rng
        parts = []
        if subject:
            parts.append(rng.choice(data.SUBJECTS))
        parts.append(rng.choice(data.VERBS))
        parts.append(rng.choice(data.OBJECTS))
        if place is not None:
            parts.append(f"in {place.name}")
        parts.append(rng.choice(data.TIMES))
        sentence = " ".join(parts)
        if rng.random() < 0.6:
            sentence += ", " + rng.choice(data.CLAUSES)
        sentence += "."
        return sentence if lower else sentence[0].upper() + sentence[1:]

    def filler(self):
        return self.rng.choice(data.FILLER_SENTENCES)


def generate(*, articles, seed=1, end_date=None, progress=None, index_progress=None):
    """Fill an empty archive with `articles` generated articles and their entities.

    `progress(n)` hears of each batch of articles written, then `index_progress(n)` of
    each batch indexed for search.
    """
    if Article.objects.exists() or any(kind.model.objects.exists() for kind in ENTITY_KINDS.values()):
        raise ArchiveNotEmpty("generate_demo fills an empty archive, and this one already has content.")
    end_date = end_date or timezone.localdate()
    end = datetime.datetime.combine(end_date, datetime.time(), tzinfo=datetime.UTC)
    demo = DemoArchive(articles, seed, end)
    demo.build_places()
    demo.build_organisations()
    demo.build_people()
    demo.build_incidents()
    with transaction.atomic():
        write_entities(demo)
        ArchiveState.touch(entities=True)
    # A transaction per batch keeps the write-ahead log small on a million articles.
    slugs = set()
    moments = sorted(demo.random_moment() for _ in range(articles))
    for start in range(0, articles, BATCH_SIZE):
        with transaction.atomic(), search_index.deferred(connection):
            write_articles(demo, moments[start : start + BATCH_SIZE], slugs)
        if progress:
            progress(len(moments[start : start + BATCH_SIZE]))
    # Indexed once, at the end: batch by batch, SQLite's index slowed from 650 to 330 articles
    # a second by 140,000 articles, merging ever larger segments; built whole, it stays fast.
    search_index.rebuild(connection, progress=index_progress)
    ArchiveState.touch()
    return demo


def write_entities(demo):
    layers = [
        demo.countries,
        demo.regions,
        demo.cities,
        demo.towns,
        demo.organisations,
        demo.people,
        demo.incidents,
    ]
    slugs = {model: set() for model in demo.used_keys}
    for drafts in filter(None, layers):
        rows = []
        for draft in drafts:
            values = {name: (value.pk if isinstance(value, Draft) else value) for name, value in draft.values.items()}
            values = {(f"{name}_id" if name in {"parent", "place"} else name): value for name, value in values.items()}
            slug = base = slug_base(draft.name, 190) or draft.model._meta.model_name
            for number in itertools.count(2):
                if slug not in slugs[draft.model]:
                    break
                slug = f"{base}-{number}"
            slugs[draft.model].add(slug)
            row = draft.model(name=draft.name, slug=slug, **values)
            row.set_keys()
            rows.append(row)
        for batch_start in range(0, len(rows), BATCH_SIZE):
            created = drafts[0].model.objects.bulk_create(rows[batch_start : batch_start + BATCH_SIZE])
            for draft, row in zip(drafts[batch_start : batch_start + BATCH_SIZE], created, strict=True):
                draft.pk = row.pk
        content_type = ContentType.objects.get_for_model(drafts[0].model)
        Alias.objects.bulk_create(
            (
                Alias(content_type=content_type, object_id=draft.pk, name=alias, key=name_key(alias))
                for draft in drafts
                for alias in draft.aliases
            ),
            batch_size=BATCH_SIZE,
        )
        NameKey.add(drafts[0].model, {draft.pk: [draft.name, *draft.aliases] for draft in drafts})


def write_articles(demo, moments, slugs):
    rng = demo.rng
    publications = [name for name, _ in data.PUBLICATIONS]
    publication_weights = [weight for _, weight in data.PUBLICATIONS]
    rows, links, sources = [], [], []
    withdrawal, corrected = {}, {}  # by position in rows: (when, the note readers see)
    for moment in moments:
        headline, standfirst, paragraphs, linked = demo.article(moment)
        slug = base = slug_base(headline, 100)
        for number in itertools.count(2):
            if slug not in slugs:
                break
            slug = f"{base}-{number}"
        slugs.add(slug)
        status, published_at = "published", moment
        roll = rng.random()
        if roll < 0.015:
            status, published_at = "draft", None
        elif roll < 0.025:
            status, published_at = "review", None
        elif roll < 0.03:
            status = "withdrawn"
            withdrawal[len(rows)] = (
                min(moment + datetime.timedelta(hours=rng.randint(2, 24 * 10)), demo.end),
                rng.choice(data.WITHDRAWAL_NOTES),
            )
        elif roll < 0.045:
            corrected[len(rows)] = (
                min(moment + datetime.timedelta(hours=rng.randint(1, 24 * 3)), demo.end),
                rng.choice(data.CORRECTIONS),
            )
        elif roll < 0.035:
            published_at = demo.end + datetime.timedelta(hours=rng.randint(1, 24 * 14))
        dateline = next((p.name.upper() for p in linked if p.model is Place and p.values["kind"] == "city"), "")
        rows.append(
            Article(
                headline=headline,
                slug=slug,
                standfirst=standfirst,
                body="\n\n".join(paragraphs),
                search_forms=search_forms_of_text(headline, standfirst, "\n\n".join(paragraphs)),
                byline=f"{rng.choice(data.REPORTER_FIRST)} {rng.choice(data.REPORTER_LAST)}",
                publication=rng.choices(publications, publication_weights)[0],
                dateline=dateline,
                status=status,
                published_at=published_at,
                first_published_at=published_at if status in {"published", "withdrawn"} else None,
                withdrawn_at=withdrawal[len(rows)][0] if len(rows) in withdrawal else None,
                withdrawal_note=withdrawal[len(rows)][1] if len(rows) in withdrawal else "",
                created_at=moment,
                updated_at=max(moment, withdrawal.get(len(rows), corrected.get(len(rows), (moment,)))[0]),
            )
        )
        links.append(linked)
        sources.append(
            [
                (publisher, f"https://www.{publisher}/world/{moment:%Y/%m/%d}/{slug}/")
                for publisher in rng.sample(data.SOURCE_PUBLISHERS, rng.choice([0, 1, 1, 2, 3]))
            ]
        )
    created = Article.objects.bulk_create(rows)
    link_rows = {kind.model: [] for kind in ENTITY_KINDS.values()}
    source_rows = []
    for article, linked, article_sources in zip(created, links, sources, strict=True):
        for draft in linked:
            link_rows[draft.model].append(
                draft.model.entity_kind.link_model(
                    content_object=article, tag_id=draft.pk, published_at=article.link_published_at
                )
            )
        for position, (publisher, url) in enumerate(article_sources, start=1):
            title = f"{data.SOURCE_TITLES[position % len(data.SOURCE_TITLES)]}: {article.headline}"
            source_rows.append(
                SourceLink(article=article, position=position, title=title, url=url, publisher=publisher)
            )
    for model, rows_of_kind in link_rows.items():
        model.entity_kind.link_model.objects.bulk_create(rows_of_kind, batch_size=BATCH_SIZE)
    SourceLink.objects.bulk_create(source_rows, batch_size=BATCH_SIZE)
    Correction.objects.bulk_create(
        Correction(article=created[position], published_at=when, text=text)
        for position, (when, text) in corrected.items()
    )

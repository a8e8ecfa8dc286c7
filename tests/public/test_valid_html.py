"""Every public page type passes the W3C Nu Html Checker with no error, on a generated archive
with what the generator does not write: times with microseconds, corrections, a withdrawn
article, hostile filters and a name with a direction override."""

import datetime
import json
import os
import shutil
import subprocess

import pytest
from django.conf import settings
from django.utils import timezone

from archive.models import Article, Correction, Incident, Organisation, Person, Place
from archive.search.suggestions import refresh_vocabulary
from archive.tools.demo.generator import generate
from tests.conftest import needs
from tests.helpers.builders import make_article, make_person, make_withdrawn

pytestmark = pytest.mark.django_db

VNU_JAR = os.environ.get("VNU_JAR") or str(
    settings.BASE_DIR / "var" / "tools" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
)


@pytest.fixture
def archive():
    generate(articles=120, seed=3, end_date=datetime.date(2026, 11, 24))
    refresh_vocabulary()
    moment = timezone.now().replace(microsecond=654321) - datetime.timedelta(days=1)
    person = make_person("Olena \u202eKovalenko")
    article = make_article(headline="Saved with microseconds", published_at=moment, people=[person])
    Correction.objects.create(article=article, text="The date was wrong.", published_at=moment)
    withdrawn = make_withdrawn(headline="Taken down", withdrawal_note="The source retracted it.")
    return article, withdrawn


def pages(article, withdrawn):
    latest = Article.objects.published().order_by("-published_at").first().published_at
    year, month, day = latest.year, latest.month, latest.day
    return {
        "home": "/",
        "home, page 2": "/?page=2",
        "article": article.get_absolute_url(),
        "withdrawn article": withdrawn.get_absolute_url(),
        "person": Person.objects.public().first().get_absolute_url(),
        "person, a month of coverage": Person.objects.public().first().get_absolute_url()
        + f"?from={year}-{month:02d}-01&to={year}-{month:02d}-28",
        "place": Place.objects.public().first().get_absolute_url(),
        "organisation": Organisation.objects.public().first().get_absolute_url(),
        "incident": Incident.objects.public().first().get_absolute_url(),
        "people": "/people/",
        "people, a letter": "/people/?letter=k",
        "places": "/places/",
        "organisations": "/organisations/",
        "incidents": "/incidents/",
        "incidents, a bad filter": "/incidents/?type=zz%07z&year=abc",
        "archive": "/archive/",
        "year": f"/archive/{year}/",
        "month": f"/archive/{year}/{month}/",
        "day": f"/archive/{year}/{month}/{day}/",
        "search form": "/search/",
        "search": "/search/?q=kyiv",
        "search, a name": "/search/?q=Kovalenko",
        "search, nothing found": "/search/?q=zzqxv",
        "search, filtered": "/search/?q=said&year=2026&order=oldest",
        "corrections": "/corrections/",
        "not found": "/no-such-page/",
    }


def test_every_public_page_type_passes_the_nu_html_checker(client, archive, tmp_path):
    needs("The Nu Html Checker", os.path.exists(VNU_JAR) and shutil.which("java"), "make validators")
    files = {}
    for name, url in pages(*archive).items():
        response = client.get(url)
        assert response.status_code in (200, 404, 410), (name, response.status_code)
        path = tmp_path / f"{len(files):02d}.html"
        path.write_bytes(response.content)
        files[f"file:{path}"] = f"{name} ({url})"

    checked = subprocess.run(
        ["java", "-jar", VNU_JAR, "--errors-only", "--format", "json", *(uri[len("file:") :] for uri in files)],
        capture_output=True,
        text=True,
        timeout=300,
    )

    messages = json.loads(checked.stderr or checked.stdout or '{"messages": []}')["messages"]
    errors = [f"{files.get(m.get('url'), m.get('url'))}: {m.get('message')}" for m in messages]
    assert errors == []

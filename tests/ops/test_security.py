"""Security headers, cookie flags and the Content-Security-Policy on real responses; login lockouts."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.db.models import F
from django.test import override_settings
from django.urls import reverse

from tests.helpers.builders import make_article
from tests.helpers.processes import PRODUCTION, security_settings

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"
EXPECTED_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'none'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}


def policy(response):
    directives = [part.strip() for part in response["Content-Security-Policy"].split(";") if part.strip()]
    return dict(directive.split(" ", 1) for directive in directives)


@pytest.fixture(scope="module")
def production():
    """config.settings' security values with DJANGO_DEBUG off, as a fresh process computes them."""
    values = security_settings(**PRODUCTION)
    values["SECURE_PROXY_SSL_HEADER"] = values["SECURE_PROXY_SSL_HEADER"] and tuple(values["SECURE_PROXY_SSL_HEADER"])
    del values["TRUSTED_PROXY_COUNT"]
    return values


@pytest.fixture
def production_client(client, production):
    with override_settings(**production):
        yield client


# ---------------------------------------------------------------- headers and cookies


def test_plain_http_is_redirected_to_https_in_production(production_client):
    response = production_client.get("/search/?q=kyiv")

    assert response.status_code == 301
    assert response["Location"] == "https://testserver/search/?q=kyiv"


def assert_security_headers(response):
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert policy(response) == EXPECTED_POLICY


def test_a_public_page_carries_the_security_headers_and_the_policy(production_client):
    article = make_article(headline="Talks resume in Geneva")

    response = production_client.get(article.get_absolute_url(), secure=True)

    assert response.status_code == 200
    assert_security_headers(response)


def test_the_admin_login_sets_secure_http_only_cookies(production_client, editor):
    form = production_client.get(reverse("admin:login"), secure=True)

    assert form.status_code == 200
    assert_security_headers(form)
    csrf = form.cookies["csrftoken"]
    assert csrf["secure"] is True
    assert csrf["samesite"] == "Lax"

    response = production_client.post(
        reverse("admin:login"),
        {"username": "editor", "password": PASSWORD, "next": reverse("admin:index")},
        secure=True,
    )

    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["secure"] is True
    assert session["httponly"] is True
    assert session["samesite"] == "Lax"
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert response["X-Frame-Options"] == "DENY"


def test_a_forged_forwarded_proto_does_not_pass_for_https_without_a_proxy(production_client):
    response = production_client.get("/", HTTP_X_FORWARDED_PROTO="https")

    assert response.status_code == 301


def test_behind_a_proxy_its_forwarded_proto_counts_as_https(client, production):
    with override_settings(**{**production, "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https")}):
        response = client.get("/", HTTP_X_FORWARDED_PROTO="https")

    assert response.status_code == 200
    assert response["Strict-Transport-Security"].startswith("max-age=")


# ---------------------------------------------------------------- login lockouts

EDITOR_ADDRESS = "203.0.113.5"
OTHER_ADDRESS = "198.51.100.7"


@pytest.fixture
def second_editor(django_user_model):
    return django_user_model.objects.create_user("second", password=PASSWORD, is_staff=True)


def log_in(client, username, password=PASSWORD, **headers):
    headers.setdefault("REMOTE_ADDR", EDITOR_ADDRESS)
    return client.post(
        reverse("admin:login"), {"username": username, "password": password, "next": "/admin/"}, **headers
    )


def fail_logins(client, username, times, **headers):
    return [log_in(client, username, "wrong-password", **headers).status_code for _ in range(times)]


def logged_in(response):
    return response.status_code == 302 and response["Location"] == "/admin/"


def test_five_failed_logins_lock_that_username_from_that_address(client, editor, django_assert_max_num_queries):
    # Four failures: the login form again, with its error.
    assert fail_logins(client, "editor", 4) == [200] * 4

    fifth = log_in(client, "editor", "wrong-password")

    assert fifth.status_code == 429
    assert fifth["Retry-After"] == "900"
    page = fifth.content.decode()
    assert "Too many failed logins" in page
    assert "Try again in 15 minutes" in page
    # Even the right password is refused now, in a few queries however many tries there were.
    fail_logins(client, "editor", 20)
    with django_assert_max_num_queries(8):
        assert log_in(client, "editor").status_code == 429


def test_a_lockout_leaves_other_editors_and_other_addresses_alone(client, editor, second_editor):
    fail_logins(client, "editor", 5)

    assert logged_in(log_in(client, "second"))
    client.logout()
    assert logged_in(log_in(client, "editor", REMOTE_ADDR=OTHER_ADDRESS))


def test_the_lock_expires_after_fifteen_minutes(client, editor):
    fail_logins(client, "editor", 5)

    AccessAttempt.objects.update(attempt_time=F("attempt_time") - datetime.timedelta(minutes=14))
    assert log_in(client, "editor").status_code == 429
    # That refused try started the cool-off again: move past all of it.
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - datetime.timedelta(minutes=15, seconds=1))

    assert logged_in(log_in(client, "editor"))


def test_a_success_before_the_limit_clears_the_failures(client, editor):
    fail_logins(client, "editor", 4)
    assert logged_in(log_in(client, "editor"))
    client.logout()

    assert fail_logins(client, "editor", 4) == [200] * 4


@override_settings(AXES_FAILURE_LIMIT=2)
def test_the_failure_limit_is_configurable(client, editor):
    assert fail_logins(client, "editor", 2) == [200, 429]


def test_without_a_proxy_a_forged_forwarded_for_does_not_dodge_the_lock(client, editor):
    for number in range(5):
        log_in(client, "editor", "wrong-password", HTTP_X_FORWARDED_FOR=f"192.0.2.{number}")

    assert log_in(client, "editor", HTTP_X_FORWARDED_FOR="192.0.2.99").status_code == 429


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_a_proxy_the_lock_follows_the_address_the_proxy_saw(client, editor):
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    # What the client wrote itself comes first; the proxy appends what it saw.
    fail_logins(client, "editor", 5, HTTP_X_FORWARDED_FOR=f"192.0.2.1, {EDITOR_ADDRESS}", **proxy)

    assert log_in(client, "editor", HTTP_X_FORWARDED_FOR=f"192.0.2.2, {EDITOR_ADDRESS}", **proxy).status_code == 429
    assert logged_in(log_in(client, "editor", HTTP_X_FORWARDED_FOR=OTHER_ADDRESS, **proxy))

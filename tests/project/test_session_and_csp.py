"""Session idle timeout (sliding) and the Content-Security-Policy header."""

import re

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def signed_in_client(username: str) -> Client:
    client = Client()
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def on_dashboard(client: Client) -> bool:
    response = client.get(reverse("dashboard"))
    if response.status_code == 302:
        assert response.url.startswith(reverse("login"))
        return False
    assert response.status_code == 200
    return True


def test_session_ends_after_thirty_idle_minutes(warehouse_user, time_machine):
    time_machine.move_to("2026-05-04 09:00:00+00:00", tick=False)
    client = signed_in_client("warehouse")
    time_machine.shift(30 * 60 + 1)
    assert not on_dashboard(client)


def test_activity_slides_the_session_timeout(warehouse_user, time_machine):
    time_machine.move_to("2026-05-04 09:00:00+00:00", tick=False)
    client = signed_in_client("warehouse")
    for _ in range(4):  # two hours of work, a request every 29 minutes
        time_machine.shift(29 * 60)
        assert on_dashboard(client)
    time_machine.shift(31 * 60)
    assert not on_dashboard(client)


def test_idle_minutes_come_from_the_setting(warehouse_user, settings, time_machine):
    settings.SESSION_COOKIE_AGE = 5 * 60
    time_machine.move_to("2026-05-04 09:00:00+00:00", tick=False)
    client = signed_in_client("warehouse")
    time_machine.shift(4 * 60)
    assert on_dashboard(client)
    time_machine.shift(5 * 60 + 1)
    assert not on_dashboard(client)


def test_an_active_session_is_written_at_most_once_a_minute(warehouse_user, time_machine):
    time_machine.move_to("2026-05-04 09:00:00+00:00", tick=False)
    client = signed_in_client("warehouse")  # the login starts the refresh clock

    def stored_expiry():
        return Session.objects.get(session_key=client.session.session_key).expire_date

    expiry = stored_expiry()
    time_machine.shift(59)
    client.get(reverse("dashboard"))
    assert stored_expiry() == expiry
    time_machine.shift(1)
    client.get(reverse("dashboard"))
    assert (stored_expiry() - expiry).total_seconds() == 60


def test_anonymous_visits_create_no_session(db):
    client = Client()
    client.get(reverse("login"))
    assert not client.cookies.get("sessionid")


@pytest.mark.parametrize(
    "url", ["/login/", "/", "/api/v1/lots/", "/api/docs/", "/admin/", "/no-such-page/"]
)
def test_every_response_carries_the_content_security_policy(warehouse_user, url):
    client = Client()
    client.force_login(warehouse_user)
    policy = client.get(url)["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"


def test_the_api_docs_page_has_no_inline_script(warehouse_user):
    client = Client()
    client.force_login(warehouse_user)
    html = client.get("/api/docs/").text
    scripts = re.findall(r"<script([^>]*)>", html)
    assert scripts and all("src=" in attributes for attributes in scripts)
    start_up = re.findall(r'<script src="([^"]*\?script=?)"', html)
    assert start_up, scripts
    response = client.get(start_up[0].replace("&amp;", "&"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in response.text

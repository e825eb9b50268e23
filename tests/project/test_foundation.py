import subprocess
import sys

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse

from project.roles import ROLES
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_the_four_roles_exist_with_permissions():
    groups = {g.name: g.permissions.count() for g in Group.objects.filter(name__in=ROLES)}
    assert set(groups) == {
        "Warehouse staff",
        "Environmental auditor",
        "Administrator",
        "Facility operator",
        "Right holder",
    }
    assert all(count > 0 for count in groups.values())


def test_warehouse_staff_cannot_approve_orders_but_administrator_can(warehouse_user, admin_user):
    assert not warehouse_user.has_perm("destruction.approve_order")
    assert warehouse_user.has_perm("seizures.move_lot")
    assert admin_user.has_perm("destruction.approve_order")


def test_pages_need_a_login(client):
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_dashboard_shows_the_users_role(client, auditor_user):
    client.force_login(auditor_user)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    assert "Environmental auditor" in response.text


def test_token_endpoint_answers_a_token_that_authenticates(api, warehouse_user):
    response = api().post(
        "/api/v1/auth/token/", {"username": "warehouse", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200
    token = response.json()["token"]
    client = api()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/schema/").status_code == 200


def test_token_endpoint_rejects_bad_credentials_with_field_errors(api, warehouse_user):
    response = api().post("/api/v1/auth/token/", {"username": "warehouse"}, format="json")
    assert response.status_code == 400
    assert "password" in response.json()["errors"]


def test_api_without_credentials_answers_401_in_the_error_shape(api):
    response = api().get("/api/schema/?format=json")
    assert response.status_code == 401
    assert response.json() == {
        "detail": "Authentication credentials were not provided.",
        "errors": {},
    }


def test_api_docs_are_served_without_a_cdn(client, warehouse_user):
    client.force_login(warehouse_user)
    html = client.get("/api/docs/").text
    assert "swagger-ui" in html
    assert "cdn." not in html and "unpkg" not in html


def test_seed_demo_creates_the_four_logins(monkeypatch, capsys, client, settings):
    settings.DEBUG = True
    monkeypatch.setenv("DEMO_PASSWORD", "demo-pass-123")
    call_command("seed_demo")
    out = capsys.readouterr().out
    for username in ("warehouse", "auditor", "admin", "rightholder"):
        assert username in out
        response = client.post(
            reverse("login"), {"username": username, "password": "demo-pass-123"}
        )
        assert response.status_code == 302
        assert response.url == reverse("dashboard")


def test_seed_demo_refuses_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(Exception, match="--force"):
        call_command("seed_demo")


def run_check(env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env={"PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_debug_off_without_secret_key_refuses_to_start():
    result = run_check({"DJANGO_DEBUG": "0"})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_check_deploy_is_clean_with_production_settings():
    result = run_check(
        {
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "x" * 60 + "production-like-secret-key-value",
            "DJANGO_ALLOWED_HOSTS": "tracker.customs.example",
        }
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout

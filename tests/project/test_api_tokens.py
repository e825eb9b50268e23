"""API tokens: named, stored as digests, lapse after idle hours, revoked by DELETE and by a
password change."""

import hashlib

import pytest
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from project.models import ApiToken
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"
PROBE_URL = "/api/v1/lots/"


def issue(username="warehouse", password=PASSWORD, **extra) -> str:
    response = APIClient().post(
        TOKEN_URL, {"username": username, "password": password, **extra}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert set(response.json()) == {"token"}
    return response.json()["token"]


def with_token(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_a_token_is_stored_only_as_its_digest(warehouse_user):
    key = issue()
    token = ApiToken.objects.get()
    assert token.user == warehouse_user and token.name == "default"
    assert token.key_digest == hashlib.sha256(key.encode()).hexdigest()
    assert key not in {token.key_digest, token.password_digest}
    assert with_token(key).get(PROBE_URL).status_code == 200


def test_a_user_holds_several_named_tokens(warehouse_user):
    integration = issue(name="integration")
    person = issue(name="laptop")
    assert sorted(ApiToken.objects.values_list("name", flat=True)) == ["integration", "laptop"]
    assert with_token(integration).get(PROBE_URL).status_code == 200
    assert with_token(person).get(PROBE_URL).status_code == 200


def test_a_new_token_of_the_same_name_replaces_the_old_one(warehouse_user):
    old = issue(name="integration")
    new = issue(name="integration")
    assert ApiToken.objects.count() == 1
    assert with_token(old).get(PROBE_URL).status_code == 401
    assert with_token(new).get(PROBE_URL).status_code == 200


def test_token_name_is_limited(warehouse_user):
    response = APIClient().post(
        TOKEN_URL,
        {"username": "warehouse", "password": PASSWORD, "name": "x" * 101},
        format="json",
    )
    assert response.status_code == 400
    assert "name" in response.json()["errors"]
    assert not ApiToken.objects.exists()


def test_delete_revokes_the_token_sent(warehouse_user):
    revoked = issue(name="laptop")
    kept = issue(name="integration")
    client = with_token(revoked)
    assert client.delete(TOKEN_URL).status_code == 204
    response = client.get(PROBE_URL)
    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid token.", "errors": {}}
    assert list(ApiToken.objects.values_list("name", flat=True)) == ["integration"]
    assert with_token(kept).get(PROBE_URL).status_code == 200


def test_delete_without_a_token_is_refused(warehouse_user):
    assert APIClient().delete(TOKEN_URL).status_code == 401
    session_client = APIClient()
    session_client.force_login(warehouse_user)
    response = session_client.delete(TOKEN_URL)
    assert response.status_code == 400
    assert "Authorization: Token" in response.json()["detail"]


def test_a_password_change_revokes_every_token_of_the_user(warehouse_user, auditor_user):
    keys = [issue(name="integration"), issue(name="laptop")]
    other = issue(username="auditor")
    warehouse_user.set_password("a-new-long-password")
    warehouse_user.save()
    for key in keys:
        response = with_token(key).get(PROBE_URL)
        assert response.status_code == 401
        assert "password changed" in response.json()["detail"]
    assert with_token(other).get(PROBE_URL).status_code == 200


def test_secret_key_rotation_with_a_fallback_keeps_tokens(warehouse_user, settings):
    key = issue()
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-secret-key-for-this-test-" + "x" * 30
    assert with_token(key).get(PROBE_URL).status_code == 200


def test_an_inactive_user_token_is_refused(warehouse_user):
    key = issue()
    warehouse_user.is_active = False
    warehouse_user.save()
    assert with_token(key).get(PROBE_URL).status_code == 401


def test_a_token_expires_after_eight_idle_hours_and_use_extends_it(warehouse_user, time_machine):
    time_machine.move_to("2026-05-04 08:00:00+00:00", tick=False)
    key = issue()
    time_machine.shift(7 * 3600 + 59 * 60)  # 15:59, idle 7 h 59 min
    assert with_token(key).get(PROBE_URL).status_code == 200
    time_machine.shift(7 * 3600 + 59 * 60)  # 23:58, idle 7 h 59 min since the last use
    assert with_token(key).get(PROBE_URL).status_code == 200
    time_machine.shift(8 * 3600 + 60)  # idle 8 h 1 min
    response = with_token(key).get(PROBE_URL)
    assert response.status_code == 401
    assert response.json()["detail"].startswith("Token expired")


def test_idle_hours_come_from_the_setting(warehouse_user, settings, time_machine):
    settings.API_TOKEN_IDLE_HOURS = 1
    time_machine.move_to("2026-05-04 08:00:00+00:00", tick=False)
    key = issue()
    time_machine.shift(3601)
    assert with_token(key).get(PROBE_URL).status_code == 401


def test_last_used_is_written_at_most_once_a_minute(warehouse_user, time_machine):
    time_machine.move_to("2026-05-04 08:00:00+00:00", tick=False)
    key = issue()
    issued_at = ApiToken.objects.get().last_used
    time_machine.shift(59)
    with_token(key).get(PROBE_URL)
    assert ApiToken.objects.get().last_used == issued_at
    time_machine.shift(1)
    with_token(key).get(PROBE_URL)
    assert (ApiToken.objects.get().last_used - issued_at).total_seconds() == 60


def test_issuing_removes_the_users_expired_tokens(warehouse_user, time_machine):
    time_machine.move_to("2026-05-04 08:00:00+00:00", tick=False)
    issue(name="old")
    time_machine.shift(9 * 3600)
    issue(name="new")
    assert list(ApiToken.objects.values_list("name", flat=True)) == ["new"]


def test_the_schema_describes_the_token_endpoint():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    operations = schema["paths"]["/api/v1/auth/token/"]
    ok = operations["post"]["responses"]["200"]["content"]["application/json"]["schema"]
    component = schema["components"]["schemas"][ok["$ref"].rsplit("/", 1)[1]]
    assert list(component["properties"]) == ["token"]
    request = operations["post"]["requestBody"]["content"]["application/json"]["schema"]
    fields = schema["components"]["schemas"][request["$ref"].rsplit("/", 1)[1]]["properties"]
    assert set(fields) == {"username", "password", "otp_token", "name"}
    assert "204" in operations["delete"]["responses"]
    assert schema["components"]["securitySchemes"]["tokenAuth"]["name"] == "Authorization"

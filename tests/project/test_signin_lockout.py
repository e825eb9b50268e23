"""Sign-in lockout: per username and per address, on the web login, the admin login and the token
endpoint; unlocked by an administrator; X-Forwarded-For counts only behind DJANGO_NUM_PROXIES."""

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from project.client_address import client_address
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LIMIT = 5
TOKEN_URL = "/api/v1/auth/token/"


@pytest.fixture(autouse=True)
def lockout_settings(settings):
    settings.AXES_FAILURE_LIMIT = settings.SIGNIN_FAILURE_LIMIT = LIMIT


def web_sign_in(username, password, address="10.0.0.1", **headers):
    return Client(REMOTE_ADDR=address).post(
        reverse("login"), {"username": username, "password": password}, **headers
    )


def token_sign_in(username, password, address="10.0.0.1", **headers):
    return APIClient(REMOTE_ADDR=address).post(
        TOKEN_URL, {"username": username, "password": password}, format="json", **headers
    )


def signed_in(response) -> bool:
    return response.status_code == 302 and response.url == reverse("dashboard")


def test_web_login_locks_the_user_after_the_limit_even_with_the_right_password(warehouse_user):
    for _ in range(LIMIT - 1):
        response = web_sign_in("warehouse", "wrong")
        assert response.status_code == 200
        assert "correct username and password" in response.text
    locking = web_sign_in("warehouse", "wrong")
    assert locking.status_code == 429
    assert "Sign-in locked after 5 failed attempts" in locking.text
    refused = web_sign_in("warehouse", PASSWORD, address="10.0.0.2")
    assert refused.status_code == 429
    assert "Try again in 15 minutes or ask an administrator" in refused.text
    assert "_auth_user_id" not in refused.wsgi_request.session
    kept = "".join(AccessAttempt.objects.values_list("post_data", flat=True))
    assert "password=********************" in kept
    assert "wrong" not in kept and PASSWORD not in kept


def test_one_address_is_locked_after_failures_for_different_usernames(warehouse_user):
    for n in range(LIMIT):
        web_sign_in(f"guess{n}", "wrong", address="10.0.0.1")
    assert web_sign_in("warehouse", PASSWORD, address="10.0.0.1").status_code == 429
    assert signed_in(web_sign_in("warehouse", PASSWORD, address="10.0.0.2"))


def test_rotating_x_forwarded_for_without_proxies_does_not_escape_the_lockout(
    warehouse_user, settings
):
    assert settings.REST_FRAMEWORK["NUM_PROXIES"] is None
    for n in range(LIMIT):
        web_sign_in(f"guess{n}", "wrong", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"10.0.0.1"}
    response = web_sign_in("warehouse", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.99")
    assert response.status_code == 429


def test_behind_a_proxy_the_forwarded_address_is_the_client(warehouse_user, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    for n in range(LIMIT):
        web_sign_in(f"guess{n}", "wrong", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"198.51.100.7"}
    locked = web_sign_in("warehouse", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert locked.status_code == 429
    # Another client behind the same proxy signs in.
    assert signed_in(web_sign_in("warehouse", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.8"))


@pytest.mark.parametrize(
    ("proxies", "forwarded_for", "expected"),
    [
        (None, "198.51.100.1", "10.0.0.1"),
        (0, "198.51.100.1", "10.0.0.1"),
        (1, None, "10.0.0.1"),
        (1, "198.51.100.1", "198.51.100.1"),
        (1, "203.0.113.9, 198.51.100.1", "198.51.100.1"),
        (2, "203.0.113.9, 198.51.100.1", "203.0.113.9"),
        (3, "203.0.113.9, 198.51.100.1", "203.0.113.9"),
    ],
)
def test_client_address_trusts_only_as_many_forwarded_hops_as_proxies(
    rf, settings, proxies, forwarded_for, expected
):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": proxies}
    headers = {"HTTP_X_FORWARDED_FOR": forwarded_for} if forwarded_for else {}
    assert client_address(rf.get("/", REMOTE_ADDR="10.0.0.1", **headers)) == expected


def test_token_endpoint_locks_with_429_in_the_error_shape(warehouse_user):
    for _ in range(LIMIT - 1):
        response = token_sign_in("warehouse", "wrong")
        assert response.status_code == 400
        assert response.json()["errors"] == {
            "non_field_errors": ["Unable to log in with provided credentials."]
        }
    locking = token_sign_in("warehouse", "wrong")
    assert locking.status_code == 429
    refused = token_sign_in("warehouse", PASSWORD, address="10.0.0.2")
    assert refused.status_code == 429
    assert refused["Retry-After"] == "900"
    assert refused.json()["detail"].startswith("Sign-in locked after 5 failed attempts")
    assert refused.json()["errors"] == {}


def test_token_endpoint_and_web_login_share_the_count(warehouse_user):
    for _ in range(LIMIT):
        token_sign_in("warehouse", "wrong")
    assert web_sign_in("warehouse", PASSWORD, address="10.0.0.2").status_code == 429


def test_rotating_x_forwarded_for_does_not_escape_the_token_rate_limit():
    # The configured rate: 20 a minute per client address.
    statuses = [
        APIClient(REMOTE_ADDR="10.0.0.1")
        .post(TOKEN_URL, {}, format="json", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
        .status_code
        for n in range(21)
    ]
    assert statuses == [400] * 20 + [429]
    other_client = APIClient(REMOTE_ADDR="10.0.0.2").post(TOKEN_URL, {}, format="json")
    assert other_client.status_code == 400


def test_the_admin_signs_in_through_the_login_page(warehouse_user):
    response = Client().get("/admin/login/?next=/admin/seizures/")
    assert response.status_code == 302
    assert response.url == "/login/?next=/admin/seizures/"
    posted = Client().post("/admin/login/", {"username": "warehouse", "password": PASSWORD})
    assert posted.status_code == 302 and posted.url.startswith("/login/")
    assert "_auth_user_id" not in posted.wsgi_request.session
    # Signed in without admin access: refused, not sent round the login page again.
    client = Client()
    client.force_login(warehouse_user)
    assert client.get("/admin/login/?next=/admin/").status_code == 403


def test_cool_off_ends_the_lockout(warehouse_user, time_machine):
    time_machine.move_to("2026-05-04 09:00:00+00:00", tick=False)
    for _ in range(LIMIT):
        web_sign_in("warehouse", "wrong")
    time_machine.shift(14 * 60)
    assert web_sign_in("warehouse", PASSWORD).status_code == 429
    time_machine.shift(2 * 60)
    assert signed_in(web_sign_in("warehouse", PASSWORD))


def test_without_cool_off_only_an_administrator_unlocks(warehouse_user, settings, time_machine):
    settings.SIGNIN_LOCKOUT_MINUTES = 0
    settings.AXES_COOLOFF_TIME = None
    time_machine.move_to("2026-05-04 09:00:00+00:00", tick=False)
    for _ in range(LIMIT):
        web_sign_in("warehouse", "wrong")
    time_machine.shift(24 * 3600)
    refused = web_sign_in("warehouse", PASSWORD)
    assert refused.status_code == 429
    assert "Ask an administrator to unlock it." in refused.text
    call_command("axes_reset_username", "warehouse")
    assert signed_in(web_sign_in("warehouse", PASSWORD, address="10.0.0.2"))


def test_reset_command_unlocks_an_address(warehouse_user):
    for n in range(LIMIT):
        web_sign_in(f"guess{n}", "wrong")
    call_command("axes_reset_ip", "10.0.0.1")
    assert signed_in(web_sign_in("warehouse", PASSWORD))


def test_administrator_unlocks_in_the_admin(warehouse_user, admin_user):
    for _ in range(LIMIT):
        token_sign_in("warehouse", "wrong")
    admin = Client()
    admin.force_login(admin_user)
    changelist = reverse("admin:axes_accessattempt_changelist")
    listing = admin.get(changelist)
    assert listing.status_code == 200 and "warehouse" in listing.text
    response = admin.post(
        changelist,
        {
            "action": "delete_selected",
            "_selected_action": list(AccessAttempt.objects.values_list("pk", flat=True)),
            "post": "yes",
        },
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()
    assert token_sign_in("warehouse", PASSWORD).status_code == 200


def test_warehouse_staff_cannot_unlock(warehouse_user):
    client = Client()
    client.force_login(warehouse_user)
    assert client.get(reverse("admin:axes_accessattempt_changelist")).status_code == 302

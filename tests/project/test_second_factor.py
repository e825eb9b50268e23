"""Second sign-in factor: an authenticator app's code, required of administrators when
REQUIRE_ADMIN_2FA is on and of anyone who has an authenticator set up."""

import re
from base64 import b32decode
from urllib.parse import parse_qs, urlparse

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def required(settings):
    settings.REQUIRE_ADMIN_2FA = True


def code_for(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key):06d}"


def sign_in(username: str, code: str | None = None, client: Client | None = None):
    client = client or Client()
    data = {"username": username, "password": PASSWORD}
    if code is not None:
        data["otp_token"] = code
    return client.post(reverse("login"), data)


def signed_in(response) -> bool:
    return response.status_code == 302 and response.url == reverse("dashboard")


def test_without_the_requirement_an_administrator_needs_no_code(admin_user):
    assert signed_in(sign_in(admin_user.username))


def test_required_an_administrator_without_an_authenticator_is_refused(admin_user, required):
    response = sign_in(admin_user.username)
    assert response.status_code == 200
    assert "none is set up for this account" in response.text


def test_required_an_administrator_signs_in_with_the_code(admin_user, required, time_machine):
    time_machine.move_to("2026-05-04 09:00:00+00:00", tick=False)
    device = TOTPDevice.objects.create(user=admin_user, name="phone", confirmed=True)
    missing = sign_in(admin_user.username)
    assert missing.status_code == 200
    assert "Enter the 6-digit code" in missing.text
    assert 'name="otp_token"' in missing.text
    wrong = sign_in(admin_user.username, code="000000" if code_for(device) != "000000" else "1")
    assert "The code is wrong or has expired." in wrong.text
    time_machine.shift(5)  # after a wrong code the device waits a second before the next try
    client = Client()
    assert signed_in(sign_in(admin_user.username, code=code_for(device), client=client))
    dashboard = client.get(reverse("dashboard"))
    assert dashboard.status_code == 200
    assert dashboard.wsgi_request.user.is_verified()


def test_required_other_roles_sign_in_without_a_code(warehouse_user, required):
    assert signed_in(sign_in("warehouse"))


def test_anyone_with_an_authenticator_gives_its_code(warehouse_user):
    device = TOTPDevice.objects.create(user=warehouse_user, name="phone", confirmed=True)
    response = sign_in("warehouse")
    assert response.status_code == 200 and "Enter the 6-digit code" in response.text
    assert signed_in(sign_in("warehouse", code=code_for(device)))


def test_required_an_unverified_administrator_session_is_signed_out(admin_user, required):
    client = Client()
    client.force_login(admin_user)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_required_the_token_endpoint_asks_administrators_for_the_code(admin_user, required):
    device = TOTPDevice.objects.create(user=admin_user, name="phone", confirmed=True)
    body = {"username": admin_user.username, "password": PASSWORD}
    missing = APIClient().post("/api/v1/auth/token/", body, format="json")
    assert missing.status_code == 400
    assert missing.json()["errors"] == {
        "otp_token": ["Enter the 6-digit code from your authenticator app."]
    }
    issued = APIClient().post(
        "/api/v1/auth/token/", {**body, "otp_token": code_for(device)}, format="json"
    )
    assert issued.status_code == 200 and set(issued.json()) == {"token"}


def test_add_authenticator_prints_the_address_for_the_app(admin_user, capsys, required):
    call_command("add_authenticator", admin_user.username)
    address = capsys.readouterr().out.strip()
    assert re.match(r"^otpauth://totp/Infringing%20Goods%20Tracker", address)
    secret = parse_qs(urlparse(address).query)["secret"][0]
    device = TOTPDevice.objects.get(user=admin_user)
    assert device.confirmed and b32decode(secret) == device.bin_key
    assert signed_in(sign_in(admin_user.username, code=code_for(device)))


def test_a_missing_password_is_a_field_error(admin_user, required):
    response = Client().post(reverse("login"), {"username": admin_user.username})
    assert response.status_code == 200
    assert response.context["form"].errors == {"password": ["This field is required."]}

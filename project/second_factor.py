"""Second sign-in factor (django-otp TOTP): an authenticator app's 6-digit code.

Required of administrators (staff, superusers, the Administrator role) when REQUIRE_ADMIN_2FA is
on, and of anyone who has an authenticator set up. Asked by the login page and the token
endpoint; an administrator's session that was not verified with a code is signed out while the
requirement is on. Authenticators are set up with `manage.py add_authenticator <username>` or
in the admin (TOTP devices).
"""

from django.conf import settings
from django.contrib.auth import logout
from django.core.exceptions import ValidationError
from django_otp import verify_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from project.roles import ADMINISTRATOR

CODE_MISSING = "Enter the 6-digit code from your authenticator app."


def is_administrator(user) -> bool:
    return user.is_staff or user.is_superuser or user.groups.filter(name=ADMINISTRATOR).exists()


def verify_second_factor(user, code: str) -> TOTPDevice | None:
    """The device that accepted the code, or None when the user needs no code; a missing or
    wrong code raises ValidationError on "otp_token"."""
    devices = list(TOTPDevice.objects.devices_for_user(user, confirmed=True))
    if not devices and not (settings.REQUIRE_ADMIN_2FA and is_administrator(user)):
        return None
    if not devices:
        raise ValidationError(
            "Administrators sign in with an authenticator app, and none is set up for this "
            "account: ask an administrator to set one up (manage.py add_authenticator)."
        )
    if not code:
        raise ValidationError({"otp_token": [CODE_MISSING]})
    for device in devices:
        # verify_token applies the device's throttle (growing delays after wrong codes).
        if verify_token(user, device.persistent_id, code):
            return device
    raise ValidationError({"otp_token": ["The code is wrong or has expired."]})


class SecondFactorMiddleware:
    """While REQUIRE_ADMIN_2FA is on, signs out an administrator whose session was not verified
    with a code (e.g. opened before the requirement was switched on). After OTPMiddleware."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            settings.REQUIRE_ADMIN_2FA
            and user.is_authenticated
            and not user.is_verified()
            and is_administrator(user)
        ):
            logout(request)
        return self.get_response(request)

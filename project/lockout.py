"""Sign-in lockout (django-axes): after SIGNIN_FAILURE_LIMIT failed sign-ins for one username
or from one address, further attempts, even with the right password, are refused until the
cool-off ends or an administrator unlocks (admin "Access attempts", `manage.py
axes_reset_username <name>` / `axes_reset_ip <address>`). The login page shows the
refusal as a form error (project.forms), the token endpoint as 429 in the API's error shape."""

from django.conf import settings
from django.http import HttpResponse
from rest_framework import exceptions


def lockout_message() -> str:
    minutes = settings.SIGNIN_LOCKOUT_MINUTES
    wait = f"Try again in {minutes} minutes or ask" if minutes else "Ask"
    return (
        f"Sign-in locked after {settings.AXES_FAILURE_LIMIT} failed attempts for this user or "
        f"from this address. {wait} an administrator to unlock it."
    )


def is_locked_out(request) -> bool:
    """Set on the request by axes when it refused or counted the attempt that locks."""
    return bool(getattr(request, "axes_locked_out", False))


def lockout_response(request, original_response=None, credentials=None) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: keep the login page the view rendered (its form names the
    lockout) with status 429; anything else gets the message as text."""
    if original_response is not None and original_response.status_code == 200:
        original_response.status_code = 429
        return original_response
    return HttpResponse(lockout_message(), status=429, content_type="text/plain; charset=utf-8")


class SignInLocked(exceptions.Throttled):
    """429 from the token endpoint; Retry-After gives the cool-off when there is one."""

    def __init__(self) -> None:
        minutes = settings.SIGNIN_LOCKOUT_MINUTES
        super().__init__(wait=minutes * 60 if minutes else None, detail=lockout_message())

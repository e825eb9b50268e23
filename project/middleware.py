"""Middleware of the project: the sliding session idle timeout and the Content-Security-Policy."""

import time

from django.conf import settings

# A session's expiry moves forward at most this often (seconds), so an active user costs one
# session write a minute rather than one per request; the idle limit is met within a minute.
SESSION_REFRESH_SECONDS = 60
REFRESHED_AT = "refreshed_at"


class SessionIdleTimeoutMiddleware:
    """Signs a user out after SESSION_COOKIE_AGE (SESSION_IDLE_MINUTES) without a request.

    A session expires SESSION_COOKIE_AGE after it was last saved, so saving it on activity
    makes the timeout sliding; the stored time of the last refresh decides when to save.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            if now - request.session.get(REFRESHED_AT, 0) >= SESSION_REFRESH_SECONDS:
                request.session[REFRESHED_AT] = now
        return self.get_response(request)


def stamp_new_session(sender, request, user, **kwargs) -> None:
    """user_logged_in receiver: a login saves the session anyway, so it starts the refresh
    clock and the first request after it writes nothing."""
    request.session[REFRESHED_AT] = int(time.time())


class ContentSecurityPolicyMiddleware:
    """Adds CONTENT_SECURITY_POLICY to every response that does not set its own."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        return response

"""Middleware of the project: the sliding session idle timeout and the Content-Security-Policy."""

import time

from django.conf import settings

# A session's expiry moves forward at most this often (seconds), so an active user costs one
# session write a minute rather than one per request; the idle limit is met within a minute.
SESSION_REFRESH_SECONDS = 60


class SessionIdleTimeoutMiddleware:
    """Signs a user out after SESSION_COOKIE_AGE (SESSION_IDLE_MINUTES) without a request.

    A session expires SESSION_COOKIE_AGE after it was last saved, so saving it on activity
    makes the timeout sliding; the stored time of the last refresh decides when to save.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            session = request.session
            now = int(time.time())
            if now - session.get("refreshed_at", 0) >= SESSION_REFRESH_SECONDS:
                session["refreshed_at"] = now
        return self.get_response(request)


class ContentSecurityPolicyMiddleware:
    """Adds CONTENT_SECURITY_POLICY to every response that does not set its own."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        return response

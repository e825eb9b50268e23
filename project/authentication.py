"""API token authentication: named, expiring, revocable tokens (project.models.ApiToken)."""

from datetime import timedelta

from django.utils import timezone
from django.utils.crypto import constant_time_compare
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from project.models import ApiToken
from project.services import token_digest

# last_used is written at most this often: enough for an idle limit counted in hours, and it
# spares a database write on every request.
LAST_USED_PRECISION = timedelta(minutes=1)


class ExpiringTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <key>`, refused once the token has been idle longer than
    API_TOKEN_IDLE_HOURS, after its user's password changed, or when the user is inactive."""

    model = ApiToken

    def authenticate_credentials(self, key: str):
        token = ApiToken.objects.select_related("user").filter(key_digest=token_digest(key)).first()
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed("Invalid token.")
        now = timezone.now()
        if token.last_used < now - ApiToken.idle_limit():
            raise exceptions.AuthenticationFailed(
                "Token expired: unused for too long. Ask for a new one at /api/v1/auth/token/."
            )
        if not password_unchanged(token):
            raise exceptions.AuthenticationFailed(
                "Token revoked: the password changed. Ask for a new one at /api/v1/auth/token/."
            )
        if now - token.last_used >= LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=token.pk).update(last_used=now)
            token.last_used = now
        return token.user, token


def password_unchanged(token: ApiToken) -> bool:
    """The user's session hash is the one the token was issued with; hashes under
    SECRET_KEY_FALLBACKS count too, as they do for sessions, so rotating the key keeps tokens."""
    user = token.user
    hashes = [user.get_session_auth_hash(), *user.get_session_auth_fallback_hash()]
    return any(constant_time_compare(token.password_digest, value) for value in hashes)

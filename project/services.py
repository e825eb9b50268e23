"""Writes of the project's own records: API tokens."""

import hashlib
import secrets

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from project.models import ApiToken


def token_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def issue_api_token(*, user: AbstractBaseUser, name: str) -> tuple[ApiToken, str]:
    """A new token for the user, returned with its key (stored only as a digest). A token of the
    same name is replaced: asking again is how a client whose token lapsed gets a new one.
    The user's expired tokens are removed on the way, so they do not pile up."""
    key = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic(durable=True):
        user_tokens = ApiToken.objects.filter(user=user)
        user_tokens.idle_since(now - ApiToken.idle_limit()).delete()
        user_tokens.filter(name=name).delete()
        token = ApiToken.objects.create(
            user=user,
            name=name,
            key_digest=token_digest(key),
            password_digest=user.get_session_auth_hash(),
            created=now,
            last_used=now,
        )
    return token, key


def revoke_api_token(*, token: ApiToken) -> None:
    """The token stops working at once."""
    with transaction.atomic(durable=True):
        ApiToken.objects.filter(pk=token.pk).delete()

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone


class ApiTokenQuerySet(models.QuerySet):
    def idle_since(self, moment) -> "ApiTokenQuerySet":
        """Tokens unused since before this moment: expired when it is the idle limit ago."""
        return self.filter(last_used__lt=moment)


class ApiToken(models.Model):
    """A named API token of one user ("integration", "laptop"), sent as `Authorization: Token
    <key>`. Only the key's SHA-256 is stored (the key is shown once, when issued), so a copy of
    the database holds no usable token. A token lapses after API_TOKEN_IDLE_HOURS without use,
    when its user's password changes, and when revoked."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100)
    key_digest = models.CharField(max_length=64, unique=True, editable=False)
    # The user's session hash when issued (Django's HMAC of the password hash): a password
    # change alters it, which ends the token as it ends the user's sessions.
    password_digest = models.CharField(max_length=128, editable=False)
    created = models.DateTimeField(default=timezone.now, editable=False)
    last_used = models.DateTimeField(default=timezone.now, editable=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = "API token"
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="api_token_name_unique_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.name}"

    @staticmethod
    def idle_limit() -> timedelta:
        return timedelta(hours=settings.API_TOKEN_IDLE_HOURS)

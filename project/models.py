"""Project-wide records: named API tokens, the audit trail (one append-only table for every
create, change and delete of business and reference data, and for sign-ins, tokens and downloads,
written by project.audit), notifications, and the fields every stored upload keeps."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.module_loading import import_string


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


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("Audit events are append-only.")

    def delete(self):
        raise PermissionError("Audit events are append-only.")


class AuditEvent(models.Model):
    """Who did what to which record, when and from where, with the values before and after."""

    class Action(models.TextChoices):
        CREATED = "created", "Created"
        CHANGED = "changed", "Changed"
        DELETED = "deleted", "Deleted"
        LOGIN = "login", "Signed in"
        LOGIN_FAILED = "login_failed", "Sign-in failed"
        LOGOUT = "logout", "Signed out"
        TOKEN_ISSUED = "token_issued", "API token issued"
        TOKEN_REVOKED = "token_revoked", "API token revoked"
        DOWNLOADED = "downloaded", "Downloaded"

    occurred_at = models.DateTimeField()
    # No database constraint: the trail outlives the users it names (a deleted user's rows stay,
    # and an update of these rows to clear the reference is exactly what the trail refuses).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_name = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=20, choices=Action.choices)
    # "app_label.model" of the record, e.g. "seizures.seizure"; empty for sign-in events.
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=200, blank=True)
    # {field: [before, after]}: before is null for a creation, after for a deletion.
    changes = models.JSONField(default=dict, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    path = models.CharField(max_length=300, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["occurred_at"]),
            models.Index(fields=["actor", "occurred_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.actor_name} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Audit events are append-only.")


class NotificationKind(models.TextChoices):
    DETENTION_NOTICE = "detention_notice", "Notification of detention"
    DEEMED_CONSENT_REMINDER = "deemed_consent_reminder", "Deemed-consent reminder"
    CERTIFICATE_ISSUED = "certificate_issued", "Certificate issued"
    DEADLINE_DUE = "deadline_due", "Deadline due"
    LONG_STAY = "long_stay", "Lots past the long-stay alarm"
    PERMIT_EXPIRING = "permit_expiring", "Facility permit expiring"
    STATEMENT_OVERDUE = "statement_overdue", "Cost statement overdue"
    REVIEW_WAITING = "review_waiting", "Certificates waiting for review"


class NotificationStatus(models.TextChoices):
    QUEUED = "queued", "Queued for e-mail"
    SENT = "sent", "E-mailed"
    FAILED = "failed", "E-mail failed"
    IN_APP = "in_app", "In the app only"
    LETTER = "letter", "Letter to print and post"


class NotificationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The notifications about records this user may see: through the record-scope hook
        (settings.RECORD_SCOPE_CONDITION), as project cannot import the scoping of seizures.
        Without the hook only superusers see them (need-to-know fails closed)."""
        if not settings.RECORD_SCOPE_CONDITION:
            return self.all() if user.is_superuser else self.none()
        condition = import_string(settings.RECORD_SCOPE_CONDITION)
        return self.filter(condition(user, office="office_id", right_holder="right_holder_id"))


class Notification(models.Model):
    """One message to one recipient: a user (listed in the app, e-mailed if they have an
    address), an outside party's e-mail address, or a letter to print when there is none. The
    dedupe key makes a reminder fire once per recipient whatever runs it again. The office and
    right holder of the record it concerns are kept as plain ids (project sits below the app
    that defines them); none: it concerns every office, seen by national users only."""

    kind = models.CharField(max_length=40, choices=NotificationKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
    )
    addressee = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    link = models.CharField(max_length=300, blank=True, help_text="Path of the record concerned.")
    attachments = models.JSONField(
        default=list, blank=True, help_text="Storage names of files sent with the e-mail."
    )
    dedupe_key = models.CharField(max_length=200, unique=True)
    status = models.CharField(max_length=10, choices=NotificationStatus.choices)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    office_id = models.PositiveIntegerField(
        null=True, blank=True, help_text="Customs office of the record concerned."
    )
    right_holder_id = models.PositiveIntegerField(
        null=True, blank=True, help_text="Right holder of the record concerned."
    )

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "read_at"]),
            models.Index(fields=["status", "office_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} to {self.user or self.email or self.addressee}"


class NotificationOptOut(models.Model):
    """A user who does not want notifications of one kind (in the app or by e-mail)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_opt_outs"
    )
    kind = models.CharField(max_length=40, choices=NotificationKind.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_opt_out_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} opted out of {self.kind}"


class StoredUpload(models.Model):
    """What is kept of an uploaded file besides the file itself (project.uploads): the name it
    came with, the type recognised from its content, its size and SHA-256, who sent it and when.
    Each concrete model declares its `file` with the folder it is stored in."""

    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.original_name

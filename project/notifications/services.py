"""notify(): store one notification per recipient (once per dedupe key) and queue the e-mails
when the caller's transaction commits."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.contrib.auth.models import Group, User
from django.db import transaction
from django.template.backends.django import Template
from django.template.loader import get_template

from project.bulk import append_rows
from project.models import Notification, NotificationKind, NotificationOptOut, NotificationStatus
from project.notifications.tasks import send_notification
from project.users import display_name


@dataclass(frozen=True)
class Recipient:
    """A user, or an outside party by name and e-mail (no e-mail: a letter to print)."""

    user: User | None = None
    name: str = ""
    email: str = ""

    @property
    def key(self) -> str:
        return f"user:{self.user.pk}" if self.user else f"to:{self.email or self.name}"


def users_in(*roles: str) -> list[Recipient]:
    """Every active user of these groups, once each."""
    users = User.objects.filter(is_active=True, groups__in=Group.objects.filter(name__in=roles))
    return [Recipient(user=user) for user in users.distinct().order_by("pk")]


@dataclass(frozen=True)
class Message:
    """One message to several recipients: its template context, dedupe key and link."""

    recipients: Sequence[Recipient]
    context: dict
    dedupe: str
    link: str = ""
    attachments: Sequence[str] = ()
    # The record's office and right holder: who may see the letters (need-to-know).
    office_id: int | None = None
    right_holder_id: int | None = None


def notify(
    kind: NotificationKind,
    recipients: Iterable[Recipient],
    *,
    template: str,
    context: dict,
    dedupe: str,
    link: str = "",
    attachments: Sequence[str] = (),
    office_id: int | None = None,
    right_holder_id: int | None = None,
) -> int:
    """One message of this kind to these recipients (see notify_many)."""
    message = Message(
        list(recipients), context, dedupe, link, tuple(attachments), office_id, right_holder_id
    )
    return notify_many(kind, [message], template=template)


def notify_many(kind: NotificationKind, messages: Sequence[Message], *, template: str) -> int:
    """Render `template` (first line the subject, the rest the body) for each message and
    recipient and store it, unless this (dedupe, recipient) was notified before or the user
    opted out of the kind: a few queries and one insert, however many messages. Answers how
    many were stored. E-mails go out from a background task after the caller's transaction
    commits."""
    planned = [
        (message, recipient, f"{kind}:{message.dedupe}:{recipient.key}"[:200])
        for message in messages
        for recipient in message.recipients
    ]
    done = set(
        Notification.objects.filter(dedupe_key__in=[key for *_, key in planned]).values_list(
            "dedupe_key", flat=True
        )
    )
    users = {recipient.user.pk for _, recipient, _ in planned if recipient.user}
    opted_out = set(
        NotificationOptOut.objects.filter(kind=kind, user__in=users).values_list(
            "user_id", flat=True
        )
    )
    rows = []
    # Loaded once: without the cached loader (DEBUG) each render would read and parse it again.
    loaded = get_template(template)
    for message, recipient, key in planned:
        if key in done or (recipient.user and recipient.user.pk in opted_out):
            continue
        done.add(key)
        rows.append(_notification(kind, message, recipient, key, loaded))
    # Thousands at a CSV intake: appended without building a model instance per row.
    append_rows(Notification, rows)
    _queue_emails([row["dedupe_key"] for row in rows if row["status"] == NotificationStatus.QUEUED])
    return len(rows)


def _queue_emails(dedupe_keys: list[str]) -> None:
    if not dedupe_keys:
        return
    queued = list(
        Notification.objects.filter(dedupe_key__in=dedupe_keys).values_list("pk", flat=True)
    )
    transaction.on_commit(lambda: [send_notification.enqueue(pk) for pk in queued])


def _notification(
    kind: str, message: Message, recipient: Recipient, key: str, template: Template
) -> dict:
    """The row of one notification (see project.bulk.append_rows)."""
    name = display_name(recipient.user) if recipient.user else recipient.name
    subject, _, body = template.render(
        {**message.context, "addressee": name, "recipient": recipient}
    ).partition("\n")
    email = recipient.user.email if recipient.user else recipient.email
    return {
        "kind": kind,
        "user": recipient.user,
        "addressee": name,
        "email": email,
        "subject": subject.strip()[:200],
        "body": body.strip(),
        "link": message.link,
        # Files (lot photos) go to outside parties only; users open the record in the app.
        "attachments": [] if recipient.user else list(message.attachments),
        "dedupe_key": key,
        "status": _status(recipient, email),
        "office_id": message.office_id,
        "right_holder_id": message.right_holder_id,
    }


def _status(recipient: Recipient, email: str) -> str:
    if email:
        return NotificationStatus.QUEUED
    return NotificationStatus.IN_APP if recipient.user else NotificationStatus.LETTER

"""Reminders of the compliance app (settings.REMINDERS): certificates waiting for an auditor's
review, each once, to the environmental auditors who see it (of its office, or national)."""

import datetime

from django.urls import reverse

from destruction.models import Certificate, CertificateStatus
from project.models import NotificationKind
from project.notifications.services import Message, notify_many, users_in
from project.roles import ENVIRONMENTAL_AUDITOR
from seizures.scoping import readers


def reviews_waiting(*, today: datetime.date) -> int:
    waiting = Certificate.objects.filter(
        status=CertificateStatus.VALID, reviews__isnull=True
    ).order_by("pk")
    auditors = readers(waiting, users_in(ENVIRONMENTAL_AUDITOR))
    messages = [
        Message(
            auditors.get(pk, []),
            {"certificate": number},
            dedupe=number,
            link=reverse("reviews:detail", args=[number]),
            office_id=office_id,
        )
        for pk, number, office_id in waiting.values_list("pk", "number", "office_id")
    ]
    return notify_many(
        NotificationKind.REVIEW_WAITING, messages, template="notifications/review_waiting.txt"
    )

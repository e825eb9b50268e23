"""Notices and reminders of the destruction app (settings.REMINDERS, `send_reminders`): a
certificate issued (to the right holders concerned), permits expiring within
PERMIT_EXPIRY_WARNING_DAYS, cost statements overdue."""

import datetime

from django.conf import settings
from django.urls import reverse

from destruction.costs.models import Statement
from destruction.models import Certificate, FacilityPermit
from project.models import NotificationKind
from project.notifications.services import Message, Recipient, notify_many, users_in
from project.roles import ADMINISTRATOR
from seizures.models import RightHolder
from seizures.scoping import readers


def notify_certificate_issued(certificate: Certificate, *, verification_url: str) -> None:
    """The right holders whose goods the certificate covers: its number and where anyone can
    verify it."""
    holders = RightHolder.objects.filter(
        seizures__lots__order_lines__order=certificate.order_id,
        seizures__lots__order_lines__active=True,
    ).distinct()
    # One message per right holder: each letter concerns its addressee's goods only.
    messages = [
        Message(
            [Recipient(name=holder.name, email=holder.email)],
            {"certificate": certificate, "verification_url": verification_url},
            dedupe=certificate.number,
            link=reverse("certificates:detail", args=[certificate.number]),
            office_id=certificate.office_id,
            right_holder_id=holder.pk,
        )
        for holder in holders.order_by("pk")
    ]
    notify_many(
        NotificationKind.CERTIFICATE_ISSUED,
        messages,
        template="notifications/certificate_issued.txt",
    )


def permits_expiring(*, today: datetime.date) -> int:
    """Each permit once, to every administrator: a disposal facility serves every office (it
    has none), so its permit concerns administrators of all offices."""
    horizon = today + datetime.timedelta(days=settings.PERMIT_EXPIRY_WARNING_DAYS)
    permits = FacilityPermit.objects.filter(
        valid_until__gte=today, valid_until__lte=horizon, facility__active=True
    ).select_related("facility")
    admins = users_in(ADMINISTRATOR)
    messages = [
        Message(
            admins,
            {"permit": permit, "days": (permit.valid_until - today).days},
            dedupe=f"{permit.pk}:{permit.valid_until}",
            link=reverse("destruction:facility-detail", args=[permit.facility_id]),
        )
        for permit in permits.order_by("valid_until", "pk")
    ]
    return notify_many(
        NotificationKind.PERMIT_EXPIRING, messages, template="notifications/permit_expiring.txt"
    )


def statements_overdue(*, today: datetime.date) -> int:
    """Each overdue statement once: to the right holder (a letter without e-mail) and the
    administrators who see it (unpaid costs may suspend the application, X-CO-03)."""
    statements = Statement.objects.overdue(today)
    admins = readers(statements, users_in(ADMINISTRATOR))
    messages = [
        Message(
            [
                *admins.get(s.pk, []),
                Recipient(name=s.right_holder.name, email=s.right_holder.email),
            ],
            {"statement": s},
            dedupe=str(s.pk),
            link=reverse("costs:statement-detail", args=[s.pk]),
            # A statement bills across offices: no office, so national users and the right
            # holder see its letter.
            right_holder_id=s.right_holder_id,
        )
        for s in statements.select_related("right_holder").order_by("pk")
    ]
    return notify_many(
        NotificationKind.STATEMENT_OVERDUE,
        messages,
        template="notifications/statement_overdue.txt",
    )

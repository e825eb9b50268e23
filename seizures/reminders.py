"""Reminders of the seizures app, run daily by `manage.py send_reminders` (settings.REMINDERS):
statutory deadlines due within REMINDER_WORKING_DAYS working days, and cases whose lots passed
the long-stay alarm. Each fires once per case (dedupe keys), on working days only."""

import datetime
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from operator import attrgetter

from django.conf import settings
from django.urls import reverse

from project.models import NotificationKind
from project.notifications.services import Message, Recipient, notify, notify_many, users_in
from project.roles import ADMINISTRATOR, WAREHOUSE_STAFF
from seizures.deadlines import add_working_days, is_working_day
from seizures.models import LegalRoute, Lot, LotPhoto, LotStatus, Seizure
from seizures.querysets import long_stay_query
from seizures.scoping import readers
from seizures.services.reference import holiday_dates

OPEN_STATUSES = (LotStatus.IN_STORAGE, LotStatus.ON_HOLD)


def deadlines_due(*, today: datetime.date) -> int:
    """Cases with goods in storage whose deadline falls within the next N working days: the
    warehouse staff, the right holder (confirm and agree before it) and, where the declarant
    has neither agreed nor objected, a deemed-consent reminder letter to the declarant."""
    holidays = holiday_dates()
    if not is_working_day(today, holidays):
        return 0
    horizon = add_working_days(today, settings.REMINDER_WORKING_DAYS, holidays)
    cases = (
        Seizure.objects.filter(
            deadline__gte=today,
            deadline__lte=horizon,
            pk__in=Lot.objects.filter(status__in=OPEN_STATUSES).values("seizure_id"),
        )
        .select_related("right_holder")
        .order_by("deadline", "pk")
    )
    staff = readers(cases, users_in(WAREHOUSE_STAFF))
    sent = 0
    for seizure in cases:
        context = {"seizure": seizure}
        dedupe = f"{seizure.pk}:{seizure.deadline}"
        link = reverse("seizures:seizure-detail", args=[seizure.pk])
        case = {"office_id": seizure.office_id, "right_holder_id": seizure.right_holder_id}
        recipients = list(staff.get(seizure.pk, []))
        holder = seizure.right_holder
        if holder and seizure.right_holder_agreement_on is None:
            recipients.append(Recipient(name=holder.name, email=holder.email))
        sent += notify(
            NotificationKind.DEADLINE_DUE,
            recipients,
            template="notifications/deadline_due.txt",
            context=context,
            dedupe=dedupe,
            link=link,
            **case,
        )
        if seizure.declarant_name and not (
            seizure.declarant_agreement_on or seizure.declarant_objected
        ):
            sent += notify(
                NotificationKind.DEEMED_CONSENT_REMINDER,
                [Recipient(name=seizure.declarant_name)],
                template="notifications/deemed_consent_reminder.txt",
                context=context,
                dedupe=dedupe,
                link=link,
                **case,
            )
    return sent


def long_stay(*, today: datetime.date) -> int:
    """Cases with lots past the long-stay alarm: once per case, to the warehouse staff and
    administrators who see the case."""
    if not is_working_day(today, holiday_dates()):
        return 0
    lots = Lot.objects.filter(long_stay_query()).values_list("seizure_id", "reference")
    by_case: dict[int, list[str]] = {}
    for seizure_id, reference in lots.order_by("seizure_id", "reference"):
        by_case.setdefault(seizure_id, []).append(reference)
    cases = Seizure.objects.filter(pk__in=by_case)
    recipients = readers(cases, users_in(WAREHOUSE_STAFF, ADMINISTRATOR))
    rows = cases.values_list("pk", "reference", "office_id")
    cases_by_pk = {pk: (reference, office_id) for pk, reference, office_id in rows}
    return sum(
        notify(
            NotificationKind.LONG_STAY,
            recipients.get(pk, []),
            template="notifications/long_stay.txt",
            context={
                "seizure": cases_by_pk[pk][0],
                "lots": refs,
                "days": settings.LONG_STAY_ALARM_DAYS,
            },
            dedupe=str(pk),
            link=reverse("seizures:seizure-detail", args=[pk]),
            office_id=cases_by_pk[pk][1],
        )
        for pk, refs in by_case.items()
    )


def notify_detentions(seizures: Sequence[Seizure]) -> None:
    """The notification of detention (Art. 17) of each new case: to the right holder by
    e-mail (a letter when no address is known) and a letter to the declarant, with the lots'
    photos taken at intake; in the small consignments procedure to the declarant alone. In
    bulk, so a CSV intake of thousands of cases costs a few queries: `seizures` as just saved,
    with their office and right holder (not read again)."""
    cases = sorted(seizures, key=attrgetter("pk"))
    case_ids = [seizure.pk for seizure in cases]
    lots: dict[int, list[str]] = {}
    for seizure_id, reference in (
        Lot.objects.filter(seizure_id__in=case_ids)
        .values_list("seizure_id", "reference")
        .order_by("reference")
    ):
        lots.setdefault(seizure_id, []).append(reference)
    photos = detention_photos(case_ids)
    messages = []
    for seizure in cases:
        enclosed = photos[seizure.pk]
        recipients = []
        if seizure.right_holder_id and takes_part_in_case(seizure):
            holder = seizure.right_holder
            recipients.append(Recipient(name=holder.name, email=holder.email))
        if seizure.declarant_name:
            recipients.append(Recipient(name=seizure.declarant_name))
        messages.append(
            Message(
                recipients,
                {
                    "seizure": seizure,
                    "lots": lots.get(seizure.pk, []),
                    "photos": len(enclosed.names),
                    "photos_left_out": enclosed.left_out,
                    "deemed_consent_article": deemed_consent_article(seizure),
                },
                dedupe=str(seizure.pk),
                link=reverse("seizures:seizure-detail", args=[seizure.pk]),
                attachments=enclosed.names,
                office_id=seizure.office_id,
                right_holder_id=seizure.right_holder_id,
            )
        )
    notify_many(
        NotificationKind.DETENTION_NOTICE, messages, template="notifications/detention_notice.txt"
    )


def takes_part_in_case(seizure: Seizure) -> bool:
    """Whether the right holder is notified of the case. Not in the small consignments
    procedure: Art. 26 notifies the declarant alone, Art. 17(3) does not apply there (digest
    S17), and the right holder is not asked to confirm or agree case by case."""
    return seizure.legal_route != LegalRoute.SMALL_CONSIGNMENT


def deemed_consent_article(seizure: Seizure) -> str:
    """The provision under which the declarant's silence counts as agreement to destruction."""
    if seizure.legal_route == LegalRoute.SMALL_CONSIGNMENT:
        return "Article 26, small consignments procedure"
    return "Article 23(1)(c)"


@dataclass
class Enclosures:
    """The photos sent with one case's notice, and how many were left out to stay in size."""

    names: list[str] = field(default_factory=list)
    size: int = 0
    left_out: int = 0

    def add(self, name: str, size: int) -> None:
        if self.size + size > settings.NOTIFICATION_ATTACHMENTS_MAX_BYTES:
            self.left_out += 1
            return
        self.names.append(name)
        self.size += size


def detention_photos(case_ids: Sequence[int]) -> dict[int, Enclosures]:
    """Per case, its lots' photos (lot by lot, in the order taken) while their total stays within
    settings.NOTIFICATION_ATTACHMENTS_MAX_BYTES, so that the e-mail gets through mail servers."""
    enclosures: dict[int, Enclosures] = defaultdict(Enclosures)
    for seizure_id, name, size in (
        LotPhoto.objects.filter(lot__seizure_id__in=case_ids)
        .order_by("lot__reference", "pk")
        .values_list("lot__seizure_id", "file", "size")
    ):
        enclosures[seizure_id].add(name, size)
    return enclosures

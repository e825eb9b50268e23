"""Reference data (offices, warehouses, locations, right holders, holidays) and the deadlines
of open seizures that a holiday moves."""

import datetime
from collections.abc import Iterable

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.db.models.deletion import ProtectedError
from django.utils import timezone

from project.errors import TransitionNotAllowed
from seizures import custody, deadlines
from seizures.models import Holiday, Lot, LotStatus, Seizure, StorageLocation
from seizures.validation import date_range_errors

# Reference dates typed by people that the plausible-range check judges (by field name).
PLAUSIBLE_REFERENCE_DATES = ("date", "application_valid_from")
# Lots whose case is over: their seizure's deadlines are history, not to be recomputed.
CLOSED_STATUSES = (LotStatus.DESTROYED, LotStatus.RELEASED)


def save_reference_record(record: models.Model, *, actor: User) -> models.Model:
    """Create or change an office, warehouse, location, right holder or holiday after the
    model's own validation (a location keeps room and classes for the lots stored in it; a
    holiday moves the deadlines of the open seizures whose window it falls in)."""
    with transaction.atomic(durable=True):
        if isinstance(record, StorageLocation) and record.pk is not None:
            # Lock it: a placement running now must not slip past the capacity being lowered.
            StorageLocation.objects.select_for_update().filter(pk=record.pk).first()
        changed_days = set()
        if isinstance(record, Holiday):
            changed_days = {
                record.date,
                *Holiday.objects.filter(pk=record.pk).values_list("date", flat=True),
            }
        record.full_clean()
        _raise_implausible_dates(record)
        record.save()
        recompute_deadlines(changed_days)
    return record


def _raise_implausible_dates(record: models.Model) -> None:
    """A holiday and the start of a right holder's application: the same plausible range as
    case dates (an application may run past a year from now, so its end is not judged)."""
    dates = {
        name: getattr(record, name) for name in PLAUSIBLE_REFERENCE_DATES if hasattr(record, name)
    }
    errors = date_range_errors(dates, today=timezone.localdate())
    if errors:
        raise ValidationError(errors)


def delete_reference_record(record: models.Model, *, actor: User) -> None:
    try:
        with transaction.atomic(durable=True):
            record.delete()
            if isinstance(record, Holiday):
                recompute_deadlines({record.date})
    except ProtectedError as error:
        raise TransitionNotAllowed(
            f"{record} is still used ({len(error.protected_objects)} records refer to it); "
            "it cannot be deleted."
        ) from error


def recompute_deadlines(days: Iterable[datetime.date]) -> int:
    """After the holiday calendar changed on `days`: recompute the statutory deadline and the
    declarant notice date of the open seizures (goods not yet destroyed or released) whose
    working-day window covers one of them. Closed cases keep the dates they were decided on.
    Answers how many seizures were recomputed."""
    custody.require_transaction()
    covers = Q()
    for day in days:
        covers |= Q(notified_on__lte=day, deadline__gte=day)
        covers |= Q(detained_on__lte=day, declarant_notice_due_on__gte=day)
        covers |= Q(notified_on__lte=day, proceedings_due_on__gte=day)
    if not covers:
        return 0
    open_cases = Lot.objects.exclude(status__in=CLOSED_STATUSES).values("seizure_id")
    seizures = list(
        Seizure.objects.select_for_update().filter(covers, pk__in=open_cases).order_by("pk")
    )
    holidays = holiday_dates()
    for seizure in seizures:
        set_deadlines(seizure, holidays)
    Seizure.objects.bulk_update(
        seizures, ["deadline", "declarant_notice_due_on", "proceedings_due_on"], batch_size=500
    )
    return len(seizures)


def holiday_dates() -> frozenset[datetime.date]:
    return frozenset(Holiday.objects.values_list("date", flat=True))


def set_deadlines(seizure: Seizure, holidays: frozenset[datetime.date]) -> None:
    seizure.deadline = deadlines.statutory_deadline(
        seizure.notified_on,
        perishable=seizure.perishable,
        legal_route=seizure.legal_route,
        holidays=holidays,
    )
    seizure.declarant_notice_due_on = deadlines.declarant_notice_due(
        seizure.detained_on, legal_route=seizure.legal_route, holidays=holidays
    )
    seizure.proceedings_due_on = deadlines.proceedings_due(
        seizure.notified_on,
        perishable=seizure.perishable,
        on_court_route=seizure.on_court_route,
        extension_days=seizure.proceedings_extension_days,
        holidays=holidays,
    )

"""Legal holds: a seizure on hold keeps its goods from any disposal until the hold is lifted."""

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from project import audit
from project.errors import TransitionNotAllowed
from seizures import custody
from seizures.models import CustodyEvent, Lot, LotStatus, Seizure

Kind = CustodyEvent.Kind


def place_hold(*, seizure: Seizure, reason: str, actor: User) -> Seizure:
    """Legal hold: blocks any disposal of the seizure's goods until lifted. Lots in storage go on
    hold, each with a `held` custody event."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ["Give the reason for the legal hold."]})
    with transaction.atomic(durable=True):
        now = timezone.now()
        updated = Seizure.objects.filter(pk=seizure.pk, on_hold=False).update(
            on_hold=True, hold_reason=reason, hold_by=actor, hold_at=now
        )
        if updated != 1:
            raise TransitionNotAllowed(f"Seizure {seizure.reference} is already on hold.")
        audit.record_changed(
            Seizure,
            seizure.pk,
            {"on_hold": (False, True), "hold_reason": ("", reason)},
            object_repr=seizure.reference,
        )
        lots = list(
            Lot.objects.select_for_update().filter(
                seizure_id=seizure.pk, status=LotStatus.IN_STORAGE
            )
        )
        if lots:
            custody.change_lot_status(
                [lot.pk for lot in lots], expected=LotStatus.IN_STORAGE, new=LotStatus.ON_HOLD
            )
            custody.append_events(lots, Kind.HELD, actor=actor, details={"reason": reason})
    seizure.refresh_from_db()
    return seizure


def lift_hold(*, seizure: Seizure, actor: User, reason: str = "") -> Seizure:
    """Lift the legal hold; lots on hold return to storage with a `hold_lifted` event."""
    with transaction.atomic(durable=True):
        current = Seizure.objects.select_for_update().get(pk=seizure.pk)
        if not current.on_hold:
            raise TransitionNotAllowed(f"Seizure {current.reference} is not on hold.")
        details = {
            "hold_reason": current.hold_reason,
            "held_by": current.hold_by_id,
            "held_at": current.hold_at.isoformat() if current.hold_at else None,
            "reason": (reason or "").strip(),
        }
        Seizure.objects.filter(pk=current.pk).update(
            on_hold=False, hold_reason="", hold_by=None, hold_at=None
        )
        audit.record_changed(
            Seizure,
            current.pk,
            {"on_hold": (True, False), "hold_reason": (current.hold_reason, "")},
            object_repr=current.reference,
        )
        lots = list(
            Lot.objects.select_for_update().filter(seizure_id=current.pk, status=LotStatus.ON_HOLD)
        )
        if lots:
            custody.change_lot_status(
                [lot.pk for lot in lots], expected=LotStatus.ON_HOLD, new=LotStatus.IN_STORAGE
            )
            custody.append_events(lots, Kind.HOLD_LIFTED, actor=actor, details=details)
    seizure.refresh_from_db()
    return seizure

"""The facility's side of a hand-over: the receipt of a dispatched order at the gate (weight,
weighbridge ticket, seals, what did not match), an administrator's resolution of its blocking
findings, and the countersignature of an execution record the facility submitted itself.

Anchors: the US EPA e-Manifest (the receiving facility signs and reports discrepancies) and UK
Digital Waste Tracking (the receiver pushes weights). One public function = one durable
transaction; the receipt writes a `received` custody event on every lot.
"""

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from destruction.models import (
    DestructionOrder,
    DestructionRecord,
    OrderStatus,
    Receipt,
    ReceiptDiscrepancy,
    ReceiptLine,
    operated_facility_id,
)
from destruction.services._shared import Kind, _active_lines, mass_tolerance
from destruction.services.records import MAX_TICKET, MISSING_TICKET
from project import audit
from project.compliance import Severity
from project.errors import TransitionNotAllowed
from seizures import custody

MAX_NOTE = 2000
MAX_DISCREPANCIES = 50


@dataclass(frozen=True)
class ReceiptDiscrepancyInput:
    kind: str
    note: str
    lot_reference: str = ""


def confirm_receipt(
    *,
    order: DestructionOrder,
    actor: User,
    gate_at: datetime.datetime,
    weighbridge_ticket: str,
    seals_intact: bool,
    total_weight_kg: Decimal | None = None,
    lot_weights: Mapping[str, Decimal] | None = None,
    broken_seals: Sequence[str] = (),
    discrepancies: Sequence[ReceiptDiscrepancyInput] = (),
    note: str = "",
) -> Receipt:
    """The goods of a dispatched order arrived at the facility. The weight is given in total or
    per lot (by lot reference; the total is then their sum). A total off the dispatch weight by
    more than the mass-balance tolerance (X-QM-02, MASS_BALANCE_TOLERANCE), a broken seal
    (X-CC-07) or any discrepancy raises a blocking finding: the certificate waits until an
    administrator resolves it with a reason."""
    lot_weights = dict(lot_weights or {})
    ticket = (weighbridge_ticket or "").strip()
    note = (note or "").strip()
    broken = sorted({(seal or "").strip() for seal in broken_seals} - {""})
    errors = _input_errors(
        gate_at=gate_at,
        ticket=ticket,
        seals_intact=seals_intact,
        broken=broken,
        total_weight_kg=total_weight_kg,
        lot_weights=lot_weights,
        discrepancies=discrepancies,
        note=note,
    )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic(durable=True):
        current = (
            DestructionOrder.objects.select_for_update(of=("self",))
            .select_related("facility")
            .get(pk=order.pk)
        )
        _require_own_facility(current, actor)
        if current.status != OrderStatus.DISPATCHED:
            raise TransitionNotAllowed(
                f"Order {current.reference} is {current.get_status_display().lower()}; only a "
                "dispatched order is received."
            )
        if Receipt.objects.filter(order=current).exists():
            raise TransitionNotAllowed(f"The receipt of {current.reference} is already recorded.")
        if gate_at < current.dispatched_at.replace(second=0, microsecond=0):
            raise ValidationError({"gate_at": ["The goods cannot arrive before they left."]})
        lots = [line.lot for line in _active_lines(current)]
        by_reference = {lot.reference: lot for lot in lots}
        errors = {}
        foreign = sorted(set(lot_weights) - set(by_reference))
        if foreign:
            errors["lot_weights"] = [f"Not on this order: {', '.join(foreign)}."]
        unknown_seals = sorted(set(broken) - set(current.seal_numbers or []))
        if current.seal_numbers and unknown_seals:
            errors["broken_seals"] = [
                f"Seal {', '.join(unknown_seals)} was not on the vehicle; its seals: "
                f"{', '.join(current.seal_numbers)}."
            ]
        if errors:
            raise ValidationError(errors)
        total = sum(lot_weights.values(), Decimal("0")) if lot_weights else total_weight_kg
        findings = _findings(current, total, broken, discrepancies)
        receipt = Receipt.objects.create(
            order=current,
            gate_at=gate_at,
            weighbridge_ticket=ticket,
            total_weight_kg=total,
            weighed_per_lot=bool(lot_weights),
            seals_intact=seals_intact,
            broken_seals=broken,
            discrepancies=[
                {"kind": d.kind, "lot": d.lot_reference.strip(), "note": d.note.strip()}
                for d in discrepancies
            ],
            note=note,
            received_by=actor,
            findings=findings,
            blocking=any(f["severity"] == Severity.BLOCKING for f in findings),
        )
        lines = ReceiptLine.objects.bulk_create(
            ReceiptLine(receipt=receipt, lot=by_reference[ref], weight_kg=weight)
            for ref, weight in sorted(lot_weights.items())
        )
        audit.record_created([receipt, *lines], actor=actor)
        custody.append_events(
            lots,
            Kind.RECEIVED,
            actor=actor,
            details={
                "order": current.reference,
                "facility": current.facility.name,
                "gate_at": gate_at.isoformat(),
                "weighbridge_ticket": ticket,
                "total_weight_kg": str(total),
                "seals_intact": seals_intact,
                "broken_seals": broken,
                "blocking_findings": [f["rule"] for f in findings if f["severity"] == "blocking"],
            },
        )
    return receipt


def resolve_receipt(*, order: DestructionOrder, reason: str, actor: User) -> Receipt:
    """An administrator settles the blocking findings of a receipt with a reason (checked the
    seal photos, re-weighed, the missing box was found): the certificate may then be issued."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ["Give the reason the findings are settled."]})
    if len(reason) > MAX_NOTE:
        raise ValidationError({"reason": [f"At most {MAX_NOTE} characters."]})
    if not actor.has_perm("destruction.resolve_receipt"):
        raise PermissionDenied("Only an administrator resolves a receipt's findings.")
    with transaction.atomic(durable=True):
        receipt = Receipt.objects.select_for_update().filter(order_id=order.pk).first()
        if receipt is None:
            raise TransitionNotAllowed(f"Order {order.reference} has no receipt yet.")
        if not receipt.blocks_certificate:
            raise TransitionNotAllowed(
                f"The receipt of {order.reference} has no open blocking finding."
            )
        now = timezone.now()
        Receipt.objects.filter(pk=receipt.pk).update(
            resolved_by=actor, resolved_at=now, resolution_reason=reason
        )
        audit.record_changed(
            Receipt,
            receipt.pk,
            {"resolved_at": (None, now), "resolution_reason": ("", reason)},
            object_repr=str(receipt),
        )
    receipt.refresh_from_db()
    return receipt


def countersign_record(*, order: DestructionOrder, actor: User) -> DestructionRecord:
    """The warehouse or an administrator countersigns an execution record the facility
    submitted itself; the certificate waits for it."""
    if operated_facility_id(actor) is not None or not actor.has_perm(
        "destruction.countersign_record"
    ):
        raise PermissionDenied("The warehouse or an administrator countersigns the record.")
    with transaction.atomic(durable=True):
        record = DestructionRecord.objects.select_for_update().filter(order_id=order.pk).first()
        if record is None or not record.awaits_countersignature:
            raise TransitionNotAllowed(
                f"Order {order.reference} has no facility record awaiting a countersignature."
            )
        if record.recorded_by_id == actor.pk:
            raise PermissionDenied("The record is countersigned by someone other than its author.")
        now = timezone.now()
        DestructionRecord.objects.filter(pk=record.pk).update(
            countersigned_by=actor, countersigned_at=now
        )
        audit.record_changed(
            DestructionRecord, record.pk, {"countersigned_at": (None, now)}, object_repr=str(record)
        )
    record.refresh_from_db()
    return record


def _require_own_facility(order: DestructionOrder, actor: User) -> None:
    facility_id = operated_facility_id(actor)
    if facility_id is not None and facility_id != order.facility_id:
        raise PermissionDenied("The order goes to another facility.")


def _findings(
    order: DestructionOrder,
    total: Decimal,
    broken: Sequence[str],
    discrepancies: Sequence[ReceiptDiscrepancyInput],
) -> list[dict]:
    """The receipt's findings in the shape of project.compliance.Finding."""
    findings = []
    dispatched = order.dispatch_weight_kg
    if dispatched is not None:
        tolerance = mass_tolerance().of(dispatched)
        if abs(total - dispatched) > tolerance:
            findings.append(
                _finding(
                    "X-QM-02",
                    f"Gate weight {total:.3f} kg differs from the dispatch weight {dispatched} kg "
                    f"by {abs(total - dispatched):.3f} kg (tolerance {tolerance:.3f} kg).",
                )
            )
    if broken:
        findings.append(
            _finding("X-CC-07", f"Seal {', '.join(broken)} broken on arrival at the facility.")
        )
    labels = dict(ReceiptDiscrepancy.choices)
    for item in discrepancies:
        lot = f" (lot {item.lot_reference})" if item.lot_reference else ""
        findings.append(
            _finding(
                "X-CC-01",
                f"{labels[item.kind]}{lot} at the facility's gate: {item.note.strip()}",
                lot=item.lot_reference,
            )
        )
    return findings


def _finding(rule: str, message: str, lot: str = "") -> dict:
    return {
        "rule": rule,
        "severity": Severity.BLOCKING.value,
        "message": message,
        "detail": "",
        "lot": lot,
    }


def _input_errors(
    *,
    gate_at: datetime.datetime | None,
    ticket: str,
    seals_intact: bool,
    broken: Sequence[str],
    total_weight_kg: Decimal | None,
    lot_weights: Mapping[str, Decimal],
    discrepancies: Sequence[ReceiptDiscrepancyInput],
    note: str,
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if gate_at is None:
        errors["gate_at"] = ["Give the time the vehicle passed the gate."]
    elif gate_at > timezone.now() + datetime.timedelta(minutes=5):
        errors["gate_at"] = ["The gate time cannot be in the future."]
    if not ticket:
        errors["weighbridge_ticket"] = [MISSING_TICKET]
    elif len(ticket) > MAX_TICKET:
        errors["weighbridge_ticket"] = [f"At most {MAX_TICKET} characters."]
    if not isinstance(seals_intact, bool):
        errors["seals_intact"] = ["Give true or false."]
    elif seals_intact and broken:
        errors["broken_seals"] = ["Seals intact: no seal can be broken."]
    elif not seals_intact and not broken:
        errors["broken_seals"] = ["Name the broken seals."]
    if total_weight_kg is None and not lot_weights:
        errors["total_weight_kg"] = ["Give the weight in total or per lot."]
    elif total_weight_kg is not None and lot_weights:
        errors["total_weight_kg"] = ["Give the weight in total or per lot, not both."]
    elif total_weight_kg is not None and total_weight_kg < 0:
        errors["total_weight_kg"] = ["The weight cannot be negative."]
    if any(weight is None or weight < 0 for weight in lot_weights.values()):
        errors["lot_weights"] = ["A weight cannot be negative."]
    if len(discrepancies) > MAX_DISCREPANCIES:
        errors["discrepancies"] = [f"At most {MAX_DISCREPANCIES} discrepancies."]
    else:
        problems = [
            f"Discrepancy {number}: "
            + ("unknown kind." if item.kind not in ReceiptDiscrepancy.values else "add a note.")
            for number, item in enumerate(discrepancies, start=1)
            if item.kind not in ReceiptDiscrepancy.values or not (item.note or "").strip()
        ]
        if problems:
            errors["discrepancies"] = problems
    if len(note) > MAX_NOTE:
        errors["note"] = [f"At most {MAX_NOTE} characters."]
    return errors

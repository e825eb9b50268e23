"""Services of destruction orders: planning (create, add and remove lots, line references),
submit, approve (four eyes), dispatch and cancel. One public function = one durable transaction
that appends its custody events to every lot it touches in the same transaction (digest
X-CC-01).

Order transitions are guarded updates (`filter(pk, status=expected).update(...)` must change one
row, else TransitionNotAllowed): of two concurrent approvals or dispatches of one order exactly
one wins.
"""

import datetime
import re
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from destruction.approval import (
    JUSTIFIED_RULES,
    Acknowledgement,
    latest_submit_check,
    needs_justification,
    warnings_of,
)
from destruction.models import DestructionOrder, Facility, OrderLine, OrderStatus, Payer, Witness
from destruction.services._allocation import (
    LineInput,
    _allocate,
    _check_line_inputs,
    _deallocate,
    _line_refusals,
    _lock_lots_and_seizures,
    _order_refusals,
    _reference_errors,
)
from destruction.services._shared import (
    MAX_LINE_JUSTIFICATION,
    MAX_WITNESSES,
    Kind,
    _active_lines,
    _fresh,
    _locked_active_lines,
    _refuse,
    _refuse_non_compliant,
    _too_long,
    _transition,
)
from project import audit
from project.errors import TransitionNotAllowed
from seizures import custody
from seizures.models import CustomsOffice, Lot, LotStatus

CURRENCY = re.compile(r"^[A-Z]{3}$")
MAX_SEALS = 50


def create_order(
    *,
    actor: User,
    lines: Sequence[LineInput],
    facility: Facility,
    planned_date: datetime.date,
    **details: Any,
) -> DestructionOrder:
    """Plan a destruction run: eligible lots, a method each, one facility, a date. The lots are
    allocated (custody event `allocated`); the legal basis of each line follows its seizure's
    legal route (X-LB-01); the payer defaults to the right holder (X-CO-01). `details` are the
    order's other fields (ORDER_DETAILS)."""
    cleaned = _clean_plan(lines, planned_date, details)
    with transaction.atomic(durable=True):
        return _plan_order(
            actor=actor, lines=lines, facility=facility, planned_date=planned_date, **cleaned
        )


def create_orders(
    *,
    actor: User,
    lines: Sequence[LineInput],
    facilities: Mapping[int, Facility],
    planned_date: datetime.date,
    **details: Any,
) -> list[DestructionOrder]:
    """Plan the lots in one step as one order per customs office and facility (`facilities`:
    lot id -> the facility chosen for it), each as `create_order` plans it and with the same
    `details`; all of them or none. The orders come back in the order of their first lot."""
    missing = [line.lot.reference for line in lines if line.lot.pk not in facilities]
    if missing:
        raise ValidationError({"facility": [f"Choose a facility for lot {', '.join(missing)}."]})
    cleaned = _clean_plan(lines, planned_date, details)
    offices = dict(
        Lot.objects.filter(pk__in=[line.lot.pk for line in lines]).values_list(
            "pk", "seizure__office_id"
        )
    )
    groups: dict[tuple[int | None, int], list[LineInput]] = {}
    for line in lines:
        key = (offices.get(line.lot.pk), facilities[line.lot.pk].pk)
        groups.setdefault(key, []).append(line)
    with transaction.atomic(durable=True):
        return [
            _plan_order(
                actor=actor,
                lines=group,
                facility=facilities[group[0].lot.pk],
                planned_date=planned_date,
                **cleaned,
            )
            for group in groups.values()
        ]


# The fields of an order besides its lines, facility and date, with their defaults.
ORDER_DETAILS: dict[str, Any] = {
    "cost_estimate": Decimal("0"),
    "cost_currency": "EUR",
    "payer": None,
    "carrier_name": "",
    "carrier_registration": "",
    "vehicle": "",
    "seal_numbers": (),
    "consignment_note_number": "",
    "planned_witnesses": (),
    "notes": "",
}


def _clean_plan(
    lines: Sequence[LineInput], planned_date: datetime.date | None, details: Mapping[str, Any]
) -> dict[str, Any]:
    """The order's details checked and cleaned (ValidationError with field keys)."""
    unknown = set(details) - set(ORDER_DETAILS)
    if unknown:
        raise TypeError(f"unknown order field {', '.join(sorted(unknown))}")
    data = {**ORDER_DETAILS, **details}
    errors: dict[str, list[str]] = {}
    if planned_date is None or planned_date < timezone.localdate():
        errors["planned_date"] = ["Plan the destruction for today or a later day."]
    if data["cost_estimate"] is None or data["cost_estimate"] < 0:
        errors["cost_estimate"] = ["The cost estimate cannot be negative."]
    if not CURRENCY.match(data["cost_currency"] or ""):
        errors["cost_currency"] = ["Give a three-letter currency code, e.g. EUR."]
    if data["payer"] is not None and data["payer"] not in Payer.values:
        errors["payer"] = [f"Choose one of: {', '.join(Payer.values)}."]
    data["seal_numbers"], seal_errors = clean_seals(data["seal_numbers"])
    if seal_errors:
        errors["seal_numbers"] = seal_errors
    data["planned_witnesses"], witness_errors = clean_planned_witnesses(data["planned_witnesses"])
    if witness_errors:
        errors["planned_witnesses"] = witness_errors
    _check_line_inputs(lines, errors)
    if errors:
        raise ValidationError(errors)
    for name in ("carrier_name", "carrier_registration", "vehicle", "consignment_note_number"):
        data[name] = data[name].strip()
    data["notes"] = data["notes"].strip()
    return data


def _plan_order(
    *,
    actor: User,
    lines: Sequence[LineInput],
    facility: Facility,
    planned_date: datetime.date,
    payer: str | None,
    **fields: Any,
) -> DestructionOrder:
    """One order of cleaned input, inside the caller's transaction."""
    today = timezone.localdate()
    lots = _lock_lots_and_seizures([line.lot.pk for line in lines])
    offices = {lot.seizure.office_id for lot in lots.values()}
    if len(offices) > 1:
        raise ValidationError(
            {"lots": ["The lots of one order come from seizures of one customs office."]}
        )
    facility = Facility.objects.prefetch_related("permits").get(pk=facility.pk)
    _refuse(_line_refusals(lines, lots, facility=facility, planned_date=planned_date, today=today))
    office = CustomsOffice.objects.select_for_update().get(pk=offices.pop())
    if payer is None:
        # Digest X-CO-01: the decision holder pays by default; goods without a right holder
        # (ex officio, abandoned) fall to the administration.
        every_has_holder = all(lot.seizure.right_holder_id for lot in lots.values())
        payer = Payer.RIGHT_HOLDER if every_has_holder else Payer.ADMINISTRATION
    order = DestructionOrder.objects.create(
        reference=next_order_reference(office, planned_date.year),
        office=office,
        facility=facility,
        planned_date=planned_date,
        payer=payer,
        prepared_by=actor,
        **fields,
    )
    _allocate(order, lines, lots, actor=actor)
    return order


def add_lots(
    *, order: DestructionOrder, lines: Sequence[LineInput], actor: User
) -> DestructionOrder:
    """Add eligible lots to a draft order (allocated, custody event `allocated`)."""
    errors: dict[str, list[str]] = {}
    _check_line_inputs(lines, errors)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic(durable=True):
        order = _touch_draft(order, "add lots")
        lots = _lock_lots_and_seizures([line.lot.pk for line in lines])
        if any(lot.seizure.office_id != order.office_id for lot in lots.values()):
            raise ValidationError(
                {
                    "lots": [
                        f"Order {order.reference} takes lots of office {order.office.code} only."
                    ]
                }
            )
        facility = Facility.objects.prefetch_related("permits").get(pk=order.facility_id)
        _refuse(
            _line_refusals(
                lines,
                lots,
                facility=facility,
                planned_date=order.planned_date,
                today=timezone.localdate(),
            )
        )
        _allocate(order, lines, lots, actor=actor)
    return order


def remove_lots(
    *, order: DestructionOrder, lots: Sequence[Lot], actor: User, reason: str = ""
) -> DestructionOrder:
    """Take lots out of a draft order: back in storage (custody event `deallocated`)."""
    if not lots:
        raise ValidationError({"lots": ["Name the lots to remove."]})
    with transaction.atomic(durable=True):
        order = _touch_draft(order, "remove lots")
        ids = {lot.pk for lot in lots}
        lines = list(order.lines.filter(active=True).select_related("lot"))
        removed = [line for line in lines if line.lot_id in ids]
        if len(removed) != len(ids):
            raise ValidationError({"lots": [f"Some lots are not in order {order.reference}."]})
        if len(removed) == len(lines):
            raise ValidationError(
                {"lots": ["An order keeps at least one lot; cancel the order instead."]}
            )
        _deallocate(
            order, removed, actor=actor, reason=reason.strip(), expected=LotStatus.ALLOCATED
        )
    return order


def update_line_references(
    *, order: DestructionOrder, lot: Lot, actor: User, **references: str
) -> DestructionOrder:
    """Record or correct the references of a draft order's line (LINE_REFERENCES, by keyword;
    one left out stays as it is, a blank one is cleared). No custody event: no goods move, and
    the compliance check at submission reads the references as they then are."""
    errors = _reference_errors(references)
    if not references:
        errors["references"] = ["Give at least one reference to record."]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic(durable=True):
        order = _touch_draft(order, "edit references")
        cleaned = {name: value.strip() for name, value in references.items()}
        updated = OrderLine.objects.filter(order=order, lot=lot, active=True).update(**cleaned)
        if updated != 1:
            raise ValidationError(
                {"lot": [f"Lot {lot.reference} is not in order {order.reference}."]}
            )
    return order


def submit_order(*, order: DestructionOrder, actor: User) -> DestructionOrder:
    """Draft -> submitted: every lot is checked again (hold, legal route, permit) and the
    compliance check runs; blocking findings refuse the submission."""
    with transaction.atomic(durable=True):
        _transition(
            order,
            OrderStatus.DRAFT,
            OrderStatus.SUBMITTED,
            submitted_by=actor,
            submitted_at=timezone.now(),
        )
        order = _fresh(order)
        lines = _locked_active_lines(order)
        _refuse(_order_refusals(order, lines, expected_status=LotStatus.ALLOCATED))
        _refuse_non_compliant(order, stage="submit", actor=actor)
        custody.append_events(
            [line.lot for line in lines],
            Kind.ORDER_SUBMITTED,
            actor=actor,
            details={"order": order.reference},
        )
    return order


def approve_order(
    *,
    order: DestructionOrder,
    actor: User,
    acknowledgements: Sequence[Acknowledgement] = (),
) -> DestructionOrder:
    """Submitted -> approved, by someone who neither prepared nor submitted it (four eyes),
    informed: every warning of the latest submit check is acknowledged in the approval (X-MF-02
    with its justification, which becomes the line's justification where it had none). The
    acknowledgements are stored with the approval and printed on the certificate."""
    current = DestructionOrder.objects.get(pk=order.pk)
    if actor.pk in (current.prepared_by_id, current.submitted_by_id):
        raise PermissionDenied(
            f"Four eyes: you prepared or submitted order {current.reference}; another person "
            "must approve it."
        )
    acknowledged = _acknowledged_warnings(current, acknowledgements)
    with transaction.atomic(durable=True):
        _transition(
            order,
            OrderStatus.SUBMITTED,
            OrderStatus.APPROVED,
            approved_by=actor,
            approved_at=timezone.now(),
            approval_acknowledgements=acknowledged,
            # Re-checked in the guard: the order is unchanged since it was read above.
            guard={"prepared_by": current.prepared_by_id, "submitted_by": current.submitted_by_id},
        )
        order = _fresh(order)
        _refuse_past_planned_date(order)
        lines = _locked_active_lines(order)
        _refuse(_order_refusals(order, lines, expected_status=LotStatus.ALLOCATED))
        _record_justifications(order, lines, acknowledged)
        _refuse_non_compliant(order, stage="approve", actor=actor)
        custody.append_events(
            [line.lot for line in lines],
            Kind.ORDER_APPROVED,
            actor=actor,
            details={"order": order.reference},
        )
    return order


def _acknowledged_warnings(
    order: DestructionOrder, acknowledgements: Sequence[Acknowledgement]
) -> list[dict[str, str]]:
    """Every warning of the submit check with its acknowledgement, as stored with the
    approval; ValidationError (key `acknowledgements`) naming each warning left
    unacknowledged, each justification missing, and each acknowledgement of no warning."""
    warnings = warnings_of(latest_submit_check(order))
    given = {(a.rule, a.lot): a for a in acknowledgements}
    errors, stored = [], []
    for warning in warnings:
        rule, lot = str(warning.get("rule", "")), str(warning.get("lot", ""))
        named = f"{rule} (lot {lot})" if lot else rule
        acknowledgement = given.pop((rule, lot), None)
        justification = (acknowledgement.justification if acknowledgement else "").strip()
        if acknowledgement is None:
            errors.append(f"Acknowledge the warning {named}: {warning.get('message', '')}")
        elif needs_justification(rule) and not justification:
            errors.append(f"{named}: give the justification ({JUSTIFIED_RULES[rule]}).")
        elif len(justification) > MAX_LINE_JUSTIFICATION:
            errors.append(f"{named}: {_too_long(MAX_LINE_JUSTIFICATION, justification)}")
        stored.append(
            {
                "rule": rule,
                "lot": lot,
                "message": str(warning.get("message", "")),
                "detail": str(warning.get("detail", "")),
                "justification": justification,
            }
        )
    errors += [
        f"{rule}{f' (lot {lot})' if lot else ''} is not a warning of the submit check."
        for rule, lot in given
    ]
    if errors:
        raise ValidationError({"acknowledgements": errors})
    return stored


def _record_justifications(
    order: DestructionOrder, lines: Sequence[OrderLine], acknowledged: Sequence[dict[str, str]]
) -> None:
    """An X-MF-02 justification given in the approval is the line's justification where the
    line had none, so the approval's check and the record's check read it."""
    texts = {
        entry["lot"]: entry["justification"]
        for entry in acknowledged
        if needs_justification(entry["rule"]) and entry["justification"]
    }
    changed = []
    for line in lines:
        if line.lot.reference in texts and not line.justification:
            line.justification = texts[line.lot.reference]
            changed.append(line)
            audit.record_changed(
                OrderLine,
                line.pk,
                {"justification": ("", line.justification)},
                object_repr=f"{order.reference} / {line.lot.reference}",
            )
    OrderLine.objects.bulk_update(changed, ["justification"])


def dispatch_order(
    *,
    order: DestructionOrder,
    actor: User,
    total_weight_kg: Decimal | None = None,
    line_weights: Mapping[int, Decimal] | None = None,
    seal_numbers: Sequence[str] | None = None,
    vehicle: str | None = None,
) -> DestructionOrder:
    """Approved -> dispatched: the lots leave under seal with a registered carrier (X-CC-07);
    the dispatch weight is recorded per lot or in total (X-QM-02); lots go in transit."""
    errors: dict[str, list[str]] = {}
    seals = None
    if seal_numbers is not None:
        seals, seal_errors = clean_seals(seal_numbers)
        if seal_errors:
            errors["seal_numbers"] = seal_errors
    weights = dict(line_weights or {})
    if any(w is None or w < 0 for w in weights.values()):
        errors["line_weights"] = ["Weights cannot be negative."]
    if total_weight_kg is not None and total_weight_kg < 0:
        errors["total_weight_kg"] = ["The weight cannot be negative."]
    if total_weight_kg is None and not weights:
        errors["total_weight_kg"] = ["Give the dispatch weight, in total or per lot."]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic(durable=True):
        changes: dict[str, Any] = {"dispatched_by": actor, "dispatched_at": timezone.now()}
        if seals is not None:
            changes["seal_numbers"] = seals
        if vehicle is not None:
            changes["vehicle"] = vehicle.strip()
        _transition(order, OrderStatus.APPROVED, OrderStatus.DISPATCHED, **changes)
        order = _fresh(order)
        lines = _locked_active_lines(order)
        total = _dispatch_total(lines, weights, total_weight_kg)
        problems = []
        if not (order.carrier_name and order.carrier_registration):
            problems.append("X-CC-07: record the carrier and its waste-carrier registration.")
        if not order.vehicle:
            problems.append("X-CC-07: record the vehicle.")
        if not order.seal_numbers:
            problems.append("X-CC-01: record the seal numbers of the load.")
        if problems:
            raise ValidationError({"order": problems})
        # A legal hold placed after approval still stops the goods leaving (X-LB-05).
        _refuse(_order_refusals(order, lines, expected_status=LotStatus.ALLOCATED))
        DestructionOrder.objects.filter(pk=order.pk).update(dispatch_weight_kg=total)
        if weights:
            for line in lines:
                line.dispatch_weight_kg = weights[line.lot_id]
            OrderLine.objects.bulk_update(lines, ["dispatch_weight_kg"], batch_size=500)
        custody.change_lot_status(
            [line.lot_id for line in lines], expected=LotStatus.ALLOCATED, new=LotStatus.IN_TRANSIT
        )
        custody.append_events(
            [line.lot for line in lines],
            Kind.DISPATCHED,
            actor=actor,
            details={
                "order": order.reference,
                "facility": order.facility.name,
                "carrier": order.carrier_name,
                "carrier_registration": order.carrier_registration,
                "vehicle": order.vehicle,
                "seal_numbers": order.seal_numbers,
                "dispatch_weight_kg": str(total),
            },
        )
    return _fresh(order)


def cancel_order(*, order: DestructionOrder, actor: User, reason: str) -> DestructionOrder:
    """Cancel an order before it is executed: its lots return to storage (custody event
    `deallocated`), or on hold if their seizure is under a legal hold, and their lines are
    closed, so the lots can be planned again."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ["Give the reason for the cancellation."]})
    with transaction.atomic(durable=True):
        current = DestructionOrder.objects.get(pk=order.pk)
        _transition(
            current,
            OrderStatus(current.status),
            OrderStatus.CANCELLED,
            cancelled_by=actor,
            cancelled_at=timezone.now(),
            cancellation_reason=reason,
        )
        lines = _active_lines(current)
        if lines:
            _deallocate(
                current,
                lines,
                actor=actor,
                reason=reason,
                expected=(LotStatus.ALLOCATED, LotStatus.IN_TRANSIT),
            )
    return _fresh(order)


def next_order_reference(office: CustomsOffice, year: int) -> str:
    """DO-<office>-<year>-<n>; the caller holds the office row lock, so numbers never clash."""
    prefix = f"DO-{office.code}-{year}-"
    last = (
        DestructionOrder.objects.filter(reference__startswith=prefix)
        .order_by("-reference")
        .values_list("reference", flat=True)
        .first()
    )
    number = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{number:05d}"


def clean_seals(seal_numbers: Iterable[str]) -> tuple[list[str], list[str]]:
    seals = [str(s).strip() for s in seal_numbers or () if str(s).strip()]
    errors = []
    if len(seals) > MAX_SEALS:
        errors.append(f"At most {MAX_SEALS} seal numbers.")
    if any(len(s) > 40 for s in seals):
        errors.append("A seal number has at most 40 characters.")
    if len(set(seals)) != len(seals):
        errors.append("A seal number is listed twice.")
    return seals, errors


def clean_planned_witnesses(
    witnesses: Iterable[Mapping[str, str]],
) -> tuple[list[dict[str, str]], list[str]]:
    cleaned, errors = [], []
    roles = Witness.Role.values
    for number, witness in enumerate(witnesses or (), start=1):
        if not isinstance(witness, Mapping):
            errors.append(f"Witness {number}: give name, organisation and role.")
            continue
        name = str(witness.get("name") or "").strip()
        organisation = str(witness.get("organisation") or "").strip()
        role = str(witness.get("role") or "").strip()
        if not name or role not in roles:
            errors.append(f"Witness {number}: give a name and a role ({', '.join(roles)}).")
        if len(name) > 200 or len(organisation) > 200:
            errors.append(f"Witness {number}: name and organisation up to 200 characters.")
        cleaned.append({"name": name, "organisation": organisation, "role": role})
    if len(cleaned) > MAX_WITNESSES:
        errors.append(f"At most {MAX_WITNESSES} witnesses.")
    return cleaned, errors


def _touch_draft(order: DestructionOrder, change: str) -> DestructionOrder:
    """Lock a draft order for a change of its lots (guarded like a transition)."""
    updated = DestructionOrder.objects.filter(pk=order.pk, status=OrderStatus.DRAFT).update(
        updated_at=timezone.now()
    )
    if updated != 1:
        current = DestructionOrder.objects.get(pk=order.pk)
        raise TransitionNotAllowed(
            f"Order {current.reference} is {current.get_status_display().lower()}; only a draft "
            f"order can {change}."
        )
    return _fresh(order)


def _refuse_past_planned_date(order: DestructionOrder) -> None:
    """An approval is for the planned day; once it has passed, the facility, permits and
    witnesses were arranged for a day that is gone, so the order is planned again."""
    if order.planned_date < timezone.localdate():
        raise ValidationError(
            {
                "planned_date": [
                    f"Order {order.reference} was planned for {order.planned_date:%Y-%m-%d}, "
                    "which has passed: cancel it and plan its lots again with a new date."
                ]
            }
        )


def _dispatch_total(
    lines: Sequence[OrderLine], weights: Mapping[int, Decimal], total: Decimal | None
) -> Decimal:
    ids = {line.lot_id for line in lines}
    unknown = set(weights) - ids
    if unknown:
        raise ValidationError({"line_weights": ["Some weighed lots are not in this order."]})
    if weights and set(weights) != ids:
        raise ValidationError({"line_weights": ["Weigh every lot of the order, or give a total."]})
    if weights:
        summed = sum(weights.values(), Decimal("0"))
        if total is not None and abs(summed - total) > Decimal("0.001"):
            raise ValidationError(
                {"total_weight_kg": [f"The lots weigh {summed} kg in total, not {total} kg."]}
            )
        return summed
    return total

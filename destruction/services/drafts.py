"""Changing a draft order (issue 14, item 2): its facility, planned date, carrier, seals,
witnesses and the method of each lot, each change a custody event of the lots it concerns; and
taking a submitted order back to draft, by its preparer, with a reason. No reference is burnt
and no lot leaves the order: a plan is corrected rather than cancelled and made again."""

import datetime
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from destruction.eligibility import method_refusal
from destruction.models import DestructionOrder, Facility, OrderLine, OrderStatus
from destruction.services._allocation import LineInput, _line_refusals
from destruction.services._shared import (
    MAX_LINE_JUSTIFICATION,
    Kind,
    _fresh,
    _locked_active_lines,
    _refuse,
    _too_long,
    _transition,
)
from destruction.services.orders import _touch_draft, clean_planned_witnesses, clean_seals
from project import audit
from seizures import custody
from seizures.models import Lot, LotStatus

MAX_REASON = 2000
# The order's own fields a draft change may set, with how a custody event names their values.
ORDER_FIELDS = (
    "facility",
    "planned_date",
    "carrier_name",
    "carrier_registration",
    "vehicle",
    "seal_numbers",
    "planned_witnesses",
)


def update_draft(
    *,
    order: DestructionOrder,
    actor: User,
    facility: Facility | None = None,
    planned_date: datetime.date | None = None,
    carrier_name: str | None = None,
    carrier_registration: str | None = None,
    vehicle: str | None = None,
    seal_numbers: Sequence[str] | None = None,
    planned_witnesses: Sequence[Mapping[str, str]] | None = None,
    methods: Mapping[int, str] | None = None,
    justifications: Mapping[int, str] | None = None,
) -> DestructionOrder:
    """Change a draft order; an argument left None stays as it is. `methods` and
    `justifications` are by lot id. The lots are checked again against the new facility, date
    and methods (permit, legal route); every lot a change concerns gets a custody event
    `order_changed` naming what changed from what to what (a change of the order concerns all
    its lots, a method only its lot). Nothing changed: nothing is written."""
    wanted: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    if planned_date is not None:
        if planned_date < timezone.localdate():
            errors["planned_date"] = ["Plan the destruction for today or a later day."]
        wanted["planned_date"] = planned_date
    if facility is not None:
        if not facility.active:
            errors["facility"] = [f"Facility {facility.name} is no longer in use."]
        wanted["facility"] = facility
    for name, value in (
        ("carrier_name", carrier_name),
        ("carrier_registration", carrier_registration),
        ("vehicle", vehicle),
    ):
        if value is not None:
            wanted[name] = value.strip()
    if seal_numbers is not None:
        wanted["seal_numbers"], seal_errors = clean_seals(seal_numbers)
        if seal_errors:
            errors["seal_numbers"] = seal_errors
    if planned_witnesses is not None:
        wanted["planned_witnesses"], witness_errors = clean_planned_witnesses(planned_witnesses)
        if witness_errors:
            errors["planned_witnesses"] = witness_errors
    methods = dict(methods or {})
    bad = [refused for method in methods.values() if (refused := method_refusal(method))]
    if bad:
        errors["methods"] = bad
    justifications = {pk: (text or "").strip() for pk, text in (justifications or {}).items()}
    if any(len(text) > MAX_LINE_JUSTIFICATION for text in justifications.values()):
        errors["justifications"] = [_too_long(MAX_LINE_JUSTIFICATION, max(justifications.values()))]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic(durable=True):
        order = _touch_draft(order, "be changed")
        lines = _locked_active_lines(order)
        by_lot = {line.lot_id: line for line in lines}
        unknown = sorted((set(methods) | set(justifications)) - set(by_lot))
        if unknown:
            raise ValidationError({"lots": [f"Lots {unknown} are not in order {order.reference}."]})
        order_changes = _order_changes(order, wanted)
        line_changes = _line_changes(lines, methods, justifications)
        if not order_changes and not line_changes:
            return order
        if {"facility", "planned_date"} & set(order_changes) or any(
            "method" in changes for changes in line_changes.values()
        ):
            _refuse_new_plan(order, lines, wanted, methods)
        _save(order, wanted, order_changes, lines, line_changes)
        _custody_events(order, lines, order_changes, line_changes, actor=actor)
    return _fresh(order)


def return_to_draft(*, order: DestructionOrder, actor: User, reason: str) -> DestructionOrder:
    """Submitted -> draft, by the order's preparer, with a reason: the order can be changed
    again and is submitted anew (another compliance check). Custody event `order_returned` on
    each lot."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ["Give the reason for taking the order back."]})
    if len(reason) > MAX_REASON:
        raise ValidationError({"reason": [_too_long(MAX_REASON, reason)]})
    current = DestructionOrder.objects.get(pk=order.pk)
    if actor.pk != current.prepared_by_id:
        raise PermissionDenied(
            f"Only the preparer of order {current.reference} can take it back to draft."
        )
    with transaction.atomic(durable=True):
        _transition(
            current,
            OrderStatus.SUBMITTED,
            OrderStatus.DRAFT,
            guard={"prepared_by": actor.pk},
            returned_by=actor,
            returned_at=timezone.now(),
            return_reason=reason,
            submitted_by=None,
            submitted_at=None,
        )
        lines = _locked_active_lines(current)
        custody.append_events(
            [line.lot for line in lines],
            Kind.ORDER_RETURNED,
            actor=actor,
            details={"order": current.reference, "reason": reason},
        )
    return _fresh(order)


def _shown(name: str, value: Any) -> Any:
    """A value as a custody event and the audit trail keep it (JSON)."""
    if isinstance(value, Facility):
        return value.name
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _order_changes(order: DestructionOrder, wanted: Mapping[str, Any]) -> dict[str, list]:
    changes = {}
    for name in ORDER_FIELDS:
        if name not in wanted:
            continue
        before = order.facility if name == "facility" else getattr(order, name)
        after = wanted[name]
        if (before.pk if name == "facility" else before) != (
            after.pk if name == "facility" else after
        ):
            changes[name] = [_shown(name, before), _shown(name, after)]
    return changes


def _line_changes(
    lines: Sequence[OrderLine], methods: Mapping[int, str], justifications: Mapping[int, str]
) -> dict[int, dict[str, list]]:
    changes: dict[int, dict[str, list]] = defaultdict(dict)
    for line in lines:
        method = methods.get(line.lot_id)
        if method is not None and method != line.method:
            changes[line.lot_id]["method"] = [line.method, method]
        text = justifications.get(line.lot_id)
        if text is not None and text != line.justification:
            changes[line.lot_id]["justification"] = [line.justification, text]
    return dict(changes)


def _refuse_new_plan(
    order: DestructionOrder,
    lines: Sequence[OrderLine],
    wanted: Mapping[str, Any],
    methods: Mapping[int, str],
) -> None:
    """The lots as they would be planned after the change: permits of the (new) facility on
    the (new) date for the (new) methods, the legal route up to that date."""
    facility = Facility.objects.prefetch_related("permits").get(
        pk=wanted["facility"].pk if "facility" in wanted else order.facility_id
    )
    inputs = [
        LineInput(lot=line.lot, method=methods.get(line.lot_id, line.method)) for line in lines
    ]
    _refuse(
        _line_refusals(
            inputs,
            {line.lot_id: line.lot for line in lines},
            facility=facility,
            planned_date=wanted.get("planned_date", order.planned_date),
            today=timezone.localdate(),
            expected_status=LotStatus.ALLOCATED,
        )
    )


def _save(
    order: DestructionOrder,
    wanted: Mapping[str, Any],
    order_changes: Mapping[str, list],
    lines: Sequence[OrderLine],
    line_changes: Mapping[int, Mapping[str, list]],
) -> None:
    if order_changes:
        DestructionOrder.objects.filter(pk=order.pk).update(
            **{name: wanted[name] for name in order_changes}, updated_at=timezone.now()
        )
        audit.record_changed(
            DestructionOrder,
            order.pk,
            {name: tuple(values) for name, values in order_changes.items()},
            object_repr=order.reference,
        )
    changed_lines = []
    for line in lines:
        changes = line_changes.get(line.lot_id)
        if not changes:
            continue
        for name, (_, after) in changes.items():
            setattr(line, name, after)
        changed_lines.append(line)
        audit.record_changed(
            OrderLine,
            line.pk,
            {name: tuple(values) for name, values in changes.items()},
            object_repr=f"{order.reference} / {line.lot.reference}",
        )
    OrderLine.objects.bulk_update(changed_lines, ["method", "justification"], batch_size=500)


def _custody_events(
    order: DestructionOrder,
    lines: Sequence[OrderLine],
    order_changes: Mapping[str, list],
    line_changes: Mapping[int, Mapping[str, list]],
    *,
    actor: User,
) -> None:
    """One `order_changed` event per concerned lot; lots with the same changes are appended
    together."""
    groups: dict[str, tuple[dict, list[Lot]]] = {}
    for line in lines:
        changes = {**order_changes, **line_changes.get(line.lot_id, {})}
        if not changes:
            continue
        key = repr(sorted(changes.items()))
        groups.setdefault(key, (changes, []))[1].append(line.lot)
    for changes, lots in groups.values():
        custody.append_events(
            lots, Kind.ORDER_CHANGED, actor=actor, details={"order": order.reference, **changes}
        )

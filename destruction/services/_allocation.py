"""Lots into and out of orders: the checks of line inputs, the eligibility refusals of each
lot, and allocation and deallocation with their custody events. Used by the order services
inside their transactions; a lot is allocated by the guarded lot update of `change_lot_status`
and by the partial unique constraint "one active order line per lot", so it is never in two
open orders."""

import datetime
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from destruction.eligibility import (
    LEGAL_BASIS_OF_ROUTE,
    LotFacts,
    PermitFacts,
    Refusal,
    facility_refusal,
    lot_refusals,
    method_refusal,
)
from destruction.models import DestructionOrder, Facility, OrderLine
from destruction.services._shared import Kind, _lock_seizures, _too_long
from project import audit
from project.errors import TransitionNotAllowed
from seizures import custody
from seizures.models import Lot, LotStatus

# A line's references name a paper (a document or decision number), not its text.
MAX_REFERENCE = 80
LINE_REFERENCES = (
    "right_holder_consent_reference",
    "customs_decision_reference",
    "lab_analysis_reference",
    "excise_notification_reference",
)


@dataclass(frozen=True)
class LineInput:
    """A lot to put in an order with its planned method (digest B0), for a lower
    waste-hierarchy rank than possible the justification (X-MF-02), and the references of the
    papers the method rests on (LINE_REFERENCES; blank: not recorded)."""

    lot: Lot
    method: str
    justification: str = ""
    right_holder_consent_reference: str = ""
    customs_decision_reference: str = ""
    lab_analysis_reference: str = ""
    excise_notification_reference: str = ""


def _check_line_inputs(lines: Sequence[LineInput], errors: dict[str, list[str]]) -> None:
    if not lines:
        errors["lots"] = ["Choose at least one lot."]
        return
    ids = [line.lot.pk for line in lines]
    if len(set(ids)) != len(ids):
        errors["lots"] = ["A lot is listed twice."]
    bad = [
        f"Lot {line.lot.reference}: {method_refusal(line.method)}"
        for line in lines
        if method_refusal(line.method)
    ]
    if bad:
        errors["methods"] = bad
    for line in lines:
        references = {name: getattr(line, name) for name in LINE_REFERENCES}
        for name, messages in _reference_errors(references).items():
            errors.setdefault(name, []).extend(f"Lot {line.lot.reference}: {m}" for m in messages)


def _reference_errors(references: Mapping[str, str]) -> dict[str, list[str]]:
    """Unknown reference names are a programming error; a reference is text of at most
    MAX_REFERENCE characters."""
    unknown = set(references) - set(LINE_REFERENCES)
    if unknown:
        raise TypeError(f"unknown line reference {', '.join(sorted(unknown))}")
    return {
        name: [_too_long(MAX_REFERENCE, value.strip())]
        for name, value in references.items()
        if len(value.strip()) > MAX_REFERENCE
    }


def _lock_lots_and_seizures(lot_ids: list[int]) -> dict[int, Lot]:
    """Read the lots with their seizures, locked (see _lock_seizures)."""
    _lock_seizures(lot_ids)
    lots = {lot.pk: lot for lot in Lot.objects.select_related("seizure").filter(pk__in=lot_ids)}
    missing = set(lot_ids) - set(lots)
    if missing:
        raise ValidationError({"lots": [f"Unknown lot id {', '.join(map(str, sorted(missing)))}."]})
    return lots


def _line_refusals(
    lines: Sequence[LineInput],
    lots: Mapping[int, Lot],
    *,
    facility: Facility,
    planned_date: datetime.date,
    today: datetime.date,
    expected_status: str = LotStatus.IN_STORAGE,
) -> list[Refusal]:
    permits = [PermitFacts.of(p) for p in facility.permits.all()]
    refusals: list[Refusal] = []
    for line in lines:
        lot = lots[line.lot.pk]
        refusals += lot_refusals(
            LotFacts.of(lot),
            planned_date=planned_date,
            today=today,
            expected_status=expected_status,
        )
        refused = facility_refusal(
            facility=facility.name,
            active=facility.active,
            permits=permits,
            method=line.method,
            hazard_classes=lot.hazard_classes or (),
            on=planned_date,
            lot=lot.reference,
        )
        if refused:
            refusals.append(Refusal(refused))
    return refusals


def _order_refusals(
    order: DestructionOrder, lines: Sequence[OrderLine], *, expected_status: str
) -> list[Refusal]:
    if not lines:
        return [Refusal(f"Order {order.reference} has no lots.")]
    facility = Facility.objects.prefetch_related("permits").get(pk=order.facility_id)
    lots = {line.lot_id: line.lot for line in lines}
    inputs = [LineInput(lot=line.lot, method=line.method) for line in lines]
    return _line_refusals(
        inputs,
        lots,
        facility=facility,
        planned_date=order.planned_date,
        today=timezone.localdate(),
        expected_status=expected_status,
    )


def _allocate(
    order: DestructionOrder, lines: Sequence[LineInput], lots: Mapping[int, Lot], *, actor: User
) -> None:
    custody.change_lot_status(
        [line.lot.pk for line in lines], expected=LotStatus.IN_STORAGE, new=LotStatus.ALLOCATED
    )
    basis = {pk: LEGAL_BASIS_OF_ROUTE[lot.seizure.legal_route] for pk, lot in lots.items()}
    try:
        with transaction.atomic():
            created = OrderLine.objects.bulk_create(
                OrderLine(
                    order=order,
                    lot_id=line.lot.pk,
                    method=line.method,
                    legal_basis=basis[line.lot.pk],
                    justification=line.justification.strip(),
                    **{name: getattr(line, name).strip() for name in LINE_REFERENCES},
                )
                for line in lines
            )
    except IntegrityError as error:  # the partial unique constraint: already in another order
        raise TransitionNotAllowed("A lot is already in another open order.") from error
    audit.record_created(created, actor=actor)
    groups: dict[tuple[str, str], list[Lot]] = defaultdict(list)
    for line in lines:
        groups[(line.method, basis[line.lot.pk])].append(lots[line.lot.pk])
    for (method, legal_basis), group in sorted(groups.items()):
        custody.append_events(
            group,
            Kind.ALLOCATED,
            actor=actor,
            details={"order": order.reference, "method": method, "legal_basis": legal_basis},
        )


def _deallocate(
    order: DestructionOrder,
    lines: Sequence[OrderLine],
    *,
    actor: User,
    reason: str,
    expected: str | tuple[str, ...],
) -> None:
    lot_ids = [line.lot_id for line in lines]
    _lock_seizures(lot_ids)
    OrderLine.objects.filter(pk__in=[line.pk for line in lines]).update(active=False)
    custody.change_lot_status(lot_ids, expected=expected, new=LotStatus.IN_STORAGE)
    lots = list(Lot.objects.select_related("seizure").filter(pk__in=lot_ids).order_by("pk"))
    custody.append_events(
        lots, Kind.DEALLOCATED, actor=actor, details={"order": order.reference, "reason": reason}
    )
    _hold_again([lot for lot in lots if lot.seizure.on_hold], order=order, actor=actor)


def _hold_again(lots: Sequence[Lot], *, order: DestructionOrder, actor: User) -> None:
    """Lots back in storage whose seizure came under a legal hold while they were in the order
    go on hold, as place_hold puts a held seizure's lots in storage on hold. Two steps (in
    storage, then on hold) because the lot transition table has no allocated -> on hold."""
    if not lots:
        return
    custody.change_lot_status(
        [lot.pk for lot in lots], expected=LotStatus.IN_STORAGE, new=LotStatus.ON_HOLD
    )
    by_seizure: dict[int, list[Lot]] = defaultdict(list)
    for lot in lots:
        by_seizure[lot.seizure_id].append(lot)
    for group in by_seizure.values():
        custody.append_events(
            group,
            Kind.HELD,
            actor=actor,
            details={"reason": group[0].seizure.hold_reason, "order": order.reference},
        )

"""Every write of the destruction app (orders, execution records, evidence, facilities). One
public function = one durable transaction that appends its custody events to every lot it touches
in the same transaction (digest X-CC-01). Views, the API and the demo loader call these.

Order transitions are guarded updates (`filter(pk, status=expected).update(...)` must change one
row, else TransitionNotAllowed): of two concurrent approvals, dispatches or records of one order
exactly one wins. A lot is allocated by the guarded lot update of `change_lot_status` and by the
partial unique constraint "one active order line per lot", so it is never in two open orders.

Bad input raises ``ValidationError({field: [messages]})``; a state conflict raises
``TransitionNotAllowed``; the four-eyes rule raises ``PermissionDenied``.
"""

import datetime
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, models, transaction
from django.db.models.deletion import ProtectedError
from django.utils import timezone
from django.utils.module_loading import import_string

from destruction.eligibility import (
    LEGAL_BASIS_OF_ROUTE,
    LotFacts,
    PermitFacts,
    Refusal,
    facility_refusal,
    hold_refusals,
    lot_refusals,
    method_refusal,
)
from destruction.evidence import CheckedUpload, check_upload
from destruction.methods import OPERATION_CODES
from destruction.models import (
    ORDER_TRANSITIONS,
    DestructionOrder,
    DestructionRecord,
    EvidenceFile,
    Facility,
    FacilityPermit,
    OrderLine,
    OrderStatus,
    OutputFraction,
    OutputRoute,
    Payer,
    Witness,
    certification_errors,
)
from project.errors import TransitionNotAllowed
from seizures import custody
from seizures.models import CustodyEvent, CustomsOffice, Lot, LotStatus, Seizure

Kind = CustodyEvent.Kind
STATUS_LABELS = dict(OrderStatus.choices)
CURRENCY = re.compile(r"^[A-Z]{3}$")
MAX_SEALS = 50
MAX_WITNESSES = 20
MAX_OUTPUTS = 20
# Free-text limits of the execution record; the record form and the API take them from here.
MAX_ABSENCE_REASON = 2000
MAX_JUSTIFICATION = 4000
MAX_DESTINATION = 200
MAX_TICKET = 80
# A line's references name a paper (a document or decision number), not its text.
MAX_REFERENCE = 80
LINE_REFERENCES = (
    "right_holder_consent_reference",
    "customs_decision_reference",
    "lab_analysis_reference",
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


@dataclass(frozen=True)
class OutputInput:
    route: str
    weight_kg: Decimal
    destination: str = ""


@dataclass(frozen=True)
class WitnessInput:
    name: str
    organisation: str
    role: str


@dataclass(frozen=True)
class EvidenceInput:
    kind: str
    file: UploadedFile


# --- orders --------------------------------------------------------------------------------


def create_order(
    *,
    actor: User,
    lines: Sequence[LineInput],
    facility: Facility,
    planned_date: datetime.date,
    cost_estimate: Decimal = Decimal("0"),
    cost_currency: str = "EUR",
    payer: str | None = None,
    carrier_name: str = "",
    carrier_registration: str = "",
    vehicle: str = "",
    seal_numbers: Sequence[str] = (),
    consignment_note_number: str = "",
    planned_witnesses: Sequence[Mapping[str, str]] = (),
    notes: str = "",
) -> DestructionOrder:
    """Plan a destruction run: eligible lots, a method each, one facility, a date. The lots are
    allocated (custody event `allocated`); the legal basis of each line follows its seizure's
    legal route (X-LB-01); the payer defaults to the right holder (X-CO-01)."""
    errors: dict[str, list[str]] = {}
    today = timezone.localdate()
    if planned_date is None or planned_date < today:
        errors["planned_date"] = ["Plan the destruction for today or a later day."]
    if cost_estimate is None or cost_estimate < 0:
        errors["cost_estimate"] = ["The cost estimate cannot be negative."]
    if not CURRENCY.match(cost_currency or ""):
        errors["cost_currency"] = ["Give a three-letter currency code, e.g. EUR."]
    if payer is not None and payer not in Payer.values:
        errors["payer"] = [f"Choose one of: {', '.join(Payer.values)}."]
    seals, seal_errors = clean_seals(seal_numbers)
    if seal_errors:
        errors["seal_numbers"] = seal_errors
    witnesses, witness_errors = clean_planned_witnesses(planned_witnesses)
    if witness_errors:
        errors["planned_witnesses"] = witness_errors
    _check_line_inputs(lines, errors)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic(durable=True):
        lots = _lock_lots_and_seizures([line.lot.pk for line in lines])
        offices = {lot.seizure.office_id for lot in lots.values()}
        if len(offices) > 1:
            raise ValidationError(
                {"lots": ["The lots of one order come from seizures of one customs office."]}
            )
        facility = Facility.objects.prefetch_related("permits").get(pk=facility.pk)
        _refuse(
            _line_refusals(lines, lots, facility=facility, planned_date=planned_date, today=today)
        )
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
            cost_estimate=cost_estimate,
            cost_currency=cost_currency,
            payer=payer,
            carrier_name=carrier_name.strip(),
            carrier_registration=carrier_registration.strip(),
            vehicle=vehicle.strip(),
            seal_numbers=seals,
            consignment_note_number=consignment_note_number.strip(),
            planned_witnesses=witnesses,
            notes=notes.strip(),
            prepared_by=actor,
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


def approve_order(*, order: DestructionOrder, actor: User) -> DestructionOrder:
    """Submitted -> approved, by someone who neither prepared nor submitted it (four eyes)."""
    current = DestructionOrder.objects.get(pk=order.pk)
    if actor.pk in (current.prepared_by_id, current.submitted_by_id):
        raise PermissionDenied(
            f"Four eyes: you prepared or submitted order {current.reference}; another person "
            "must approve it."
        )
    with transaction.atomic(durable=True):
        _transition(
            order,
            OrderStatus.SUBMITTED,
            OrderStatus.APPROVED,
            approved_by=actor,
            approved_at=timezone.now(),
            # Re-checked in the guard: the order is unchanged since it was read above.
            guard={"prepared_by": current.prepared_by_id, "submitted_by": current.submitted_by_id},
        )
        order = _fresh(order)
        _refuse_past_planned_date(order)
        lines = _locked_active_lines(order)
        _refuse(_order_refusals(order, lines, expected_status=LotStatus.ALLOCATED))
        _refuse_non_compliant(order, stage="approve", actor=actor)
        custody.append_events(
            [line.lot for line in lines],
            Kind.ORDER_APPROVED,
            actor=actor,
            details={"order": order.reference},
        )
    return order


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


# --- execution record ----------------------------------------------------------------------


def record_destruction(
    *,
    order: DestructionOrder,
    actor: User,
    started_at: datetime.datetime,
    ended_at: datetime.datetime,
    gate_weight_kg: Decimal,
    outputs: Sequence[OutputInput],
    witnesses: Sequence[WitnessInput],
    weighbridge_ticket: str = "",
    actual_methods: Mapping[int, str] | None = None,
    temperature_c: int | None = None,
    residence_time_s: Decimal | None = None,
    halogenated_over_1pct: bool | None = None,
    particle_size_mm: Decimal | None = None,
    debranded: bool = False,
    batteries_removed: bool = False,
    aerosols_degassed: bool = False,
    denatured: bool = False,
    pyrotechnics_neutralised: bool = False,
    customs_officer_present: bool = True,
    officer_absence_reason: str = "",
    deviation_justification: str = "",
    evidence: Sequence[EvidenceInput] = (),
) -> DestructionRecord:
    """Dispatched -> executed: what happened at the facility. Lots are destroyed (custody event
    `destroyed`, with the actual method); the mass balance is checked (X-QM-02) and a breach
    needs a written justification; units reconcile per lot (X-QM-01). A legal hold on a lot's
    seizure refuses the record (TransitionNotAllowed) until it is lifted."""
    errors = _record_input_errors(
        started_at=started_at,
        ended_at=ended_at,
        gate_weight_kg=gate_weight_kg,
        weighbridge_ticket=weighbridge_ticket,
        outputs=outputs,
        witnesses=witnesses,
        temperature_c=temperature_c,
        residence_time_s=residence_time_s,
        particle_size_mm=particle_size_mm,
        customs_officer_present=customs_officer_present,
        officer_absence_reason=officer_absence_reason,
        deviation_justification=deviation_justification,
    )
    checked, evidence_errors = _check_evidence(evidence)
    if evidence_errors:
        errors["evidence"] = evidence_errors
    if errors:
        raise ValidationError(errors)
    saved_files: list[EvidenceFile] = []
    try:
        with transaction.atomic(durable=True):
            _transition(order, OrderStatus.DISPATCHED, OrderStatus.EXECUTED)
            order = _fresh(order)
            lines = _locked_active_lines(order)
            # A legal hold placed after dispatch stops the record as it stopped the dispatch.
            _refuse(hold_refusals(LotFacts.of(line.lot) for line in lines))
            if started_at < order.dispatched_at.replace(second=0, microsecond=0):
                raise ValidationError(
                    {"started_at": ["The destruction cannot start before the goods left."]}
                )
            methods = _actual_methods(order, lines, actual_methods or {}, started_at)
            balance = mass_balance(
                dispatch_kg=order.dispatch_weight_kg,
                gate_kg=gate_weight_kg,
                output_kg=sum((o.weight_kg for o in outputs), Decimal("0")),
            )
            justification = (deviation_justification or "").strip()
            if balance.breaches and not justification:
                raise ValidationError(
                    {"deviation_justification": [*balance.breaches, MASS_BALANCE_JUSTIFY]}
                )
            record = DestructionRecord.objects.create(
                order=order,
                started_at=started_at,
                ended_at=ended_at,
                temperature_c=temperature_c,
                residence_time_s=residence_time_s,
                halogenated_over_1pct=halogenated_over_1pct,
                particle_size_mm=particle_size_mm,
                debranded=debranded,
                batteries_removed=batteries_removed,
                aerosols_degassed=aerosols_degassed,
                denatured=denatured,
                pyrotechnics_neutralised=pyrotechnics_neutralised,
                gate_weight_kg=gate_weight_kg,
                weighbridge_ticket=weighbridge_ticket.strip(),
                customs_officer_present=customs_officer_present,
                officer_absence_reason=officer_absence_reason.strip(),
                mass_balance_deviation=bool(balance.breaches),
                deviation_justification=justification if balance.breaches else "",
                recorded_by=actor,
            )
            OutputFraction.objects.bulk_create(
                OutputFraction(
                    record=record,
                    route=o.route,
                    weight_kg=o.weight_kg,
                    destination=o.destination.strip(),
                )
                for o in outputs
            )
            Witness.objects.bulk_create(
                Witness(
                    record=record,
                    name=w.name.strip(),
                    organisation=w.organisation.strip(),
                    role=w.role,
                )
                for w in witnesses
            )
            by_method: dict[str, list[Lot]] = defaultdict(list)
            for line in lines:
                by_method[methods[line.lot_id]].append(line.lot)
            for method, lots in by_method.items():
                OrderLine.objects.filter(
                    order=order, active=True, lot_id__in=[lot.pk for lot in lots]
                ).update(actual_method=method)
            _refuse_unreconciled([line.lot_id for line in lines])
            custody.change_lot_status(
                [line.lot_id for line in lines],
                expected=LotStatus.IN_TRANSIT,
                new=LotStatus.DESTROYED,
                location=None,
            )
            for method, lots in sorted(by_method.items()):
                custody.append_events(
                    lots,
                    Kind.DESTROYED,
                    actor=actor,
                    details={
                        "order": order.reference,
                        "facility": order.facility.name,
                        "method": method,
                        "started_at": started_at.isoformat(),
                        "ended_at": ended_at.isoformat(),
                        "gate_weight_kg": str(gate_weight_kg),
                        "weighbridge_ticket": record.weighbridge_ticket,
                        "mass_balance_deviation": bool(balance.breaches),
                    },
                )
            for item in checked:
                saved_files.append(_store_evidence(record, item, actor=actor))
            # The compliance check of the record is stored by the hook (compliance app); the
            # certificate reads it. A non-compliant record is still recorded: it happened.
            compliance_check(order, stage="record", actor=actor)
    except BaseException:
        _discard_files(saved_files)
        raise
    return record


def add_evidence(
    *, order: DestructionOrder, kind: str, file: UploadedFile, actor: User
) -> EvidenceFile:
    """Attach one more evidence file to an executed order's record (before certification)."""
    item = check_upload(file, kind, field="file")
    saved: list[EvidenceFile] = []
    try:
        with transaction.atomic(durable=True):
            # Locks the order: a certificate cannot be issued while the evidence is being added.
            updated = DestructionOrder.objects.filter(
                pk=order.pk, status=OrderStatus.EXECUTED
            ).update(updated_at=timezone.now())
            if updated != 1:
                current = DestructionOrder.objects.get(pk=order.pk)
                raise TransitionNotAllowed(
                    f"Order {current.reference} is {current.get_status_display().lower()}; "
                    "evidence is added to executed orders before certification."
                )
            record = DestructionRecord.objects.select_related("order").get(order_id=order.pk)
            saved.append(_store_evidence(record, item, actor=actor))
    except BaseException:
        _discard_files(saved)
        raise
    return saved[0]


@dataclass(frozen=True)
class MassBalance:
    tolerance_dispatch_kg: Decimal
    tolerance_gate_kg: Decimal
    breaches: tuple[str, ...]


MASS_BALANCE_JUSTIFY = "X-QM-02: explain the deviation in a written justification."


def tolerance_kg(reference_kg: Decimal) -> Decimal:
    """The larger of a share of the reference mass and a fixed mass (X-QM-02, configurable)."""
    share = reference_kg * Decimal(str(settings.MASS_BALANCE_TOLERANCE_PERCENT)) / 100
    return max(share, Decimal(str(settings.MASS_BALANCE_TOLERANCE_KG)))


def mass_balance(
    *, dispatch_kg: Decimal | None, gate_kg: Decimal, output_kg: Decimal
) -> MassBalance:
    """Gate weight against dispatch weight, and the output fractions against the gate weight,
    each within the tolerance; every breach is described with its figures."""
    breaches = []
    dispatch_tolerance = tolerance_kg(dispatch_kg or Decimal("0"))
    gate_tolerance = tolerance_kg(gate_kg)
    if dispatch_kg is not None and abs(gate_kg - dispatch_kg) > dispatch_tolerance:
        breaches.append(
            f"X-QM-02: gate weight {gate_kg} kg differs from the dispatch weight {dispatch_kg} kg "
            f"by {abs(gate_kg - dispatch_kg)} kg (tolerance {dispatch_tolerance:.3f} kg)."
        )
    if abs(output_kg - gate_kg) > gate_tolerance:
        breaches.append(
            f"X-QM-02: output fractions total {output_kg} kg against a gate weight of {gate_kg} "
            f"kg, {abs(output_kg - gate_kg)} kg apart (tolerance {gate_tolerance:.3f} kg)."
        )
    return MassBalance(dispatch_tolerance, gate_tolerance, tuple(breaches))


# --- facilities ----------------------------------------------------------------------------


@dataclass(frozen=True)
class PermitInput:
    number: str
    authority: str
    valid_from: datetime.date
    valid_until: datetime.date
    operations: Sequence[str]
    waste_codes: Sequence[str] = ()
    hazardous_allowed: bool = False


FACILITY_FIELDS = (
    "name",
    "operator",
    "address",
    "country",
    "certifications",
    "max_incineration_temperature_c",
    "active",
)


def save_facility(
    *,
    actor: User,
    facility: Facility | None = None,
    permits: Sequence[PermitInput] | None = None,
    **fields,
) -> Facility:
    """Create or change a facility; `permits` (when given) replaces its permit list. A permit
    already named by an order keeps its number (matched by number and updated in place)."""
    unknown = set(fields) - set(FACILITY_FIELDS)
    if unknown:
        raise ValidationError({name: ["This field cannot be set."] for name in sorted(unknown)})
    errors: dict[str, list[str]] = {}
    certifications = fields.get("certifications")
    if certifications is not None:
        # Checked before the transaction to report it with the permit errors; clean() again.
        certification_problems = certification_errors(certifications)
        if certification_problems:
            errors["certifications"] = certification_problems
        else:
            fields["certifications"] = sorted(set(certifications))
    if permits is not None:
        permit_errors = _permit_errors(permits)
        if permit_errors:
            errors["permits"] = permit_errors
    if errors:
        raise ValidationError(errors)
    with transaction.atomic(durable=True):
        facility = facility or Facility()
        for name, value in fields.items():
            setattr(facility, name, value.strip() if isinstance(value, str) else value)
        facility.full_clean()
        facility.save()
        if permits is not None:
            keep = {p.number.strip() for p in permits}
            facility.permits.exclude(number__in=keep).delete()
            for p in permits:
                FacilityPermit.objects.update_or_create(
                    facility=facility,
                    number=p.number.strip(),
                    defaults={
                        "authority": p.authority.strip(),
                        "valid_from": p.valid_from,
                        "valid_until": p.valid_until,
                        "operations": sorted(set(p.operations), key=OPERATION_CODES.index),
                        "waste_codes": sorted({c.strip() for c in p.waste_codes if c.strip()}),
                        "hazardous_allowed": p.hazardous_allowed,
                    },
                )
    return facility


def delete_facility(*, facility: Facility, actor: User) -> None:
    """Remove a facility never named by an order; others are taken out of use instead."""
    with transaction.atomic(durable=True):
        if DestructionOrder.objects.filter(facility=facility).exists():
            raise ValidationError(
                {"facility": ["Orders name this facility: mark it as no longer in use instead."]}
            )
        try:
            facility.delete()
        except ProtectedError as error:
            raise ValidationError({"facility": ["The facility is still referenced."]}) from error


def _permit_errors(permits: Sequence[PermitInput]) -> list[str]:
    errors = []
    numbers = [p.number.strip() for p in permits]
    if len(set(numbers)) != len(numbers):
        errors.append("Permit numbers must be unique.")
    for p in permits:
        label = p.number.strip() or "(no number)"
        if not p.number.strip() or not p.authority.strip():
            errors.append(f"Permit {label}: give the number and the issuing authority.")
        if p.valid_from and p.valid_until and p.valid_until < p.valid_from:
            errors.append(f"Permit {label}: valid until is before valid from.")
        bad = [code for code in p.operations if code not in OPERATION_CODES]
        if bad:
            errors.append(f"Permit {label}: unknown R/D operation code {', '.join(map(str, bad))}.")
        if not p.operations:
            errors.append(f"Permit {label}: list the authorised R/D operation codes.")
    return errors


# --- compliance hook -----------------------------------------------------------------------


def compliance_check(order: DestructionOrder, *, stage: str, actor: User) -> Any:
    """Run settings.DESTRUCTION_COMPLIANCE_CHECK (compliance app) if configured; it stores and
    returns the check (.verdict, .findings). None when no check is configured."""
    if not settings.DESTRUCTION_COMPLIANCE_CHECK:
        return None
    check = import_string(settings.DESTRUCTION_COMPLIANCE_CHECK)
    return check(order, stage=stage, actor=actor)


def _refuse_non_compliant(order: DestructionOrder, *, stage: str, actor: User) -> None:
    result = compliance_check(order, stage=stage, actor=actor)
    if result is None or result.verdict != "non_compliant":
        return
    blocking = [
        f"{f.get('rule') or '?'}{' (lot ' + f['lot'] + ')' if f.get('lot') else ''}: "
        f"{f.get('message', '')}"
        for f in result.findings
        if f.get("severity") in ("blocking", "error")
    ]
    raise ValidationError(
        {
            "compliance": [
                f"The compliance check refuses to {stage} order {order.reference}.",
                *(blocking or ["Verdict non_compliant."]),
            ]
        }
    )


# --- helpers -------------------------------------------------------------------------------


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


def _lock_seizures(lot_ids: Iterable[int]) -> None:
    """Lock the seizures of the lots before the lots are read or changed (as place_hold does:
    seizure, then lots), so a legal hold being placed is either seen by the caller or waits for
    it, never slips in between its check and its change."""
    seizure_ids = Lot.objects.filter(pk__in=list(lot_ids)).values("seizure_id")
    list(Seizure.objects.select_for_update().filter(pk__in=seizure_ids).order_by("pk"))


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


def _refuse(refusals: Sequence[Refusal]) -> None:
    """State conflicts (status, hold) are a 409; missing legal steps and permits a 400."""
    if any(r.conflict for r in refusals):
        raise TransitionNotAllowed(" ".join(r.message for r in refusals if r.conflict))
    if refusals:
        raise ValidationError({"lots": [r.message for r in refusals]})


def _allocate(
    order: DestructionOrder, lines: Sequence[LineInput], lots: Mapping[int, Lot], *, actor: User
) -> None:
    custody.change_lot_status(
        [line.lot.pk for line in lines], expected=LotStatus.IN_STORAGE, new=LotStatus.ALLOCATED
    )
    basis = {pk: LEGAL_BASIS_OF_ROUTE[lot.seizure.legal_route] for pk, lot in lots.items()}
    try:
        with transaction.atomic():
            OrderLine.objects.bulk_create(
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


def _transition(
    order: DestructionOrder,
    expected: OrderStatus,
    new: OrderStatus,
    *,
    guard: Mapping[str, Any] | None = None,
    **changes,
) -> None:
    """The guarded update of the order's status (one row, else TransitionNotAllowed)."""
    if new not in ORDER_TRANSITIONS[expected]:
        raise TransitionNotAllowed(
            f"Order {order.reference} is {STATUS_LABELS[expected].lower()}; it cannot become "
            f"{STATUS_LABELS[new].lower()}."
        )
    updated = DestructionOrder.objects.filter(pk=order.pk, status=expected, **(guard or {})).update(
        status=new, updated_at=timezone.now(), **changes
    )
    if updated != 1:
        status = DestructionOrder.objects.filter(pk=order.pk).values_list("status", flat=True)
        current = STATUS_LABELS.get(status.first() or "", "gone")
        raise TransitionNotAllowed(
            f"Order {order.reference} is {current.lower()}, not "
            f"{STATUS_LABELS[expected].lower()}; it cannot become {STATUS_LABELS[new].lower()}."
        )


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


def _fresh(order: DestructionOrder) -> DestructionOrder:
    return DestructionOrder.objects.select_related("facility", "office").get(pk=order.pk)


def _active_lines(order: DestructionOrder) -> list[OrderLine]:
    return list(
        order.lines.filter(active=True).select_related("lot", "lot__seizure").order_by("lot_id")
    )


def _locked_active_lines(order: DestructionOrder) -> list[OrderLine]:
    """The active lines, read after their seizures are locked (see _lock_seizures)."""
    _lock_seizures(order.lines.filter(active=True).values_list("lot_id", flat=True))
    return _active_lines(order)


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


def _actual_methods(
    order: DestructionOrder,
    lines: Sequence[OrderLine],
    given: Mapping[int, str],
    started_at: datetime.datetime,
) -> dict[int, str]:
    """The method each lot was actually treated with (default: as planned), checked against
    the facility's permits on the day of destruction (X-MF-01, X-MF-03)."""
    ids = {line.lot_id for line in lines}
    if set(given) - ids:
        raise ValidationError({"actual_methods": ["Some lots are not in this order."]})
    methods = {line.lot_id: given.get(line.lot_id) or line.method for line in lines}
    permits = [PermitFacts.of(p) for p in order.facility.permits.all()]
    day = timezone.localdate(started_at)
    problems = []
    for line in lines:
        refused = facility_refusal(
            facility=order.facility.name,
            active=True,  # a facility taken out of use later still did this work
            permits=permits,
            method=methods[line.lot_id],
            hazard_classes=line.lot.hazard_classes or (),
            on=day,
            lot=line.lot.reference,
        )
        if refused:
            problems.append(f"Lot {line.lot.reference}: {refused}")
    if problems:
        raise ValidationError({"actual_methods": problems})
    return methods


def _refuse_unreconciled(lot_ids: list[int]) -> None:
    """X-QM-01: destroyed + sampled + released = seized, per lot. Samples are counted out with
    their own chain; a released lot is never destroyed, so nothing of a lot is released here."""
    sampled = dict(
        Lot.objects.filter(parent_id__in=lot_ids)
        .values("parent_id")
        .annotate(articles=models.Sum("seized_articles"))
        .values_list("parent_id", "articles")
    )
    problems = []
    for lot in Lot.objects.filter(pk__in=lot_ids).only("reference", "articles", "seized_articles"):
        taken = sampled.get(lot.pk, 0)
        if lot.articles + taken != lot.seized_articles:
            problems.append(
                f"X-QM-01: lot {lot.reference}: {lot.articles} destroyed + {taken} sampled + 0 "
                f"released is not the {lot.seized_articles} seized."
            )
    if problems:
        raise ValidationError({"lots": problems})


def _record_input_errors(
    *,
    started_at: datetime.datetime,
    ended_at: datetime.datetime,
    gate_weight_kg: Decimal,
    weighbridge_ticket: str,
    outputs: Sequence[OutputInput],
    witnesses: Sequence[WitnessInput],
    temperature_c: int | None,
    residence_time_s: Decimal | None,
    particle_size_mm: Decimal | None,
    customs_officer_present: bool,
    officer_absence_reason: str,
    deviation_justification: str,
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    now = timezone.now()
    if started_at is None or ended_at is None:
        errors["started_at"] = ["Give the start and end time."]
    else:
        if ended_at < started_at:
            errors["ended_at"] = ["The destruction cannot end before it started."]
        if ended_at > now + datetime.timedelta(minutes=5):
            errors["ended_at"] = ["The end time is in the future."]
    if gate_weight_kg is None or gate_weight_kg < 0:
        errors["gate_weight_kg"] = ["Give the gate weight from the weighbridge (kg)."]
    ticket = (weighbridge_ticket or "").strip()
    if not ticket:
        errors["weighbridge_ticket"] = [
            "X-QM-02: give the number of the weighbridge ticket of the gate weight."
        ]
    elif len(ticket) > MAX_TICKET:
        errors["weighbridge_ticket"] = [_too_long(MAX_TICKET, ticket)]
    for name, value in (
        ("temperature_c", temperature_c),
        ("residence_time_s", residence_time_s),
        ("particle_size_mm", particle_size_mm),
    ):
        if value is not None and value < 0:
            errors[name] = ["The value cannot be negative."]
    output_errors = _output_errors(outputs)
    if output_errors:
        errors["outputs"] = output_errors
    witness_errors = _witness_errors(witnesses, customs_officer_present=customs_officer_present)
    if witness_errors:
        errors["witnesses"] = witness_errors
    reason = (officer_absence_reason or "").strip()
    if not customs_officer_present and not reason:
        errors["officer_absence_reason"] = [
            "X-WE-01: record the risk-based decision not to attend."
        ]
    elif len(reason) > MAX_ABSENCE_REASON:
        errors["officer_absence_reason"] = [_too_long(MAX_ABSENCE_REASON, reason)]
    justification = (deviation_justification or "").strip()
    if len(justification) > MAX_JUSTIFICATION:
        errors["deviation_justification"] = [_too_long(MAX_JUSTIFICATION, justification)]
    return errors


def _too_long(limit: int, text: str) -> str:
    return f"At most {limit} characters ({len(text)} given)."


def _output_errors(outputs: Sequence[OutputInput]) -> list[str]:
    """Each fraction: a known route, a weight, and where it went (X-MF-07; an empty fraction
    went nowhere)."""
    if not outputs:
        return ["Record at least one output fraction (X-QM-02)."]
    if len(outputs) > MAX_OUTPUTS:
        return [f"At most {MAX_OUTPUTS} output fractions."]
    errors = []
    for number, output in enumerate(outputs, start=1):
        if output.route not in OutputRoute.values:
            errors.append(f"Output {number}: route is one of {', '.join(OutputRoute.values)}.")
        if output.weight_kg is None or output.weight_kg < 0:
            errors.append(f"Output {number}: the weight cannot be negative.")
            continue
        destination = (output.destination or "").strip()
        if output.weight_kg > 0 and not destination:
            errors.append(
                f"Output {number}: name the downstream destination of its {output.weight_kg} kg "
                "(X-MF-07)."
            )
        elif len(destination) > MAX_DESTINATION:
            errors.append(f"Output {number}: {_too_long(MAX_DESTINATION, destination)}")
    return errors


def _witness_errors(
    witnesses: Sequence[WitnessInput], *, customs_officer_present: bool
) -> list[str]:
    if not witnesses:
        return ["Record the witnesses of the destruction (X-WE-01)."]
    if len(witnesses) > MAX_WITNESSES:
        return [f"At most {MAX_WITNESSES} witnesses."]
    errors = [
        f"Witness {n}: give name, organisation and a role ({', '.join(Witness.Role.values)})."
        for n, w in enumerate(witnesses, start=1)
        if not w.name.strip() or not w.organisation.strip() or w.role not in Witness.Role.values
    ]
    if errors:
        return errors
    if customs_officer_present and not any(
        w.role == Witness.Role.CUSTOMS_OFFICER for w in witnesses
    ):
        return [
            "X-WE-01: a customs officer attended: name them among the witnesses, or record "
            "why no officer attended."
        ]
    return []


def _check_evidence(evidence: Sequence[EvidenceInput]) -> tuple[list[CheckedUpload], list[str]]:
    checked, errors = [], []
    for item in evidence:
        try:
            checked.append(check_upload(item.file, item.kind))
        except ValidationError as error:
            errors += error.message_dict.get("evidence", error.messages)
    return checked, errors


def _store_evidence(record: DestructionRecord, item: CheckedUpload, *, actor: User) -> EvidenceFile:
    evidence = EvidenceFile(
        record=record,
        kind=item.kind,
        original_name=item.original_name,
        content_type=item.file_type.content_type,
        size=item.size,
        sha256=item.sha256,
        uploaded_by=actor,
    )
    item.upload.seek(0)
    evidence.file.save(item.stored_name, item.upload, save=False)
    evidence.save()
    return evidence


def _discard_files(saved: Sequence[EvidenceFile]) -> None:
    """Files written by a transaction that rolled back are removed from disk."""
    for evidence in saved:
        evidence.file.delete(save=False)

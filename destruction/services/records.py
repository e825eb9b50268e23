"""Services of the execution record: what happened at the facility (record_destruction,
dispatched -> executed), evidence files added before certification, and the mass balance
(X-QM-02). One public function = one durable transaction with its custody events; files
written by a transaction that rolls back are removed from disk."""

import datetime
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.utils import timezone

from destruction.costs.services import accrue_order_costs
from destruction.eligibility import LotFacts, PermitFacts, facility_refusal, hold_refusals
from destruction.evidence import CheckedEvidence, check_upload
from destruction.methods import OPERATION_CODES
from destruction.models import (
    DecompositionState,
    DestructionOrder,
    DestructionRecord,
    EvidenceFile,
    OrderLine,
    OrderStatus,
    OutputFraction,
    OutputRoute,
    Receipt,
    Witness,
    operated_facility_id,
)
from destruction.services._shared import (
    MAX_WITNESSES,
    Kind,
    _fresh,
    _locked_active_lines,
    _refuse,
    _too_long,
    _transition,
    compliance_check,
    mass_tolerance,
)
from project import audit, uploads
from project.errors import TransitionNotAllowed
from project.statistics import rollup_change
from seizures import custody
from seizures.models import Lot, LotStatus
from seizures.waste_codes import canonical_code, code_errors

MAX_OUTPUTS = 20
# Free-text limits of the execution record; the record form and the API take them from here.
MAX_ABSENCE_REASON = 2000
MAX_JUSTIFICATION = 4000
MAX_DESTINATION = 200
MAX_TICKET = 80
MAX_OUTPUT_REFERENCE = 80
MISSING_TICKET = "X-QM-02: give the number of the weighbridge ticket of the gate weight."


@dataclass(frozen=True)
class OutputInput:
    route: str
    weight_kg: Decimal
    destination: str = ""
    operation_code: str = ""
    ewc_code: str = ""
    destination_permit: str = ""
    shipment_reference: str = ""


@dataclass(frozen=True)
class WitnessInput:
    name: str
    organisation: str
    role: str


@dataclass(frozen=True)
class EvidenceInput:
    kind: str
    file: UploadedFile


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
    liquid_volume_l: Decimal | None = None,
    decomposition_state: str = "",
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
        liquid_volume_l=liquid_volume_l,
        decomposition_state=decomposition_state,
        customs_officer_present=customs_officer_present,
        officer_absence_reason=officer_absence_reason,
        deviation_justification=deviation_justification,
    )
    checked, evidence_errors = _check_evidence(evidence)
    if evidence_errors:
        errors["evidence"] = evidence_errors
    if errors:
        raise ValidationError(errors)
    with uploads.discarded_on_failure() as stored, transaction.atomic(durable=True):
        _transition(order, OrderStatus.DISPATCHED, OrderStatus.EXECUTED)
        order = _fresh(order)
        by_facility = _facility_submission(order, actor)
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
        with rollup_change(seizures={line.lot.seizure_id for line in lines}, orders=[order.pk]):
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
                liquid_volume_l=liquid_volume_l,
                decomposition_state=decomposition_state,
                gate_weight_kg=gate_weight_kg,
                weighbridge_ticket=weighbridge_ticket.strip(),
                customs_officer_present=customs_officer_present,
                officer_absence_reason=officer_absence_reason.strip(),
                mass_balance_deviation=bool(balance.breaches),
                deviation_justification=justification if balance.breaches else "",
                recorded_by=actor,
                recorded_by_facility=by_facility,
            )
            fractions = OutputFraction.objects.bulk_create(
                OutputFraction(
                    record=record,
                    route=o.route,
                    weight_kg=o.weight_kg,
                    destination=o.destination.strip(),
                    operation_code=o.operation_code,
                    # Validated above: the list's own spelling ("191208" -> "19 12 08").
                    ewc_code=canonical_code(o.ewc_code) if o.ewc_code.strip() else "",
                    destination_permit=o.destination_permit.strip(),
                    shipment_reference=o.shipment_reference.strip(),
                )
                for o in outputs
            )
            present = Witness.objects.bulk_create(
                Witness(
                    record=record,
                    name=w.name.strip(),
                    organisation=w.organisation.strip(),
                    role=w.role,
                )
                for w in witnesses
            )
            audit.record_created([*fractions, *present], actor=actor)
            by_method: dict[str, list[Lot]] = defaultdict(list)
            for line in lines:
                by_method[methods[line.lot_id]].append(line.lot)
            for method, lots in by_method.items():
                OrderLine.objects.filter(
                    order=order, active=True, lot_id__in=[lot.pk for lot in lots]
                ).update(actual_method=method)
            _refuse_unreconciled([line.lot_id for line in lines])
            # Costs accrue while the lots still stand where they were stored (zone tariffs).
            accrue_order_costs(order, lines, methods=methods)
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
            _store_evidence(record, item, actor=actor, stored=stored)
        # The compliance check of the record is stored by the hook (compliance app); the
        # certificate reads it. A non-compliant record is still recorded: it happened.
        compliance_check(order, stage="record", actor=actor)
    return record


def _facility_submission(order: DestructionOrder, actor: User) -> bool:
    """A facility operator records only orders of their facility, after confirming receipt;
    their record then awaits a countersignature (services.countersign_record)."""
    facility_id = operated_facility_id(actor)
    if facility_id is None:
        return False
    if facility_id != order.facility_id:
        raise PermissionDenied("The order goes to another facility.")
    if not Receipt.objects.filter(order=order).exists():
        raise ValidationError(
            {"receipt": [f"Confirm the receipt of {order.reference} before recording it."]}
        )
    return True


def add_evidence(
    *, order: DestructionOrder, kind: str, file: UploadedFile, actor: User
) -> EvidenceFile:
    """Attach one more evidence file to an executed order's record (before certification) and
    run the record check again (a stored check each time)."""
    item = check_upload(file, kind, field="file")
    with uploads.discarded_on_failure() as stored, transaction.atomic(durable=True):
        # Locks the order: a certificate cannot be issued while the evidence is being added.
        updated = DestructionOrder.objects.filter(pk=order.pk, status=OrderStatus.EXECUTED).update(
            updated_at=timezone.now()
        )
        if updated != 1:
            current = DestructionOrder.objects.get(pk=order.pk)
            raise TransitionNotAllowed(
                f"Order {current.reference} is {current.get_status_display().lower()}; "
                "evidence is added to executed orders before certification."
            )
        record = DestructionRecord.objects.select_related("order").get(order_id=order.pk)
        evidence = _store_evidence(record, item, actor=actor, stored=stored)
        # The evidence may satisfy a blocking record rule (X-WE-04: signed minutes): the
        # record check runs again and is stored, so the certificate reads the new verdict.
        compliance_check(record.order, stage="record", actor=actor)
    return evidence


@dataclass(frozen=True)
class MassBalance:
    tolerance_dispatch_kg: Decimal
    tolerance_gate_kg: Decimal
    breaches: tuple[str, ...]


MASS_BALANCE_JUSTIFY = "X-QM-02: explain the deviation in a written justification."


def mass_balance(
    *, dispatch_kg: Decimal | None, gate_kg: Decimal, output_kg: Decimal
) -> MassBalance:
    """Gate weight against dispatch weight, and the output fractions against the gate weight,
    each within the rulebook's tolerance (see mass_tolerance); every breach is described with
    its figures."""
    tolerance = mass_tolerance()
    breaches = []
    dispatch_tolerance = tolerance.of(dispatch_kg or Decimal("0"))
    gate_tolerance = tolerance.of(gate_kg)
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
    liquid_volume_l: Decimal | None,
    decomposition_state: str,
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
        errors["weighbridge_ticket"] = [MISSING_TICKET]
    elif len(ticket) > MAX_TICKET:
        errors["weighbridge_ticket"] = [_too_long(MAX_TICKET, ticket)]
    for name, value in (
        ("temperature_c", temperature_c),
        ("residence_time_s", residence_time_s),
        ("particle_size_mm", particle_size_mm),
        ("liquid_volume_l", liquid_volume_l),
    ):
        if value is not None and value < 0:
            errors[name] = ["The value cannot be negative."]
    if decomposition_state and decomposition_state not in DecompositionState.values:
        errors["decomposition_state"] = [f"Choose one of: {', '.join(DecompositionState.values)}."]
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
        errors += _output_reference_errors(number, output)
    return errors


def _output_reference_errors(number: int, output: OutputInput) -> list[str]:
    """The optional codes and references of a fraction: known codes, bounded texts."""
    errors = []
    if output.operation_code and output.operation_code not in OPERATION_CODES:
        errors.append(f"Output {number}: the R/D code is one of R1-R13, D1-D15.")
    if (output.ewc_code or "").strip():
        errors += [f"Output {number}: {e}" for e in code_errors([output.ewc_code])]
    for label, value in (
        ("the permit", output.destination_permit),
        ("the shipment reference", output.shipment_reference),
    ):
        if len((value or "").strip()) > MAX_OUTPUT_REFERENCE:
            errors.append(f"Output {number}: {label}: {_too_long(MAX_OUTPUT_REFERENCE, value)}")
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


def _check_evidence(evidence: Sequence[EvidenceInput]) -> tuple[list[CheckedEvidence], list[str]]:
    checked, errors = [], []
    for item in evidence:
        try:
            checked.append(check_upload(item.file, item.kind))
        except ValidationError as error:
            errors += error.message_dict.get("evidence", error.messages)
    return checked, errors


def _store_evidence(
    record: DestructionRecord, item: CheckedEvidence, *, actor: User, stored: list
) -> EvidenceFile:
    evidence = EvidenceFile(
        record=record,
        kind=item.kind,
        original_name=item.file.original_name,
        content_type=item.file.file_type.content_type,
        size=item.file.size,
        sha256=item.file.sha256,
        uploaded_by=actor,
    )
    uploads.store(evidence.file, item.file, field="evidence", stored=stored)
    evidence.save()
    return evidence

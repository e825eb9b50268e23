"""From the database to the engine's facts: a lot and a storage location (storage stage), an
order's lines with their seizures and the facility's permits (order stage), and the destruction
record with its outputs, witnesses and evidence (record stage).

Each fact the rulebook names is either mapped from a field, derived from several (the legal
route's completion, working-day counts, the mass balance), left to its vocabulary default (flags
such as ``damaged`` whose absence means "no"), or *untracked*: this system has no field for it.
A rule that cannot be decided only because untracked facts are missing must not block a normal
order, so :func:`soften_untracked` lowers its finding to the severity in :data:`UNTRACKED`
(``info``). A rule breached by facts we do know keeps its severity.
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final

from django.conf import settings
from django.db.models import Count, Q, Sum
from django.utils import timezone

from compliance.conditions import INFO, SEVERITIES
from compliance.engine import Finding, evaluate
from compliance.facts import (
    FACTS,
    STAGE_ORDER,
    Permit,
    goods_flags,
    mass_facts,
    method_facts,
    permit_facts,
    what_if_facts,
)
from compliance.rulebook import Rule, Rulebook, load_rulebook
from destruction.costs.models import CostEntry, Statement
from destruction.eligibility import LegalFacts, legal_route_completion
from destruction.methods import METHODS
from destruction.models import DestructionOrder, DestructionRecord, Facility, OrderLine
from seizures.categories import DEFAULT_HAZARD_CLASSES, is_electrical
from seizures.custody import verify_chains
from seizures.deadlines import is_working_day
from seizures.models import COUNTERFEIT_OR_PIRATED, Holiday, IPRType, Lot, StorageLocation
from seizures.storage import OCCUPYING_STATUSES

# Facts this system does not record (no model field), with the highest severity a rule that is
# undecidable only for lack of them may keep.
UNTRACKED: Final[dict[str, str]] = {
    "days_since_stocktake": INFO,  # X-CC-06: until a location's first stocktake is recorded
    "facility_evaluated": INFO,  # CHE-C1: known only through certifications (mapped if any)
    "animal_origin": INFO,  # FOOD-M1: in the lab or veterinary report on paper
    "pressure_sterilised": INFO,  # FOOD-M1: in the digestion plant's record on paper
    "methanol_contaminated": INFO,  # ALC-M4: in the lab report on paper
}

_RANK: Final[dict[str, int]] = {severity: rank for rank, severity in enumerate(SEVERITIES)}


def current_rulebook() -> Rulebook:
    """The rulebook in force, with the administration's parameters (cached by the loader)."""
    return load_rulebook(parameters=settings.COMPLIANCE_PARAMETERS)


@functools.cache
def _rules_by_id(rulebook: Rulebook) -> dict[str, Rule]:
    return {rule.id: rule for rule in rulebook.rules}


def evaluate_facts(
    facts: Mapping[str, object],
    rulebook: Rulebook,
    *,
    stage: str,
    untracked: Mapping[str, str] = UNTRACKED,
) -> list[Finding]:
    """The engine's findings for the stage, with untracked facts softened; blocking first."""
    findings = evaluate(facts, rulebook, applies_to=stage)
    return soften_untracked(findings, facts, rulebook, untracked, stage=stage)


def soften_untracked(
    findings: Sequence[Finding],
    facts: Mapping[str, object],
    rulebook: Rulebook,
    untracked: Mapping[str, str],
    *,
    stage: str,
) -> list[Finding]:
    """Lower a finding that is undecidable only for lack of facts nobody could have recorded
    yet: untracked facts (to their cap in `untracked`) and facts known at a later stage (info,
    as the engine does when they are the only missing ones)."""
    rules = _rules_by_id(rulebook)
    softened: list[Finding] = []
    for finding in findings:
        caps = [_cap(name, untracked, stage) for name in finding.missing]
        if (
            finding.missing
            and finding.severity != INFO
            and any(name in untracked for name in finding.missing)
            and all(cap is not None for cap in caps)
            # Undecidable, not breached: a breach by known facts keeps its severity.
            and rules[finding.rule].test(facts) is None
        ):
            cap = min(caps, key=_RANK.__getitem__)
            finding = dataclasses.replace(
                finding,
                severity=max(finding.severity, cap, key=_RANK.__getitem__),
                detail=_untracked_detail(finding.missing, untracked),
            )
        softened.append(finding)
    softened.sort(key=lambda finding: _RANK[finding.severity])
    return softened


def _untracked_detail(missing: Sequence[str], untracked: Mapping[str, str]) -> str:
    paper = ", ".join(FACTS[name].label for name in missing if name in untracked)
    later = ", ".join(FACTS[name].label for name in missing if name not in untracked)
    detail = f"Not tracked in this system: {paper}; check the paper file"
    return f"{detail}. Not known yet: {later}" if later else detail


def _cap(name: str, untracked: Mapping[str, str], stage: str) -> str | None:
    """The highest severity a missing fact may cause, None if its absence is a real gap."""
    if name in untracked:
        return untracked[name]
    if STAGE_ORDER[FACTS[name].known_from] > STAGE_ORDER[stage]:
        return INFO
    return None


def working_days_between(
    start: datetime.date, end: datetime.date, holidays: Collection[datetime.date]
) -> int:
    """Working days after `start` up to and including `end` (0 when `end` is not later)."""
    days, current = 0, start
    while current < end:
        current += datetime.timedelta(days=1)
        days += is_working_day(current, holidays)
    return days


# --- storage ----------------------------------------------------------------------------------


def co_located_waste_classes(location_ids: Iterable[int]) -> dict[int, Counter[str]]:
    """location id -> how many lots of each waste class occupy it, in one query."""
    present: dict[int, Counter[str]] = defaultdict(Counter)
    rows = (
        Lot.objects.occupying()
        .filter(location_id__in=set(location_ids))
        .values_list("location_id", "waste_class")
        .annotate(n=Count("id"))
        .order_by()
    )
    for location_id, waste_class, n in rows:
        present[location_id][waste_class] += n
    return present


def placement_facts(
    lot: Lot,
    location: StorageLocation,
    *,
    co_located: Counter[str],
    today: datetime.date,
    recovery_planned: bool = False,
) -> tuple[dict[str, object], dict[str, str]]:
    """Facts of placing `lot` at `location` (X-CC-04/05/06, the S rules of each class), and the
    untracked facts of this evaluation. `co_located` counts the waste classes of the lots that
    occupy the location (from `co_located_waste_classes`), the lot itself included if it is
    already there; `recovery_planned` says an active order line plans a recovery for the lot
    (from `lots_awaiting_recovery`)."""
    seizure = lot.seizure
    others = Counter(co_located)
    if lot.location_id == location.pk and lot.status in OCCUPYING_STATUSES:
        others[lot.waste_class] -= 1
    stored_since = timezone.localdate(lot.stored_since) if lot.stored_since else today
    facts: dict[str, object] = {
        "waste_class": lot.waste_class,
        "hazard_classes": tuple(lot.hazard_classes or ()),
        "perishable": seizure.perishable,
        "damaged": lot.damaged,
        "declaration_reference": declaration_reference(seizure),
        "zone_type": location.zone_type,
        "location_hazard_classes": tuple(location.accepted_hazard_classes or ()),
        "co_located_waste_classes": tuple(sorted(c for c, n in others.items() if n > 0)),
        "days_in_storage": (today - stored_since).days,
        "recovery_planned": recovery_planned,
    }
    if location.last_stocktake_on is not None:
        facts["days_since_stocktake"] = (today - location.last_stocktake_on).days
    untracked = dict(UNTRACKED)
    legal_completion_facts(facts, seizure, today=today)
    # X-CC-05 (c): the lot became waste with the destruction decision, the day its legal route
    # completed (Art. 23(1) agreement, Art. 26, a judgment): from then on it waits as waste.
    # Not waste yet, or the day is not recorded (a court route): blank, which the rule passes.
    completed_on = facts.get("legal_basis_completed_on")
    facts["days_as_waste"] = (
        (today - completed_on).days if isinstance(completed_on, datetime.date) else None
    )
    return facts, untracked


def lots_awaiting_recovery(lot_ids: Iterable[int]) -> set[int]:
    """The lots among `lot_ids` an active order line plans to recover (R), not dispose of
    (X-CC-05 c: 3 years of storage as waste, not 1), in one query."""
    recovery = [code for code, info in METHODS.items() if info.recovery]
    return set(
        OrderLine.objects.filter(lot_id__in=set(lot_ids), active=True, method__in=recovery)
        .values_list("lot_id", flat=True)
        .distinct()
    )


def declaration_reference(seizure) -> str:
    """X-CC-02: the lot links back to the declaration (consignment number) or, failing that, to
    the seizure record itself."""
    return (seizure.consignment_number or "").strip() or seizure.reference


def legal_completion_facts(facts: dict[str, object], seizure, *, today: datetime.date) -> None:
    """``legal_basis_completed_on``: the day the legal route completed (destruction.eligibility,
    X-LB-02..05; for a court case the day the judgment ordering destruction became final), None
    (recorded as not complete) while it is open."""
    facts["legal_basis_completed_on"] = legal_route_completion(
        LegalFacts.of(seizure), today=today
    ).completed_on


# --- orders and records -------------------------------------------------------------------------


@dataclass(frozen=True)
class LotFacts:
    """One lot of an order, ready for the engine."""

    lot_id: int
    reference: str
    facts: dict[str, object]
    untracked: dict[str, str]


def order_lines(order: DestructionOrder):
    """The order's active lines with everything the facts need, in one query."""
    return (
        OrderLine.objects.filter(order=order, active=True)
        .select_related("lot", "lot__seizure", "lot__seizure__right_holder")
        .annotate(
            sample_count=Count("lot__samples"),
            sampled_articles=Sum("lot__samples__seized_articles"),
            undocumented_samples=Count("lot__samples", filter=Q(lot__samples__sample_purpose="")),
        )
        .order_by("lot__reference")
    )


def order_facts(
    order: DestructionOrder, *, stage: str, rulebook: Rulebook, today: datetime.date
) -> list[LotFacts]:
    """Facts for every active lot of the order at the "order" or "record" stage, with the cost
    ledger's (C7): who pays and the right holder's overdue statements when ordering, the costs
    accrued for the lot at the record. A constant number of queries, whatever the number of
    lots."""
    lines = list(order_lines(order))
    facility = Facility.objects.get(pk=order.facility_id)
    permits = stored_permits(facility)
    holidays = frozenset(Holiday.objects.values_list("date", flat=True))
    consignments = consignments_of({line.lot.seizure_id for line in lines})
    record = _record(order) if stage == "record" else None
    record_facts = _record_facts(order, record, lines) if stage == "record" else {}
    broken = (
        {link.lot_reference for link in verify_chains([line.lot_id for line in lines])}
        if stage == "record"
        else set()
    )
    cost_kinds = recorded_cost_kinds(line.lot_id for line in lines) if stage == "record" else {}
    overdue = (
        overdue_statements((line.lot.seizure.right_holder_id for line in lines), today=today)
        if stage == "order"
        else {}
    )
    on_date = timezone.localdate(record.ended_at) if record is not None else order.planned_date
    methods = {line.pk: _method(line, stage) for line in lines}
    mixed = _mixed_batches(lines, methods)
    context = PlanContext(
        rulebook=rulebook,
        permits=permits,
        facility_evaluated=bool(facility.certifications),
        consignments=consignments,
        holidays=holidays,
        today=today,
    )
    result = []
    for line in lines:
        lot, method = line.lot, methods[line.pk]
        plan = PlannedLine(
            method=method,
            on_date=on_date,
            justification=line.justification,
            legal_basis=line.legal_basis,
            papers=line_reference_facts(line),
            samples_retained=line.sample_count > 0,
            mixed_hazard_batch=mixed[method],
            carrier_registration=order.carrier_registration,
            consignment_note_number=order.consignment_note_number,
            seal_numbers=tuple(order.seal_numbers or ()),
        )
        facts = planned_lot_facts(lot, plan, context)
        untracked = dict(UNTRACKED)
        if stage == "record":
            facts.update(record_facts)
            facts.update(
                custody_chain_intact=lot.reference not in broken,
                articles_seized=lot.seized_articles,
                articles_accounted=lot.articles + (line.sampled_articles or 0),
                undocumented_samples=line.undocumented_samples,
                cost_kinds=cost_kinds.get(lot.pk, ()),
            )
        else:
            holder_id = lot.seizure.right_holder_id
            facts.update(cost_payer=order.payer, **overdue.get(holder_id, NOTHING_OVERDUE))
        result.append(LotFacts(lot.pk, lot.reference, facts, untracked))
    return result


@dataclass(frozen=True)
class PlannedLine:
    """What an order line (stored, or only planned in the planner) says of one lot: the method,
    the day, the papers and what the order adds (carrier, seals)."""

    method: str
    on_date: datetime.date
    legal_basis: str
    justification: str = ""
    papers: Mapping[str, bool] = dataclasses.field(default_factory=dict)
    samples_retained: bool = False
    mixed_hazard_batch: bool = False
    carrier_registration: str = ""
    consignment_note_number: str = ""
    seal_numbers: tuple[str, ...] = ()


@dataclass(frozen=True)
class PlanContext:
    """What the facts of the lots of one plan share: the rulebook, the facility's permits, and
    the consignments and holidays read once for all lots."""

    rulebook: Rulebook
    permits: Sequence[Permit]
    facility_evaluated: bool
    consignments: Mapping[int, tuple[int, Decimal]]
    holidays: Collection[datetime.date]
    today: datetime.date


def planned_lot_facts(lot: Lot, plan: PlannedLine, context: PlanContext) -> dict[str, object]:
    """The order-stage facts of one lot with its planned method at a facility: the same facts
    whether the line is stored (`order_facts`) or only proposed (compliance.proposals)."""
    seizure = lot.seizure
    goods = _goods_facts(lot, seizure)
    papers = {**NO_PAPERS, **plan.papers}
    facts: dict[str, object] = {
        **goods,
        **_legal_facts(seizure, context.consignments, context.holidays, today=context.today),
        "method": plan.method,
        "on_date": plan.on_date,
        "justification": plan.justification,
        "legal_basis": plan.legal_basis,
        **papers,
        "samples_retained": plan.samples_retained,
        "mixed_hazard_batch": plan.mixed_hazard_batch,
        "carrier_registration": plan.carrier_registration,
        "consignment_note_number": plan.consignment_note_number,
        "seal_numbers": plan.seal_numbers,
        **method_facts(
            lot.waste_class, plan.method, context.rulebook, goods_flags({**goods, **papers})
        ),
        **permit_facts(context.permits, plan.method, plan.on_date, lot.ewc_code),
    }
    if context.facility_evaluated:
        facts["facility_evaluated"] = True
    legal_completion_facts(facts, seizure, today=context.today)
    return facts


def stored_permits(facility: Facility) -> list[Permit]:
    """The facility's permits as the fact helpers read them."""
    return [
        Permit(
            operations=frozenset(permit.operations or ()),
            valid_from=permit.valid_from,
            valid_until=permit.valid_until,
            hazardous_permitted=permit.hazardous_allowed,
            waste_codes=frozenset(permit.waste_codes or ()),
            mixing_permitted=permit.mixing_permitted,
        )
        for permit in facility.permits.all()
    ]


# No paper recorded: the facts of a line whose references are all blank.
NO_PAPERS: Final[dict[str, bool]] = {
    "right_holder_consent": False,
    "customs_decision_recorded": False,
    "lab_analysis_done": False,
    "excise_authority_informed": False,
}


def line_reference_facts(line: OrderLine) -> dict[str, bool]:
    """The papers a line's method rests on (X-RH-02, APP-M1, CHE-S3 ...): a fact holds when
    its reference is recorded. Not the seizure's right-holder agreement, which is to
    destruction (``right_holder_confirmed``)."""
    return {
        "right_holder_consent": bool(line.right_holder_consent_reference),
        "customs_decision_recorded": bool(line.customs_decision_reference),
        "lab_analysis_done": bool(line.lab_analysis_reference),
        "excise_authority_informed": bool(line.excise_notification_reference),
    }


def _method(line: OrderLine, stage: str) -> str:
    return (line.actual_method or line.method) if stage == "record" else line.method


def _goods_facts(lot: Lot, seizure) -> dict[str, object]:
    return {
        "waste_class": lot.waste_class,
        "hazard_classes": tuple(lot.hazard_classes or ()),
        "ewc_code": lot.ewc_code,
        "hazardous_waste": lot.hazardous_waste,
        "perishable": seizure.perishable,
        "declaration_reference": declaration_reference(seizure),
        # A design right infringed by the shape itself: de-branding cannot cure it (APP-M1).
        "design_infringes": seizure.ipr_type == IPRType.DESIGN,
        # Intake classification (PHA-S2, AUT-S2, C4): recorded per lot, so "no" is known.
        "controlled_substances": lot.controlled_substances,
        "cytotoxic": lot.cytotoxic,
        "asbestos": lot.contains_asbestos,
        "high_risk": lot.high_risk,
        "electrical": is_electrical(lot.category, lot.waste_class, lot.hazard_classes or ()),
    }


def _legal_facts(
    seizure,
    consignments: Mapping[int, tuple[int, Decimal]],
    holidays: Collection[datetime.date],
    *,
    today: datetime.date,
) -> dict[str, object]:
    """Facts of the legal route (X-LB-02/03/05/06, X-RH-01) from the seizure's dates."""
    holder = seizure.right_holder
    units, gross_kg = consignments.get(seizure.pk, (0, Decimal("0")))
    facts: dict[str, object] = {
        "right_holder_confirmed": seizure.right_holder_agreement_on is not None,
        "court_reference": seizure.court_reference,
        "proceedings_started_on": seizure.proceedings_started_on,
        "proceedings_due_on": seizure.proceedings_due_on,
        "counterfeit_or_pirated": seizure.ipr_type in COUNTERFEIT_OR_PIRATED,
        "art26_opted_in": bool(holder and holder.small_consignment_opt_in),
        "postal_or_express": seizure.transport_mode in ("postal", "express"),
        "consignment_units": units,
        "consignment_gross_kg": float(gross_kg),
        "application_reference": holder.application_reference if holder else "",
        # Art. 17(3)/18(3): the holder is notified the day the declarant is.
        "right_holder_notified": seizure.notified_on is not None,
    }
    if seizure.declarant_objected:
        facts["declarant_agreement"] = "objected"
    elif seizure.declarant_agreement_on:
        facts["declarant_agreement"] = "written"
    elif seizure.deadline is not None and seizure.deadline < today:
        facts["declarant_agreement"] = "deemed"
    if seizure.notified_on and seizure.right_holder_agreement_on:
        facts["right_holder_reply_working_days"] = working_days_between(
            seizure.notified_on, seizure.right_holder_agreement_on, holidays
        )
    if seizure.notified_on:
        facts["declarant_notified_working_days"] = working_days_between(
            seizure.detained_on, seizure.notified_on, holidays
        )
    return facts


def consignments_of(seizure_ids: Iterable[int]) -> dict[int, tuple[int, Decimal]]:
    """Units and gross mass of each seizure's consignment (its lots, samples excluded)."""
    rows = (
        Lot.objects.filter(seizure_id__in=list(seizure_ids), parent__isnull=True)
        .values("seizure_id")
        .annotate(units=Sum("seized_articles"), kg=Sum("gross_weight_kg"))
        .order_by()
    )
    return {row["seizure_id"]: (row["units"] or 0, row["kg"] or Decimal("0")) for row in rows}


def _mixed_batches(lines: Sequence[OrderLine], methods: Mapping[int, str]) -> dict[str, bool]:
    """X-MF-05: lots treated together (same method in one order) are one batch; it is mixed
    when it holds both hazardous and non-hazardous waste (by EWC code or HP property, not by UN
    class)."""
    kinds: dict[str, set[bool]] = defaultdict(set)
    for line in lines:
        kinds[methods[line.pk]].add(line.lot.hazardous_waste)
    return {method: len(found) > 1 for method, found in kinds.items()}


def _record(order: DestructionOrder) -> DestructionRecord | None:
    return (
        DestructionRecord.objects.filter(order=order)
        .prefetch_related("outputs", "witnesses", "evidence")
        .first()
    )


def _record_facts(
    order: DestructionOrder, record: DestructionRecord | None, lines: Sequence[OrderLine]
) -> dict[str, object]:
    """Facts of the execution (X-MF-04/06/07, X-WE-01..04, X-QM-02, X-CC-07, the shredding
    before landfill of WJ-M3 and MED-M3). Without a record every record fact is simply not
    recorded."""
    if record is None:
        return {}
    outputs = list(record.outputs.all())
    facts: dict[str, object] = {
        "debranded": record.debranded,
        "batteries_removed": record.batteries_removed,
        "aerosols_degassed": record.aerosols_degassed,
        "denatured": record.denatured,
        "pyrotechnics_neutralised": record.pyrotechnics_neutralised,
        "customs_officer_present": record.customs_officer_present,
        "officer_absence_reason": record.officer_absence_reason,
        "witnesses": len(record.witnesses.all()),
        "evidence_kinds": tuple(sorted({item.kind for item in record.evidence.all()})),
        "output_destinations_recorded": bool(outputs)
        and all(output.destination.strip() for output in outputs),
        "mass_deviation_justification": record.deviation_justification,
    }
    if record.decomposition_state:
        facts["decomposition_state"] = record.decomposition_state
    # Not recorded (None) stays absent: the rule reports it missing rather than reading a value.
    for name in (
        "temperature_c",
        "residence_time_s",
        "halogenated_over_1pct",
        "particle_size_mm",
        "liquid_volume_l",
    ):
        value = getattr(record, name)
        if value is not None:
            facts[name] = float(value) if isinstance(value, Decimal) else value
    facts.update(
        mass_facts(
            dispatch_weight(order, lines),
            record.gate_weight_kg,
            sum((output.weight_kg for output in outputs), Decimal("0")),
        )
    )
    return facts


def dispatch_weight(order: DestructionOrder, lines: Sequence[OrderLine]) -> Decimal:
    """X-QM-02's reference mass: the order's dispatch weight, else the lines' dispatch weights,
    else the lots' gross weights as seized (the best mass known before the gate)."""
    if order.dispatch_weight_kg is not None:
        return order.dispatch_weight_kg
    weights = [line.dispatch_weight_kg for line in lines]
    if weights and all(weight is not None for weight in weights):
        return sum(weights, Decimal("0"))
    return sum((line.lot.gross_weight_kg for line in lines), Decimal("0"))


# --- costs (C7) ---------------------------------------------------------------------------------


def recorded_cost_kinds(lot_ids: Iterable[int]) -> dict[int, tuple[str, ...]]:
    """X-CO-01: lot id -> the kinds of cost the ledger holds for it (none: absent), in one
    query. The record service accrues them before it runs the record check."""
    kinds: dict[int, set[str]] = defaultdict(set)
    entries = CostEntry.objects.filter(lot_id__in=set(lot_ids)).values_list("lot_id", "kind")
    for lot_id, kind in entries:
        kinds[lot_id].add(kind)
    return {lot_id: tuple(sorted(found)) for lot_id, found in kinds.items()}


# The facts of a right holder with no overdue statement, or of a seizure without a right holder.
NOTHING_OVERDUE: Final[dict[str, object]] = {"right_holder_overdue_statements": ()}


def overdue_statements(
    holder_ids: Iterable[int | None], *, today: datetime.date
) -> dict[int, dict[str, object]]:
    """X-CO-03: right holder id -> its statements past their due date and not paid in full (the
    numbers) and what it still owes on them per currency ("120.50 EUR"), in one query; right
    holders owing nothing are absent."""
    rows = (
        Statement.objects.overdue(today)
        .filter(right_holder_id__in={pk for pk in holder_ids if pk is not None})
        .order_by("right_holder_id", "number")
        .values_list("right_holder_id", "number", "currency", "total", "paid_amount")
    )
    numbers: dict[int, list[str]] = defaultdict(list)
    owed: dict[int, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for holder_id, number, currency, total, paid in rows:
        numbers[holder_id].append(number)
        owed[holder_id][currency] += total - paid
    return {
        holder_id: {
            "right_holder_overdue_statements": tuple(found),
            "right_holder_overdue_amount": ", ".join(
                f"{amount:.2f} {currency}" for currency, amount in sorted(owed[holder_id].items())
            ),
        }
        for holder_id, found in numbers.items()
    }


# --- what-if ----------------------------------------------------------------------------------


def what_if_request_facts(request: Mapping[str, Any], rulebook: Rulebook) -> dict[str, object]:
    """Facts of a validated what-if request (see compliance.api.serializers.WhatIfInput):
    omitted hazard classes default to the class's (B18), a facility given by id brings its
    stored permits."""
    request = dict(request)
    if request.get("hazard_classes") is None:
        request["hazard_classes"] = DEFAULT_HAZARD_CLASSES.get(request["waste_class"], ())
    facility = request.get("facility") or {}
    stored: Facility | None = facility.get("instance")
    if stored is not None:
        request["facility"] = None
    facts = what_if_facts(request, rulebook)
    if stored is not None:
        facts.update(
            permit_facts(
                stored_permits(stored), request["method"], request["on_date"], facts["ewc_code"]
            )
        )
        if stored.certifications:
            facts["facility_evaluated"] = True
    return facts

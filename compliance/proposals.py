"""Proposals for the planner (issue 14, item 1): for each lot, the best-ranked method the
rulebook permits for its waste class whose conditions the lot meets (its class, hazards, intake
flags, EWC code and the papers recorded for it), at the nearest facility whose permits cover it
on the planned date, each with the engine's verdict and findings.

``propose_lines`` is the hook named by settings.DESTRUCTION_PROPOSALS; destruction calls it by
dotted path (it never imports compliance) and checks the lots' eligibility itself first.

"Nearest" from the data held: a facility in the country of the lot's customs office comes
before one abroad (a transfrontier shipment of waste needs notification, Reg. (EC) 1013/2006),
then the facilities the office has sent the most orders to, then by name. No distances are
recorded, so nothing finer is claimed.

A method "the lot meets the conditions of" is one whose evaluation at some facility has no
blocking finding; "best-ranked" is the waste-hierarchy rank (destruction.methods), the
rulebook's order breaking ties. Lots that would share a batch (same office, facility and
method) are evaluated together for mixing (X-MF-05), as the order's check will.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count
from django.utils import timezone

from compliance.checks import (
    PlanContext,
    PlannedLine,
    consignments_of,
    current_rulebook,
    evaluate_facts,
    planned_lot_facts,
    stored_permits,
)
from compliance.engine import verdict
from compliance.facts import Permit
from compliance.rulebook import Rulebook
from compliance.services import contract_finding
from destruction.eligibility import LEGAL_BASIS_OF_ROUTE
from destruction.methods import METHODS
from destruction.models import DestructionOrder, Facility
from project.compliance import LineProposal, PlanChoice, PlanOption, Verdict
from seizures.models import Holiday, Lot

# The line references (destruction.services.LINE_REFERENCES) and the facts they make true.
PAPER_FACTS: dict[str, str] = {
    "right_holder_consent_reference": "right_holder_consent",
    "customs_decision_reference": "customs_decision_recorded",
    "lab_analysis_reference": "lab_analysis_done",
    "excise_notification_reference": "excise_authority_informed",
}


def propose_lines(
    lots: Sequence[Lot],
    *,
    planned_on: datetime.date,
    choices: Mapping[int, PlanChoice] | None = None,
) -> list[LineProposal]:
    """A proposal per lot, in the order given (see the module docstring). A lot with a choice
    gets its choice evaluated as its option; the alternatives are the other options without a
    blocking finding. A constant number of queries, whatever the number of lots."""
    choices = choices or {}
    rulebook = current_rulebook()
    today = timezone.localdate()
    stored = {
        lot.pk: lot
        for lot in Lot.objects.filter(pk__in=[lot.pk for lot in lots])
        .select_related("seizure", "seizure__right_holder", "seizure__office")
        .annotate(sample_count=Count("samples"))
    }
    ordered_lots = [stored[lot.pk] for lot in lots]
    facilities = list(Facility.objects.filter(active=True).prefetch_related("permits"))
    served = _orders_served({lot.seizure.office_id for lot in ordered_lots})
    shared = _Shared(
        rulebook=rulebook,
        permits={facility.pk: stored_permits(facility) for facility in facilities},
        evaluated={facility.pk: bool(facility.certifications) for facility in facilities},
        consignments=consignments_of({lot.seizure_id for lot in ordered_lots}),
        holidays=frozenset(Holiday.objects.values_list("date", flat=True)),
        today=today,
        planned_on=planned_on,
    )
    proposals: list[LineProposal] = []
    for lot in ordered_lots:
        nearest = nearest_facilities(facilities, lot.seizure.office, served)
        proposals.append(_propose(lot, nearest, choices.get(lot.pk), shared))
    return _with_batches(proposals, stored, choices, shared)


@dataclass(frozen=True)
class _Shared:
    """What every evaluation of one proposal run reads, loaded once."""

    rulebook: Rulebook
    permits: Mapping[int, list[Permit]]
    evaluated: Mapping[int, bool]
    consignments: Mapping[int, tuple[int, Decimal]]
    holidays: frozenset[datetime.date]
    today: datetime.date
    planned_on: datetime.date

    def context(self, facility: int | None) -> PlanContext:
        return PlanContext(
            rulebook=self.rulebook,
            permits=self.permits.get(facility, []),
            facility_evaluated=self.evaluated.get(facility, False),
            consignments=self.consignments,
            holidays=self.holidays,
            today=self.today,
        )


def nearest_facilities(
    facilities: Sequence[Facility], office, served: Mapping[tuple[int, int], int]
) -> list[Facility]:
    """Same country as the office first, then the most orders from this office, then name."""
    return sorted(
        facilities,
        key=lambda facility: (
            str(facility.country) != str(office.country),
            -served.get((office.pk, facility.pk), 0),
            facility.name,
        ),
    )


def candidate_methods(rulebook: Rulebook, waste_class: str) -> list[str]:
    """The methods the rulebook permits for the class, best waste-hierarchy rank first (the
    rulebook's order breaks ties)."""
    permitted = rulebook.permitted_methods(waste_class)
    return sorted(permitted, key=lambda method: METHODS[method].rank)


def _orders_served(office_ids: set[int]) -> dict[tuple[int, int], int]:
    rows = (
        DestructionOrder.objects.filter(office_id__in=office_ids)
        .values_list("office_id", "facility_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {(office, facility): n for office, facility, n in rows}


def _propose(
    lot: Lot, nearest: Sequence[Facility], choice: PlanChoice | None, shared: _Shared
) -> LineProposal:
    options = [
        _evaluate(lot, method, facility.pk, choice=None, mixed=False, shared=shared)
        for method in candidate_methods(shared.rulebook, lot.waste_class)
        for facility in nearest
    ]
    met = [option for option in options if option.verdict != Verdict.NON_COMPLIANT]
    if choice is not None:
        facility = choice.facility
        if facility is None:
            covering = [o.facility for o in met if o.method == choice.method]
            facility = (covering or [f.pk for f in nearest] or [None])[0]
        chosen = _evaluate(lot, choice.method, facility, choice=choice, mixed=False, shared=shared)
    elif met:
        chosen = met[0]
    elif options:
        chosen = options[0]  # nothing the lot may take: the best, with what blocks it
    else:
        method = (candidate_methods(shared.rulebook, lot.waste_class) or [""])[0]
        chosen = _evaluate(lot, method, None, choice=None, mixed=False, shared=shared)
    alternatives = tuple(
        option for option in met if (option.method, option.facility) != _key(chosen)
    )
    return LineProposal(lot=lot.pk, option=chosen, alternatives=alternatives)


def _key(option: PlanOption) -> tuple[str, int | None]:
    return option.method, option.facility


def _evaluate(
    lot: Lot,
    method: str,
    facility: int | None,
    *,
    choice: PlanChoice | None,
    mixed: bool,
    shared: _Shared,
) -> PlanOption:
    if method not in METHODS:
        return PlanOption(method=method, facility=facility, verdict=Verdict.NON_COMPLIANT)
    references = choice.references if choice is not None else {}
    plan = PlannedLine(
        method=method,
        on_date=shared.planned_on,
        legal_basis=LEGAL_BASIS_OF_ROUTE.get(lot.seizure.legal_route, ""),
        justification=(choice.justification if choice is not None else "").strip(),
        papers={
            fact: bool(str(references.get(name) or "").strip())
            for name, fact in PAPER_FACTS.items()
        },
        samples_retained=lot.sample_count > 0,
        mixed_hazard_batch=mixed,
    )
    facts = planned_lot_facts(lot, plan, shared.context(facility))
    findings = evaluate_facts(facts, shared.rulebook, stage="order")
    return PlanOption(
        method=method,
        facility=facility,
        verdict=verdict(findings),
        findings=tuple(contract_finding(finding, lot=lot.reference) for finding in findings),
    )


def _with_batches(
    proposals: list[LineProposal],
    lots: Mapping[int, Lot],
    choices: Mapping[int, PlanChoice],
    shared: _Shared,
) -> list[LineProposal]:
    """Evaluate again, as one batch, the lots that would go to the same facility with the same
    method from the same office when hazardous and non-hazardous waste meet there (X-MF-05)."""
    batches: dict[tuple, list[int]] = defaultdict(list)
    for index, proposal in enumerate(proposals):
        lot = lots[proposal.lot]
        batches[(lot.seizure.office_id, *_key(proposal.option))].append(index)
    result = list(proposals)
    for indexes in batches.values():
        kinds = Counter(lots[proposals[i].lot].hazardous_waste for i in indexes)
        if len(kinds) < 2:
            continue
        for i in indexes:
            proposal = proposals[i]
            option = _evaluate(
                lots[proposal.lot],
                proposal.option.method,
                proposal.option.facility,
                choice=choices.get(proposal.lot),
                mixed=True,
                shared=shared,
            )
            result[i] = LineProposal(proposal.lot, option, proposal.alternatives)
    return result

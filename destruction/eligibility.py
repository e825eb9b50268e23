"""May a lot go into a destruction order, and may a facility treat it? Pure functions over plain
facts, so the rules are tested without a database and shared by the planner page, the services
and the API.

- Legal route complete (digest C1 X-LB-02..05, C2): Art. 23 needs the right holder's written
  agreement and the declarant's agreement or the statutory deadline passed without objection;
  Art. 26 (small consignments) the declarant's agreement or the deadline passed; abandonment the
  declarant's written abandonment. A declarant who objected leaves only the court route, which
  needs proceedings started in time (Art. 23(3)-(4), X-LB-05) and a final judgment ordering
  destruction: a court reference alone is not a judgment.
- X-LB-04: destruction only after the day the legal route completed (for a court case, the day
  the judgment became final).
- Lots in storage only, never under a legal hold.
- X-MF-01 / X-MF-03: the method is not forbidden, and the facility holds a permit valid on the
  destruction date that lists one of the method's R/D operation codes (and allows hazardous
  waste for lots carrying a UN hazard class).
"""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import F, Q
from django.utils import timezone

from destruction.methods import METHODS
from destruction.models import LegalBasis
from seizures.deadlines import on_court_route, proceedings_late
from seizures.models import JudgmentOutcome, LegalRoute, LotStatus

# The legal basis an order records for each seizure, from the seizure's legal route (X-LB-01).
LEGAL_BASIS_OF_ROUTE: dict[str, str] = {
    LegalRoute.STANDARD: LegalBasis.ART_23,
    LegalRoute.SMALL_CONSIGNMENT: LegalBasis.ART_26,
    LegalRoute.COURT: LegalBasis.COURT,
    LegalRoute.ABANDONMENT: LegalBasis.ABANDONMENT,
}


@dataclass(frozen=True)
class LegalFacts:
    """What a seizure records about its legal route."""

    legal_route: str
    deadline: datetime.date | None = None
    right_holder_agreement_on: datetime.date | None = None
    declarant_agreement_on: datetime.date | None = None
    declarant_objected: bool = False
    court_reference: str = ""
    proceedings_started_on: datetime.date | None = None
    proceedings_due_on: datetime.date | None = None
    judgment_on: datetime.date | None = None
    judgment_outcome: str = ""
    judgment_final_since: datetime.date | None = None

    @classmethod
    def of(cls, seizure) -> "LegalFacts":
        return cls(
            legal_route=seizure.legal_route,
            deadline=seizure.deadline,
            right_holder_agreement_on=seizure.right_holder_agreement_on,
            declarant_agreement_on=seizure.declarant_agreement_on,
            declarant_objected=seizure.declarant_objected,
            court_reference=(seizure.court_reference or "").strip(),
            proceedings_started_on=seizure.proceedings_started_on,
            proceedings_due_on=seizure.proceedings_due_on,
            judgment_on=seizure.judgment_on,
            judgment_outcome=seizure.judgment_outcome,
            judgment_final_since=seizure.judgment_final_since,
        )


@dataclass(frozen=True)
class Completion:
    """Whether the legal route is complete and since when (the date is set whenever it is);
    `reason` says what is missing when it is not."""

    complete: bool
    completed_on: datetime.date | None = None
    reason: str = ""


def legal_route_completion(facts: LegalFacts, *, today: datetime.date) -> Completion:
    route = facts.legal_route
    if on_court_route(route, declarant_objected=facts.declarant_objected):
        return _court_completion(facts, today=today)
    if route == LegalRoute.ABANDONMENT:
        if facts.declarant_agreement_on:
            return Completion(True, facts.declarant_agreement_on)
        return Completion(
            False, reason="X-LB-01: the declarant's written abandonment is not recorded."
        )
    declarant = _declarant_consent(facts, today=today)
    if route == LegalRoute.SMALL_CONSIGNMENT:
        return declarant
    if route == LegalRoute.STANDARD:
        if not facts.right_holder_agreement_on:
            return Completion(
                False,
                reason="X-LB-02: the right holder's written agreement to destruction is not "
                "recorded.",
            )
        if facts.deadline is not None and facts.right_holder_agreement_on > facts.deadline:
            return Completion(False, reason=late_agreement_reason(facts))
        if not declarant.complete:
            return declarant
        return Completion(True, max(facts.right_holder_agreement_on, declarant.completed_on))
    return Completion(False, reason=f"Unknown legal route {route!r}.")


def _court_completion(facts: LegalFacts, *, today: datetime.date) -> Completion:
    """Art. 23(3)-(5): proceedings started by the last day allowed, then a judgment ordering
    destruction that has become final (X-LB-05, X-LB-04)."""
    due = facts.proceedings_due_on
    # Proceedings count once their reference is recorded (a start date alone names no case).
    started = facts.proceedings_started_on if facts.court_reference else None
    if proceedings_late(started, due, today=today):
        if started is None:
            reason = f"no proceedings were started by {due:%Y-%m-%d}"
        else:
            reason = (
                f"the proceedings started on {started:%Y-%m-%d}, after the last day {due:%Y-%m-%d}"
            )
        return Completion(False, reason=f"X-LB-05: {reason}: the goods are to be released.")
    if started is None:
        until = f" (to be started by {due:%Y-%m-%d})" if due is not None else ""
        return Completion(
            False,
            reason=f"X-LB-05: no court proceedings (court, reference, start) are recorded{until}.",
        )
    outcome = facts.judgment_outcome
    if not outcome or facts.judgment_on is None:
        return Completion(False, reason="X-LB-04: the court has not given judgment yet.")
    if outcome == JudgmentOutcome.RELEASE:
        return Completion(
            False,
            reason=f"X-LB-04: the judgment of {facts.judgment_on:%Y-%m-%d} released the goods.",
        )
    if outcome != JudgmentOutcome.DESTRUCTION:
        return Completion(
            False,
            reason=f"X-LB-04: the judgment of {facts.judgment_on:%Y-%m-%d} does not order "
            "destruction.",
        )
    final = facts.judgment_final_since
    if final is None or final > today:
        return Completion(
            False,
            reason=f"X-LB-04: the judgment of {facts.judgment_on:%Y-%m-%d} ordering destruction is "
            "not final yet.",
        )
    return Completion(True, final)


def late_agreement_reason(facts: LegalFacts) -> str:
    """X-LB-02: the right holder confirms within the statutory deadline (10 working days, 3 for
    perishables); an agreement dated later never completes the Art. 23 route, so the lot is
    not eligible, not plannable and not submittable (one rule for all three)."""
    return (
        f"X-LB-02: the right holder's agreement of {facts.right_holder_agreement_on:%Y-%m-%d} "
        f"came after the deadline of {facts.deadline:%Y-%m-%d}; it does not complete the "
        "Art. 23 route."
    )


def _declarant_consent(facts: LegalFacts, *, today: datetime.date) -> Completion:
    """Written agreement, or consent deemed once the statutory deadline passed with no objection
    (Art. 23(1)(c), Art. 26(5))."""
    if facts.declarant_agreement_on:
        return Completion(True, facts.declarant_agreement_on)
    if facts.deadline is None:
        return Completion(
            False,
            reason="X-LB-02: no statutory deadline (notification date missing) and no written "
            "agreement of the declarant.",
        )
    if facts.deadline >= today:
        return Completion(
            False,
            reason=f"X-LB-02: the declarant's deadline runs until {facts.deadline:%Y-%m-%d} and "
            "no written agreement is recorded.",
        )
    return Completion(True, facts.deadline)


def completion_query(*, today: datetime.date, prefix: str = "seizure__") -> Q:
    """The same rule as `legal_route_completion` (without dates to compare) as a database
    filter over lots (prefix "seizure__") or seizures (prefix "")."""

    def q(**lookups) -> Q:
        return Q(**{f"{prefix}{name}": value for name, value in lookups.items()})

    final_destruction = (
        ~q(court_reference="")
        & q(proceedings_started_on__isnull=False)
        & (
            q(proceedings_due_on__isnull=True)
            | q(proceedings_started_on__lte=F(f"{prefix}proceedings_due_on"))
        )
        & q(judgment_on__isnull=False)
        & q(judgment_outcome=JudgmentOutcome.DESTRUCTION)
        & q(judgment_final_since__lte=today)
    )
    declarant = q(declarant_agreement_on__isnull=False) | q(deadline__lt=today)
    not_objected = q(declarant_objected=False)
    return (
        (q(legal_route=LegalRoute.COURT) & final_destruction)
        | (q(legal_route=LegalRoute.ABANDONMENT) & q(declarant_agreement_on__isnull=False))
        | (
            q(legal_route__in=(LegalRoute.STANDARD, LegalRoute.SMALL_CONSIGNMENT))
            & q(declarant_objected=True)
            & final_destruction
        )
        | (q(legal_route=LegalRoute.SMALL_CONSIGNMENT) & not_objected & declarant)
        | (
            q(legal_route=LegalRoute.STANDARD)
            & not_objected
            & q(right_holder_agreement_on__isnull=False)
            & (q(deadline__isnull=True) | q(right_holder_agreement_on__lte=F(f"{prefix}deadline")))
            & declarant
        )
    )


def eligible_query(*, today: datetime.date) -> Q:
    """Lots that may be planned for destruction now (status, hold, legal route)."""
    return Q(status=LotStatus.IN_STORAGE, seizure__on_hold=False) & completion_query(today=today)


@dataclass(frozen=True)
class LotFacts:
    reference: str
    status: str
    seizure_reference: str
    seizure_on_hold: bool
    legal: LegalFacts
    hazard_classes: tuple[str, ...] = ()

    @classmethod
    def of(cls, lot) -> "LotFacts":
        return cls(
            reference=lot.reference,
            status=lot.status,
            seizure_reference=lot.seizure.reference,
            seizure_on_hold=lot.seizure.on_hold,
            legal=LegalFacts.of(lot.seizure),
            hazard_classes=tuple(lot.hazard_classes or ()),
        )


@dataclass(frozen=True)
class Refusal:
    """Why a lot cannot be (or stay) planned. `conflict` marks a state conflict (the lot's
    status or a legal hold: HTTP 409) rather than missing legal steps (HTTP 400)."""

    message: str
    conflict: bool = False


STATUS_LABELS = dict(LotStatus.choices)


def lot_refusals(
    lot: LotFacts,
    *,
    planned_date: datetime.date | None,
    today: datetime.date,
    expected_status: str = LotStatus.IN_STORAGE,
) -> list[Refusal]:
    """Every reason the lot may not be destroyed on `planned_date` (None: not checked)."""
    refusals: list[Refusal] = []
    if lot.status != expected_status:
        refusals.append(
            Refusal(
                f"Lot {lot.reference} is {STATUS_LABELS.get(lot.status, lot.status).lower()}, "
                f"not {STATUS_LABELS[expected_status].lower()}.",
                conflict=True,
            )
        )
    refusals += hold_refusals([lot])
    completion = legal_route_completion(lot.legal, today=today)
    if not completion.complete:
        refusals.append(
            Refusal(f"Lot {lot.reference} (seizure {lot.seizure_reference}): {completion.reason}")
        )
    elif (
        planned_date is not None
        and completion.completed_on is not None
        and planned_date <= completion.completed_on
    ):
        refusals.append(
            Refusal(
                f"X-LB-04: lot {lot.reference} may be destroyed only after "
                f"{completion.completed_on:%Y-%m-%d}, when its legal route completed."
            )
        )
    return refusals


def destruction_refusals(lot) -> list[str]:
    """Why the lot may not be planned for destruction today (empty: it is eligible): the lot
    page shows these (settings.LOT_DESTRUCTION_REFUSALS), from the rule the planner, the
    eligible-lots list and submission apply."""
    refusals = lot_refusals(LotFacts.of(lot), planned_date=None, today=timezone.localdate())
    return [refusal.message for refusal in refusals]


def hold_refusals(lots: Iterable[LotFacts]) -> list[Refusal]:
    """A legal hold on a lot's seizure stops any step towards its destruction (X-LB-05)."""
    return [
        Refusal(
            f"Lot {lot.reference}: seizure {lot.seizure_reference} is under a legal hold.",
            conflict=True,
        )
        for lot in lots
        if lot.seizure_on_hold
    ]


@dataclass(frozen=True)
class PermitFacts:
    number: str
    valid_from: datetime.date
    valid_until: datetime.date
    operations: frozenset[str]
    hazardous_allowed: bool

    @classmethod
    def of(cls, permit) -> "PermitFacts":
        return cls(
            number=permit.number,
            valid_from=permit.valid_from,
            valid_until=permit.valid_until,
            operations=frozenset(permit.operations or ()),
            hazardous_allowed=permit.hazardous_allowed,
        )


def method_refusal(method: str) -> str:
    info = METHODS.get(method)
    if info is None:
        return f"Unknown method {method!r}."
    if info.forbidden:
        return f"X-MF-01: method {method} is forbidden for goods to be destroyed."
    return ""


def facility_refusal(
    *,
    facility: str,
    active: bool,
    permits: Sequence[PermitFacts],
    method: str,
    hazard_classes: Iterable[str] = (),
    on: datetime.date,
    lot: str = "",
) -> str:
    """Why the facility cannot apply `method` to the goods on the day `on` ("" if it can)."""
    refused = method_refusal(method)
    if refused:
        return refused
    # Whatever the method, the goods go to a facility in use and holding a valid permit.
    if not active:
        return f"Facility {facility} is no longer in use."
    valid = [p for p in permits if p.valid_from <= on <= p.valid_until]
    if not valid:
        expired = sorted((p for p in permits if p.valid_until < on), key=lambda p: p.valid_until)
        detail = (
            f" (permit {expired[-1].number} expired on {expired[-1].valid_until:%Y-%m-%d})"
            if expired
            else ""
        )
        return f"X-MF-03: facility {facility} holds no permit valid on {on:%Y-%m-%d}{detail}."
    operations = METHODS[method].operations
    if not operations:
        return ""  # re-use routes need no treatment operation in the permit
    covering = [p for p in valid if p.operations & operations]
    codes = " or ".join(sorted(operations))
    if not covering:
        return (
            f"X-MF-03: no permit of facility {facility} valid on {on:%Y-%m-%d} lists {codes}, "
            f"needed for {method}."
        )
    classes = sorted(set(hazard_classes))
    if classes and not any(p.hazardous_allowed for p in covering):
        return (
            f"X-MF-03: the permit of facility {facility} for {codes} does not allow hazardous "
            f"waste, and lot {lot} carries UN class {', '.join(classes)}."
        )
    return ""

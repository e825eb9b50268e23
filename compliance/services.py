"""Compliance checks in the workflow, and the what-if check.

``check_placements``, ``storage_rule_severities``, ``check_order`` and ``mass_balance_tolerance``
are the cross-app hooks named by settings.STORAGE_PLACEMENT_CHECK, STORAGE_RULE_SEVERITIES,
DESTRUCTION_COMPLIANCE_CHECK and MASS_BALANCE_TOLERANCE; what they return is typed in
project.compliance. The seizures and
destruction services call them *inside their own transaction*, so they open none: the stored
check is written, or rolled back, with the placement or the order transition it belongs to.
Every stored check keeps the rulebook version and its findings as they were, so an old result
stays explainable after the rulebook changes (issue 5, item 3).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.utils import timezone

from compliance.checks import (
    co_located_waste_classes,
    current_rulebook,
    evaluate_facts,
    lots_awaiting_recovery,
    order_facts,
    placement_facts,
    what_if_request_facts,
)
from compliance.engine import Finding, evaluate, verdict
from compliance.facts import WHAT_IF_FACTS
from compliance.models import ComplianceCheck, Verdict
from destruction.models import DestructionOrder
from project import compliance as contract
from seizures.models import Lot, StorageLocation

ORDER_STAGES = {
    ComplianceCheck.Stage.SUBMIT: "order",
    ComplianceCheck.Stage.APPROVE: "order",
    ComplianceCheck.Stage.RECORD: "record",
}
_SEVERITY_RANK = {severity: rank for rank, severity in enumerate(contract.Severity)}


def check_placements(
    placements: Sequence[tuple[Lot, StorageLocation]], *, actor: User
) -> list[list[contract.Finding]]:
    """The storage rules for each (lot, location) of a batch (zone type against the hazard
    classes, B18 and X-CC-04; co-location, FOOD-S2; storage-time alarms, X-CC-05): every finding
    of each placement, in order; a "blocking" one makes the caller refuse the batch. What the
    locations hold is read once for the whole batch, so a CSV intake of thousands of lots costs
    a few queries.

    A storage check is stored only when it is worth keeping: a warning or a blocking finding.
    Information alone (an untracked stocktake date) would add a row to every move; a refused
    placement rolls back with the caller's transaction, so what stays is the placements that
    went ahead with a warning, the ones an auditor wants to see."""
    rulebook = current_rulebook()
    today = timezone.localdate()
    present = co_located_waste_classes(location.pk for _, location in placements)
    awaiting_recovery = lots_awaiting_recovery(lot.pk for lot, _ in placements)
    results: list[list[contract.Finding]] = []
    kept: list[ComplianceCheck] = []
    for lot, location in placements:
        facts, untracked = placement_facts(
            lot,
            location,
            co_located=present[location.pk],
            today=today,
            recovery_planned=lot.pk in awaiting_recovery,
        )
        findings = evaluate_facts(facts, rulebook, stage="storage", untracked=untracked)
        rows = [finding_row(finding, lot=lot.reference) for finding in findings]
        result = verdict(findings)
        if result != Verdict.COMPLIANT:
            kept.append(
                ComplianceCheck(
                    stage=ComplianceCheck.Stage.STORAGE,
                    lot=lot,
                    rulebook_version=rulebook.version,
                    verdict=result,
                    findings=rows,
                    checked_by=actor,
                )
            )
        results.append([contract_finding(finding) for finding in findings])
    ComplianceCheck.objects.bulk_create(kept, batch_size=1000)
    return results


def check_placement(lot: Lot, location: StorageLocation, *, actor: User) -> list[contract.Finding]:
    """The storage rules for one placement (see `check_placements`)."""
    return check_placements([(lot, location)], actor=actor)[0]


def storage_rule_severities() -> dict[str, contract.Severity]:
    """The severity of each storage rule in the rulebook in force: the seizures app's own
    storage checks (X-CC-04 segregation, BAT-S1, FOOD-S2) refuse a placement only for a rule
    that blocks here, so the rulebook is the one source of how much a storage rule weighs."""
    return {
        rule.id: rule.severity for rule in current_rulebook().rules if "storage" in rule.applies_to
    }


def mass_balance_tolerance() -> contract.MassTolerance:
    """The mass-balance tolerance of X-QM-02 (parameters mass_tolerance_pct and
    mass_tolerance_kg of the rulebook in force, with settings.COMPLIANCE_PARAMETERS): the
    record service refuses an unjustified deviation by the same numbers the rule checks."""
    parameters = current_rulebook().parameters
    return contract.MassTolerance(
        percent=Decimal(str(parameters["mass_tolerance_pct"].value)),
        kg=Decimal(str(parameters["mass_tolerance_kg"].value)),
    )


def check_order(order: DestructionOrder, *, stage: str, actor: User) -> ComplianceCheck:
    """Run the rulebook over every active lot of the order and store the result.

    stage "submit" or "approve": the order rules (method permitted or forbidden for each lot's
    waste class, waste hierarchy, facility permit on the planned date, legal basis complete);
    "record": the record rules too (parameters, witnesses, mass balance, evidence, customs
    officer), with the actual method and the destruction date. Each finding names its lot."""
    applies_to = ORDER_STAGES.get(stage)
    if applies_to is None:
        raise ValueError(f"unknown compliance stage {stage!r}")
    rulebook = current_rulebook()
    findings: list[Finding] = []
    rows: list[dict[str, Any]] = []
    for lot in order_facts(order, stage=applies_to, rulebook=rulebook, today=timezone.localdate()):
        found = evaluate_facts(lot.facts, rulebook, stage=applies_to, untracked=lot.untracked)
        findings.extend(found)
        rows.extend(finding_row(finding, lot=lot.reference) for finding in found)
    rows.sort(key=lambda row: _SEVERITY_RANK[row["severity"]])
    return ComplianceCheck.objects.create(
        stage=stage,
        order=order,
        rulebook_version=rulebook.version,
        verdict=verdict(findings),
        findings=rows,
        checked_by=actor,
    )


def contract_finding(finding: Finding, *, lot: str = "") -> contract.Finding:
    """An engine finding as the hooks return it (project.compliance.Finding)."""
    return contract.Finding(
        finding.rule, contract.Severity(finding.severity), finding.message, finding.detail, lot
    )


def finding_row(finding: Finding, *, lot: str = "") -> dict[str, Any]:
    """A finding as stored in ComplianceCheck.findings: the rule id, severity, message, source
    and mark, why it fired (detail, missing facts) and the lot it concerns."""
    row = finding.as_dict()
    if lot:
        row["lot"] = lot
    return row


@dataclass(frozen=True)
class WhatIfResult:
    verdict: str
    rulebook_version: str
    findings: list[Finding]
    facts: Mapping[str, object]


def run_what_if(request: Mapping[str, Any]) -> WhatIfResult:
    """Check a planned destruction without storing anything (the what-if page and
    POST /api/v1/compliance/check/). `request` is validated (WhatIfInput or WhatIfForm):
    waste_class, method, hazard_classes (None: the class's default), on_date, facility
    ({"instance": Facility} or a permit as plain values, or None) and parameters.

    A missing fact a rule needs is a finding, never an error, and never blocks a plan: a warning
    when the request could have given it (a facility, a parameter), so the answer is not
    "compliant" while the planner has left out what decides it; information when a what-if has
    no field for it (legal basis, samples: they are checked on the order)."""
    rulebook = current_rulebook()
    request = {"on_date": timezone.localdate(), **request}
    if request["on_date"] is None:
        request["on_date"] = timezone.localdate()
    facts = what_if_request_facts(request, rulebook)
    findings = evaluate(facts, rulebook, applies_to="order", askable=WHAT_IF_FACTS)
    return WhatIfResult(verdict(findings), rulebook.version, findings, facts)

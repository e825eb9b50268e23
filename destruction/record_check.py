"""The record check as an executed order shows it: the verdict and findings of the latest stored
record check, and the steps that lead forward when it blocks, so that an order is never left
without one (issue 14, item 4). The check itself is run and stored by the compliance hook
(settings.DESTRUCTION_COMPLIANCE_CHECK) when the destruction is recorded and again whenever
evidence is added; destruction reads it through the reverse relation and never imports
compliance."""

from dataclasses import dataclass
from typing import Any

from destruction.certificates.snapshot import latest_record_check
from destruction.models import DestructionOrder, EvidenceFile

# Blocking record rules that the order's own evidence satisfies: the rule id and the evidence
# kind to upload, with what that evidence is. Adding the file re-runs the check.
EVIDENCE_STEPS: dict[str, tuple[str, str]] = {
    "X-WE-04": (EvidenceFile.Kind.MINUTES, "the minutes of destruction signed by all witnesses"),
}


@dataclass(frozen=True)
class RecordCheck:
    verdict: str
    rulebook_version: str
    checked_at: Any
    findings: list[dict[str, Any]]
    next_steps: list[str]


def record_check(order: DestructionOrder) -> RecordCheck | None:
    """The latest record check of the order with its next steps; None before any was stored."""
    check = latest_record_check(order)
    if check is None:
        return None
    return RecordCheck(
        verdict=check.verdict,
        rulebook_version=check.rulebook_version,
        checked_at=check.checked_at,
        findings=list(check.findings),
        next_steps=next_steps(order, check.findings),
    )


def next_steps(order: DestructionOrder, findings: list[dict[str, Any]]) -> list[str]:
    """What to do about each blocking finding, once per rule: upload the evidence it lacks, or
    resolve what it names (with the lot it concerns)."""
    steps: list[str] = []
    for finding in findings:
        if finding.get("severity") != "blocking":
            continue
        rule = str(finding.get("rule", "?"))
        if rule in EVIDENCE_STEPS:
            kind, what = EVIDENCE_STEPS[rule]
            step = (
                f"{rule}: upload {what} as evidence of kind {kind} "
                f"(POST /api/v1/destruction-orders/{order.pk}/evidence/ or Add evidence on the "
                "order page); the record check runs again."
            )
        else:
            lot = f" (lot {finding['lot']})" if finding.get("lot") else ""
            why = f" Missing: {finding['detail']}." if finding.get("detail") else ""
            step = f"{rule}{lot}: {finding.get('message', '')}{why}"
        if step not in steps:
            steps.append(step)
    return steps

"""Informed approval (issue 14, item 3): the approver sees every finding of the order's latest
submit check, and acknowledges each warning in the approval itself (for X-MF-02 with the
justification of the lower waste-hierarchy rank). The check is stored by the compliance hook
(settings.DESTRUCTION_COMPLIANCE_CHECK) and read here through the reverse relation: destruction
never imports compliance."""

from dataclasses import dataclass
from typing import Any

from destruction.models import DestructionOrder
from project.compliance import Severity

# Warnings whose acknowledgement must say why, with what the text records.
JUSTIFIED_RULES: dict[str, str] = {
    "X-MF-02": "why a method ranking lower in the waste hierarchy was chosen",
}


@dataclass(frozen=True)
class Acknowledgement:
    """The approver's acknowledgement of one warning (rule and lot reference as the finding
    names them), with the justification the rule asks for (JUSTIFIED_RULES)."""

    rule: str
    lot: str = ""
    justification: str = ""


def latest_submit_check(order: DestructionOrder):
    """The newest submit-stage compliance check of the order (None without the hook)."""
    return order.compliance_checks.filter(stage="submit").order_by("-checked_at", "-id").first()


def warnings_of(check) -> list[dict[str, Any]]:
    """The warnings of a stored check, as stored, each once per (rule, lot)."""
    if check is None:
        return []
    seen, warnings = set(), []
    for finding in check.findings:
        key = (str(finding.get("rule", "")), str(finding.get("lot", "")))
        if finding.get("severity") == Severity.WARNING and key not in seen:
            seen.add(key)
            warnings.append(finding)
    return warnings


def needs_justification(rule: str) -> bool:
    return rule in JUSTIFIED_RULES

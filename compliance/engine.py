"""The compliance engine: facts in, explainable findings out.

Pure functions over plain data: no ORM, no Django settings. Rule conditions
(:mod:`compliance.conditions`) are compiled once, when the rulebook loads
(:mod:`compliance.rulebook`): into one generated boolean function per rule (the fast path: does
it hold?) and into small closures that answer True (holds), False (breached) or None (a fact it
needs is not recorded). Only a rule that does not hold runs the closures; a breached or
undecidable rule becomes a :class:`Finding`, and only then is the explanation built.
"""

from __future__ import annotations

import functools
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Final

from compliance.conditions import BLOCKING, INFO, SEVERITIES, WARNING, Facts, Outcome
from compliance.facts import FACTS, STAGE_ORDER
from compliance.rulebook import Rule, Rulebook
from project.compliance import Verdict

_SEVERITY_ORDER: Final[dict[str, int]] = {name: rank for rank, name in enumerate(SEVERITIES)}

NON_COMPLIANT: Final = Verdict.NON_COMPLIANT
NEEDS_REVIEW: Final = Verdict.NEEDS_REVIEW
COMPLIANT: Final = Verdict.COMPLIANT


# --- findings --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Finding:
    """One rule that is breached or cannot be decided, with everything needed to explain it."""

    rule: str
    severity: str
    message: str
    source: str
    mark: str = ""
    detail: str = ""
    missing: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, object]:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message,
            "detail": self.detail,
            "missing": list(self.missing),
            "source": self.source,
            "mark": self.mark,
        }


def evaluate(
    facts: Facts,
    rulebook: Rulebook,
    *,
    applies_to: str,
    askable: Collection[str] | None = None,
) -> list[Finding]:
    """Check the facts against every rule of the stage ``applies_to`` that is in scope for the
    facts' waste class and method; blocking findings first.

    A fact a rule needs but which is absent is a finding of the rule's severity, or ``info`` when
    the fact is only known at a later stage. ``askable`` marks the facts of a plan (a what-if):
    a missing fact then never blocks, as nothing has happened yet; it is a warning when the plan
    could have stated it (it is in ``askable``), so the planner adds it, and ``info`` otherwise.
    """
    failing = rulebook.scope(applies_to, facts.get("waste_class"), facts.get("method")).failing
    findings = [
        _finding(rule, facts, outcome, applies_to, askable)
        for rule in failing(facts)
        if (outcome := rule.test(facts)) is not True
    ]
    if len(findings) > 1:
        findings.sort(key=lambda finding: _SEVERITY_ORDER[finding.severity])
    return findings


def verdict(findings: Sequence[Finding]) -> Verdict:
    """non_compliant if any finding blocks, else needs_review if any warns, else compliant."""
    severities = {finding.severity for finding in findings}
    if BLOCKING in severities:
        return NON_COMPLIANT
    if WARNING in severities:
        return NEEDS_REVIEW
    return COMPLIANT


def _finding(
    rule: Rule, facts: Facts, outcome: Outcome, stage: str, askable: Collection[str] | None
) -> Finding:
    if outcome is None:
        return _missing_finding(rule, facts, stage, askable)
    if rule.forbids:
        return _finding_of(rule, rule.severity, f"{facts.get('method')} is forbidden", ())
    reasons, missing = rule.require.explain(facts) if rule.require else ([], [])
    if missing:
        reasons.append("not recorded: " + ", ".join(FACTS[name].label for name in missing))
    return _finding_of(rule, rule.severity, "; ".join(reasons), tuple(missing))


def _missing_finding(
    rule: Rule, facts: Facts, stage: str, askable: Collection[str] | None
) -> Finding:
    _, missing = rule.require.explain(facts) if rule.require is not None else ([], [])
    labels = ", ".join(FACTS[name].label for name in missing)
    if askable is not None:
        return _planned_missing_finding(rule, missing, labels, askable)
    severity = rule.severity
    detail = f"Not recorded: {labels}"
    if missing and _all_known_later(missing, stage):
        severity = INFO
        detail = f"Not known yet: {labels} (checked at a later stage)"
    return _finding_of(rule, severity, detail, tuple(missing))


def _planned_missing_finding(
    rule: Rule, missing: Sequence[str], labels: str, askable: Collection[str]
) -> Finding:
    """A plan missing a fact: a warning when the plan could have given it (never more severe
    than the rule), information when a plan has no place for it."""
    if any(name in askable for name in missing):
        severity = max(rule.severity, WARNING, key=_SEVERITY_ORDER.__getitem__)
        return _finding_of(rule, severity, f"Not given: {labels}", tuple(missing))
    detail = f"Not part of a what-if check: {labels}"
    return _finding_of(rule, INFO, detail, tuple(missing))


def _finding_of(rule: Rule, severity: str, detail: str, missing: tuple[str, ...]) -> Finding:
    return _interned_finding(
        rule.id, severity, rule.message, rule.source_text, rule.mark, detail, missing
    )


# Findings are immutable and mostly repeat (the same rule breached the same way), so each
# distinct one is built once: building a frozen dataclass costs more than evaluating a rule.
_interned_finding = functools.lru_cache(maxsize=8192)(Finding)


def _all_known_later(names: Sequence[str], stage: str) -> bool:
    return all(STAGE_ORDER[FACTS[name].known_from] > STAGE_ORDER[stage] for name in names)

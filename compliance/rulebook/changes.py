"""What changed between two kept rulebook versions: rules added, removed, and changed in any of
severity, message, condition, source or scope. Pure: it compares two loaded rulebooks.

Conditions are compiled objects compared by identity, so each rule is reduced to a plain
signature per aspect (fact names, operator names, operands, reasons) and the signatures are
compared; a parameter resolved into a condition counts as part of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from compliance.conditions import AllOf, Condition, Leaf
from compliance.rulebook import Rule, Rulebook

# The aspects of a rule that make it "changed", in display order.
ASPECTS: Final[tuple[str, ...]] = ("severity", "message", "condition", "source", "scope")


@dataclass(frozen=True)
class RuleChange:
    """One rule kept in both versions with the aspects that differ."""

    before: Rule
    after: Rule
    aspects: tuple[str, ...]

    @property
    def id(self) -> str:
        return self.after.id


@dataclass(frozen=True)
class RulebookChanges:
    """Rules of `after` not in `before` (added), the reverse (removed) and those in both that
    differ (changed), each in its rulebook's order."""

    before: str
    after: str
    added: tuple[Rule, ...]
    removed: tuple[Rule, ...]
    changed: tuple[RuleChange, ...]


def diff_rulebooks(before: Rulebook, after: Rulebook) -> RulebookChanges:
    old = {rule.id: rule for rule in before.rules}
    new = {rule.id: rule for rule in after.rules}
    changed = []
    for rule in after.rules:
        if rule.id in old:
            aspects = changed_aspects(old[rule.id], rule)
            if aspects:
                changed.append(RuleChange(old[rule.id], rule, aspects))
    return RulebookChanges(
        before=before.version,
        after=after.version,
        added=tuple(rule for rule in after.rules if rule.id not in old),
        removed=tuple(rule for rule in before.rules if rule.id not in new),
        changed=tuple(changed),
    )


def changed_aspects(before: Rule, after: Rule) -> tuple[str, ...]:
    return tuple(
        aspect for aspect in ASPECTS if _signature(before, aspect) != _signature(after, aspect)
    )


def _signature(rule: Rule, aspect: str) -> object:
    if aspect == "severity":
        return rule.severity
    if aspect == "message":
        return rule.message
    if aspect == "source":
        return rule.sources
    if aspect == "scope":
        return (
            rule.kind,
            frozenset(rule.applies_to),
            rule.waste_classes,
            rule.methods,
        )
    return (
        _condition(rule.when),
        _condition(rule.require),
        rule.permits,
        rule.forbids,
    )


def _condition(condition: Condition | None) -> object:
    if condition is None:
        return None
    if isinstance(condition, Leaf):
        return (
            condition.fact.name,
            condition.operator.name,
            condition.operand,  # a scalar, or a frozenset for the membership operators
            condition.other.name if condition.other else None,
            condition.why,
        )
    kind = "all" if isinstance(condition, AllOf) else "any"
    return (kind, tuple(_condition(part) for part in condition.parts), condition.why)

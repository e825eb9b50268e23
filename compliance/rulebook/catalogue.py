"""The rulebook as something to read: each rule with its scope, condition in words, source and
mark, for the rulebook pages and GET /api/v1/rules/; and what changed between two versions, the
two texts side by side (the changes page and GET /api/v1/compliance/rulebook/changes/)."""

from __future__ import annotations

from typing import Any

from compliance.conditions import AllOf, AnyOf, Condition, Leaf
from compliance.facts import STAGE_ORDER
from compliance.rulebook import Rule, load_rulebook
from compliance.rulebook.changes import ASPECTS, RulebookChanges, diff_rulebooks


def describe_condition(condition: Condition | None) -> str:
    """A condition in words: "Temperature (°C) ≥ 850 and (… or …)"."""
    return "" if condition is None else _describe(condition)


def _describe(node: Condition, *, within_any: bool = False) -> str:
    if isinstance(node, AnyOf):
        text = " or ".join(_describe(part, within_any=True) for part in node.parts)
        return f"({text})" if len(node.parts) > 1 else text
    if isinstance(node, AllOf):
        text = " and ".join(_describe(part) for part in node.parts)
        # Inside an "or", "a and b or c" would read both ways: bracket the "and".
        return f"({text})" if within_any and len(node.parts) > 1 else text
    return _leaf(node)


def _leaf(leaf: Leaf) -> str:
    label, operator = leaf.fact.label, leaf.operator
    if operator.arity == 1:
        return f"{label}: {operator.symbol}"
    return f"{label} {operator.symbol} {leaf.operand_text}"


def rule_data(rule: Rule) -> dict[str, Any]:
    """One rule as plain data (the API's Rule object; the pages read the same keys)."""
    return {
        "id": rule.id,
        "kind": rule.kind,
        "severity": rule.severity,
        "applies_to": sorted(rule.applies_to, key=STAGE_ORDER.__getitem__),
        "waste_classes": sorted(rule.waste_classes) if rule.waste_classes is not None else None,
        "methods": sorted(rule.methods) if rule.methods is not None else None,
        "permits": list(rule.permits),
        "forbids": sorted(rule.forbids),
        "when": describe_condition(rule.when),
        "require": describe_condition(rule.require),
        "message": rule.message,
        "source": rule.source_text,
        "sources": [
            {
                "ref": source.ref,
                "document": source.document,
                "section": source.section,
                "url": source.url,
            }
            for source in rule.sources
        ],
        "mark": rule.mark,
        "see": list(rule.see),
    }


def aspect_texts(rule: Rule) -> dict[str, str]:
    """The aspects a rule change is judged on (changes.ASPECTS), each as one text."""
    data = rule_data(rule)
    condition = [
        f"{label}: {text}"
        for label, text in (
            ("When", data["when"]),
            ("Requires", data["require"]),
            ("Permits", ", ".join(data["permits"])),
            ("Forbids", ", ".join(data["forbids"])),
        )
        if text
    ]
    scope = [
        f"stages {', '.join(data['applies_to'])}",
        f"classes {', '.join(data['waste_classes'] or ['all'])}",
        f"methods {', '.join(data['methods'] or ['all'])}",
    ]
    if rule.kind == "note":
        scope.append("note (never checked)")
    return {
        "severity": rule.severity,
        "message": rule.message,
        "condition": "; ".join(condition) or "none",
        "source": rule.source_text,
        "scope": "; ".join(scope),
    }


def changes_data(changes: RulebookChanges) -> dict[str, Any]:
    """The changes as plain data: added and removed rules whole, changed rules aspect by aspect
    with the text of each version."""
    changed = []
    for change in changes.changed:
        before, after = aspect_texts(change.before), aspect_texts(change.after)
        changed.append(
            {
                "id": change.id,
                "aspects": list(change.aspects),
                "comparison": [
                    {
                        "aspect": aspect,
                        "before": before[aspect],
                        "after": after[aspect],
                        "changed": aspect in change.aspects,
                    }
                    for aspect in ASPECTS
                ],
            }
        )
    return {
        "from": changes.before,
        "to": changes.after,
        "added": [{"id": rule.id, **aspect_texts(rule)} for rule in changes.added],
        "removed": [{"id": rule.id, **aspect_texts(rule)} for rule in changes.removed],
        "changed": changed,
    }


def rulebook_changes(before: str, after: str) -> dict[str, Any]:
    """The changes between two kept versions as the page and the API show them. The files are
    compared as kept, without the administration's parameter overrides."""
    return changes_data(diff_rulebooks(load_rulebook(before), load_rulebook(after)))

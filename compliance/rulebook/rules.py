"""The rulebook's compiled form: rules with their sources and parameters, and the queries the
engine and the planner ask of it (methods permitted for a class, the rules in scope of a check)."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Final

from compliance.conditions import (
    AllOf,
    Condition,
    FastCheck,
    Leaf,
    Test,
    compile_fast_check,
    compile_rule_test,
    failing_function,
    holds_function,
)
from destruction.methods import METHODS
from project.compliance import Severity
from seizures.categories import WasteClass

# Methods the waste hierarchy (X-MF-02) never names as the better choice: keeping a few articles
# for awareness or training (B0-M1) is no destination for a lot's waste.
_NOT_DESTINATIONS: Final[frozenset[str]] = frozenset({"REUSE_EDU"})


class RulebookError(ValueError):
    """The rulebook file is invalid; the message names the rule and the problem."""


@dataclass(frozen=True)
class Source:
    ref: str
    document: str
    section: str = ""
    url: str = ""

    def __str__(self) -> str:
        text = f"{self.ref} {self.document}" if self.ref else self.document
        if self.section:
            text += f", {self.section}"
        return f"{text} <{self.url}>" if self.url else text


@dataclass(frozen=True, eq=False)
class Rule:
    """One rule of the rulebook, with its conditions compiled (see the module docstring)."""

    id: str
    kind: str
    severity: Severity
    applies_to: frozenset[str]
    message: str
    sources: tuple[Source, ...]
    mark: str
    waste_classes: frozenset[str] | None = None
    methods: frozenset[str] | None = None
    permits: tuple[str, ...] = ()
    forbids: frozenset[str] = frozenset()
    when: Condition | None = None
    require: Condition | None = None
    see: tuple[str, ...] = ()
    test: Test = field(init=False, repr=False)
    fast: FastCheck = field(init=False, repr=False)

    def __post_init__(self) -> None:
        conditions = (self.when, self.require, self.forbids)
        object.__setattr__(self, "test", compile_rule_test(*conditions))
        prefix = re.sub(r"\W", "_", self.id) + "_"
        object.__setattr__(self, "fast", compile_fast_check(*conditions, prefix=prefix))

    @functools.cached_property
    def holds(self) -> Callable[[Mapping[str, object]], bool]:
        """This rule's fast check alone (the engine runs a whole scope's checks at once)."""
        return holds_function(self.fast)

    @functools.cached_property
    def source_text(self) -> str:
        return "; ".join(str(source) for source in self.sources)

    @property
    def checks(self) -> bool:
        """Whether evaluating this rule can produce a finding."""
        return self.kind == "check" and bool(self.forbids or self.require or self.when)

    def in_scope(self, stage: str, waste_class: object, method: object) -> bool:
        return (
            stage in self.applies_to
            and (self.waste_classes is None or waste_class in self.waste_classes)
            and (self.methods is None or method in self.methods)
        )


@dataclass(frozen=True, eq=False)
class Parameter:
    """A configurable number of the rulebook (digest values marked inferred)."""

    name: str
    value: int | float
    default: int | float
    meaning: str


@dataclass(frozen=True, eq=False)
class Rulebook:
    """A loaded rulebook: its rules, parameters and sources, and the method tables derived from
    its M (permits) and X (forbids) rules."""

    version: str
    rules: tuple[Rule, ...]
    parameters: Mapping[str, Parameter]
    sources: Mapping[str, Source]
    _scopes: dict[tuple[str, object, object], Scope] = field(default_factory=dict, repr=False)

    def rule(self, rule_id: str) -> Rule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)

    @functools.cached_property
    def _permitted(self) -> dict[str, tuple[str, ...]]:
        table: dict[str, list[str]] = {code: [] for code in WasteClass.values}
        for rule in self.rules:
            for waste_class in rule.waste_classes or WasteClass.values:
                table[waste_class].extend(m for m in rule.permits if m not in table[waste_class])
        return {code: tuple(methods) for code, methods in table.items()}

    def permitted_methods(self, waste_class: str) -> tuple[str, ...]:
        """Methods the M rules permit for the class, in the rulebook's order (best first)."""
        return self._permitted.get(waste_class, ())

    def forbidden_methods(self, waste_class: str) -> frozenset[str]:
        """Methods forbidden for the class: the universal list and the class's X rules."""
        return frozenset(
            method
            for rule in self.rules
            if rule.waste_classes is None or waste_class in rule.waste_classes
            for method in rule.forbids
        )

    def better_permitted_methods(
        self, waste_class: str, method: str, goods: Mapping[str, object] | None = None
    ) -> tuple[str, ...]:
        """The methods permitted for the class that rank higher in the waste hierarchy than
        `method`, best first (X-MF-02). Issue 5 compares with the best-ranked permitted method
        of the class, whatever the order of its M rules: choosing below it needs a recorded
        justification, and the finding names what would have ranked higher. A method the
        lot's own intake flags (`goods`) rule out (kiln co-processing of cytotoxics, PHA-M2) is
        not one it could have had."""
        rank = METHODS[method].rank
        better = [
            m
            for m in self.permitted_methods(waste_class)
            if METHODS[m].rank < rank
            and m not in _NOT_DESTINATIONS
            and not self._ruled_out(waste_class, m, goods or {})
        ]
        return tuple(sorted(better, key=lambda m: METHODS[m].rank))

    def _ruled_out(self, waste_class: str, method: str, goods: Mapping[str, object]) -> bool:
        """Whether every rule permitting the method for the class requires what the lot's
        known facts (compliance.facts.GOODS_FLAGS: intake flags, hazard classes, the line's
        consent and customs decision) deny, so the lot could not have had it."""
        if not goods:
            return False
        permitting = [
            rule
            for rule in self.rules
            if method in rule.permits
            and (rule.waste_classes is None or waste_class in rule.waste_classes)
        ]
        return all(
            rule.require is not None and _denied_by(rule.require, goods) for rule in permitting
        )

    def scope(self, stage: str, waste_class: object, method: object) -> Scope:
        """The rules in scope and their joined fast check, built once per combination."""
        key = (stage, waste_class, method)
        scope = self._scopes.get(key)
        if scope is None:
            rules = tuple(
                rule
                for rule in self.rules
                if rule.checks and rule.in_scope(stage, waste_class, method)
            )
            scope = self._scopes[key] = Scope(
                rules, failing_function(rules, [rule.fast for rule in rules])
            )
        return scope


@dataclass(frozen=True)
class Scope:
    """The checking rules for one (stage, waste class, method) and a function returning those
    that do not hold for given facts."""

    rules: tuple[Rule, ...]
    failing: Callable[[Mapping[str, object]], list[Rule]]


def _denied_by(condition: Condition, known: Mapping[str, object]) -> bool:
    """Whether the condition fails on the known facts alone, whatever the others turn out to
    be."""
    if isinstance(condition, Leaf):
        return (
            condition.other is None
            and known.get(condition.fact.name) is not None
            and condition.test(known) is False
        )
    if isinstance(condition, AllOf):
        return any(_denied_by(part, known) for part in condition.parts)
    return all(_denied_by(part, known) for part in condition.parts)

"""The rule language shared by the rulebook and the engine: severities, operators, conditions and
their compiled tests.

The rulebook (:mod:`compliance.rulebook`) parses its TOML into these conditions; the engine
(:mod:`compliance.engine`) evaluates the rules built from them. Both import this module and it
imports neither, so the layers stay ``facts <- conditions <- rulebook <- engine``.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final, TypeVar

from compliance.facts import FACTS, Fact
from project.compliance import Severity

# The severities of the hooks' contract (project.compliance), most severe first.
BLOCKING: Final = Severity.BLOCKING
WARNING: Final = Severity.WARNING
INFO: Final = Severity.INFO
SEVERITIES: Final[tuple[Severity, ...]] = tuple(Severity)

Facts = Mapping[str, object]
# True: the condition holds; False: it is breached; None: a fact it needs is not recorded.
Outcome = bool | None
Test = Callable[[Facts], Outcome]

# ``{name}`` in a condition's ``why``: a parameter (filled at load) or a fact (filled when shown).
PLACEHOLDER: Final = re.compile(r"\{(\w+)\}")

T = TypeVar("T")


# --- operators --------------------------------------------------------------------------------


def _blank(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    return isinstance(value, Collection) and not value


@dataclass(frozen=True)
class Operator:
    """``arity`` 1 tests the fact alone, 2 compares it with a value, a parameter or another fact.
    ``types`` are the fact types it accepts. ``blank_is_value`` operators (present, missing)
    judge a recorded-but-blank value (None, "", []) themselves; every operator answers None
    when the fact is not given at all."""

    name: str
    symbol: str
    arity: int
    types: frozenset[str]
    function: Callable[..., bool]
    blank_is_value: bool = False


_SCALARS = frozenset({"str", "int", "number", "bool", "date"})
_ORDERED = frozenset({"int", "number", "date"})
_ALL_TYPES = _SCALARS | {"strings"}

OPERATORS: Final[dict[str, Operator]] = {
    op.name: op
    for op in (
        Operator("eq", "=", 2, _SCALARS, operator.eq),
        Operator("ne", "≠", 2, _SCALARS, operator.ne),
        Operator("in", "one of", 2, frozenset({"str", "int"}), lambda a, b: a in b),
        Operator("not_in", "none of", 2, frozenset({"str", "int"}), lambda a, b: a not in b),
        Operator("lt", "<", 2, _ORDERED, operator.lt),
        Operator("le", "≤", 2, _ORDERED, operator.le),
        Operator("gt", ">", 2, _ORDERED, operator.gt),
        Operator("ge", "≥", 2, _ORDERED, operator.ge),
        Operator("intersects", "any of", 2, frozenset({"strings"}), lambda a, b: bool(set(a) & b)),
        Operator("disjoint", "none of", 2, frozenset({"strings"}), lambda a, b: not set(a) & b),
        Operator("subset_of", "within", 2, frozenset({"strings"}), lambda a, b: set(a) <= b),
        Operator("is_true", "yes", 1, frozenset({"bool"}), lambda a: a is True),
        Operator("is_false", "no", 1, frozenset({"bool"}), lambda a: a is False),
        Operator("is_empty", "none", 1, frozenset({"strings"}), lambda a: not a),
        Operator(
            "present", "recorded", 1, _ALL_TYPES, lambda a: not _blank(a), blank_is_value=True
        ),
        Operator("missing", "not recorded", 1, _ALL_TYPES, _blank, blank_is_value=True),
    )
}


# --- conditions ------------------------------------------------------------------------------


_ABSENT: Final = object()


def _default_of(fact: Fact) -> object:
    return fact.default if fact.has_default else None


def _show(value: object) -> str:
    if value is None:
        return "not recorded"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return value
    if isinstance(value, Collection):
        return ", ".join(sorted(str(item) for item in value)) or "none"
    return str(value)


def _reason(why: str, facts: Facts) -> str:
    """A condition's ``why`` with the facts it names filled in, so the finding says which
    values breached it (the methods ranking higher, the witnesses who signed)."""
    if "{" not in why:
        return why
    return PLACEHOLDER.sub(
        lambda match: _show(facts.get(match[1], _default_of(FACTS[match[1]]))), why
    )


@dataclass(frozen=True, eq=False)
class Leaf:
    """``{fact, op, value | param | other}``: one test of one fact. ``operand`` is the constant
    (a parameter is resolved at load), ``other`` a second fact to compare with."""

    fact: Fact
    operator: Operator
    operand: object = None
    other: Fact | None = None
    operand_text: str = ""
    why: str = ""
    test: Test = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "test", _compile_leaf(self))

    @property
    def facts(self) -> tuple[str, ...]:
        return (self.fact.name, self.other.name) if self.other else (self.fact.name,)

    def explain(self, facts: Facts) -> tuple[list[str], list[str]]:
        outcome = self.test(facts)
        if outcome is True:
            return [], []
        if outcome is None:
            return [], [name for name in self.facts if facts.get(name) is None]
        if self.why:
            return [_reason(self.why, facts)], []
        return [self._breach_text(facts.get(self.fact.name, _default_of(self.fact)))], []

    def _breach_text(self, actual: object) -> str:
        label, name = self.fact.label, self.operator.name
        if name == "present":
            return f"{label} not recorded"
        if name in {"is_true", "is_false"}:
            return f"{label}: {_show(actual)}"
        needs = self.operator.symbol
        if self.operator.arity == 2:
            needs = f"{needs} {self.operand_text}"
        return f"{label} is {_show(actual)}; needs {needs}"


@dataclass(frozen=True, eq=False)
class AllOf:
    """Holds when every part holds (an array in the TOML, or ``{all = [...]}``)."""

    parts: tuple[Condition, ...]
    why: str = ""
    test: Test = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "test", _compile_all(tuple(part.test for part in self.parts)))

    def explain(self, facts: Facts) -> tuple[list[str], list[str]]:
        reasons, missing = _explain_parts(self.parts, facts)
        if self.why and reasons:
            reasons = [_reason(self.why, facts)]
        return reasons, missing


@dataclass(frozen=True, eq=False)
class AnyOf:
    """Holds when one part holds (``{any = [...]}``)."""

    parts: tuple[Condition, ...]
    why: str = ""
    test: Test = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "test", _compile_any(tuple(part.test for part in self.parts)))

    def explain(self, facts: Facts) -> tuple[list[str], list[str]]:
        outcome = self.test(facts)
        if outcome is True:
            return [], []
        if outcome is False and self.why:
            return [_reason(self.why, facts)], []  # every part fails: the why says it all
        reasons, missing = _explain_parts(self.parts, facts)
        if outcome is None:
            return [], missing
        return [" or ".join(reasons)], []


Condition = Leaf | AllOf | AnyOf


def _explain_parts(parts: Sequence[Condition], facts: Facts) -> tuple[list[str], list[str]]:
    reasons: list[str] = []
    missing: list[str] = []
    for part in parts:
        part_reasons, part_missing = part.explain(facts)
        reasons.extend(part_reasons)
        missing.extend(name for name in part_missing if name not in missing)
    return reasons, missing


def _compile_leaf(leaf: Leaf) -> Test:
    name, default, function = leaf.fact.name, _default_of(leaf.fact), leaf.operator.function
    if leaf.operator.blank_is_value:
        given = leaf.fact.default if leaf.fact.has_default else _ABSENT

        def judge_blank(facts: Facts) -> Outcome:
            value = facts.get(name, given)
            return None if value is _ABSENT else function(value)

        return judge_blank
    if leaf.operator.arity == 1:

        def unary(facts: Facts) -> Outcome:
            value = facts.get(name, default)
            return None if value is None else function(value)

        return unary
    if leaf.other is not None:
        other, other_default = leaf.other.name, _default_of(leaf.other)
        as_set = leaf.fact.type == "strings"

        def compare(facts: Facts) -> Outcome:
            value, reference = facts.get(name, default), facts.get(other, other_default)
            if value is None or reference is None:
                return None
            return function(value, set(reference) if as_set else reference)

        return compare
    operand = leaf.operand

    def binary(facts: Facts) -> Outcome:
        value = facts.get(name, default)
        return None if value is None else function(value, operand)

    return binary


def _compile_all(tests: tuple[Test, ...]) -> Test:
    if len(tests) == 1:
        return tests[0]

    def all_of(facts: Facts) -> Outcome:
        unknown = False
        for test in tests:
            outcome = test(facts)
            if outcome is False:
                return False
            if outcome is None:
                unknown = True
        return None if unknown else True

    return all_of


def _compile_any(tests: tuple[Test, ...]) -> Test:
    def any_of(facts: Facts) -> Outcome:
        unknown = False
        for test in tests:
            outcome = test(facts)
            if outcome is True:
                return True
            if outcome is None:
                unknown = True
        return None if unknown else False

    return any_of


def compile_rule_test(
    when: Condition | None, require: Condition | None, forbids: frozenset[str]
) -> Test:
    """One closure per rule: the guard (``when``), then the forbidden methods, then ``require``.
    A rule whose guard does not hold, or cannot be decided, does not apply: the facts a guard
    reads (legal basis, method permitted) are checked by rules of their own (X-LB-01, X-MF-01).
    A forbidding rule is only ever looked at when the method is one it forbids."""
    if forbids:
        check: Test = _always_breached
    elif require is not None:
        check = require.test
    else:
        check = _always_holds
    if when is None:
        return check
    guard = when.test

    def guarded(facts: Facts) -> Outcome:
        return check(facts) if guard(facts) is True else True

    return guarded


def _always_breached(facts: Facts) -> Outcome:
    return False


def _always_holds(facts: Facts) -> Outcome:
    return True


# --- the fast path: one generated function per rule ----------------------------------------------
#
# Most rules hold for most facts. For those, a plain boolean function answers "does the rule
# hold?" in one call instead of a tree of closures: a leaf is true only if its fact is given and
# passes, `all` is `and`, `any` is `or`. As conditions never negate a sub-condition, this is true
# exactly when the three-valued test is True; the closures above run only when it is false, to
# tell a breach from a missing fact and to explain it.

_FAST_TEMPLATES: Final[dict[str, str]] = {
    "eq": "{v} == {k}",
    "ne": "{v} != {k}",
    "lt": "{v} < {k}",
    "le": "{v} <= {k}",
    "gt": "{v} > {k}",
    "ge": "{v} >= {k}",
    "in": "{v} in {k}",
    "not_in": "{v} not in {k}",
    "intersects": "not {k}.isdisjoint({v})",
    "disjoint": "{k}.isdisjoint({v})",
    "subset_of": "{k}.issuperset({v})",
    "is_true": "{v} is True",
    "is_false": "{v} is False",
    "is_empty": "not {v}",
    "present": "not _blank({v})",
    "missing": "_blank({v})",
}


class _FastSource:
    """Builds one rule's "does it hold?" expression. Numbers, strings and booleans from the
    validated rulebook are written as Python literals (``repr``); anything else (sets, dates,
    defaults, the absence marker) is bound to a name unique to the rule (``prefix``)."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.bound: dict[str, object] = {}
        self.counter = 0

    def name(self, kind: str) -> str:
        self.counter += 1
        return f"{self.prefix}{kind}{self.counter}"

    def constant(self, value: object) -> str:
        if value is None or isinstance(value, bool | int | float | str):
            return repr(value)
        name = self.name("k")
        self.bound[name] = value
        return name

    def lookup(self, fact: Fact, absent: object) -> str:
        if fact.has_default:
            return f"g({fact.name!r}, {self.constant(fact.default)})"
        return (
            f"g({fact.name!r})" if absent is None else f"g({fact.name!r}, {self.constant(absent)})"
        )

    def expression(self, node: Condition) -> str:
        if isinstance(node, AllOf | AnyOf):
            joiner = " and " if isinstance(node, AllOf) else " or "
            return "(" + joiner.join(self.expression(part) for part in node.parts) + ")"
        return self.leaf(node)

    def leaf(self, leaf: Leaf) -> str:
        absent = _ABSENT if leaf.operator.blank_is_value else None
        value = self.name("v")
        given = f"({value} := {self.lookup(leaf.fact, absent)}) is not {self.constant(absent)}"
        if leaf.other is not None:
            other = self.name("w")
            given += f" and ({other} := {self.lookup(leaf.other, None)}) is not None"
            operand = f"set({other})" if leaf.fact.type == "strings" else other
        else:
            operand = self.constant(leaf.operand)
        test = _FAST_TEMPLATES[leaf.operator.name].format(v=value, k=operand)
        return f"({given} and {test})"


@dataclass(frozen=True)
class FastCheck:
    """A rule's "does it hold?" as a Python expression over ``g`` (``facts.get``) and the
    ``bound`` names; several rules' checks are joined into one function per scope."""

    expression: str
    bound: Mapping[str, object]


def compile_fast_check(
    when: Condition | None, require: Condition | None, forbids: frozenset[str], *, prefix: str
) -> FastCheck:
    source = _FastSource(prefix)
    holds = "False" if forbids else source.expression(require) if require is not None else "True"
    if when is not None:
        holds = f"not {source.expression(when)} or {holds}"
    return FastCheck(holds, source.bound)


def _generate(body: list[str], bound: Mapping[str, object]) -> Callable[..., Any]:
    namespace: dict[str, object] = {"_blank": _blank, **bound}
    parameters = "".join(f", {name}={name}" for name in namespace)
    code = "\n".join([f"def generated(facts{parameters}):", "    g = facts.get", *body, ""])
    # Generated from the validated rulebook only: fact names come from the vocabulary,
    # operators from the fixed table above, values are literals of checked types or bound.
    exec(compile(code, "<rulebook>", "exec"), namespace)  # noqa: S102
    return namespace["generated"]  # type: ignore[return-value]


def holds_function(check: FastCheck) -> Callable[[Facts], bool]:
    """The fast, exact answer to "does this rule hold for these facts?" (truthy or falsy)."""
    return _generate([f"    return {check.expression}"], check.bound)


def failing_function(items: Sequence[T], checks: Sequence[FastCheck]) -> Callable[[Facts], list[T]]:
    """One function for all rules in a scope: the items (rules) whose check does not hold, in
    order. ``checks[i]`` is the fast check of ``items[i]``."""
    body = ["    failed = []"]
    bound: dict[str, object] = {"_items": tuple(items)}
    for index, check in enumerate(checks):
        body += [f"    if not ({check.expression}):", f"        failed.append(_items[{index}])"]
        bound.update(check.bound)
    return _generate([*body, "    return failed"], bound)

"""The guidelines rulebook: versioned TOML data (``<version>.toml`` next to this file), loaded,
validated and compiled once.

Every rule is checked at load time, so a broken rulebook fails start-up with a
:class:`RulebookError` naming the rule: unknown fact, operator, waste class or method code, a
missing source, a duplicate id, a bad severity or stage. The grammar of a rule::

    [[rules]]
    id = "PHA-M1"                      # stable id from the guidelines digest
    severity = "blocking"              # blocking | warning | info
    applies_to = ["order", "record"]   # storage | order | record | certificate
    waste_classes = ["PHA"]            # optional scope (WasteClass codes)
    methods = [...]                    # optional scope (method codes), or instead:
    permits = ["INCIN_HAZ_HT"]         # M rules: the methods this rule permits for the classes
    forbids = ["SALE_AUCTION"]         # X rules: the methods this rule forbids
    when = [...]                       # optional guard: the rule applies only when it holds
    require = [...]                    # what must hold, else a finding
    message = "..."                    # plain language
    source = [{ ref = "S26", section = "..." }]
    mark = "known"                     # read | known | inferred
    kind = "note"                      # optional: kept for reference, never checked
    see = ["X-WE-02"]                  # optional: the rules that enforce a note

A condition is an array (all must hold), ``{ all = [...] }`` or ``{ any = [...] }``, or a leaf
``{ fact = "...", op = "...", value = ... | param = "..." | other = "<fact>" }``; any node may
carry ``why``, the plain-language reason shown when it fails. In a ``why``, ``{parameter}`` is
replaced by the parameter's value at load time and ``{fact}`` by the fact's value when shown.
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path
from typing import Any, Final

from compliance.conditions import (
    OPERATORS,
    PLACEHOLDER,
    SEVERITIES,
    AllOf,
    AnyOf,
    Condition,
    Leaf,
)
from compliance.facts import COST_KINDS, FACTS, PAYERS, STAGES, ZONE_TYPES, Fact
from compliance.rulebook.rules import Parameter, Rule, Rulebook, RulebookError, Scope, Source
from destruction.methods import METHODS
from project.compliance import Severity
from seizures.categories import HazardClass, WasteClass

DEFAULT_VERSION: Final = "2026.4"
RULEBOOK_DIR: Final = Path(__file__).resolve().parent
MARKS: Final[tuple[str, ...]] = ("read", "known", "inferred")
KINDS: Final[tuple[str, ...]] = ("check", "note")

__all__ = [
    "DEFAULT_VERSION",
    "MARKS",
    "RULEBOOK_DIR",
    "Parameter",
    "Rule",
    "Rulebook",
    "RulebookError",
    "Scope",
    "Source",
    "kept_versions",
    "load_rulebook",
    "parse_rulebook",
]

_RULE_KEYS = frozenset(
    {"id", "kind", "severity", "applies_to", "waste_classes", "methods", "permits", "forbids"}
    | {"when", "require", "message", "source", "mark", "see"}
)
_LEAF_KEYS = frozenset({"fact", "op", "value", "param", "other", "why"})
_OPERAND_KEYS = ("value", "param", "other")

# Values a rule may compare these facts with; anything else is a typo in the rulebook.
_CODES: Final[dict[str, frozenset[str]]] = {
    "waste_class": frozenset(WasteClass.values),
    "co_located_waste_classes": frozenset(WasteClass.values),
    "method": frozenset(METHODS),
    "hazard_classes": frozenset(HazardClass.values),
    "location_hazard_classes": frozenset(HazardClass.values),
    "zone_type": ZONE_TYPES,
    "cost_payer": PAYERS,
    "cost_kinds": COST_KINDS,
}


# --- loading -----------------------------------------------------------------------------------


def rulebook_path(version: str = DEFAULT_VERSION) -> Path:
    return RULEBOOK_DIR / f"{version}.toml"


def kept_versions() -> tuple[str, ...]:
    """The rulebook versions kept next to this file (stored checks name them), oldest first."""
    versions = [path.stem for path in RULEBOOK_DIR.glob("*.toml")]
    return tuple(sorted(versions, key=_version_key))


def _version_key(version: str) -> tuple[tuple[int, str], ...]:
    # "2026.10" comes after "2026.9": compare the numeric parts as numbers.
    return tuple((int(part), "") if part.isdigit() else (-1, part) for part in version.split("."))


def load_rulebook(
    version: str = DEFAULT_VERSION, *, parameters: Mapping[str, object] | None = None
) -> Rulebook:
    """The rulebook of that version with parameter overrides (e.g. settings.COMPLIANCE_PARAMETERS),
    cached: load it at start-up so a broken file fails there, then call freely."""
    overrides = tuple(sorted((parameters or {}).items()))
    return _load_cached(version, overrides)


@functools.cache
def _load_cached(version: str, overrides: tuple[tuple[str, object], ...]) -> Rulebook:
    path = rulebook_path(version)
    if not path.is_file():
        raise RulebookError(f"no rulebook file for version {version!r} ({path})")
    return parse_rulebook(path.read_text(encoding="utf-8"), parameters=dict(overrides))


def parse_rulebook(text: str, *, parameters: Mapping[str, object] | None = None) -> Rulebook:
    """Parse, validate and compile a rulebook from TOML text (not cached)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise RulebookError(f"rulebook is not valid TOML: {error}") from error
    version = data.get("version")
    if not isinstance(version, str) or not version:
        raise RulebookError("rulebook: top-level 'version' (a string) is required")
    sources = _parse_sources(data.get("sources", {}))
    resolved = _parse_parameters(data.get("parameters", {}), parameters or {})
    rules = tuple(_parse_rule(raw, sources, resolved) for raw in _rule_tables(data))
    _check_rule_set(rules)
    return Rulebook(version=version, rules=rules, parameters=resolved, sources=sources)


def _rule_tables(data: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    rules = data.get("rules")
    if not isinstance(rules, list) or not rules:
        raise RulebookError("rulebook: no [[rules]]")
    return rules


def _parse_sources(raw: Mapping[str, Any]) -> dict[str, Source]:
    sources = {}
    for ref, entry in raw.items():
        document = entry.get("document") if isinstance(entry, Mapping) else None
        if not isinstance(document, str) or not document.strip():
            raise RulebookError(f"source {ref}: 'document' is required")
        sources[ref] = Source(ref=ref, document=document, url=entry.get("url", ""))
    return sources


def _parse_parameters(
    raw: Mapping[str, Any], overrides: Mapping[str, object]
) -> dict[str, Parameter]:
    unknown = sorted(set(overrides) - set(raw))
    if unknown:
        raise RulebookError(f"unknown compliance parameter(s): {', '.join(unknown)}")
    parameters = {}
    for name, entry in raw.items():
        default = entry.get("default") if isinstance(entry, Mapping) else None
        if not _is_number(default):
            raise RulebookError(f"parameter {name}: 'default' must be a number")
        value = overrides.get(name, default)
        if not _is_number(value) or (isinstance(default, int) and not isinstance(value, int)):
            raise RulebookError(f"parameter {name}: override {value!r} is not a {type(default)}")
        parameters[name] = Parameter(name, value, default, entry.get("meaning", ""))
    return parameters


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _parse_rule(
    raw: Mapping[str, Any], sources: Mapping[str, Source], parameters: Mapping[str, Parameter]
) -> Rule:
    rule_id = raw.get("id")
    if not isinstance(rule_id, str) or not rule_id.strip():
        raise RulebookError(f"a rule has no id: {dict(raw)}")
    try:
        return _build_rule(rule_id, raw, sources, parameters)
    except RulebookError as error:
        raise RulebookError(f"rule {rule_id}: {error}") from None


def _build_rule(
    rule_id: str,
    raw: Mapping[str, Any],
    sources: Mapping[str, Source],
    parameters: Mapping[str, Parameter],
) -> Rule:
    unknown = sorted(set(raw) - _RULE_KEYS)
    if unknown:
        raise RulebookError(f"unknown key(s) {', '.join(unknown)}")
    kind = _choice(raw.get("kind", "check"), KINDS, "kind")
    permits = _codes(raw["permits"], METHODS, "permits") if "permits" in raw else []
    forbids = frozenset(_codes(raw["forbids"], METHODS, "forbids") if "forbids" in raw else ())
    methods = _codes(raw["methods"], METHODS, "methods") if "methods" in raw else None
    if sum(bool(group) for group in (permits, forbids, methods)) > 1:
        raise RulebookError("use only one of 'methods', 'permits' and 'forbids'")
    when = _condition(raw["when"], parameters) if "when" in raw else None
    require = _condition(raw["require"], parameters) if "require" in raw else None
    if kind == "note" and (permits or forbids or when or require):
        raise RulebookError("a note has no conditions, permits or forbids")
    if kind == "check" and not (permits or forbids or require):
        raise RulebookError("nothing to check: add 'require', 'permits' or 'forbids', or kind=note")
    waste_classes = raw.get("waste_classes")
    scope = permits or forbids or methods
    return Rule(
        id=rule_id,
        kind=kind,
        severity=Severity(_choice(raw.get("severity"), SEVERITIES, "severity")),
        applies_to=frozenset(_stages(raw.get("applies_to"))),
        message=_text(raw.get("message"), "message"),
        sources=_rule_sources(raw.get("source"), sources),
        mark=_choice(raw.get("mark"), MARKS, "mark"),
        waste_classes=(
            frozenset(_codes(waste_classes, WasteClass.values, "waste_classes"))
            if waste_classes is not None
            else None
        ),
        methods=frozenset(scope) if scope else None,
        permits=tuple(permits),
        forbids=forbids,
        when=when,
        require=require,
        see=tuple(raw.get("see", ())),
    )


def _choice(value: object, allowed: Iterable[str], key: str) -> str:
    if value not in allowed:
        raise RulebookError(f"{key} {value!r} is not one of {', '.join(allowed)}")
    return value  # type: ignore[return-value]


def _text(value: object, key: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise RulebookError(f"'{key}' is required")
    return value.strip()


def _stages(value: object) -> list[str]:
    if not isinstance(value, list) or not value:
        raise RulebookError(f"applies_to must list one or more of {', '.join(STAGES)}")
    return [_choice(stage, STAGES, "applies_to") for stage in value]


def _codes(value: object, known: Iterable[str], key: str) -> list[str]:
    allowed = frozenset(known)
    if not isinstance(value, list) or not value:
        raise RulebookError(f"'{key}' must be a non-empty list")
    unknown = [code for code in value if code not in allowed]
    if unknown:
        raise RulebookError(f"unknown code(s) in {key}: {', '.join(map(str, unknown))}")
    return value


def _rule_sources(value: object, sources: Mapping[str, Source]) -> tuple[Source, ...]:
    if not isinstance(value, list) or not value:
        raise RulebookError("'source' is required (a list of { ref, section, url })")
    parsed = []
    for entry in value:
        ref = entry.get("ref", "") if isinstance(entry, Mapping) else ""
        known = sources.get(ref)
        if known is None:
            raise RulebookError(f"source {ref!r} is not declared in [sources]")
        parsed.append(
            Source(ref, known.document, entry.get("section", ""), entry.get("url", known.url))
        )
    return tuple(parsed)


# --- conditions --------------------------------------------------------------------------------


def _condition(raw: object, parameters: Mapping[str, Parameter]) -> Condition:
    if isinstance(raw, list):
        if not raw:
            raise RulebookError("an empty condition list")
        parts = tuple(_condition(part, parameters) for part in raw)
        return parts[0] if len(parts) == 1 else AllOf(parts)
    if not isinstance(raw, Mapping):
        raise RulebookError(f"a condition must be a table or a list, not {raw!r}")
    why = _why(raw.get("why", ""), parameters)
    for group, node in (("all", AllOf), ("any", AnyOf)):
        if group in raw:
            if set(raw) - {group, "why"} or not isinstance(raw[group], list) or not raw[group]:
                raise RulebookError(f"'{group}' takes a non-empty list (and an optional why)")
            return node(tuple(_condition(part, parameters) for part in raw[group]), why)
    return _leaf(raw, parameters)


def _leaf(raw: Mapping[str, Any], parameters: Mapping[str, Parameter]) -> Leaf:
    unknown = sorted(set(raw) - _LEAF_KEYS)
    if unknown:
        raise RulebookError(f"unknown condition key(s) {', '.join(unknown)}")
    why = _why(raw.get("why", ""), parameters)
    fact = FACTS.get(raw.get("fact", ""))
    if fact is None:
        raise RulebookError(f"unknown fact {raw.get('fact')!r}")
    operator = OPERATORS.get(raw.get("op", ""))
    if operator is None:
        raise RulebookError(f"unknown operator {raw.get('op')!r}")
    if fact.type not in operator.types:
        raise RulebookError(f"operator {operator.name} does not apply to {fact.type} {fact.name}")
    given = [key for key in _OPERAND_KEYS if key in raw]
    if operator.arity == 1:
        if given:
            raise RulebookError(f"operator {operator.name} takes no {given[0]}")
        return Leaf(fact, operator, why=why)
    if len(given) != 1:
        raise RulebookError(f"{fact.name} {operator.name}: give exactly one of value, param, other")
    if given[0] == "other":
        return _fact_comparison(raw, fact, operator, why)
    if given[0] == "param":
        parameter = parameters.get(raw["param"])
        if parameter is None:
            raise RulebookError(f"unknown parameter {raw['param']!r}")
        value: object = parameter.value
        text = f"{parameter.value} ({parameter.name})"
    else:
        value, text = raw["value"], _operand_text(raw["value"])
    operand = _operand(fact, operator.name, value)
    return Leaf(fact, operator, operand, operand_text=text, why=why)


def _why(text: object, parameters: Mapping[str, Parameter]) -> str:
    """The reason text with ``{parameter}`` filled in now; ``{fact}`` is filled when shown."""
    if not isinstance(text, str):
        raise RulebookError(f"'why' must be text, not {text!r}")

    def fill(match: re.Match[str]) -> str:
        name = match[1]
        if name in parameters:
            return str(parameters[name].value)
        if name in FACTS:
            return match[0]
        raise RulebookError(f"'why' names {{{name}}}, which is neither a fact nor a parameter")

    return PLACEHOLDER.sub(fill, text)


def _fact_comparison(raw: Mapping[str, Any], fact: Fact, operator: Any, why: str) -> Leaf:
    other = FACTS.get(raw["other"])
    if other is None:
        raise RulebookError(f"unknown fact {raw['other']!r}")
    numeric = {"int", "number"}
    if other.type != fact.type and not {fact.type, other.type} <= numeric:
        raise RulebookError(f"cannot compare {fact.name} ({fact.type}) with {other.name}")
    return Leaf(fact, operator, other=other, operand_text=other.label, why=why)


def _operand(fact: Fact, op: str, value: object) -> object:
    """Check a constant against the fact's type and vocabulary; sets for membership tests."""
    if op in {"in", "not_in", "intersects", "disjoint", "subset_of"}:
        if not isinstance(value, list) or not value:
            raise RulebookError(f"{fact.name} {op}: value must be a non-empty list")
        element_type = "str" if fact.type == "strings" else fact.type
        for item in value:
            _check_scalar(fact, element_type, item)
        return frozenset(value)
    _check_scalar(fact, fact.type, value)
    return value


def _check_scalar(fact: Fact, type_: str, value: object) -> None:
    expected: dict[str, tuple[type, ...]] = {
        "str": (str,),
        "int": (int,),
        "number": (int, float),
        "bool": (bool,),
        "date": (date,),
    }
    bad_bool = isinstance(value, bool) and type_ != "bool"
    if bad_bool or not isinstance(value, expected[type_]):
        raise RulebookError(f"{fact.name}: {value!r} is not a {type_}")
    codes = _CODES.get(fact.name)
    if codes is not None and value not in codes:
        raise RulebookError(f"{fact.name}: unknown code {value!r}")


def _operand_text(value: object) -> str:
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


# --- whole-rulebook checks ---------------------------------------------------------------------


def _check_rule_set(rules: tuple[Rule, ...]) -> None:
    seen: set[str] = set()
    for rule in rules:
        if rule.id in seen:
            raise RulebookError(f"rule {rule.id}: duplicate id")
        seen.add(rule.id)
    for rule in rules:
        unknown = [ref for ref in rule.see if ref not in seen]
        if unknown:
            raise RulebookError(f"rule {rule.id}: 'see' names unknown rule(s) {unknown}")
    _check_method_tables(rules)


def _check_method_tables(rules: tuple[Rule, ...]) -> None:
    """Each class has a permitted method, and no method is both permitted and (unconditionally)
    forbidden for the same class: X-MF-01 could never be satisfied."""
    for waste_class in WasteClass.values:
        in_class = [r for r in rules if r.waste_classes is None or waste_class in r.waste_classes]
        permitted = {method: r.id for r in in_class for method in r.permits}
        if not permitted:
            raise RulebookError(f"waste class {waste_class}: no rule permits any method")
        for rule in in_class:
            clash = sorted(rule.forbids & permitted.keys()) if rule.when is None else []
            if clash:
                raise RulebookError(
                    f"rule {rule.id}: forbids {', '.join(clash)} for {waste_class}, "
                    f"which {permitted[clash[0]]} permits"
                )

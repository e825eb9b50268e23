"""Loading and validating the rulebook: the default file loads, and every kind of mistake in a
rulebook fails at load time with an error that names the rule."""

import re
from pathlib import Path

import pytest

from compliance.facts import COST_KINDS, FACTS, PAYERS, ZONE_TYPES
from compliance.rulebook import (
    DEFAULT_VERSION,
    RULEBOOK_DIR,
    RulebookError,
    load_rulebook,
    parse_rulebook,
)
from destruction.methods import METHODS
from seizures.categories import WasteClass

UNIVERSAL_FORBIDDEN = ("SALE_AUCTION", "EXPORT", "OPEN_BURN", "DUMP_BURY")
# The domain digest the rulebook encodes, kept in the repository beside the rulebook's sources.
DIGEST = Path(__file__).resolve().parents[2] / "docs" / "domain" / "guidelines-digest.md"
DIGEST_RULE_ID = re.compile(r"\b(?:[A-Z]{2,4}-[SMXC]\d+|X-[A-Z]{2}-\d{2})\b")

# A minimal valid rulebook: one declared source, one parameter, and one rule permitting a method
# for every class (each class needs a permitted method). Tests append one rule to break it.
BASE = """
version = "test"

[sources.S1]
document = "A test source"
url = "https://example.org/s1"

[parameters.min_witnesses_high_risk]
default = 2
meaning = "witnesses"

[[rules]]
id = "T-M1"
severity = "blocking"
applies_to = ["order"]
permits = ["RECOVER_WTE"]
message = "Energy from waste."
source = [{ ref = "S1" }]
mark = "read"
"""


def rule(body: str, rule_id: str = "T-X1") -> str:
    """BASE plus one rule with sensible defaults; ``body`` adds or overrides keys."""
    keys = {
        "id": f'"{rule_id}"',
        "severity": '"blocking"',
        "applies_to": '["order"]',
        "message": '"A message."',
        "source": '[{ ref = "S1" }]',
        "mark": '"read"',
    }
    lines = [line for line in body.strip().splitlines() if line.strip()]
    overridden = {line.split("=", 1)[0].strip() for line in lines}
    defaults = [f"{key} = {value}" for key, value in keys.items() if key not in overridden]
    return BASE + "\n[[rules]]\n" + "\n".join(defaults + lines) + "\n"


def assert_rejected(text: str, pattern: str, **kwargs: object) -> None:
    with pytest.raises(RulebookError, match=pattern):
        parse_rulebook(text, **kwargs)


# --- the default rulebook ------------------------------------------------------------------------


def test_default_rulebook_loads_with_its_version():
    rulebook = load_rulebook()
    assert rulebook.version == DEFAULT_VERSION
    assert len(rulebook.rules) > 150


def test_the_rulebook_in_force_is_the_newest_kept_version_and_every_kept_version_loads():
    # A stored check keeps its findings (message, source) as they were; the previous version is
    # kept so the changes page can compare the two.
    versions = sorted(
        (path.stem for path in RULEBOOK_DIR.glob("*.toml")),
        key=lambda v: tuple(int(part) for part in v.split(".")),
    )
    assert versions[-1] == DEFAULT_VERSION
    assert "2026.2" in versions
    for version in versions:
        assert load_rulebook(version).version == version


def test_default_rulebook_is_cached_and_overrides_give_another_instance():
    assert load_rulebook() is load_rulebook()
    overridden = load_rulebook(parameters={"min_witnesses_high_risk": 3})
    assert overridden is not load_rulebook()
    assert overridden is load_rulebook(parameters={"min_witnesses_high_risk": 3})
    assert overridden.parameters["min_witnesses_high_risk"].value == 3


def test_every_rule_has_a_digest_style_id_a_source_and_a_mark():
    for rule in load_rulebook().rules:
        assert re.fullmatch(r"(B0|[A-Z]{2,4})-[SMXC]\d+|X-[A-Z]{2}-\d{2}", rule.id), rule.id
        assert rule.sources and all(source.document for source in rule.sources), rule.id
        assert rule.mark in {"read", "known", "inferred"}


def test_rulebook_covers_every_digest_section():
    ids = {rule.id for rule in load_rulebook().rules}
    for prefix in [code for code in WasteClass.values] + ["B0"]:
        assert {f"{prefix}-X1", f"{prefix}-S1"} & ids or f"{prefix}-M1" in ids, prefix
    for check in ["X-LB-02", "X-RH-02", "X-CC-04", "X-WE-02", "X-QM-02", "X-MF-04", "X-CE-03"]:
        assert check in ids


def test_every_rule_id_of_the_digest_is_in_the_rulebook():
    text = DIGEST.read_text(encoding="utf-8")
    rulebook_part = text[text.index("## B. Draft rulebook") : text.index("## D. Statistics")]
    digest_ids = set(DIGEST_RULE_ID.findall(rulebook_part))
    assert len(digest_ids) > 160  # every class's S, M, X and C rules and C1-C8
    missing = sorted(digest_ids - {rule.id for rule in load_rulebook().rules})
    assert missing == []


def test_rules_citing_only_the_digest_are_inferred_or_notes():
    # The digest gives no public source for these; where it does, the rule cites that source.
    for rule in load_rulebook().rules:
        if {source.ref for source in rule.sources} == {"DIGEST"}:
            assert rule.mark == "inferred" or rule.kind == "note", rule.id


def test_digest_sources_with_urls_are_cited():
    rulebook = load_rulebook()
    [toropet] = rulebook.rule("FOOD-C1").sources
    assert toropet.url == "https://eur-lex.europa.eu/legal-content/EN/AUTO/?uri=CELEX%3A62019CC0836"
    assert "C-836/19" in toropet.document
    cited = {
        rule_id: {s.ref for s in rulebook.rule(rule_id).sources}
        for rule_id in ("X-CE-03", "X-CE-04")
    }
    assert cited == {"X-CE-03": {"DIGEST", "S19"}, "X-CE-04": {"DIGEST", "S17", "S38"}}


def test_every_class_permits_a_method_and_forbids_the_universal_list():
    rulebook = load_rulebook()
    for waste_class in WasteClass.values:
        assert rulebook.permitted_methods(waste_class)
        assert set(UNIVERSAL_FORBIDDEN) <= rulebook.forbidden_methods(waste_class)
        assert not set(rulebook.permitted_methods(waste_class)) & set(UNIVERSAL_FORBIDDEN)


def test_inferred_numbers_are_parameters_with_the_digest_defaults():
    parameters = load_rulebook().parameters
    assert parameters["min_witnesses_high_risk"].default == 2
    assert parameters["mass_tolerance_pct"].default == 2.0
    assert parameters["mass_tolerance_kg"].default == 5.0
    assert parameters["perishable_alarm_days"].default == 3
    assert parameters["decision_deadline_alarm_days"].default == 20


def test_zone_types_match_the_storage_location_choices():
    from seizures.models import ZoneType

    assert frozenset(ZoneType.values) == ZONE_TYPES


def test_payers_and_cost_kinds_match_the_cost_ledger_choices():
    from destruction.costs.models import CostKind, Payer

    assert (frozenset(Payer.values), frozenset(CostKind.values)) == (PAYERS, COST_KINDS)


def test_a_cost_rule_naming_an_unknown_payer_or_kind_is_rejected():
    payer = rule('require = [{ fact = "cost_payer", op = "eq", value = "rightholder" }]')
    assert_rejected(payer, r"rule T-X1: cost_payer: unknown code 'rightholder'")
    kind = rule('require = [{ fact = "cost_kinds", op = "intersects", value = ["disposal"] }]')
    assert_rejected(kind, r"rule T-X1: cost_kinds: unknown code 'disposal'")


def test_fact_vocabulary_documents_every_fact():
    for fact in FACTS.values():
        assert fact.label and fact.meaning.endswith("."), fact.name


def test_method_vocabulary_is_the_destruction_methods():
    permitted = {m for wc in WasteClass.values for m in load_rulebook().permitted_methods(wc)}
    assert permitted <= set(METHODS)


# --- validation failures -------------------------------------------------------------------------


def test_the_minimal_test_rulebook_is_valid():
    assert parse_rulebook(rule('require = [{ fact = "witnesses", op = "ge", value = 2 }]'))


def test_unknown_fact_is_rejected_naming_the_rule():
    text = rule('require = [{ fact = "temprature_c", op = "ge", value = 850 }]')
    assert_rejected(text, r"rule T-X1: unknown fact 'temprature_c'")


def test_unknown_fact_in_a_comparison_is_rejected():
    text = rule('require = [{ fact = "on_date", op = "gt", other = "completed" }]')
    assert_rejected(text, r"rule T-X1: unknown fact 'completed'")


def test_unknown_operator_is_rejected():
    text = rule('require = [{ fact = "witnesses", op = "at_least", value = 2 }]')
    assert_rejected(text, r"rule T-X1: unknown operator 'at_least'")


def test_operator_that_does_not_fit_the_fact_type_is_rejected():
    text = rule('require = [{ fact = "debranded", op = "ge", value = 1 }]')
    assert_rejected(text, r"rule T-X1: operator ge does not apply to bool debranded")


def test_value_of_the_wrong_type_is_rejected():
    text = rule('require = [{ fact = "temperature_c", op = "ge", value = "850" }]')
    assert_rejected(text, r"rule T-X1: temperature_c: '850' is not a number")


def test_missing_source_is_rejected():
    text = rule('source = []\nrequire = [{ fact = "debranded", op = "is_true" }]')
    assert_rejected(text, r"rule T-X1: 'source' is required")


def test_source_not_declared_in_sources_is_rejected():
    text = rule('source = [{ ref = "S99" }]\nrequire = [{ fact = "debranded", op = "is_true" }]')
    assert_rejected(text, r"rule T-X1: source 'S99' is not declared")


def test_source_without_document_is_rejected():
    text = rule('require = [{ fact = "debranded", op = "is_true" }]').replace(
        'document = "A test source"', 'document = ""'
    )
    assert_rejected(text, r"source S1: 'document' is required")


def test_duplicate_id_is_rejected():
    text = rule('permits = ["RECOVER_WTE"]', rule_id="T-M1")
    assert_rejected(text, r"rule T-M1: duplicate id")


def test_bad_severity_is_rejected():
    text = rule('severity = "error"\nrequire = [{ fact = "debranded", op = "is_true" }]')
    assert_rejected(text, r"rule T-X1: severity 'error' is not one of blocking, warning, info")


def test_bad_stage_is_rejected():
    text = rule('applies_to = ["dispatch"]\nrequire = [{ fact = "debranded", op = "is_true" }]')
    assert_rejected(text, r"rule T-X1: applies_to 'dispatch'")


def test_bad_mark_is_rejected():
    text = rule('mark = "guessed"\nrequire = [{ fact = "debranded", op = "is_true" }]')
    assert_rejected(text, r"rule T-X1: mark 'guessed'")


def test_unknown_waste_class_is_rejected():
    text = rule('waste_classes = ["XXX"]\nrequire = [{ fact = "debranded", op = "is_true" }]')
    assert_rejected(text, r"rule T-X1: unknown code\(s\) in waste_classes: XXX")


def test_unknown_waste_class_in_a_condition_value_is_rejected():
    text = rule('require = [{ fact = "waste_class", op = "in", value = ["PHA", "PHARMA"] }]')
    assert_rejected(text, r"rule T-X1: waste_class: unknown code 'PHARMA'")


def test_unknown_method_code_is_rejected():
    assert_rejected(rule('forbids = ["BURN"]'), r"rule T-X1: unknown code\(s\) in forbids: BURN")
    assert_rejected(rule('permits = ["RECYCLE"]'), r"rule T-X1: unknown code\(s\) in permits")
    text = rule('require = [{ fact = "method", op = "eq", value = "INCINERATE" }]')
    assert_rejected(text, r"rule T-X1: method: unknown code 'INCINERATE'")


def test_unknown_zone_type_is_rejected():
    text = rule('require = [{ fact = "zone_type", op = "eq", value = "cellar" }]')
    assert_rejected(text, r"rule T-X1: zone_type: unknown code 'cellar'")


def test_unknown_rule_key_is_rejected():
    text = rule('requires = [{ fact = "debranded", op = "is_true" }]')
    assert_rejected(text, r"rule T-X1: unknown key\(s\) requires")


def test_rule_with_nothing_to_check_must_be_a_note():
    assert_rejected(rule(""), r"rule T-X1: nothing to check")
    assert parse_rulebook(rule('kind = "note"')).rule("T-X1").checks is False


def test_operand_must_be_given_exactly_once():
    text = rule('require = [{ fact = "witnesses", op = "ge", value = 2, param = "x" }]')
    assert_rejected(text, r"rule T-X1: witnesses ge: give exactly one of value, param, other")


def test_unknown_parameter_in_a_rule_is_rejected():
    text = rule('require = [{ fact = "witnesses", op = "ge", param = "min_witnesses" }]')
    assert_rejected(text, r"rule T-X1: unknown parameter 'min_witnesses'")


def test_why_fills_parameters_at_load_and_keeps_facts_for_the_finding():
    text = rule(
        'require = [{ fact = "witnesses", op = "ge", param = "min_witnesses_high_risk", '
        'why = "need {min_witnesses_high_risk}, {witnesses} signed" }]'
    )
    assert parse_rulebook(text).rule("T-X1").require.why == "need 2, {witnesses} signed"
    overridden = parse_rulebook(text, parameters={"min_witnesses_high_risk": 4})
    assert overridden.rule("T-X1").require.why == "need 4, {witnesses} signed"


def test_why_naming_neither_a_fact_nor_a_parameter_is_rejected():
    text = rule(
        'require = [{ fact = "witnesses", op = "ge", value = 2, why = "{witness} signed" }]'
    )
    assert_rejected(text, r"rule T-X1: 'why' names \{witness\}, which is neither a fact")


def test_unknown_parameter_override_is_rejected():
    assert_rejected(
        BASE, r"unknown compliance parameter\(s\): witnesses", parameters={"witnesses": 3}
    )


def test_parameter_override_of_the_wrong_type_is_rejected():
    text, overrides = BASE, {"min_witnesses_high_risk": 2.5}
    assert_rejected(text, r"parameter min_witnesses_high_risk: override 2.5", parameters=overrides)


def test_method_both_permitted_and_forbidden_for_a_class_is_rejected():
    text = rule('waste_classes = ["APP"]\nforbids = ["RECOVER_WTE"]')
    assert_rejected(text, r"rule T-X1: forbids RECOVER_WTE for APP, which T-M1 permits")


def test_class_without_any_permitted_method_is_rejected():
    text = BASE.replace(
        'permits = ["RECOVER_WTE"]', 'waste_classes = ["APP"]\npermits = ["RECOVER_WTE"]'
    )
    assert_rejected(text, r"waste class FTW: no rule permits any method")


def test_note_pointing_to_an_unknown_rule_is_rejected():
    assert_rejected(rule('kind = "note"\nsee = ["X-ZZ-01"]'), r"rule T-X1: 'see' names unknown")


def test_invalid_toml_is_rejected():
    assert_rejected(BASE + "\n[[rules]\n", r"not valid TOML")


def test_missing_version_is_rejected():
    assert_rejected(BASE.replace('version = "test"', ""), r"top-level 'version'")


def test_missing_rulebook_file_is_rejected():
    with pytest.raises(RulebookError, match="no rulebook file for version '1999.1'"):
        load_rulebook("1999.1")

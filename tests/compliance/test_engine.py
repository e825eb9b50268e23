"""The engine against the rulebook in force: per waste class, the permitted, forbidden and
conditional methods give the digest's rule ids and verdicts; missing facts and parameters are
explained."""

from datetime import date

import pytest

from compliance.conditions import BLOCKING, INFO, WARNING
from compliance.engine import (
    COMPLIANT,
    NEEDS_REVIEW,
    NON_COMPLIANT,
    Finding,
    evaluate,
    verdict,
)
from compliance.facts import (
    WHAT_IF_FACTS,
    Permit,
    goods_flags,
    mass_facts,
    method_facts,
    permit_facts,
    what_if_facts,
)
from compliance.rulebook import Rulebook, load_rulebook
from destruction.methods import METHODS
from seizures.categories import DEFAULT_HAZARD_CLASSES, WasteClass
from seizures.waste_codes import default_code, is_hazardous_waste

ON_DATE = date(2026, 12, 1)
ALL_OPERATIONS = frozenset(code for info in METHODS.values() for code in info.operations)
# PHA and CHE rank cement-kiln co-processing (4) above high-temperature incineration (5): a case
# about something else states why it incinerates, so X-MF-02 stays out of it.
HIGH_TEMPERATURE = {"justification": "Cytotoxic stock needs high-temperature incineration"}
UNIVERSAL_FORBIDDEN = {
    "SALE_AUCTION": "B0-X1",
    "EXPORT": "B0-X2",
    "OPEN_BURN": "B0-X3",
    "DUMP_BURY": "B0-X4",
}


@pytest.fixture(scope="module")
def rulebook() -> Rulebook:
    return load_rulebook()


def order_facts(rulebook: Rulebook, waste_class: str, method: str, **overrides: object) -> dict:
    """An order whose paperwork, facility and destruction parameters all comply, so the only
    findings are those the case under test provokes."""
    hazard_classes = overrides.pop("hazard_classes", DEFAULT_HAZARD_CLASSES[waste_class])
    ewc_code = overrides.pop(
        "ewc_code",
        default_code(category="", waste_class=waste_class, hazard_classes=hazard_classes),
    )
    permit = Permit(
        ALL_OPERATIONS,
        date(2024, 1, 1),
        date(2027, 12, 31),
        hazardous_permitted=True,
        waste_codes=frozenset({ewc_code}),
    )
    facts: dict[str, object] = {
        "waste_class": waste_class,
        "method": method,
        "hazard_classes": hazard_classes,
        "ewc_code": ewc_code,
        "hazardous_waste": is_hazardous_waste(ewc_code),
        "on_date": ON_DATE,
        "legal_basis": "art23",
        "legal_basis_completed_on": date(2026, 11, 2),
        "right_holder_confirmed": True,
        "right_holder_reply_working_days": 6,
        "declarant_agreement": "written",
        "application_reference": "EU-2026-0001",
        "right_holder_notified": True,
        "right_holder_consent": True,
        "customs_decision_recorded": True,
        "declaration_reference": "26BE000123",
        "samples_retained": True,
        "excise_authority_informed": True,
        "lab_analysis_done": True,
        "facility_evaluated": True,
        "temperature_c": 1150,
        "residence_time_s": 2,
        "halogenated_over_1pct": False,
        "debranded": True,
        "batteries_removed": True,
        "aerosols_degassed": True,
        "denatured": True,
        "customs_officer_present": True,
        "witnesses": 2,
        "cost_payer": "right_holder",
        "right_holder_overdue_statements": [],
        **permit_facts([permit], method, ON_DATE, ewc_code),
        **method_facts(waste_class, method, rulebook),
    }
    facts.update(overrides)
    return facts


def record_facts(rulebook: Rulebook, waste_class: str, method: str, **overrides: object) -> dict:
    """A complete, compliant destruction record on top of :func:`order_facts`."""
    facts = order_facts(rulebook, waste_class, method)
    facts.update(
        {
            "carrier_registration": "CBDU123",
            "consignment_note_number": "HW-77",
            "seal_numbers": ["S-1", "S-2"],
            "evidence_kinds": ["photo", "video", "minutes"],
            "custody_chain_intact": True,
            "articles_seized": 500,
            "articles_accounted": 500,
            "undocumented_samples": 0,
            "output_destinations_recorded": True,
            "liquid_volume_l": 12.5,
            "decomposition_state": "intact",
            "cost_kinds": ["destruction", "storage", "transport"],
            **mass_facts(dispatch_weight_kg=1000, gate_weight_kg=1010, output_weight_kg=990),
        }
    )
    facts.update(overrides)
    return facts


def raised(findings: list[Finding]) -> set[str]:
    """Rule ids of the findings that count for the verdict (blocking or warning)."""
    return {finding.rule for finding in findings if finding.severity != INFO}


def check_order(rulebook: Rulebook, waste_class: str, method: str, **overrides: object):
    findings = evaluate(
        order_facts(rulebook, waste_class, method, **overrides), rulebook, applies_to="order"
    )
    return raised(findings), verdict(findings)


# (waste class, method, fact overrides, expected rule ids, expected verdict)
METHOD_CASES = [
    # B1 APP: donation is the best rank; recycling needs a justification; landfill forbidden.
    ("APP", "REUSE_DONATE", {}, set(), COMPLIANT),
    ("APP", "REUSE_DONATE", {"debranded": False}, {"APP-M1", "X-MF-06"}, NON_COMPLIANT),
    ("APP", "REUSE_DONATE", {"right_holder_consent": False}, {"APP-M1", "X-RH-02"}, NON_COMPLIANT),
    ("APP", "REUSE_DONATE", {"safety_test_failed": True}, {"APP-M1"}, NON_COMPLIANT),
    ("APP", "RECYCLE_SHRED", {}, {"X-MF-02"}, NEEDS_REVIEW),
    ("APP", "RECYCLE_SHRED", {"justification": "Right holder refused donation"}, set(), COMPLIANT),
    ("APP", "LANDFILL_ENG", {}, {"APP-X1", "X-MF-01"}, NON_COMPLIANT),
    # B2 FTW
    ("FTW", "REUSE_DONATE", {"design_infringes": True}, {"FTW-M1"}, NON_COMPLIANT),
    ("FTW", "RECOVER_WTE", {"justification": "No granulate route"}, set(), COMPLIANT),
    ("FTW", "INCIN_850", {}, {"X-MF-01"}, NON_COMPLIANT),
    # B3 LEA: donation ranks best (2) though the digest lists it last; only if the design
    # does not itself infringe.
    ("LEA", "REUSE_DONATE", {}, set(), COMPLIANT),
    ("LEA", "RECYCLE_DISMANTLE", {}, {"X-MF-02"}, NEEDS_REVIEW),
    ("LEA", "RECYCLE_DISMANTLE", {"justification": "All-over monogram"}, set(), COMPLIANT),
    ("LEA", "REUSE_DONATE", {"design_infringes": True}, {"LEA-M3"}, NON_COMPLIANT),
    ("LEA", "RECOVER_WTE", {}, {"X-MF-02"}, NEEDS_REVIEW),
    # B4 WJ: button cells out before shredding; no donation.
    ("WJ", "RECYCLE_DISMANTLE", {}, set(), COMPLIANT),
    (
        "WJ",
        "RECYCLE_SHRED",
        {"hazard_classes": ("9",), "batteries_removed": False},
        {"X-MF-06"},
        NON_COMPLIANT,
    ),
    ("WJ", "REUSE_DONATE", {}, {"WJ-X1", "X-MF-01"}, NON_COMPLIANT),
    ("WJ", "LANDFILL_ENG", {}, {"X-MF-02"}, NEEDS_REVIEW),
    # B5 ELE
    ("ELE", "RECYCLE_WEEE", {}, set(), COMPLIANT),
    ("ELE", "RECOVER_WTE", {"batteries_removed": False}, {"ELE-M3", "X-MF-02"}, NON_COMPLIANT),
    ("ELE", "INCIN_850", {}, {"ELE-X1", "X-MF-01"}, NON_COMPLIANT),
    ("ELE", "REUSE_DONATE", {}, {"ELE-X3", "X-MF-01"}, NON_COMPLIANT),
    # B6 BAT
    ("BAT", "RECYCLE_BATTERY", {}, set(), COMPLIANT),
    ("BAT", "RECOVER_WTE", {}, {"BAT-X1", "X-MF-01"}, NON_COMPLIANT),
    ("BAT", "RECYCLE_SHRED", {}, {"BAT-X2", "X-MF-01"}, NON_COMPLIANT),
    # B7 PHA: kiln co-processing ranks best; high temperature needs a reason; witnesses for
    # controlled drugs only; hazardous permit.
    ("PHA", "RECOVER_RDF_KILN", {}, set(), COMPLIANT),
    ("PHA", "RECOVER_RDF_KILN", {"temperature_c": 800}, {"X-MF-04"}, NON_COMPLIANT),
    ("PHA", "INCIN_HAZ_HT", {}, {"X-MF-02"}, NEEDS_REVIEW),
    ("PHA", "INCIN_HAZ_HT", HIGH_TEMPERATURE, set(), COMPLIANT),
    (
        "PHA",
        "INCIN_HAZ_HT",
        {**HIGH_TEMPERATURE, "cytotoxic": True, "temperature_c": 1150},
        {"PHA-M1"},
        NON_COMPLIANT,
    ),
    (
        "PHA",
        "INCIN_HAZ_HT",
        {**HIGH_TEMPERATURE, "residence_time_s": 1.5},
        {"PHA-M1", "X-MF-04"},
        NON_COMPLIANT,
    ),
    ("PHA", "INCIN_850", {"temperature_c": 900}, {"X-MF-02"}, NEEDS_REVIEW),
    ("PHA", "INCIN_850", {"cytotoxic": True}, {"PHA-M2", "X-MF-02"}, NON_COMPLIANT),
    ("PHA", "IMMOBILISE", {}, {"PHA-M3", "X-MF-02"}, NON_COMPLIANT),
    ("PHA", "IMMOBILISE", {"justification": "No incinerator in range"}, set(), COMPLIANT),
    ("PHA", "REUSE_DONATE", {}, {"PHA-X1", "X-MF-01"}, NON_COMPLIANT),
    ("PHA", "SEWER", {}, {"PHA-X2", "X-MF-01"}, NON_COMPLIANT),
    ("PHA", "INCIN_HAZ_HT", {**HIGH_TEMPERATURE, "witnesses": 1}, set(), COMPLIANT),
    (
        "PHA",
        "INCIN_HAZ_HT",
        {**HIGH_TEMPERATURE, "witnesses": 1, "controlled_substances": True},
        {"X-WE-02"},
        NON_COMPLIANT,
    ),
    (
        "PHA",
        "INCIN_HAZ_HT",
        {
            **HIGH_TEMPERATURE,
            "cytotoxic": True,
            "temperature_c": 1250,
            "hazardous_permitted": False,
            "ewc_code": "20 01 31*",
        },
        {"PHA-C1", "X-MF-03"},
        NON_COMPLIANT,
    ),
    # Medicines other than cytotoxics (20 01 32) are not hazardous waste, UN class 6.1 or not:
    # a permit without hazardous waste meets X-MF-03 and PHA-C1 (which asks a hazardous-waste
    # permit of cytotoxics only).
    (
        "PHA",
        "INCIN_HAZ_HT",
        {**HIGH_TEMPERATURE, "hazardous_permitted": False, "ewc_code": "20 01 32"},
        set(),
        COMPLIANT,
    ),
    (
        "PHA",
        "INCIN_HAZ_HT",
        {**HIGH_TEMPERATURE, "controlled_substances": True, "customs_officer_present": False},
        {"PHA-C2", "X-WE-01"},
        NON_COMPLIANT,
    ),
    # B8 COS: aerosols (2.1 by default) degassed before shredding.
    ("COS", "RECYCLE_DISMANTLE", {}, set(), COMPLIANT),
    ("COS", "RECYCLE_SHRED", {"aerosols_degassed": False}, {"COS-X2"}, NON_COMPLIANT),
    (
        "COS",
        "RECYCLE_SHRED",
        {"aerosols_degassed": False, "facility_accepts_pressurised": True},
        set(),
        COMPLIANT,
    ),
    ("COS", "LANDFILL_ENG", {}, {"COS-X1", "X-MF-01"}, NON_COMPLIANT),
    ("COS", "INCIN_850", {}, {"X-MF-02"}, NEEDS_REVIEW),
    # B9 FOOD
    ("FOOD", "RECOVER_AD", {"animal_origin": False}, set(), COMPLIANT),
    ("FOOD", "REUSE_DONATE", {}, {"FOOD-X1", "X-MF-01"}, NON_COMPLIANT),
    # B10 ALC
    ("ALC", "RECOVER_AD", {}, set(), COMPLIANT),
    ("ALC", "RECOVER_SOLVENT", {"denatured": False}, {"ALC-M2", "X-MF-02"}, NON_COMPLIANT),
    ("ALC", "SEWER", {}, {"ALC-X1", "X-MF-01"}, NON_COMPLIANT),
    ("ALC", "RECOVER_AD", {"excise_authority_informed": False}, {"ALC-C1"}, NEEDS_REVIEW),
    # B11 TOB: two witnesses; denatured before digestion.
    ("TOB", "RECOVER_WTE", {"justification": "No digester takes tobacco"}, set(), COMPLIANT),
    ("TOB", "RECOVER_AD", {"denatured": False}, {"TOB-M2"}, NON_COMPLIANT),
    ("TOB", "RECOVER_WTE", {"justification": "x", "witnesses": 1}, {"X-WE-02"}, NON_COMPLIANT),
    ("APP", "REUSE_DONATE", {"witnesses": 1}, set(), COMPLIANT),
    ("APP", "REUSE_DONATE", {"witnesses": 1, "high_risk": True}, {"X-WE-02"}, NON_COMPLIANT),
    ("TOB", "LANDFILL_ENG", {}, {"TOB-X1", "X-MF-01"}, NON_COMPLIANT),
    # B12 CHE: kiln ranks best; hazardous-waste incineration at 1100 °C, whatever the halogens;
    # POPs only destroyed; lab analysis first.
    ("CHE", "RECOVER_RDF_KILN", {}, set(), COMPLIANT),
    ("CHE", "INCIN_HAZ_HT", {}, {"X-MF-02"}, NEEDS_REVIEW),
    (
        "CHE",
        "INCIN_HAZ_HT",
        {**HIGH_TEMPERATURE, "halogenated_over_1pct": True, "temperature_c": 950},
        {"X-MF-04"},
        NON_COMPLIANT,
    ),
    (
        "CHE",
        "INCIN_850",
        {"halogenated_over_1pct": True, "temperature_c": 1000},
        {"X-MF-04", "X-MF-01"},
        NON_COMPLIANT,
    ),
    (
        "CHE",
        "RECOVER_RDF_KILN",
        {"hazardous_permitted": False},
        {"CHE-M2", "X-MF-03"},
        NON_COMPLIANT,
    ),
    (
        "CHE",
        "LANDFILL_HAZ",
        {"pops_present": True},
        {"CHE-X1", "CHE-M3", "X-MF-01"},
        NON_COMPLIANT,
    ),
    (
        "CHE",
        "INCIN_HAZ_HT",
        {**HIGH_TEMPERATURE, "lab_analysis_done": False},
        {"CHE-S3"},
        NON_COMPLIANT,
    ),
    # B13 TOY
    ("TOY", "RECYCLE_WEEE", {"electrical": True}, set(), COMPLIANT),
    ("TOY", "RECYCLE_SHRED", {}, {"TOY-M2"}, NON_COMPLIANT),
    ("TOY", "RECYCLE_SHRED", {"recycler_accepts_additives": True}, set(), COMPLIANT),
    ("TOY", "RECOVER_WTE", {"pops_present": True}, {"TOY-C1", "X-MF-02"}, NON_COMPLIANT),
    ("TOY", "REUSE_DONATE", {}, {"TOY-X1", "X-MF-01"}, NON_COMPLIANT),
    # B14 AUT: air bags neutralised; asbestos only to hazardous landfill.
    ("AUT", "RECYCLE_SHRED", {}, set(), COMPLIANT),
    ("AUT", "RECYCLE_SHRED", {"hazard_classes": ("1.4",)}, {"AUT-M1"}, NON_COMPLIANT),
    (
        "AUT",
        "RECYCLE_DISMANTLE",
        {"hazard_classes": ("1.4",), "pyrotechnics_neutralised": False},
        {"AUT-M2"},
        NON_COMPLIANT,
    ),
    ("AUT", "LANDFILL_HAZ", {}, {"AUT-M3", "X-MF-02"}, NON_COMPLIANT),
    (
        "AUT",
        "LANDFILL_HAZ",
        {"asbestos": True, "justification": "Asbestos brake linings"},
        set(),
        COMPLIANT,
    ),
    ("AUT", "REUSE_DONATE", {}, {"AUT-X1", "X-MF-01"}, NON_COMPLIANT),
    # Asbestos is not cut, crushed or burnt: only hazardous landfill (AUT-S2, AUT-M3).
    ("AUT", "RECYCLE_DISMANTLE", {"asbestos": True}, {"AUT-M2"}, NON_COMPLIANT),
    ("AUT", "RECOVER_WTE", {"asbestos": True}, {"AUT-M4", "X-MF-02"}, NON_COMPLIANT),
    ("AUT", "RECOVER_RDF_KILN", {"asbestos": True}, {"AUT-M4", "X-MF-02"}, NON_COMPLIANT),
    ("AUT", "INCIN_HAZ_HT", {"asbestos": True, "justification": "x"}, {"AUT-M5"}, NON_COMPLIANT),
    # B15 MED
    ("MED", "RECYCLE_DISMANTLE", {}, set(), COMPLIANT),
    ("MED", "LANDFILL_ENG", {}, {"X-MF-02"}, NEEDS_REVIEW),
    # B16 PRT
    ("PRT", "RECYCLE_SHRED", {}, set(), COMPLIANT),
    ("PRT", "REUSE_DONATE", {}, {"PRT-X1", "X-MF-01"}, NON_COMPLIANT),
    # B17 OTH: lighters (2.1) degassed first.
    ("OTH", "RECYCLE_DISMANTLE", {}, set(), COMPLIANT),
    (
        "OTH",
        "RECYCLE_DISMANTLE",
        {"hazard_classes": ("2.1",), "aerosols_degassed": False},
        {"OTH-M1"},
        NON_COMPLIANT,
    ),
    (
        "OTH",
        "RECYCLE_SHRED",
        {"hazard_classes": ("2.1",), "aerosols_degassed": False},
        {"OTH-X1"},
        NON_COMPLIANT,
    ),
]


@pytest.mark.parametrize(
    ("waste_class", "method", "overrides", "expected_rules", "expected_verdict"),
    METHOD_CASES,
    ids=[f"{case[0]}-{case[1]}-{'-'.join(case[2]) or 'ok'}" for case in METHOD_CASES],
)
def test_method_for_waste_class_gives_the_digest_rules_and_verdict(
    rulebook, waste_class, method, overrides, expected_rules, expected_verdict
):
    rules, result = check_order(rulebook, waste_class, method, **overrides)
    assert rules == expected_rules
    assert result == expected_verdict


def test_every_waste_class_has_a_table_case():
    assert {case[0] for case in METHOD_CASES} == set(WasteClass.values)


@pytest.mark.parametrize("waste_class", WasteClass.values)
@pytest.mark.parametrize("method", sorted(UNIVERSAL_FORBIDDEN))
def test_universal_forbidden_methods_are_non_compliant_for_every_class(
    rulebook, waste_class, method
):
    rules, result = check_order(rulebook, waste_class, method)
    assert result == NON_COMPLIANT
    assert {UNIVERSAL_FORBIDDEN[method], "X-MF-01"} <= rules


@pytest.mark.parametrize("waste_class", WasteClass.values)
def test_a_method_no_rule_permits_is_blocking_for_every_class(rulebook, waste_class):
    unlisted = sorted(set(METHODS) - set(rulebook.permitted_methods(waste_class)))
    for method in unlisted:
        rules, result = check_order(rulebook, waste_class, method)
        assert "X-MF-01" in rules and result == NON_COMPLIANT, method


@pytest.mark.parametrize("waste_class", WasteClass.values)
def test_every_permitted_method_passes_x_mf_01(rulebook, waste_class):
    for method in rulebook.permitted_methods(waste_class):
        rules, _ = check_order(rulebook, waste_class, method, justification="tested")
        assert "X-MF-01" not in rules, method


# --- waste hierarchy (X-MF-02) --------------------------------------------------------------------


def test_lower_hierarchy_method_warns_naming_the_better_methods(rulebook):
    findings = evaluate(order_facts(rulebook, "ELE", "RECOVER_WTE"), rulebook, applies_to="order")
    [hierarchy] = [finding for finding in findings if finding.rule == "X-MF-02"]
    assert hierarchy.severity == WARNING
    assert hierarchy.detail == (
        "methods ranking higher in the waste hierarchy are permitted for this class "
        "(RECYCLE_DISMANTLE, RECYCLE_WEEE) and no justification is recorded"
    )
    assert verdict(findings) == NEEDS_REVIEW


@pytest.mark.parametrize(
    ("waste_class", "method", "better"),
    [
        # The best rank among all the class's permitted methods, not its first M rule's:
        # kiln co-processing (4) beats PHA-M1's high-temperature incineration (5) ...
        ("PHA", "INCIN_HAZ_HT", ("RECOVER_WTE", "RECOVER_RDF_KILN")),
        ("CHE", "INCIN_HAZ_HT", ("RECOVER_RDF_KILN",)),
        # ... and donation (2), the digest's last LEA method, beats dismantling (3).
        ("LEA", "RECYCLE_DISMANTLE", ("REUSE_DONATE",)),
        ("APP", "RECOVER_WTE", ("REUSE_DONATE", "RECYCLE_SHRED", "RECYCLE_DISMANTLE")),
        ("APP", "REUSE_DONATE", ()),
        # Equal rank is not better: energy from waste and kiln are both other recovery (4).
        ("FOOD", "RECOVER_WTE", ("RECOVER_AD",)),
    ],
)
def test_better_permitted_methods_rank_strictly_higher(rulebook, waste_class, method, better):
    assert rulebook.better_permitted_methods(waste_class, method) == better
    facts = method_facts(waste_class, method, rulebook)
    assert facts["better_permitted_methods"] == better


@pytest.mark.parametrize(
    ("waste_class", "method", "goods", "better"),
    [
        # PHA-M2 keeps the kiln from cytotoxics (PHA-M1): incineration is then their best.
        ("PHA", "INCIN_HAZ_HT", {"cytotoxic": True}, ()),
        ("PHA", "INCIN_HAZ_HT", {"cytotoxic": False}, ("RECOVER_WTE", "RECOVER_RDF_KILN")),
        # Asbestos is neither shredded nor burnt (AUT-M1/M4/M5): hazardous landfill is its best.
        ("AUT", "LANDFILL_HAZ", {"asbestos": True}, ()),
        (
            "AUT",
            "LANDFILL_HAZ",
            {"asbestos": None},
            ("RECYCLE_SHRED", "RECYCLE_DISMANTLE", "RECOVER_WTE", "RECOVER_RDF_KILN"),
        ),
    ],
)
def test_better_methods_leave_out_what_the_lots_intake_flags_rule_out(
    rulebook, waste_class, method, goods, better
):
    assert rulebook.better_permitted_methods(waste_class, method, goods) == better
    facts = method_facts(waste_class, method, rulebook, goods_flags(goods))
    assert facts["better_permitted_methods"] == better


def test_justification_suppresses_the_hierarchy_warning(rulebook):
    facts = order_facts(rulebook, "ELE", "RECOVER_WTE", justification="Residue after WEEE")
    assert evaluate(facts, rulebook, applies_to="order") == []


def test_blank_justification_does_not_count(rulebook):
    facts = order_facts(rulebook, "ELE", "RECOVER_WTE", justification="   ")
    assert "X-MF-02" in raised(evaluate(facts, rulebook, applies_to="order"))


# --- missing facts ----------------------------------------------------------------------------


def test_missing_temperature_is_a_blocking_finding_when_recording(rulebook):
    facts = record_facts(rulebook, "PHA", "INCIN_HAZ_HT")
    del facts["temperature_c"]
    findings = evaluate(facts, rulebook, applies_to="record")
    by_rule = {finding.rule: finding for finding in findings}
    assert by_rule["X-MF-04"].severity == BLOCKING
    assert by_rule["X-MF-04"].missing == ("temperature_c",)
    assert by_rule["X-MF-04"].detail == "Not recorded: Temperature (°C)"
    assert verdict(findings) == NON_COMPLIANT


def test_missing_temperature_is_information_while_ordering(rulebook):
    facts = order_facts(rulebook, "PHA", "INCIN_HAZ_HT", **HIGH_TEMPERATURE)
    del facts["temperature_c"], facts["residence_time_s"]
    findings = evaluate(facts, rulebook, applies_to="order")
    assert {finding.rule for finding in findings} == {"PHA-M1", "X-MF-04"}
    assert {finding.severity for finding in findings} == {INFO}
    assert verdict(findings) == COMPLIANT


def test_missing_order_fact_blocks_an_order(rulebook):
    facts = order_facts(rulebook, "APP", "REUSE_DONATE")
    del facts["right_holder_notified"]
    [finding] = evaluate(facts, rulebook, applies_to="order")
    assert (finding.rule, finding.severity) == ("X-RH-01", BLOCKING)
    assert finding.missing == ("right_holder_notified",)


def test_a_plan_missing_a_fact_it_could_state_warns_and_others_are_information(rulebook):
    facts = {"waste_class": "APP", "method": "RECYCLE_SHRED", "justification": "x"}
    facts.update(method_facts("APP", "RECYCLE_SHRED", rulebook))
    findings = evaluate(
        facts, rulebook, applies_to="order", askable={"customs_officer_present", "witnesses"}
    )
    by_rule = {finding.rule: finding for finding in findings}
    # X-WE-01 blocks when recorded; in a plan that could have said who attends, it warns.
    assert (by_rule["X-WE-01"].severity, by_rule["X-WE-01"].detail) == (
        WARNING,
        "Not given: Customs officer present",
    )
    # A plan has no field for the legal basis: information, as X-LB-01 is checked on the order.
    assert (by_rule["X-LB-01"].severity, by_rule["X-LB-01"].detail) == (
        INFO,
        "Not part of a what-if check: Legal basis",
    )
    assert BLOCKING not in {finding.severity for finding in findings}
    assert verdict(findings) == NEEDS_REVIEW


def test_breach_and_missing_fact_are_both_explained(rulebook):
    facts = order_facts(rulebook, "APP", "REUSE_DONATE", debranded=False)
    del facts["customs_decision_recorded"]
    findings = evaluate(facts, rulebook, applies_to="order")
    [donation] = [finding for finding in findings if finding.rule == "APP-M1"]
    assert "marks, labels, tags and logos are not removed" in donation.detail
    assert "not recorded: Customs decision" in donation.detail
    assert donation.missing == ("customs_decision_recorded",)


# --- parameters -------------------------------------------------------------------------------


def test_raising_the_witness_minimum_changes_the_outcome(rulebook):
    strict = load_rulebook(parameters={"min_witnesses_high_risk": 3})
    facts = order_facts(rulebook, "TOB", "RECOVER_WTE", witnesses=2, justification="x")
    assert evaluate(facts, rulebook, applies_to="order") == []
    [finding] = evaluate(facts, strict, applies_to="order")
    assert finding.rule == "X-WE-02"
    assert finding.detail == (
        "tobacco, controlled drugs and lots flagged high-risk need 3 independent witnesses; "
        "2 signed"
    )


@pytest.mark.parametrize(
    ("dispatch", "gate", "flagged"),
    [
        (1000, 1019, False),  # 1.9 %: within 2 %
        (1000, 1025, True),  # 2.5 % and 25 kg: over both
        (100, 104, False),  # 4 %, but 4 kg is within 5 kg
        (100, 106, True),  # 6 % and 6 kg
    ],
)
def test_mass_balance_tolerance_is_the_larger_of_percent_and_kilograms(
    rulebook, dispatch, gate, flagged
):
    facts = record_facts(rulebook, "APP", "REUSE_DONATE", **mass_facts(dispatch, gate, gate))
    assert ("X-QM-02" in raised(evaluate(facts, rulebook, applies_to="record"))) is flagged


def test_mass_tolerance_override_changes_the_outcome(rulebook):
    facts = record_facts(rulebook, "APP", "REUSE_DONATE", **mass_facts(1000, 1030, 1000))
    assert "X-QM-02" in raised(evaluate(facts, rulebook, applies_to="record"))
    lenient = load_rulebook(parameters={"mass_tolerance_pct": 5.0})
    assert "X-QM-02" not in raised(evaluate(facts, lenient, applies_to="record"))


def test_mass_deviation_justification_suppresses_the_warning(rulebook):
    facts = record_facts(
        rulebook,
        "APP",
        "REUSE_DONATE",
        mass_deviation_justification="Rain-soaked cartons",
        **mass_facts(1000, 1100, 1000),
    )
    assert "X-QM-02" not in raised(evaluate(facts, rulebook, applies_to="record"))


# --- record stage -----------------------------------------------------------------------------


def test_complete_record_is_compliant(rulebook):
    facts = record_facts(rulebook, "PHA", "INCIN_HAZ_HT", **HIGH_TEMPERATURE)
    assert evaluate(facts, rulebook, applies_to="record") == []


def test_record_without_minutes_or_officer_is_non_compliant(rulebook):
    facts = record_facts(
        rulebook,
        "MED",
        "RECYCLE_DISMANTLE",
        evidence_kinds=["photo"],
        customs_officer_present=False,
        seal_numbers=[],
    )
    findings = evaluate(facts, rulebook, applies_to="record")
    assert raised(findings) == {"X-WE-04", "X-WE-01", "MED-C1", "X-CC-07"}
    assert verdict(findings) == NON_COMPLIANT


def test_documented_officer_absence_satisfies_customs_control(rulebook):
    facts = record_facts(
        rulebook,
        "APP",
        "REUSE_DONATE",
        customs_officer_present=False,
        officer_absence_reason="Risk-based: low-value textiles",
    )
    assert evaluate(facts, rulebook, applies_to="record") == []


def test_expired_permit_and_uncovered_operation_are_explained(rulebook):
    permit = Permit(frozenset({"R3"}), date(2020, 1, 1), date(2025, 12, 31))
    facts = order_facts(rulebook, "FOOD", "RECOVER_WTE", justification="x")
    facts.update(permit_facts([permit], "RECOVER_WTE", ON_DATE))
    [finding] = evaluate(facts, rulebook, applies_to="order")
    assert finding.rule == "X-MF-03"
    assert "no facility permit is valid on the destruction date" in finding.detail
    assert "no valid permit lists an R/D operation of this method" in finding.detail


def test_destruction_before_the_legal_basis_is_complete_blocks(rulebook):
    facts = order_facts(rulebook, "APP", "REUSE_DONATE", legal_basis_completed_on=ON_DATE)
    assert raised(evaluate(facts, rulebook, applies_to="order")) == {"X-LB-04"}


def test_art26_route_checks_the_small_consignment_conditions(rulebook):
    facts = order_facts(
        rulebook,
        "APP",
        "REUSE_DONATE",
        legal_basis="art26",
        counterfeit_or_pirated=True,
        art26_opted_in=True,
        postal_or_express=True,
        consignment_units=5,
        consignment_gross_kg=3.5,
        declarant_notified_working_days=1,
    )
    [finding] = evaluate(facts, rulebook, applies_to="order")
    assert finding.rule == "X-LB-03"
    assert finding.detail == "the consignment has more than 3 units and weighs 2 kg or more"


# --- storage ----------------------------------------------------------------------------------


def storage_facts(waste_class: str, zone_type: str, **overrides: object) -> dict:
    hazards = DEFAULT_HAZARD_CLASSES[waste_class]
    facts: dict[str, object] = {
        "waste_class": waste_class,
        "hazard_classes": hazards,
        "zone_type": zone_type,
        "location_hazard_classes": hazards,
        "declaration_reference": "26BE000123",
        "legal_basis_completed_on": None,  # decisions still pending
        "days_as_waste": None,  # not waste before the destruction decision
        "days_in_storage": 1,
        "days_since_stocktake": 10,
    }
    facts.update(overrides)
    return facts


@pytest.mark.parametrize(
    ("waste_class", "zone_type", "overrides", "expected_rules"),
    [
        ("APP", "non_hazardous", {}, set()),
        ("APP", "hazardous", {}, {"APP-S1"}),
        ("BAT", "fire_separated", {}, set()),
        ("BAT", "hazardous", {}, {"BAT-S1"}),
        ("BAT", "quarantine", {"damaged": True}, set()),
        ("BAT", "fire_separated", {"damaged": True}, {"X-CC-04"}),
        ("ELE", "non_hazardous", {}, {"ELE-S1"}),
        ("ELE", "hazardous", {"location_hazard_classes": ["3"]}, {"X-CC-04"}),
        ("WJ", "high_security", {}, set()),
        ("PHA", "high_security", {}, set()),
        ("COS", "non_hazardous", {}, {"COS-S1"}),
        ("FOOD", "non_hazardous", {"perishable": True}, {"FOOD-S1"}),
        ("FOOD", "temperature_controlled", {"co_located_waste_classes": ["CHE"]}, {"FOOD-S2"}),
        (
            "TOB",
            "hazardous",
            {"hazard_classes": ["6.1"], "location_hazard_classes": ["6.1"]},
            set(),
        ),
        (
            "TOB",
            "high_security",
            {"hazard_classes": ["6.1"], "location_hazard_classes": ["6.1"]},
            {"TOB-S2"},
        ),
        (
            "AUT",
            "non_hazardous",
            {"hazard_classes": ["1.4"], "location_hazard_classes": ["1.4"]},
            {"AUT-S1"},
        ),
        (
            "OTH",
            "non_hazardous",
            {"hazard_classes": ["2.1"], "location_hazard_classes": ["2.1"]},
            {"OTH-S1"},
        ),
        ("CHE", "non_hazardous", {}, {"CHE-S1"}),
    ],
)
def test_storage_zone_matches_the_hazard_table(
    rulebook, waste_class, zone_type, overrides, expected_rules
):
    findings = evaluate(
        storage_facts(waste_class, zone_type, **overrides), rulebook, applies_to="storage"
    )
    assert raised(findings) == expected_rules


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"perishable": True, "days_in_storage": 3}, "perishable goods have reached"),
        ({"days_in_storage": 20}, "the Art. 23/26 deadlines have run out"),
        (
            {"legal_basis_completed_on": date(2025, 1, 1), "days_as_waste": 366},
            "stored over 1 year before disposal",
        ),
    ],
)
def test_storage_duration_alarms_warn(rulebook, overrides, reason):
    findings = evaluate(
        storage_facts("APP", "non_hazardous", **overrides), rulebook, applies_to="storage"
    )
    [alarm] = findings
    assert (alarm.rule, alarm.severity) == ("X-CC-05", WARNING)
    assert reason in alarm.detail


def test_hazardous_long_stay_alarm_follows_its_parameter(rulebook):
    facts = storage_facts("ELE", "hazardous", days_in_storage=100, legal_basis_completed_on=ON_DATE)
    assert evaluate(facts, rulebook, applies_to="storage") == []
    stricter = load_rulebook(parameters={"hazardous_long_stay_days": 90})
    assert raised(evaluate(facts, stricter, applies_to="storage")) == {"X-CC-05"}


# --- landfill of untreated goods, incineration parameters ---------------------------------------


@pytest.mark.parametrize(("waste_class", "rule"), [("WJ", "WJ-M3"), ("MED", "MED-M3")])
def test_engineered_landfill_takes_only_shredded_residue(rulebook, waste_class, rule):
    landfill = {"justification": "Residue after dismantling"}
    unshredded = evaluate(
        record_facts(rulebook, waste_class, "LANDFILL_ENG", **landfill),
        rulebook,
        applies_to="record",
    )
    [finding] = unshredded
    assert (finding.rule, finding.severity) == (rule, BLOCKING)
    assert finding.detail == "Not recorded: Shredding particle size (mm)"
    shredded = record_facts(
        rulebook, waste_class, "LANDFILL_ENG", particle_size_mm=20.0, **landfill
    )
    assert evaluate(shredded, rulebook, applies_to="record") == []
    # While ordering, the shredding is not known yet; energy from waste never needs it.
    ordered = evaluate(
        order_facts(rulebook, waste_class, "LANDFILL_ENG", **landfill), rulebook, applies_to="order"
    )
    assert [(f.rule, f.severity) for f in ordered] == [(rule, INFO)]
    wte = record_facts(rulebook, waste_class, "RECOVER_WTE", justification="No recycler")
    assert evaluate(wte, rulebook, applies_to="record") == []


@pytest.mark.parametrize("waste_class", WasteClass.values)
def test_no_class_may_landfill_untreated_goods(rulebook, waste_class):
    # B0: forbidden for every class; where landfill is permitted, only once shredded.
    facts = record_facts(rulebook, waste_class, "LANDFILL_ENG", justification="Residue")
    assert verdict(evaluate(facts, rulebook, applies_to="record")) == NON_COMPLIANT


def test_hazardous_waste_incineration_below_1100_degrees_names_the_temperature(rulebook):
    facts = order_facts(
        rulebook,
        "AUT",
        "INCIN_HAZ_HT",
        temperature_c=950,
        halogenated_over_1pct=True,
        justification="Oils",
    )
    [finding] = evaluate(facts, rulebook, applies_to="order")
    assert (finding.rule, finding.severity) == ("X-MF-04", BLOCKING)
    assert finding.detail == (
        "hazardous waste with more than 1 % halogenated organics needs 1100 °C or more; "
        "950 °C recorded"
    )


def certificate_facts(rulebook: Rulebook, waste_class: str, method: str, **overrides: object):
    """A destruction record with its issued certificate, all in order."""
    facts = record_facts(rulebook, waste_class, method)
    facts.update(
        record_has_blocking_findings=False, certificate_articles=500, certificate_unchanged=True
    )
    facts.update(overrides)
    return facts


STAGE_FACTS = {
    "order": order_facts,
    "record": record_facts,
    "certificate": certificate_facts,
}

# Rules no other test shows firing: (rule, stage, waste class, a method or, for storage, a zone
# that complies, the facts that breach the rule (a "method" replaces the compliant one), the
# rule's severity, the start of its first source).
FIRING_CASES = [
    ("FTW-S1", "storage", "FTW", "non_hazardous", {"zone_type": "hazardous"}, WARNING, "S05 WCO"),
    ("LEA-S1", "storage", "LEA", "non_hazardous", {"zone_type": "hazardous"}, WARNING, "S39 DG"),
    ("WJ-S1", "storage", "WJ", "high_security", {"zone_type": "non_hazardous"}, WARNING, "DIGEST"),
    (
        "ELE-C1",
        "record",
        "ELE",
        "RECYCLE_WEEE",
        {"batteries_removed": False},
        WARNING,
        "S24 WEEE Directive",
    ),
    (
        "PHA-X3",
        "order",
        "PHA",
        "RECOVER_RDF_KILN",
        {"method": "OPEN_BURN"},
        BLOCKING,
        "S26 WHO Guidelines",
    ),
    (
        "PHA-X4",
        "order",
        "PHA",
        "RECOVER_RDF_KILN",
        {"hazard_classes": ("6.1", "2.1"), "aerosols_degassed": False},
        BLOCKING,
        "S26 WHO Guidelines",
    ),
    (
        "COS-X3",
        "order",
        "COS",
        "RECYCLE_DISMANTLE",
        {"method": "REUSE_DONATE"},
        BLOCKING,
        "DIGEST Guidelines digest",
    ),
    ("COS-C1", "record", "COS", "RECYCLE_DISMANTLE", {"liquid_volume_l": None}, WARNING, "S19"),
    (
        "FOOD-C1",
        "record",
        "FOOD",
        "RECOVER_AD",
        {"decomposition_state": ""},
        WARNING,
        "CJEU-C-836-19 CJEU, Case C-836/19 Toropet",
    ),
    ("ALC-S1", "storage", "ALC", "hazardous", {"zone_type": "non_hazardous"}, BLOCKING, "S37"),
    (
        "ALC-X2",
        "order",
        "ALC",
        "RECOVER_AD",
        {"method": "REUSE_DONATE"},
        BLOCKING,
        "DIGEST Guidelines digest",
    ),
    ("TOB-S1", "storage", "TOB", "high_security", {"zone_type": "hazardous"}, WARNING, "S32"),
    (
        "CHE-C1",
        "order",
        "CHE",
        "RECOVER_RDF_KILN",
        {"facility_evaluated": False},
        WARNING,
        "S27 FAO",
    ),
    ("TOY-S1", "storage", "TOY", "non_hazardous", {"zone_type": "hazardous"}, WARNING, "DIGEST"),
    ("MED-S1", "storage", "MED", "non_hazardous", {"zone_type": "fire_separated"}, WARNING, "S34"),
    ("PRT-S1", "storage", "PRT", "high_security", {"zone_type": "hazardous"}, WARNING, "S39"),
    ("PRT-C1", "record", "PRT", "RECYCLE_SHRED", {"witnesses": 0}, WARNING, "DIGEST"),
    ("X-WE-03", "record", "APP", "REUSE_DONATE", {"evidence_kinds": ["minutes"]}, WARNING, "S34"),
    ("X-QM-04", "record", "APP", "REUSE_DONATE", {"undocumented_samples": 1}, BLOCKING, "S17"),
    (
        "X-MF-07",
        "record",
        "LEA",
        "REUSE_DONATE",
        {"output_destinations_recorded": False},
        WARNING,
        "S38 Chain of custody",
    ),
    ("X-CO-01", "record", "APP", "RECYCLE_SHRED", {"cost_kinds": ["storage"]}, WARNING, "S17"),
    (
        "X-CO-03",
        "order",
        "APP",
        "RECYCLE_SHRED",
        {"right_holder_overdue_statements": ["CS-2026-0001-001"]},
        WARNING,
        "S17 Regulation (EU) No 608/2013 on customs enforcement of IPR, Arts. 16(2)(c), 29(1)",
    ),
    (
        "X-CE-04",
        "certificate",
        "APP",
        "REUSE_DONATE",
        {"legal_basis_completed_on": ON_DATE},
        BLOCKING,
        "DIGEST Guidelines digest",
    ),
]


def facts_at(stage: str, rulebook: Rulebook, waste_class: str, method_or_zone: str, **breach):
    if stage == "storage":
        return {**storage_facts(waste_class, method_or_zone), **breach}
    method = breach.pop("method", method_or_zone)
    return STAGE_FACTS[stage](rulebook, waste_class, method, **breach)


@pytest.mark.parametrize(
    ("rule", "stage", "waste_class", "method_or_zone", "breach", "severity", "source"),
    FIRING_CASES,
    ids=[case[0] for case in FIRING_CASES],
)
def test_rule_fires_with_its_severity_and_source(
    rulebook, rule, stage, waste_class, method_or_zone, breach, severity, source
):
    compliant = facts_at(stage, rulebook, waste_class, method_or_zone)
    assert rule not in {f.rule for f in evaluate(compliant, rulebook, applies_to=stage)}
    breached = facts_at(stage, rulebook, waste_class, method_or_zone, **breach)
    [finding] = [f for f in evaluate(breached, rulebook, applies_to=stage) if f.rule == rule]
    assert finding.severity == severity
    assert finding.source.startswith(source)
    assert finding.missing == ()  # breached by the facts given, not undecided


@pytest.mark.parametrize(
    ("payer", "fires"), [("right_holder", True), ("declarant", False), ("administration", False)]
)
def test_overdue_statements_warn_only_when_the_right_holder_pays(rulebook, payer, fires):
    facts = order_facts(
        rulebook,
        "APP",
        "RECYCLE_SHRED",
        cost_payer=payer,
        right_holder_overdue_statements=["CS-2026-0001-002", "CS-2026-0001-001"],
        right_holder_overdue_amount="120.50 EUR",
    )
    found = [f for f in evaluate(facts, rulebook, applies_to="order") if f.rule == "X-CO-03"]
    assert bool(found) is fires
    if fires:
        assert found[0].detail == (
            "the right holder who pays owes 120.50 EUR on overdue statements "
            "CS-2026-0001-001, CS-2026-0001-002"
        )
        assert "suspension of its application" in found[0].message


def test_a_lot_without_costs_names_what_the_ledger_holds(rulebook):
    for kinds, shown in (([], "none"), (["storage", "handling"], "handling, storage")):
        facts = record_facts(rulebook, "APP", "RECYCLE_SHRED", cost_kinds=kinds)
        findings = evaluate(facts, rulebook, applies_to="record")
        [finding] = [f for f in findings if f.rule == "X-CO-01"]
        assert finding.detail.startswith(
            f"no destruction cost is recorded for the lot (costs recorded: {shown})"
        )


# --- the what-if request and the public shapes --------------------------------------------------

WHAT_IF = {
    "waste_class": "PHA",
    "method": "INCIN_HAZ_HT",
    "hazard_classes": ["6.1"],
    "on_date": ON_DATE,
    "facility": {
        "operations": ["D10"],
        "permit_valid_from": date(2024, 1, 1),
        "permit_valid_until": date(2027, 12, 31),
        "hazardous_permitted": True,
        "waste_codes": ["20 01 31*", "20 01 32"],
    },
    "parameters": {
        "temperature_c": 1150,
        "residence_time_s": 2,
        "halogenated_over_1pct": False,
        "debranded": False,
        "right_holder_consent": False,
        "customs_officer_present": True,
        "witnesses": 2,
        "justification": "",
    },
}


def plan(request: dict, rulebook: Rulebook) -> list[Finding]:
    """A what-if's findings, as run_what_if gets them."""
    return evaluate(
        what_if_facts(request, rulebook), rulebook, applies_to="order", askable=WHAT_IF_FACTS
    )


def test_what_if_example_needs_review_only_for_the_waste_hierarchy(rulebook):
    facts = what_if_facts(WHAT_IF, rulebook)
    assert facts["method_permitted"] is True and facts["facility_covers_method"] is True
    findings = plan(WHAT_IF, rulebook)
    assert verdict(findings) == NEEDS_REVIEW
    # The example's blank justification: kiln co-processing ranks higher for medicines.
    [hierarchy] = [finding for finding in findings if finding.severity != INFO]
    assert hierarchy.rule == "X-MF-02"
    assert "RECOVER_RDF_KILN" in hierarchy.detail and "RECOVER_WTE" in hierarchy.detail
    justified = {**WHAT_IF["parameters"], "justification": "Cytotoxic stock"}
    assert verdict(plan({**WHAT_IF, "parameters": justified}, rulebook)) == COMPLIANT


def test_a_what_if_without_facility_or_parameters_is_not_compliant(rulebook):
    request = {"waste_class": "PHA", "method": "INCIN_HAZ_HT", "on_date": ON_DATE}
    findings = plan(request, rulebook)
    by_rule = {finding.rule: finding for finding in findings}
    assert verdict(findings) == NEEDS_REVIEW
    assert {rule for rule, finding in by_rule.items() if finding.severity == WARNING} == {
        "PHA-M1",  # residence time
        "X-MF-04",
        "X-MF-03",  # the facility and its permit
        "X-MF-09",
        "X-WE-01",  # who attends
        "X-WE-02",  # witnesses, unless the medicines are not controlled drugs
        "X-MF-02",
    }
    assert by_rule["PHA-M1"].detail == "Not given: Residence time (s)"
    assert by_rule["X-WE-02"].missing == ("controlled_substances", "witnesses")
    assert by_rule["X-LB-01"].severity == INFO


def test_what_if_with_a_cold_furnace_for_cytotoxics_and_one_witness_is_non_compliant(rulebook):
    parameters = {**WHAT_IF["parameters"], "temperature_c": 900, "cytotoxic": True}
    request = {**WHAT_IF, "parameters": parameters}
    request["parameters"]["witnesses"] = 1
    findings = plan(request, rulebook)
    assert raised(findings) == {"PHA-M1", "X-WE-02"}
    assert {f.rule: f.severity for f in findings}["X-WE-02"] == WARNING  # controlled: unknown
    assert verdict(findings) == NON_COMPLIANT
    request["parameters"]["controlled_substances"] = True
    assert {f.rule: f.severity for f in plan(request, rulebook)}["X-WE-02"] == BLOCKING
    request["parameters"]["controlled_substances"] = False
    assert "X-WE-02" not in raised(plan(request, rulebook))


def test_what_if_with_an_expired_permit_blocks(rulebook):
    facility = {**WHAT_IF["facility"], "permit_valid_until": date(2026, 6, 30)}
    findings = plan({**WHAT_IF, "facility": facility}, rulebook)
    assert raised(findings) == {"X-MF-03", "X-MF-09", "X-MF-02"}
    assert verdict(findings) == NON_COMPLIANT


def test_finding_as_dict_carries_rule_source_and_explanation(rulebook):
    [finding, *_] = evaluate(
        order_facts(rulebook, "APP", "SALE_AUCTION"), rulebook, applies_to="order"
    )
    data = finding.as_dict()
    assert data["rule"] == "B0-X1"
    assert data["severity"] == BLOCKING
    assert data["detail"] == "SALE_AUCTION is forbidden"
    assert data["source"].startswith("S15 TRIPS Agreement, Arts. 46 and 59 <https://www.wto.org/")
    assert data["mark"] == "read"
    assert set(data) == {"rule", "severity", "message", "detail", "missing", "source", "mark"}


def test_findings_list_blocking_before_warnings():
    findings = [
        Finding("A", WARNING, "", ""),
        Finding("B", INFO, "", ""),
        Finding("C", BLOCKING, "", ""),
    ]
    assert verdict(findings) == NON_COMPLIANT
    assert verdict(findings[:2]) == NEEDS_REVIEW
    assert verdict(findings[1:2]) == COMPLIANT
    assert verdict([]) == COMPLIANT


def test_evaluation_orders_findings_by_severity(rulebook):
    facts = order_facts(rulebook, "APP", "RECYCLE_SHRED", right_holder_notified=False)
    severities = [finding.severity for finding in evaluate(facts, rulebook, applies_to="order")]
    assert severities == sorted(severities, key=[BLOCKING, WARNING, INFO].index)


# --- the compiled fast path agrees with the three-valued test ------------------------------------

VARIANTS = [
    {},
    {"temperature_c": None, "witnesses": None, "debranded": None},
    {"temperature_c": 900, "halogenated_over_1pct": True, "witnesses": 1, "high_risk": True},
    {"justification": "  ", "hazard_classes": ("2.1", "9"), "aerosols_degassed": False},
    {"legal_basis": "art26", "declarant_agreement": "objected", "court_reference": ""},
]


@pytest.mark.parametrize("waste_class", WasteClass.values)
def test_fast_path_agrees_with_the_three_valued_test(rulebook, waste_class):
    for method, variant in [(m, v) for m in METHODS for v in VARIANTS]:
        facts = record_facts(rulebook, waste_class, method, **variant)
        for stage in ("storage", "order", "record", "certificate"):
            scope = rulebook.scope(stage, waste_class, method)
            not_holding = [rule for rule in scope.rules if rule.test(facts) is not True]
            assert scope.failing(facts) == not_holding, (stage, method, variant)
            for rule in scope.rules:
                assert bool(rule.holds(facts)) == (rule.test(facts) is True), (rule.id, variant)

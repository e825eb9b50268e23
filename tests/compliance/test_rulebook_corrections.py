"""The corrections of rulebook 2026.3 (issue 12, item 3): each corrected or added rule names its
source in the TOML, and the engine, given facts, decides it at its boundary."""

from datetime import date

import pytest

from compliance.engine import evaluate
from compliance.facts import method_facts, what_if_facts
from compliance.rulebook import Rulebook, load_rulebook
from destruction.methods import METHODS, HierarchyRank
from seizures.categories import default_hazard_classes, is_electrical
from tests.compliance.test_engine import order_facts, record_facts, storage_facts


@pytest.fixture(scope="module")
def rulebook() -> Rulebook:
    return load_rulebook()


def cites(rulebook: Rulebook, rule_id: str, ref: str, section: str = "") -> bool:
    return any(
        source.ref == ref and section in source.section for source in rulebook.rule(rule_id).sources
    )


def fired(facts: dict, rulebook: Rulebook, stage: str = "order") -> set[str]:
    return {finding.rule for finding in evaluate(facts, rulebook, applies_to=stage)}


def test_reuse_for_education_is_permitted_with_consent_and_a_customs_decision(rulebook):
    assert cites(rulebook, "B0-M1", "S17", "25") and cites(rulebook, "B0-M1", "S15", "46")
    facts = order_facts(rulebook, "APP", "REUSE_EDU")
    assert fired(facts, rulebook) == set()
    without = order_facts(rulebook, "APP", "REUSE_EDU", right_holder_consent=False)
    assert {"B0-M1", "X-RH-02"} <= fired(without, rulebook)
    # Chemicals are never kept (CHE-X1): no class-wide permit reaches them.
    assert "REUSE_EDU" not in rulebook.permitted_methods("CHE")
    # Keeping samples is no destination for a lot's waste, so never the "better" method.
    assert "REUSE_EDU" not in rulebook.better_permitted_methods("WJ", "RECOVER_WTE")


@pytest.mark.parametrize(
    ("hazard_classes", "halogenated", "temperature", "fires"),
    [
        (("6.1",), True, 1099, True),
        (("6.1",), True, 1100, False),
        ((), True, 850, False),  # non-hazardous: 850 °C whatever the halogens
        (("6.1",), False, 850, False),  # hazardous, few halogens: 850 °C
        (("6.1",), False, 849, True),
    ],
)
def test_1100_degrees_only_for_hazardous_waste_with_over_1pct_halogens(
    rulebook, hazard_classes, halogenated, temperature, fires
):
    assert cites(rulebook, "X-MF-04", "S21", "Art. 50(2)")
    facts = order_facts(
        rulebook,
        "AUT",
        "INCIN_HAZ_HT",
        hazard_classes=hazard_classes,
        halogenated_over_1pct=halogenated,
        temperature_c=temperature,
        justification="Oils and filters",
    )
    assert ("X-MF-04" in fired(facts, rulebook)) is fires


@pytest.mark.parametrize(("temperature", "fires"), [(1199, True), (1200, False)])
def test_cytotoxic_medicines_burn_at_1200_degrees(rulebook, temperature, fires):
    assert cites(rulebook, "PHA-M1", "S26", "WHO 1999")
    facts = order_facts(rulebook, "PHA", "INCIN_HAZ_HT", cytotoxic=True, temperature_c=temperature)
    assert ("PHA-M1" in fired(facts, rulebook)) is fires
    other = order_facts(rulebook, "PHA", "INCIN_HAZ_HT", temperature_c=900, justification="x")
    assert "PHA-M1" not in fired(other, rulebook)


def test_non_cytotoxic_medicines_may_go_to_municipal_energy_from_waste(rulebook):
    assert cites(rulebook, "PHA-M2", "LOW", "20 01 32") and cites(rulebook, "PHA-C1", "LOW")
    municipal = order_facts(rulebook, "PHA", "RECOVER_WTE", hazardous_permitted=False)
    assert fired(municipal, rulebook) == set()
    cytotoxic = order_facts(
        rulebook, "PHA", "RECOVER_WTE", cytotoxic=True, hazardous_permitted=False
    )
    assert {"PHA-M2", "PHA-C1"} <= fired(cytotoxic, rulebook)


def test_hazard_defaults_follow_the_sub_category_and_zone_rules_follow_the_lots_classes(rulebook):
    assert cites(rulebook, "ALC-S1", "ADR", "SP 144") and cites(rulebook, "BAT-S3", "ADR", "2794")
    assert default_hazard_classes("11", "PHA") == ()
    assert default_hazard_classes("5c", "WJ") == ("9",)
    assert default_hazard_classes("5d", "WJ") == ()
    assert default_hazard_classes("1b", "ALC") == ("3",)
    spirits = storage_facts("ALC", "non_hazardous")
    assert "ALC-S1" in fired(spirits, rulebook, "storage")
    wine = storage_facts("ALC", "non_hazardous", hazard_classes=(), location_hazard_classes=())
    assert "ALC-S1" not in fired(wine, rulebook, "storage")
    lead_acid = storage_facts(
        "BAT", "non_hazardous", hazard_classes=("8",), location_hazard_classes=("8",)
    )
    assert fired(lead_acid, rulebook, "storage") == {"BAT-S3"}
    assert "BAT-S3" not in fired({**lead_acid, "zone_type": "hazardous"}, rulebook, "storage")


def test_food_of_animal_origin_is_digested_only_after_pressure_sterilisation(rulebook):
    assert cites(rulebook, "FOOD-M1", "ABP", "9(d)")
    animal = record_facts(rulebook, "FOOD", "RECOVER_AD", animal_origin=True)
    assert "FOOD-M1" in fired(animal, rulebook, "record")
    sterilised = {**animal, "pressure_sterilised": True}
    assert "FOOD-M1" not in fired(sterilised, rulebook, "record")
    plant = record_facts(rulebook, "FOOD", "RECOVER_AD", animal_origin=False)
    assert "FOOD-M1" not in fired(plant, rulebook, "record")


@pytest.mark.parametrize(("waste_class", "rule"), [("WJ", "WJ-M4"), ("OTH", "OTH-M4")])
def test_electrical_watches_and_tools_have_a_weee_route(rulebook, waste_class, rule):
    assert cites(rulebook, rule, "S24", "Art. 8")
    electrical = order_facts(rulebook, waste_class, "RECYCLE_WEEE", electrical=True)
    assert fired(electrical, rulebook) == set()
    plain = order_facts(rulebook, waste_class, "RECYCLE_WEEE", electrical=False)
    assert rule in fired(plain, rulebook)
    assert is_electrical("5c", "WJ", ("9",)) and is_electrical("12a", "OTH", ())
    assert not is_electrical("5d", "WJ", ())


def test_methanol_contaminated_spirits_go_to_hazardous_waste_incineration(rulebook):
    assert cites(rulebook, "ALC-M4", "S19", "Annex III")
    methanol = order_facts(rulebook, "ALC", "INCIN_HAZ_HT", methanol_contaminated=True)
    assert fired({**methanol, "justification": "Methanol"}, rulebook) == set()
    clean = order_facts(rulebook, "ALC", "INCIN_HAZ_HT", methanol_contaminated=False)
    assert "ALC-M4" in fired(clean, rulebook)


def test_the_waste_hierarchy_compares_only_with_methods_the_lot_could_have(rulebook):
    assert cites(rulebook, "X-MF-02", "S19", "Art. 4")
    no_consent = {"right_holder_consent": False, "customs_decision_recorded": False}
    facts = method_facts("APP", "RECYCLE_SHRED", rulebook, no_consent)
    assert facts["better_permitted_methods"] == ()
    assert method_facts("APP", "RECYCLE_SHRED", rulebook, {})["better_permitted_methods"] == (
        "REUSE_DONATE",
    )
    plastic_toy = method_facts("TOY", "RECOVER_WTE", rulebook, {"electrical": False})
    assert "RECYCLE_WEEE" not in plastic_toy["better_permitted_methods"]
    request = {
        "waste_class": "APP",
        "method": "RECYCLE_SHRED",
        "on_date": date(2026, 12, 1),
        "parameters": no_consent,
    }
    assert what_if_facts(request, rulebook)["better_permitted_methods"] == ()


def test_method_ranks_and_operation_codes_follow_the_waste_framework_directive():
    assert METHODS["RECOVER_AD"].rank == HierarchyRank.RECYCLING
    assert "R3" in METHODS["RECOVER_AD"].operations
    assert "R12" in METHODS["RECYCLE_SHRED"].operations
    assert {"R1", "R12"} <= METHODS["RECOVER_RDF_KILN"].operations
    assert METHODS["RECOVER_WTE"].recovery and not METHODS["INCIN_850"].recovery


@pytest.mark.parametrize(
    ("days_as_waste", "recovery_planned", "fires"),
    [
        (365, False, False),
        (366, False, True),
        (1095, True, False),
        (1096, True, True),
        (None, False, False),  # not waste yet: no destruction decision
    ],
)
def test_waste_stored_over_1_year_before_disposal_or_3_before_recovery_alarms(
    rulebook, days_as_waste, recovery_planned, fires
):
    assert cites(rulebook, "X-CC-05", "S20", "Art. 2(g)")
    facts = storage_facts(
        "APP",
        "non_hazardous",
        legal_basis_completed_on=date(2023, 1, 2),
        days_as_waste=days_as_waste,
        recovery_planned=recovery_planned,
    )
    assert ("X-CC-05" in fired(facts, rulebook, "storage")) is fires


@pytest.mark.parametrize(
    ("rule", "ref"),
    [("B0-C4", "ESPR"), ("ELE-C3", "FGAS"), ("ELE-C3", "ODS"), ("BAT-C2", "S25")],
)
def test_information_rules_name_their_source_and_are_marked_inferred(rulebook, rule, ref):
    assert cites(rulebook, rule, ref)
    assert rulebook.rule(rule).mark == "inferred"
    assert rulebook.rule(rule).severity == "info"

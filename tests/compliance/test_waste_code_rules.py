"""Rulebook 2026.3 and the EWC code: hazardous waste is decided by the code's asterisk or a
recorded HP property (X-MF-03, X-MF-05, X-CC-07), the facility's permit must list the lot's code
(X-MF-09), and mixing is allowed by the permit's mixing_permitted (X-MF-05). Each rule's source
is read from the TOML; then the rules at work on stored orders, the what-if and the facility
API."""

import datetime

import pytest

from compliance.checks import what_if_request_facts
from compliance.engine import evaluate
from compliance.rulebook import DEFAULT_VERSION, load_rulebook
from compliance.services import check_order
from destruction.models import FacilityPermit
from tests.compliance.test_api_compliance import ISSUE_EXAMPLE, WHAT_IF, rules_of
from tests.compliance.test_engine import record_facts
from tests.compliance.test_services_checks import (
    apparel_lot,
    found,
    order_with,
    settled_seizure,
    shredding_facility,
)
from tests.destruction.factories import FacilityFactory
from tests.seizures.factories import LotFactory

# --- the rules and their sources ------------------------------------------------------------


def sources(rule_id: str) -> set[tuple[str, str]]:
    return {(source.ref, source.section) for source in load_rulebook().rule(rule_id).sources}


def test_the_changed_and_new_rules_name_their_sources():
    rulebook = load_rulebook()
    assert rulebook.version == DEFAULT_VERSION
    low = rulebook.rule("X-MF-09").sources[1]
    assert low.ref == "EU-LOW" and "2000/532/EC" in low.document
    assert ("S19", "Art. 23(1)") in sources("X-MF-09")
    assert ("S19", "Art. 18(1)-(2)") in sources("X-MF-05")
    assert any(ref == "S19" and "Annex III" in section for ref, section in sources("X-MF-03"))
    assert any(ref == "S19" and "Annex III" in section for ref, section in sources("X-CC-07"))
    assert {"EU-LOW"} <= {ref for ref, _ in sources("X-CC-07")}
    for rule_id in ("X-MF-03", "X-MF-05", "X-CC-07"):
        assert "hazard_classes" not in repr(rulebook.rule(rule_id).require), rule_id
        assert "hazardous_waste" in repr(rulebook.rule(rule_id).require) or rule_id == "X-MF-05"


def test_the_previous_version_keeps_the_un_class_test():
    old = load_rulebook("2026.2")
    assert "hazard_classes" in repr(old.rule("X-MF-03").require)
    with pytest.raises(KeyError):
        old.rule("X-MF-09")


# --- X-CC-07 at the record stage (engine) -----------------------------------------------------


def x_cc_07(**facts):
    rulebook = load_rulebook()
    facts = record_facts(rulebook, "ELE", "RECYCLE_WEEE", consignment_note_number="", **facts)
    return [f for f in evaluate(facts, rulebook, applies_to="record") if f.rule == "X-CC-07"]


def test_a_consignment_note_is_needed_for_hazardous_waste_not_for_a_un_class():
    # WEEE with lithium batteries (class 9) coded 16 02 14: not hazardous waste, no note needed.
    assert x_cc_07(hazard_classes=("9",), ewc_code="16 02 14", hazardous_waste=False) == []
    [finding] = x_cc_07(hazard_classes=(), ewc_code="16 02 13*", hazardous_waste=True)
    assert finding.severity == "blocking"
    assert "hazardous waste (16 02 13*) travels without a consignment note" in finding.detail


# --- stored orders ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_un_class_without_a_hazardous_code_needs_no_hazardous_permit(warehouse_user):
    # Perfume (UN class 3) recoded 16 03 06 with a reason: not hazardous waste (X-MF-03).
    perfume = LotFactory(
        seizure=settled_seizure(),
        category="2a",
        hazard_classes=["3"],
        ewc_code="16 03 06",
        ewc_reason="Water-based testers, analysis LAB-17",
    )
    order = order_with(
        (perfume, "RECYCLE_DISMANTLE", {}), facility=shredding_facility(operations=["R4"])
    )

    check = check_order(order, stage="submit", actor=warehouse_user)

    assert "X-MF-03" not in found(check)


@pytest.mark.django_db
def test_an_hp_property_makes_the_lot_hazardous_waste_for_x_mf_03(warehouse_user):
    shirts = apparel_lot(hp_properties=["HP6"])
    order = order_with(
        (shirts, "RECYCLE_SHRED", {"justification": "x"}),
        facility=shredding_facility(hazardous_allowed=False),
    )

    check = check_order(order, stage="submit", actor=warehouse_user)

    x_mf_03 = next(f for f in check.findings if f["rule"] == "X-MF-03")
    assert x_mf_03["severity"] == "blocking"
    assert "the waste (20 01 11) is hazardous" in x_mf_03["detail"]


@pytest.mark.django_db
def test_a_permit_that_does_not_list_the_lots_code_blocks(warehouse_user):
    facility = shredding_facility(waste_codes=["16 03 06"])
    order = order_with((apparel_lot(), "RECYCLE_SHRED", {"justification": "x"}), facility=facility)

    check = check_order(order, stage="submit", actor=warehouse_user)

    assert check.verdict == "non_compliant"
    x_mf_09 = next(f for f in check.findings if f["rule"] == "X-MF-09")
    assert x_mf_09["severity"] == "blocking"
    assert "lists the waste code 20 01 11" in x_mf_09["detail"]

    FacilityPermit.objects.filter(facility=facility).update(waste_codes=["16 03 06", "20 01 11"])
    listed = check_order(order, stage="submit", actor=warehouse_user)
    assert "X-MF-09" not in found(listed)
    assert "blocking" not in found(listed).values()


@pytest.mark.django_db
def test_a_permit_allowing_mixing_lets_a_mixed_batch_pass(warehouse_user):
    def mixed_order(**permit):
        return order_with(
            (apparel_lot(), "RECYCLE_DISMANTLE", {}),
            (LotFactory(seizure=settled_seizure(), category="2a"), "RECYCLE_DISMANTLE", {}),
            facility=shredding_facility(operations=["R3", "R4"], hazardous_allowed=True, **permit),
        )

    refused = check_order(mixed_order(), stage="submit", actor=warehouse_user)
    allowed = check_order(mixed_order(mixing_permitted=True), stage="submit", actor=warehouse_user)

    assert found(refused)["X-MF-05"] == "blocking"
    assert "X-MF-05" not in found(allowed)


@pytest.mark.django_db
def test_a_batch_of_un_classed_lots_that_are_not_hazardous_waste_is_not_mixed(warehouse_user):
    # Toys with button cells (UN 9) coded 16 03 06 next to T-shirts: both non-hazardous waste.
    toys = LotFactory(seizure=settled_seizure(), category="9a", hazard_classes=["9"])
    toys.ewc_code, toys.ewc_reason = "16 03 06", "Button cells removed at intake"
    toys.save()
    order = order_with(
        (apparel_lot(), "RECYCLE_SHRED", {"justification": "x"}),
        (toys, "RECYCLE_SHRED", {"justification": "x"}),
        facility=shredding_facility(hazardous_allowed=True),
    )

    check = check_order(order, stage="submit", actor=warehouse_user)

    assert "X-MF-05" not in found(check)


# --- the what-if ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_what_if_with_an_ewc_code_names_it_and_judges_the_permits_codes(api, warehouse_user):
    request = {
        **ISSUE_EXAMPLE,
        "waste_class": "CHE",
        "ewc_code": "160305",
        "facility": {**ISSUE_EXAMPLE["facility"], "waste_codes": ["20 01 32"]},
        "parameters": {**ISSUE_EXAMPLE["parameters"], "lab_analysis_done": True},
    }

    body = api(warehouse_user).post(WHAT_IF, request, format="json").json()

    assert body["ewc_code"] == "16 03 05*"
    assert body["ewc_description"] == "Organic wastes containing hazardous substances"
    assert body["hazardous_waste"] is True
    assert rules_of(body)["X-MF-09"] == "blocking"
    x_mf_09 = next(f for f in body["findings"] if f["rule"] == "X-MF-09")
    assert "16 03 05*" in x_mf_09["detail"]

    request["facility"]["waste_codes"] = ["16 03 05*"]
    listed = api(warehouse_user).post(WHAT_IF, request, format="json").json()
    assert "X-MF-09" not in rules_of(listed)


@pytest.mark.django_db
def test_what_if_without_a_code_judges_the_default_of_the_class(api, warehouse_user):
    body = api(warehouse_user).post(WHAT_IF, ISSUE_EXAMPLE, format="json").json()
    assert (body["ewc_code"], body["hazardous_waste"]) == ("20 01 32", False)


@pytest.mark.django_db
def test_what_if_reads_mixing_permitted_of_a_described_permit(api, warehouse_user):
    # A what-if is one lot: never a mixed batch; the described permit's flag reaches the facts.
    request = {**ISSUE_EXAMPLE, "facility": {**ISSUE_EXAMPLE["facility"], "mixing_permitted": True}}
    response = api(warehouse_user).post(WHAT_IF, request, format="json")
    assert response.status_code == 200
    assert "X-MF-05" not in rules_of(response.json())
    facts = what_if_request_facts(
        {**request, "on_date": datetime.date(2026, 12, 1), "facility": {
            **request["facility"],
            "permit_valid_from": datetime.date(2024, 1, 1),
            "permit_valid_until": datetime.date(2027, 12, 31),
        }},
        load_rulebook(),
    )  # fmt: skip
    assert facts["mixing_permitted"] is True


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"ewc_code": "99 99 99"}, "ewc_code"),
        ({"ewc_code": "16 03 06*"}, "ewc_code"),
        ({"hp_properties": ["HP99"]}, "hp_properties"),
        ({"facility": {**ISSUE_EXAMPLE["facility"], "waste_codes": ["20 01 32", "1"]}}, "facility"),
    ],
)
def test_what_if_refuses_an_unknown_code_with_a_field_error(api, warehouse_user, change, field):
    response = api(warehouse_user).post(WHAT_IF, {**ISSUE_EXAMPLE, **change}, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]


@pytest.mark.django_db
def test_the_what_if_page_shows_the_code_and_refuses_an_unknown_one(client, warehouse_user):
    client.force_login(warehouse_user)
    page = {
        "waste_class": "APP",
        "method": "RECYCLE_SHRED",
        "on_date": "2026-12-01",
        "operations": "R3",
        "permit_valid_from": "2024-01-01",
        "permit_valid_until": "2027-12-31",
        "waste_codes": "16 03 06",
        "ewc_code": "200111",
    }
    response = client.get("/compliance/what-if/", page)
    assert response.status_code == 200
    assert response.context["result"].facts["ewc_code"] == "20 01 11"
    assert "EWC code 20 01 11 Textiles" in response.content.decode()
    assert "X-MF-09" in {f.rule for f in response.context["result"].findings}
    refused = client.get("/compliance/what-if/", {**page, "ewc_code": "12", "waste_codes": "x"})
    assert refused.status_code == 400
    assert {"ewc_code", "waste_codes"} <= set(refused.context["form"].errors)


# --- facility permits ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_facility_api_stores_permit_codes_in_the_lists_spelling_and_refuses_unknown_ones(
    api, admin_user
):
    facility = FacilityFactory(permit=None)
    permit = {
        "number": "OVAM-1",
        "authority": "OVAM",
        "valid_from": "2024-01-01",
        "valid_until": "2029-12-31",
        "operations": ["R4"],
        "waste_codes": ["160601", "16 06 05"],
        "hazardous_allowed": True,
        "mixing_permitted": True,
    }
    client = api(admin_user)
    url = f"/api/v1/facilities/{facility.pk}/"

    response = client.patch(url, {"permits": [permit]}, format="json")

    assert response.status_code == 200, response.json()
    stored = facility.permits.get()
    assert stored.waste_codes == ["16 06 01*", "16 06 05"] and stored.mixing_permitted is True
    assert response.json()["permits"][0]["mixing_permitted"] is True

    bad = client.patch(
        url, {"permits": [{**permit, "waste_codes": ["16 06 05", "99 99 99"]}]}, format="json"
    )
    assert bad.status_code == 400
    assert "permits" in bad.json()["errors"]
    assert facility.permits.get().waste_codes == ["16 06 01*", "16 06 05"]


@pytest.mark.django_db
def test_permit_model_validation_names_unknown_codes():
    permit = FacilityPermit(
        facility=FacilityFactory(permit=None),
        number="X",
        authority="Y",
        valid_from=datetime.date(2024, 1, 1),
        valid_until=datetime.date(2025, 1, 1),
        operations=["R1"],
        waste_codes=["99 99 99"],
    )
    with pytest.raises(Exception, match="99 99 99"):
        permit.full_clean()

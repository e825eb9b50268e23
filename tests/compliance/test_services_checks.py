"""The stored compliance checks: check_placement (storage rules) and check_order (order and
record rules), mapped from real database objects built with the factories."""

import datetime
import hashlib
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from compliance.models import ComplianceCheck
from compliance.rulebook import DEFAULT_VERSION
from compliance.services import check_order, check_placement, check_placements
from destruction.models import EvidenceFile
from seizures.models import LotStatus, ZoneType
from tests.destruction.certificate_factories import executed_order
from tests.destruction.factories import (
    CostEntryFactory,
    DestructionOrderFactory,
    FacilityFactory,
    FacilityPermitFactory,
    OrderLineFactory,
)
from tests.seizures.factories import LotFactory, SeizureFactory, StorageLocationFactory

pytestmark = pytest.mark.django_db

PLANNED = datetime.date(2026, 12, 10)


def shredding_facility(**permit):
    facility = FacilityFactory(permit=None)
    FacilityPermitFactory(
        facility=facility,
        **{"operations": ["R3"], "hazardous_allowed": False, **permit},
    )
    return facility


def settled_seizure(**fields):
    """A seizure whose Art. 23 route is complete: right holder and declarant agreed in writing."""
    return SeizureFactory(
        right_holder_agreement_on=datetime.date(2026, 3, 10),
        declarant_agreement_on=datetime.date(2026, 3, 12),
        **fields,
    )


def order_with(*lines, facility=None, planned_date=PLANNED):
    order = DestructionOrderFactory(
        facility=facility or shredding_facility(), planned_date=planned_date
    )
    for lot, method, extra in lines:
        OrderLineFactory(order=order, lot=lot, method=method, **extra)
    return order


def apparel_lot(**fields):
    return LotFactory(seizure=settled_seizure(), category="3a", **fields)


def found(check) -> dict[str, str]:
    return {f["rule"]: f["severity"] for f in check.findings}


# --- order stage --------------------------------------------------------------------------------


def test_a_good_apparel_shredding_order_has_no_blocking_finding(warehouse_user):
    order = order_with((apparel_lot(), "RECYCLE_SHRED", {}))

    check = check_order(order, stage="submit", actor=warehouse_user)

    assert check.pk is not None
    assert check.stage == "submit"
    assert check.order == order
    assert check.rulebook_version == DEFAULT_VERSION
    assert "blocking" not in found(check).values()
    # Donation ranks higher, but without the right holder's consent this lot could not have it
    # (X-MF-02 compares only with methods whose conditions the lot meets).
    assert check.verdict == "compliant"
    assert "X-MF-02" not in found(check)
    assert check.checked_by == warehouse_user


def test_shredding_apparel_the_right_holder_agreed_to_donate_needs_a_justification(
    warehouse_user,
):
    papers = {"right_holder_consent_reference": "RH-1", "customs_decision_reference": "CD-1"}
    order = order_with((apparel_lot(), "RECYCLE_SHRED", papers))

    check = check_order(order, stage="submit", actor=warehouse_user)

    assert check.verdict == "needs_review"
    assert found(check)["X-MF-02"] == "warning"
    [hierarchy] = [f for f in check.findings if f["rule"] == "X-MF-02"]
    assert "REUSE_DONATE" in hierarchy["detail"]


def test_a_justified_lower_ranked_method_is_compliant(warehouse_user):
    order = order_with(
        (apparel_lot(), "RECYCLE_SHRED", {"justification": "No charity accepts de-branded stock"})
    )

    check = check_order(order, stage="approve", actor=warehouse_user)

    assert check.verdict == "compliant"
    assert {f["severity"] for f in check.findings} <= {"info"}


def test_sale_or_auction_is_refused_with_the_rule_and_the_lot(warehouse_user):
    lot = apparel_lot()
    order = order_with((lot, "SALE_AUCTION", {}))

    check = check_order(order, stage="submit", actor=warehouse_user)

    assert check.verdict == "non_compliant"
    sale = next(f for f in check.findings if f["rule"] == "B0-X1")
    assert sale["severity"] == "blocking"
    assert sale["lot"] == lot.reference
    assert "Sale or auction" in sale["message"]
    assert sale["source"].startswith("S15 TRIPS")
    assert check.findings[0]["severity"] == "blocking"


def test_an_expired_permit_or_a_missing_operation_blocks(warehouse_user):
    expired = order_with(
        (apparel_lot(), "RECYCLE_SHRED", {"justification": "x"}),
        facility=shredding_facility(valid_until=datetime.date(2026, 6, 30)),
    )
    wrong_code = order_with(
        (apparel_lot(), "RECYCLE_SHRED", {"justification": "x"}),
        facility=shredding_facility(operations=["D10"]),
    )

    first = check_order(expired, stage="submit", actor=warehouse_user)
    second = check_order(wrong_code, stage="submit", actor=warehouse_user)

    assert found(first)["X-MF-03"] == found(second)["X-MF-03"] == "blocking"
    detail = next(f["detail"] for f in first.findings if f["rule"] == "X-MF-03")
    assert "no facility permit is valid on the destruction date" in detail


def test_hazardous_goods_need_a_permit_allowing_hazardous_waste(warehouse_user):
    perfume = LotFactory(seizure=settled_seizure(), category="2a", hazard_classes=["3"])
    order = order_with(
        (perfume, "RECYCLE_DISMANTLE", {}), facility=shredding_facility(operations=["R4"])
    )

    check = check_order(order, stage="submit", actor=warehouse_user)

    x_mf_03 = next(f for f in check.findings if f["rule"] == "X-MF-03")
    assert x_mf_03["severity"] == "blocking"
    assert "does not allow hazardous waste" in x_mf_03["detail"]


def test_a_legal_basis_still_open_blocks(warehouse_user):
    # Notified a few days ago: the declarant's 10 working days are still running.
    open_route = SeizureFactory(
        notified_on=datetime.date(2026, 11, 25),
        deadline=datetime.date(2099, 1, 1),
        right_holder_agreement_on=datetime.date(2026, 11, 26),
    )
    order = order_with((LotFactory(seizure=open_route), "RECYCLE_SHRED", {"justification": "x"}))

    check = check_order(order, stage="submit", actor=warehouse_user)

    assert check.verdict == "non_compliant"
    assert found(check)["X-LB-04"] == "blocking"
    assert found(check)["X-LB-02"] == "blocking"


def test_mixing_hazardous_and_other_lots_in_one_batch_blocks(warehouse_user):
    facility = shredding_facility(operations=["R3", "R4"], hazardous_allowed=True)
    order = order_with(
        (apparel_lot(), "RECYCLE_DISMANTLE", {}),
        (LotFactory(seizure=settled_seizure(), category="2a"), "RECYCLE_DISMANTLE", {}),
        facility=facility,
    )

    check = check_order(order, stage="submit", actor=warehouse_user)

    mixed = [f for f in check.findings if f["rule"] == "X-MF-05"]
    assert {f["severity"] for f in mixed} == {"blocking"}
    assert len(mixed) == 2  # one per lot of the mixed batch


def test_a_donation_without_consent_or_customs_decision_blocks(warehouse_user):
    order = order_with((apparel_lot(), "REUSE_DONATE", {}))

    check = check_order(order, stage="submit", actor=warehouse_user)

    rh_02 = next(f for f in check.findings if f["rule"] == "X-RH-02")
    assert rh_02["severity"] == "blocking"
    assert rh_02["detail"] == (
        "no written right-holder agreement; no customs decision with conditions"
    )
    assert found(check)["APP-M1"] == "blocking"
    assert check.verdict == "non_compliant"


def test_a_donation_with_its_consent_and_customs_decision_passes_those_rules(warehouse_user):
    papers = {
        "right_holder_consent_reference": "RH-2026-114",
        "customs_decision_reference": "BE-CUS-D-2026-77",
    }
    order = order_with((apparel_lot(), "REUSE_DONATE", papers))

    check = check_order(order, stage="submit", actor=warehouse_user)

    assert "X-RH-02" not in found(check)
    # De-branding is known once the destruction is recorded.
    assert found(check)["APP-M1"] == "info"
    assert "blocking" not in found(check).values(), check.findings


def chemicals_lot():
    return LotFactory(
        seizure=settled_seizure(), category="12g", waste_class="CHE", hazard_classes=["6.1"]
    )


def test_chemicals_without_a_lab_report_block_and_pass_with_one(warehouse_user):
    incinerator = shredding_facility(operations=["D10"], hazardous_allowed=True)
    without = order_with((chemicals_lot(), "INCIN_HAZ_HT", {}), facility=incinerator)
    analysed = order_with(
        (chemicals_lot(), "INCIN_HAZ_HT", {"lab_analysis_reference": "LAB-2026-0042"}),
        facility=incinerator,
    )

    refused = check_order(without, stage="submit", actor=warehouse_user)
    passed = check_order(analysed, stage="submit", actor=warehouse_user)

    che_s3 = next(f for f in refused.findings if f["rule"] == "CHE-S3")
    assert (che_s3["severity"], refused.verdict) == ("blocking", "non_compliant")
    assert "CHE-S3" not in found(passed)


def test_record_facts_unknown_at_submission_are_information(warehouse_user):
    pharma = LotFactory(seizure=settled_seizure(), category="11")
    order = order_with(
        (pharma, "INCIN_HAZ_HT", {"justification": "Cytotoxic stock"}),
        facility=shredding_facility(operations=["D10"], hazardous_allowed=True),
    )

    check = check_order(order, stage="submit", actor=warehouse_user)

    # Temperature and witnesses are known when the destruction is recorded.
    assert found(check)["PHA-M1"] == "info"
    assert "blocking" not in found(check).values()


def test_the_order_check_makes_the_same_queries_for_one_lot_and_for_many(warehouse_user):
    one = order_with((apparel_lot(), "RECYCLE_SHRED", {}))
    many = order_with(*[(apparel_lot(), "RECYCLE_SHRED", {}) for _ in range(6)])

    with CaptureQueriesContext(connection) as single:
        check_order(one, stage="submit", actor=warehouse_user)
    with CaptureQueriesContext(connection) as several:
        check = check_order(many, stage="submit", actor=warehouse_user)

    assert len(single) == len(several)
    assert len({f["lot"] for f in check.findings}) == 6


def test_an_unknown_stage_is_a_programming_error(warehouse_user):
    order = order_with((apparel_lot(), "RECYCLE_SHRED", {}))

    with pytest.raises(ValueError, match="unknown compliance stage"):
        check_order(order, stage="dispatch", actor=warehouse_user)
    assert not ComplianceCheck.objects.exists()


# --- record stage -------------------------------------------------------------------------------


def minutes_for(order):
    record = order.record
    EvidenceFile.objects.create(
        record=record,
        kind=EvidenceFile.Kind.MINUTES,
        file="evidence/minutes.pdf",
        original_name="minutes.pdf",
        content_type="application/pdf",
        size=3,
        sha256=hashlib.sha256(b"min").hexdigest(),
        uploaded_by=record.recorded_by,
    )


def test_recording_without_signed_minutes_is_non_compliant(warehouse_user):
    order = executed_order(lots=2)

    check = check_order(order, stage="record", actor=warehouse_user)

    assert check.stage == "record"
    assert check.rulebook_version == DEFAULT_VERSION
    assert check.verdict == "non_compliant"
    minutes = [f for f in check.findings if f["rule"] == "X-WE-04"]
    assert {f["lot"] for f in minutes} == {line.lot.reference for line in order.lines.all()}
    assert minutes[0]["detail"] == "no signed minutes of destruction"


def test_a_complete_record_passes_the_record_rules(warehouse_user):
    order = executed_order(lots=1)
    minutes_for(order)
    CostEntryFactory(lot=order.lines.get().lot, order=order)  # X-CO-01: its destruction cost

    check = check_order(order, stage="record", actor=warehouse_user)

    assert "blocking" not in found(check).values(), check.findings
    assert check.verdict == "compliant"  # no consent to donate: shredding is the best it had
    assert {severity for severity in found(check).values()} <= {"info"}


def test_a_mass_deviation_and_a_missing_officer_are_reported(warehouse_user):
    order = executed_order(lots=1, weight=Decimal("100.000"))
    minutes_for(order)
    record = order.record
    record.gate_weight_kg = Decimal("80.000")
    record.customs_officer_present = False
    record.save()

    check = check_order(order, stage="record", actor=warehouse_user)

    assert found(check)["X-QM-02"] == "warning"
    assert found(check)["X-WE-01"] == "blocking"


def test_a_landfill_record_without_shredding_blocks(warehouse_user):
    order = executed_order(lots=1, methods=("LANDFILL_ENG",))
    order.lines.update(
        lot=LotFactory(seizure=settled_seizure(), category="8", location=None),
        justification="Residue only",
    )
    minutes_for(order)

    unshredded = check_order(order, stage="record", actor=warehouse_user)
    order.record.particle_size_mm = Decimal("20.0")
    order.record.save()
    shredded = check_order(order, stage="record", actor=warehouse_user)

    med_m3 = next(f for f in unshredded.findings if f["rule"] == "MED-M3")
    assert (med_m3["severity"], med_m3["missing"]) == ("blocking", ["particle_size_mm"])
    assert "MED-M3" not in found(shredded)


def test_a_record_of_spirits_recovered_without_denaturing_blocks(warehouse_user):
    order = executed_order(lots=1, methods=("RECOVER_SOLVENT",))
    order.lines.update(
        lot=LotFactory(seizure=settled_seizure(), category="1b", location=None),
        justification="No AD plant takes spirits",
    )
    minutes_for(order)

    plain = check_order(order, stage="record", actor=warehouse_user)
    order.record.denatured = True
    order.record.save()
    denatured = check_order(order, stage="record", actor=warehouse_user)

    alc_m2 = next(f for f in plain.findings if f["rule"] == "ALC-M2")
    assert (alc_m2["severity"], alc_m2["detail"]) == (
        "blocking",
        "no audit trail proves the spirit cannot be recovered as potable",
    )
    assert "ALC-M2" not in found(denatured)


def test_dismantled_car_parts_with_pyrotechnics_need_them_neutralised(warehouse_user):
    order = executed_order(lots=1, methods=("RECYCLE_DISMANTLE",))
    order.lines.update(
        lot=LotFactory(
            seizure=settled_seizure(), category="12b", hazard_classes=["1.4"], location=None
        )
    )
    minutes_for(order)

    live = check_order(order, stage="record", actor=warehouse_user)
    order.record.pyrotechnics_neutralised = True
    order.record.save()
    neutralised = check_order(order, stage="record", actor=warehouse_user)

    assert found(live)["AUT-M2"] == "blocking"
    assert "AUT-M2" not in found(neutralised)


def test_an_incineration_record_below_850_degrees_blocks(warehouse_user):
    order = executed_order(lots=1, methods=("RECOVER_WTE",))
    minutes_for(order)
    record = order.record
    record.temperature_c = 700
    record.residence_time_s = Decimal("2.5")
    record.save()

    check = check_order(order, stage="record", actor=warehouse_user)

    assert found(check)["X-MF-04"] == "blocking"


# --- storage ------------------------------------------------------------------------------------


def test_an_ordinary_placement_has_nothing_worth_storing(warehouse_user):
    lot = apparel_lot(location=None)
    bay = StorageLocationFactory(zone_type=ZoneType.NON_HAZARDOUS)

    findings = check_placement(lot, bay, actor=warehouse_user)

    assert {f.severity for f in findings} <= {"info"}
    assert not ComplianceCheck.objects.exists()


def test_medicines_in_an_ordinary_zone_are_blocked(warehouse_user):
    lot = LotFactory(seizure=settled_seizure(), category="11", location=None)
    bay = StorageLocationFactory(zone_type=ZoneType.NON_HAZARDOUS, accepted_hazard_classes=["6.1"])

    findings = check_placement(lot, bay, actor=warehouse_user)

    blocking = {f.rule for f in findings if f.severity == "blocking"}
    assert blocking == {"PHA-S1"}
    check = ComplianceCheck.objects.get()
    assert (check.stage, check.lot, check.verdict) == ("storage", lot, "non_compliant")


def test_a_placement_with_a_warning_is_stored_with_the_rulebook_version(warehouse_user):
    lot = apparel_lot(location=None)
    cage = StorageLocationFactory(zone_type=ZoneType.HAZARDOUS)

    findings = check_placement(lot, cage, actor=warehouse_user)

    assert [f.rule for f in findings if f.severity == "warning"] == ["APP-S1"]
    check = ComplianceCheck.objects.get()
    assert check.verdict == "needs_review"
    assert check.rulebook_version == DEFAULT_VERSION
    assert check.findings[0]["lot"] == lot.reference


def test_food_next_to_chemicals_is_a_warning(warehouse_user):
    bay = StorageLocationFactory(zone_type=ZoneType.NON_HAZARDOUS, accepted_hazard_classes=["6.1"])
    LotFactory(category="12g", waste_class="CHE", hazard_classes=[], location=bay)
    food = LotFactory(seizure=settled_seizure(), category="1a", location=None)

    findings = check_placement(food, bay, actor=warehouse_user)

    assert {f.rule: f.severity for f in findings}["FOOD-S2"] == "warning"


def test_a_long_stay_with_no_legal_basis_raises_the_storage_alarm(warehouse_user):
    waiting = SeizureFactory(right_holder_agreement_on=None, deadline=datetime.date(2099, 1, 1))
    lot = LotFactory(seizure=waiting, status=LotStatus.IN_STORAGE)
    bay = StorageLocationFactory(zone_type=ZoneType.NON_HAZARDOUS)

    findings = check_placement(lot, bay, actor=warehouse_user)

    alarm = next(f for f in findings if f.rule == "X-CC-05")
    assert alarm.severity == "warning"
    assert "no legal basis is completed" in alarm.detail


def test_start_up_fails_on_an_unknown_compliance_parameter(settings):
    from django.apps import apps

    from compliance.rulebook import RulebookError

    settings.COMPLIANCE_PARAMETERS = {"witnesses_needed": 3}

    with pytest.raises(RulebookError, match="witnesses_needed"):
        apps.get_app_config("compliance").ready()


def test_a_stricter_witness_parameter_applies_to_the_record(settings, warehouse_user):
    settings.COMPLIANCE_PARAMETERS = {"min_witnesses_high_risk": 3}
    order = executed_order(lots=1, methods=("RECOVER_WTE",))
    order.lines.update(lot=LotFactory(seizure=settled_seizure(), category="10a", location=None))

    check = check_order(order, stage="record", actor=warehouse_user)

    x_we_02 = next(f for f in check.findings if f["rule"] == "X-WE-02")
    assert x_we_02["severity"] == "blocking"
    assert x_we_02["detail"].endswith("need 3 independent witnesses; 2 signed")


def test_controlled_drugs_need_two_witnesses_and_other_medicines_one(warehouse_user):
    # Digest C4 (X-WE-02): two witnesses for controlled drugs, as classified at intake (PHA-S2).
    controlled = executed_order(lots=1, methods=("INCIN_HAZ_HT",))
    controlled.lines.update(
        lot=LotFactory(
            seizure=settled_seizure(), category="11", location=None, controlled_substances=True
        )
    )
    controlled.record.witnesses.last().delete()
    ordinary = executed_order(lots=1, methods=("INCIN_HAZ_HT",))
    ordinary.lines.update(lot=LotFactory(seizure=settled_seizure(), category="11", location=None))
    ordinary.record.witnesses.last().delete()

    refused = check_order(controlled, stage="record", actor=warehouse_user)
    passed = check_order(ordinary, stage="record", actor=warehouse_user)

    assert found(refused)["X-WE-02"] == "blocking"
    assert refused.verdict == "non_compliant"
    assert "X-WE-02" not in found(passed)


def test_a_batch_sees_the_lots_placed_with_it_and_not_the_lot_itself(warehouse_user):
    bay = StorageLocationFactory(zone_type=ZoneType.NON_HAZARDOUS, accepted_hazard_classes=["6.1"])
    chemicals = LotFactory(category="12g", waste_class="CHE", hazard_classes=[], location=bay)
    food = LotFactory(seizure=settled_seizure(), category="1a", location=bay)

    on_food, on_chemicals = check_placements([(food, bay), (chemicals, bay)], actor=warehouse_user)

    assert {f.rule: f.severity for f in on_food}["FOOD-S2"] == "warning"
    assert "FOOD-S2" not in {f.rule for f in on_chemicals}  # the food rule is food's own
    assert ComplianceCheck.objects.filter(lot=food, verdict="needs_review").exists()


def test_a_batch_of_placements_costs_the_same_queries_for_1_and_30_lots(warehouse_user):
    cage = StorageLocationFactory(zone_type=ZoneType.HAZARDOUS)

    def queries(count: int) -> int:
        lots = [apparel_lot(location=cage) for _ in range(count)]
        with CaptureQueriesContext(connection) as captured:
            results = check_placements([(lot, cage) for lot in lots], actor=warehouse_user)
        assert all("APP-S1" in {f.rule for f in found} for found in results)
        return len(captured)

    assert queries(1) == queries(30)
    assert ComplianceCheck.objects.filter(verdict="needs_review").count() == 31


def test_cytotoxics_need_no_justification_for_high_temperature_incineration(warehouse_user):
    # PHA-M1 requires it for cytotoxics and PHA-M2 keeps them from the kiln, so nothing ranked
    # higher was open to them (X-MF-02); other medicines still need the justification.
    facility = shredding_facility(operations=["D10"], hazardous_allowed=True)
    cytotoxic = LotFactory(seizure=settled_seizure(), category="11", cytotoxic=True)
    ordinary = LotFactory(seizure=settled_seizure(), category="11")

    checked = check_order(
        order_with((cytotoxic, "INCIN_HAZ_HT", {}), facility=facility),
        stage="submit",
        actor=warehouse_user,
    )
    warned = check_order(
        order_with((ordinary, "INCIN_HAZ_HT", {}), facility=facility),
        stage="submit",
        actor=warehouse_user,
    )

    assert "X-MF-02" not in found(checked)
    assert found(warned)["X-MF-02"] == "warning"

"""Issue 14, items 1-3 through the API: proposals for a mixed set of lots, changing a draft
order, taking a submitted order back to draft, and an approval that acknowledges every warning
of the submit check (with the rulebook: the compliance hook is on)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from destruction import services
from destruction.models import OrderLine, OrderStatus
from seizures.models import CustodyEvent
from tests.destruction.conftest import build_order, eligible_lot, planned_day
from tests.destruction.factories import FacilityFactory
from tests.seizures.factories import CustomsOfficeFactory, SeizureFactory

pytestmark = pytest.mark.django_db

ORDERS = "/api/v1/destruction-orders/"
PROPOSE = f"{ORDERS}propose/"


def url(order, action="") -> str:
    return f"{ORDERS}{order.pk}/{action + '/' if action else ''}"


def mixed_lots(office=None):
    """Apparel, perfume, power banks and medicines of one seizure at a Belgian office."""
    office = office or CustomsOfficeFactory(code="BRU", country="BE")
    seizure = SeizureFactory(office=office)
    return [
        eligible_lot(seizure=seizure, category="3a", description="T-shirts"),
        eligible_lot(seizure=seizure, category="2a", description="Perfume"),
        eligible_lot(seizure=seizure, category="6b", waste_class="BAT", description="Power banks"),
        eligible_lot(seizure=seizure, category="11", description="Tablets"),
    ]


# --- item 1: proposals -------------------------------------------------------------------


def test_proposals_give_each_lot_the_best_method_it_meets_at_the_nearest_facility(
    api, warehouse_user
):
    lots = mixed_lots()
    abroad = FacilityFactory(name="Incinérateur Lille", country="FR")
    home = FacilityFactory(name="EcoTreat Antwerp", country="BE")
    response = api(warehouse_user).post(
        PROPOSE,
        {"lots": [lot.pk for lot in lots], "planned_on": planned_day().isoformat()},
        format="json",
    )
    assert response.status_code == 200, response.json()
    lines = response.json()["lines"]
    assert [line["lot"] for line in lines] == [lot.pk for lot in lots]
    assert [line["method"] for line in lines] == [
        # Donation needs consent and a customs decision, not recorded: shredding (rank 3).
        "RECYCLE_SHRED",
        "RECYCLE_DISMANTLE",
        "RECYCLE_BATTERY",
        # Medicines may not be recycled: energy recovery (rank 4) is the best they may take.
        "RECOVER_WTE",
    ]
    assert {line["facility"] for line in lines} == {home.pk}
    assert lines[0]["facility_name"] == "EcoTreat Antwerp"
    assert [line["verdict"] for line in lines] == [
        "compliant",
        "compliant",
        "compliant",
        "needs_review",
    ]
    medicine = lines[3]
    assert "PHA-S3" in {f["rule"] for f in medicine["findings"] if f["severity"] == "warning"}
    assert all(f["lot"] == lots[3].reference for f in medicine["findings"])
    # The same method abroad is an alternative, after the nearer facility.
    assert {"method": "RECYCLE_SHRED", "facility": abroad.pk} in [
        {"method": a["method"], "facility": a["facility"]} for a in lines[0]["alternatives"]
    ]
    assert all(a["verdict"] != "non_compliant" for line in lines for a in line["alternatives"])


def test_a_facility_whose_permit_does_not_cover_the_goods_is_not_proposed(api, warehouse_user):
    lots = mixed_lots()
    FacilityFactory(name="Aaa Textile Shredder", permit__operations=["R12"])
    battery = FacilityFactory(name="BatteryBack Hoboken", permit__operations=["R4", "R6"])
    response = api(warehouse_user).post(
        PROPOSE, {"lots": [lots[2].pk], "planned_on": planned_day().isoformat()}, format="json"
    )
    line = response.json()["lines"][0]
    assert (line["method"], line["facility"]) == ("RECYCLE_BATTERY", battery.pk)
    assert line["alternatives"] == []


def test_proposals_answer_400_with_field_errors(api, warehouse_user):
    lot = eligible_lot()
    client = api(warehouse_user)
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    cases = [
        ({"lots": [], "planned_on": planned_day().isoformat()}, "lots"),
        ({"lots": [lot.pk]}, "planned_on"),
        ({"lots": [lot.pk], "planned_on": "tomorrow"}, "planned_on"),
        ({"lots": [lot.pk], "planned_on": yesterday}, "planned_on"),
        ({"lots": [999999], "planned_on": planned_day().isoformat()}, "lots"),
        ({"lots": ["x"], "planned_on": planned_day().isoformat()}, "lots"),
    ]
    for body, field in cases:
        response = client.post(PROPOSE, body, format="json")
        assert response.status_code == 400, body
        assert field in response.json()["errors"], (body, response.json())


def test_a_lot_already_planned_is_refused_by_the_proposals(api, warehouse_user, admin_user):
    order = build_order(preparer=warehouse_user, approver=admin_user)
    lot = order.lines.get().lot
    response = api(warehouse_user).post(
        PROPOSE, {"lots": [lot.pk], "planned_on": planned_day().isoformat()}, format="json"
    )
    assert response.status_code == 400
    assert "allocated" in response.json()["errors"]["lots"][0]


def test_proposals_are_refused_to_a_user_who_may_not_plan(api, auditor_user):
    lot = eligible_lot()
    response = api(auditor_user).post(
        PROPOSE, {"lots": [lot.pk], "planned_on": planned_day().isoformat()}, format="json"
    )
    assert response.status_code == 403
    assert "errors" in response.json()


def test_proposals_cost_the_same_queries_for_one_lot_and_for_many(api, warehouse_user):
    office = CustomsOfficeFactory(code="BRU", country="BE")
    FacilityFactory(name="EcoTreat Antwerp")
    FacilityFactory(name="Incinérateur Lille", country="FR")
    one = [eligible_lot(office=office, category="3a")]
    many = mixed_lots(office) + mixed_lots(office)
    client = api(warehouse_user)

    def queries(lots) -> int:
        body = {"lots": [lot.pk for lot in lots], "planned_on": planned_day().isoformat()}
        client.post(PROPOSE, body, format="json")
        with CaptureQueriesContext(connection) as captured:
            response = client.post(PROPOSE, body, format="json")
        assert response.status_code == 200
        return len(captured)

    assert queries(one) == queries(many)


def test_the_schema_documents_the_proposals(api, warehouse_user):
    schema = api(warehouse_user).get("/api/schema/", {"format": "json"}).json()
    operation = schema["paths"]["/api/v1/destruction-orders/propose/"]["post"]
    assert {"200", "400", "403"} <= set(operation["responses"])
    assert operation["description"]


# --- item 2: changing a draft, back to draft -----------------------------------------------


def test_a_draft_order_is_changed_with_a_custody_event_per_lot(api, warehouse_user, admin_user):
    lots = [eligible_lot(category="3a"), eligible_lot(category="3a")]
    order = build_order(preparer=warehouse_user, approver=admin_user, lots=lots)
    other = FacilityFactory(name="Textile Recycling Gent")
    new_day = planned_day(10)
    response = api(warehouse_user).patch(
        url(order),
        {
            "facility": other.pk,
            "planned_date": new_day.isoformat(),
            "carrier_name": "GreenHaul NV",
            "seal_numbers": ["SEAL-9", "SEAL-10"],
            "planned_witnesses": [{"name": "Rita Holder", "role": "right_holder"}],
            "lines": [{"lot": lots[1].pk, "method": "RECYCLE_DISMANTLE"}],
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    order.refresh_from_db()
    assert (order.facility, order.planned_date, order.carrier_name) == (
        other,
        new_day,
        "GreenHaul NV",
    )
    assert order.seal_numbers == ["SEAL-9", "SEAL-10"]
    assert order.planned_witnesses == [
        {"name": "Rita Holder", "organisation": "", "role": "right_holder"}
    ]
    assert OrderLine.objects.get(order=order, lot=lots[1]).method == "RECYCLE_DISMANTLE"
    events = {
        event.lot_id: event.details
        for event in CustodyEvent.objects.filter(kind=CustodyEvent.Kind.ORDER_CHANGED)
    }
    assert set(events) == {lots[0].pk, lots[1].pk}
    assert events[lots[0].pk]["facility"][1] == "Textile Recycling Gent"
    assert events[lots[0].pk]["planned_date"] == [
        planned_day().isoformat(),
        new_day.isoformat(),
    ]
    assert "method" not in events[lots[0].pk]
    assert events[lots[1].pk]["method"] == ["RECYCLE_SHRED", "RECYCLE_DISMANTLE"]


def test_an_unchanged_draft_writes_no_custody_event(api, warehouse_user, admin_user):
    order = build_order(preparer=warehouse_user, approver=admin_user)
    before = CustodyEvent.objects.count()
    response = api(warehouse_user).patch(
        url(order), {"carrier_name": order.carrier_name}, format="json"
    )
    assert response.status_code == 200
    assert CustodyEvent.objects.count() == before


def test_changing_a_draft_refuses_bad_input_with_field_errors(api, warehouse_user, admin_user):
    order = build_order(preparer=warehouse_user, approver=admin_user)
    lot = order.lines.get().lot
    client = api(warehouse_user)
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    cases = [
        ({"planned_date": yesterday}, "planned_date"),
        ({"lines": [{"lot": lot.pk, "method": "SALE_AUCTION"}]}, "methods"),
        ({"lines": [{"lot": eligible_lot().pk, "method": "RECYCLE_SHRED"}]}, "lines"),
        ({"facility": 999999}, "facility"),
        ({"seal_numbers": ["S1", "S1"]}, "seal_numbers"),
    ]
    for body, field in cases:
        response = client.patch(url(order), body, format="json")
        assert response.status_code == 400, body
        assert field in response.json()["errors"], (body, response.json())
    no_permit = FacilityFactory(name="Battery Only", permit__operations=["R6"])
    response = client.patch(url(order), {"facility": no_permit.pk}, format="json")
    assert response.status_code == 400
    assert "X-MF-03" in response.json()["errors"]["lines"][0]


def test_only_a_draft_is_changed(api, warehouse_user, admin_user):
    order = build_order(preparer=warehouse_user, approver=admin_user, status=OrderStatus.SUBMITTED)
    response = api(warehouse_user).patch(url(order), {"vehicle": "2-XYZ-987"}, format="json")
    assert response.status_code == 409
    assert "errors" in response.json()


def test_changing_a_draft_is_refused_to_an_auditor(api, warehouse_user, admin_user, auditor_user):
    order = build_order(preparer=warehouse_user, approver=admin_user)
    response = api(auditor_user).patch(url(order), {"vehicle": "2-XYZ-987"}, format="json")
    assert response.status_code == 403


def test_the_preparer_takes_a_submitted_order_back_to_draft(api, warehouse_user, admin_user):
    order = build_order(preparer=warehouse_user, approver=admin_user, status=OrderStatus.SUBMITTED)
    response = api(warehouse_user).post(
        url(order, "return"), {"reason": "Facility closed that week"}, format="json"
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["status"], body["return_reason"], body["submitted_by"]) == (
        "draft",
        "Facility closed that week",
        None,
    )
    event = CustodyEvent.objects.get(kind=CustodyEvent.Kind.ORDER_RETURNED)
    assert event.details == {"order": order.reference, "reason": "Facility closed that week"}
    # A draft again: it can be changed and submitted anew.
    assert (
        api(warehouse_user).patch(url(order), {"vehicle": "2-XYZ"}, format="json").status_code
        == 200
    )
    assert api(warehouse_user).post(url(order, "submit")).status_code == 200


def test_returning_to_draft_is_refused_to_others_without_a_reason_and_for_a_draft(
    api, warehouse_user, second_warehouse_user, admin_user
):
    order = build_order(preparer=warehouse_user, approver=admin_user, status=OrderStatus.SUBMITTED)
    assert (
        api(second_warehouse_user)
        .post(url(order, "return"), {"reason": "Mine now"}, format="json")
        .status_code
        == 403
    )
    response = api(warehouse_user).post(url(order, "return"), {"reason": " "}, format="json")
    assert response.status_code == 400
    assert "reason" in response.json()["errors"]
    services.return_to_draft(order=order, actor=warehouse_user, reason="Wrong date")
    response = api(warehouse_user).post(url(order, "return"), {"reason": "again"}, format="json")
    assert response.status_code == 409


# --- item 3: informed approval --------------------------------------------------------------


@pytest.fixture
def order_with_warning(warehouse_user, admin_user):
    """Apparel planned for energy recovery although shredding ranks higher: X-MF-02 warns."""
    lot = eligible_lot(category="3a", reference="BRU-LOT-APP")
    order = services.create_order(
        actor=warehouse_user,
        lines=[services.LineInput(lot=lot, method="RECOVER_WTE")],
        facility=FacilityFactory(),
        planned_date=planned_day(),
    )
    return services.submit_order(order=order, actor=warehouse_user)


def test_the_order_shows_every_finding_of_the_submit_check(api, admin_user, order_with_warning):
    body = api(admin_user).get(url(order_with_warning)).json()
    check = body["submit_check"]
    assert check["verdict"] == "needs_review"
    assert {f["severity"] for f in check["findings"]} >= {"warning"}
    assert {"rule": "X-MF-02", "lot": "BRU-LOT-APP"} in [
        {"rule": w["rule"], "lot": w["lot"]} for w in check["to_acknowledge"]
    ]
    assert next(w for w in check["to_acknowledge"] if w["rule"] == "X-MF-02")[
        "justification_required"
    ]


def test_approval_without_acknowledging_the_warnings_is_refused(
    api, admin_user, order_with_warning
):
    client = api(admin_user)
    response = client.post(url(order_with_warning, "approve"), {}, format="json")
    assert response.status_code == 400
    messages = response.json()["errors"]["acknowledgements"]
    assert any(m.startswith("Acknowledge the warning X-MF-02 (lot BRU-LOT-APP)") for m in messages)
    warnings = client.get(url(order_with_warning)).json()["submit_check"]["to_acknowledge"]
    unjustified = [{"rule": w["rule"], "lot": w["lot"]} for w in warnings]
    response = client.post(
        url(order_with_warning, "approve"), {"acknowledgements": unjustified}, format="json"
    )
    assert response.status_code == 400
    assert "give the justification" in response.json()["errors"]["acknowledgements"][0]
    response = client.post(
        url(order_with_warning, "approve"),
        {"acknowledgements": [{"rule": "X-ZZ-99", "lot": ""}]},
        format="json",
    )
    assert (
        "X-ZZ-99 is not a warning of the submit check."
        in (response.json()["errors"]["acknowledgements"])
    )
    order_with_warning.refresh_from_db()
    assert order_with_warning.status == OrderStatus.SUBMITTED


def test_an_approval_acknowledges_each_warning_and_stores_the_justification(
    api, admin_user, order_with_warning
):
    client = api(admin_user)
    warnings = client.get(url(order_with_warning)).json()["submit_check"]["to_acknowledge"]
    justification = "The shredder is booked out until next year."
    acknowledgements = [
        {
            "rule": w["rule"],
            "lot": w["lot"],
            "justification": justification if w["justification_required"] else "",
        }
        for w in warnings
    ]
    response = client.post(
        url(order_with_warning, "approve"), {"acknowledgements": acknowledgements}, format="json"
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "approved"
    stored = {(a["rule"], a["lot"]): a for a in body["approval_acknowledgements"]}
    assert set(stored) == {(w["rule"], w["lot"]) for w in warnings}
    assert stored[("X-MF-02", "BRU-LOT-APP")]["justification"] == justification
    assert stored[("X-MF-02", "BRU-LOT-APP")]["message"].startswith("Use the highest feasible")
    assert OrderLine.objects.get(order=order_with_warning).justification == justification
    # The approval's own check read the justification: X-MF-02 no longer warns.
    check = order_with_warning.compliance_checks.get(stage="approve")
    assert "X-MF-02" not in {f["rule"] for f in check.findings}

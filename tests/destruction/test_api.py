import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from destruction.models import DestructionOrder, EvidenceFile, Facility, OrderLine, OrderStatus
from seizures import services as seizure_services
from seizures.models import CustodyEvent, Lot, LotStatus
from tests.destruction.conftest import build_order, eligible_lot, planned_day
from tests.destruction.factories import FacilityFactory
from tests.destruction.test_evidence import PNG
from tests.seizures.factories import SeizureFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("without_compliance_hook")]

FACILITIES = "/api/v1/facilities/"
ORDERS = "/api/v1/destruction-orders/"


def url(order, action="") -> str:
    return f"{ORDERS}{order.pk}/{action + '/' if action else ''}"


def count_queries(client, path) -> int:
    client.get(path)  # warm-up: the user's permissions are cached from then on
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, response.json()
    return len(queries)


PERMIT = {
    "number": "OVAM-2024-117",
    "authority": "OVAM",
    "valid_from": "2024-01-01",
    "valid_until": "2029-12-31",
    "operations": ["R4", "R6"],
    "waste_codes": ["16 06 01*", "16 06 05"],
    "hazardous_allowed": True,
}


# --- facilities ----------------------------------------------------------------------------


def test_an_administrator_registers_a_facility_with_its_permits(api, admin_user):
    response = api(admin_user).post(
        FACILITIES,
        {
            "name": "BatteryBack Hoboken",
            "operator": "BatteryBack NV",
            "address": "Adolf Greinerstraat 14, 2660 Hoboken",
            "country": "BE",
            "certifications": ["ISO14001", "WEEE"],
            "permits": [PERMIT],
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["name"] == "BatteryBack Hoboken"
    assert body["permits"][0]["operations"] == ["R4", "R6"]
    facility = Facility.objects.get(name="BatteryBack Hoboken")
    assert facility.certifications == ["ISO14001", "WEEE"]
    assert facility.permits.get().hazardous_allowed is True


def test_changing_a_facilitys_permits_replaces_the_list(api, admin_user):
    facility = FacilityFactory(name="EcoTreat")

    response = api(admin_user).patch(
        f"{FACILITIES}{facility.pk}/",
        {"permits": [PERMIT], "active": False},
        format="json",
    )

    assert response.status_code == 200, response.json()
    facility.refresh_from_db()
    assert list(facility.permits.values_list("number", flat=True)) == ["OVAM-2024-117"]
    assert facility.active is False


def test_facility_input_errors_are_400_with_field_errors(api, admin_user):
    response = api(admin_user).post(
        FACILITIES,
        {
            "name": "X",
            "operator": "X",
            "address": "X",
            "country": "BE",
            "permits": [{**PERMIT, "operations": ["R99"]}, {**PERMIT, "valid_until": "2020-01-01"}],
        },
        format="json",
    )

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert "permits" in errors
    assert Facility.objects.count() == 0
    service_refusal = api(admin_user).post(
        FACILITIES,
        {
            "name": "Y",
            "operator": "Y",
            "address": "Y",
            "country": "BE",
            "permits": [{**PERMIT, "valid_until": "2020-01-01"}],
        },
        format="json",
    )
    assert service_refusal.status_code == 400
    assert service_refusal.json()["errors"]["permits"] == [
        "Permit OVAM-2024-117: valid until is before valid from."
    ]


def test_only_administrators_write_facilities_everyone_with_a_role_reads(
    api, warehouse_user, auditor_user, roleless_user
):
    facility = FacilityFactory()

    assert api(warehouse_user).post(FACILITIES, {}, format="json").status_code == 403
    assert api(warehouse_user).delete(f"{FACILITIES}{facility.pk}/").status_code == 403
    assert api(auditor_user).get(FACILITIES).status_code == 200
    assert api(roleless_user).get(FACILITIES).status_code == 403
    assert Facility.objects.count() == 1


def test_a_facility_named_by_an_order_cannot_be_deleted(api, admin_user, order_in):
    order = order_in()

    response = api(admin_user).delete(f"{FACILITIES}{order.facility_id}/")

    assert response.status_code == 400
    assert "no longer in use" in response.json()["detail"]
    assert Facility.objects.filter(pk=order.facility_id).exists()


def test_facilities_filter_by_operation_hazardous_and_validity(api, warehouse_user):
    FacilityFactory(name="Burner")  # R1 R3 R4 R5 R12 D10, hazardous, until 2028
    textile = FacilityFactory(name="Textile Loop", permit=None)
    textile.permits.create(
        number="T-1",
        authority="OVAM",
        valid_from="2024-01-01",
        valid_until="2026-01-31",
        operations=["R3"],
    )
    client = api(warehouse_user)

    def names(query):
        response = client.get(FACILITIES + query)
        assert response.status_code == 200, response.json()
        return [row["name"] for row in response.json()["results"]]

    assert names("?operation=R3") == ["Burner", "Textile Loop"]
    assert names("?operation=D10") == ["Burner"]
    assert names("?hazardous_allowed=false") == ["Textile Loop"]
    assert names("?valid_on=2027-06-01") == ["Burner"]
    bad = client.get(FACILITIES + "?valid_on=someday&operation=R99&country=XX")
    assert bad.status_code == 400
    assert set(bad.json()["errors"]) == {"valid_on", "operation", "country"}


def test_the_facility_list_runs_the_same_queries_for_one_and_many(api, warehouse_user):
    client = api(warehouse_user)
    FacilityFactory()
    one = count_queries(client, FACILITIES)
    for _ in range(5):
        FacilityFactory()
    assert count_queries(client, FACILITIES) == one


# --- orders: create and read ---------------------------------------------------------------


def create_body(lots, facility, **extra):
    return {
        "lines": [{"lot": lot.pk, "method": "RECYCLE_SHRED"} for lot in lots],
        "facility": facility.pk,
        "planned_date": planned_day().isoformat(),
        "carrier_name": "SafeHaul BV",
        "carrier_registration": "WASTE-CARRIER-123",
        "vehicle": "1-ABC-234",
        "seal_numbers": ["SEAL-1"],
        "planned_witnesses": [
            {"name": "Olga Officer", "organisation": "Customs", "role": "customs_officer"}
        ],
        **extra,
    }


def test_warehouse_staff_plan_an_order_from_eligible_lots(api, warehouse_user, facility):
    lots = [eligible_lot(), eligible_lot()]

    response = api(warehouse_user).post(ORDERS, create_body(lots, facility), format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "draft"
    assert body["lot_count"] == 2
    assert body["planned_weight_kg"] == "50.000"
    assert body["prepared_by"] == "Wanda " + warehouse_user.last_name
    assert [line["legal_basis"] for line in body["lines"]] == ["art23", "art23"]
    assert body["planned_witnesses"][0]["role"] == "customs_officer"
    assert body["record"] is None
    assert set(Lot.objects.values_list("status", flat=True)) == {LotStatus.ALLOCATED}


def test_order_creation_errors_are_400_with_field_errors(api, warehouse_user, facility):
    lot = eligible_lot(seizure=SeizureFactory(right_holder_agreement_on=None))
    client = api(warehouse_user)

    shape = client.post(ORDERS, {"lines": [], "planned_date": "soon"}, format="json")
    rule = client.post(ORDERS, create_body([lot], facility), format="json")

    assert shape.status_code == 400
    assert set(shape.json()["errors"]) == {"lines", "facility", "planned_date"}
    assert rule.status_code == 400
    # The request names the lots `lines`; the refusal comes back under the same name.
    assert set(rule.json()["errors"]) == {"lines"}
    assert "X-LB-02" in rule.json()["errors"]["lines"][0]
    assert rule.json()["detail"].startswith("lines: ")
    assert not DestructionOrder.objects.exists()


def test_auditors_cannot_plan_orders(api, auditor_user, facility):
    response = api(auditor_user).post(
        ORDERS, create_body([eligible_lot()], facility), format="json"
    )

    assert response.status_code == 403
    assert not DestructionOrder.objects.exists()


def test_allocating_an_allocated_lot_is_a_409(api, warehouse_user, facility, order_in):
    lot = order_in().lines.get().lot

    response = api(warehouse_user).post(ORDERS, create_body([lot], facility), format="json")

    assert response.status_code == 409
    assert response.json()["detail"].endswith(
        "is allocated to a destruction order, not in storage."
    )
    assert DestructionOrder.objects.count() == 1


def test_the_order_list_filters_and_its_queries_do_not_grow(api, auditor_user, order_in):
    client = api(auditor_user)
    first = order_in()
    one = count_queries(client, ORDERS)
    for _ in range(4):
        order_in(lots=[eligible_lot(), eligible_lot()])
    order_in(OrderStatus.SUBMITTED)

    assert count_queries(client, ORDERS) == one
    submitted = client.get(ORDERS + "?status=submitted").json()["results"]
    assert [row["status"] for row in submitted] == ["submitted"]
    by_lot = client.get(ORDERS + f"?q={first.lines.get().lot.reference}").json()["results"]
    assert [row["reference"] for row in by_lot] == [first.reference]
    assert [row["lot_count"] for row in by_lot] == [1]
    bad = client.get(ORDERS + "?status=burnt&planned_date_after=tomorrow&facility=x")
    assert bad.status_code == 400
    assert set(bad.json()["errors"]) == {"status", "planned_date", "facility"}


def test_an_order_reads_in_the_same_queries_with_one_or_many_lots(api, auditor_user, order_in):
    client = api(auditor_user)
    small = order_in(OrderStatus.EXECUTED)
    large = order_in(OrderStatus.EXECUTED, lots=[eligible_lot() for _ in range(5)])

    assert count_queries(client, url(small)) == count_queries(client, url(large))
    body = client.get(url(large)).json()
    assert len(body["lines"]) == 5
    assert body["record"]["outputs"][0]["route"] == "recycled"
    assert body["record"]["witnesses"][0]["role"] == "customs_officer"


# --- orders: actions -----------------------------------------------------------------------


def test_the_full_workflow_through_the_api(api, warehouse_user, admin_user, facility):
    lots = [eligible_lot(), eligible_lot()]
    staff, admin = api(warehouse_user), api(admin_user)
    order = DestructionOrder.objects.get(
        pk=staff.post(ORDERS, create_body(lots, facility), format="json").json()["id"]
    )

    submitted = staff.post(url(order, "submit"))
    own = staff.post(url(order, "approve"))
    approved = admin.post(url(order, "approve"))
    dispatched = staff.post(
        url(order, "dispatch"),
        {
            "line_weights": [{"lot": lot.pk, "weight_kg": "25.100"} for lot in lots],
            "seal_numbers": ["SEAL-77"],
        },
        format="json",
    )
    now = timezone.now().isoformat()
    recorded = staff.post(
        url(order, "record"),
        {
            "started_at": now,
            "ended_at": now,
            "gate_weight_kg": "50.000",
            "weighbridge_ticket": "WB-1",
            "actual_methods": [{"lot": lots[0].pk, "method": "RECOVER_WTE"}],
            "temperature_c": 1050,
            "outputs": [
                {"route": "recycled", "weight_kg": "30", "destination": "Fibre plant"},
                {"route": "energy_recovery", "weight_kg": "20", "destination": "Doel WtE"},
            ],
            "witnesses": [
                {"name": "Olga Officer", "organisation": "Customs", "role": "customs_officer"}
            ],
        },
        format="json",
    )
    evidence = staff.post(
        url(order, "evidence"),
        {"kind": "photo", "file": SimpleUploadedFile("shredder.png", PNG)},
        format="multipart",
    )

    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    assert own.status_code == 403  # warehouse staff hold no approve permission
    assert approved.status_code == 200 and approved.json()["approved_by"].startswith("Ada")
    assert dispatched.status_code == 200, dispatched.json()
    assert dispatched.json()["dispatch_weight_kg"] == "50.200"
    assert dispatched.json()["seal_numbers"] == ["SEAL-77"]
    assert recorded.status_code == 200, recorded.json()
    body = recorded.json()
    assert body["status"] == "executed"
    assert body["record"]["mass_balance_deviation"] is False
    assert {line["actual_method"] for line in body["lines"]} == {"RECOVER_WTE", "RECYCLE_SHRED"}
    assert evidence.status_code == 201, evidence.json()
    [file] = evidence.json()["record"]["evidence"]
    assert file["sha256"] == hashlib.sha256(PNG).hexdigest()
    assert file["content_type"] == "image/png"
    download = api(admin_user).get(file["download"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PNG
    assert download["Content-Type"] == "image/png"
    assert "attachment" in download["Content-Disposition"]
    assert download["X-Content-Type-Options"] == "nosniff"
    for lot in lots:
        assert list(lot.custody_events.values_list("kind", flat=True).order_by("sequence")) == [
            "allocated",
            "order_submitted",
            "order_approved",
            "dispatched",
            "destroyed",
        ]


def test_the_preparer_gets_the_four_eyes_message_as_403(api, admin_user, warehouse_user):
    order = build_order(preparer=admin_user, approver=warehouse_user, status=OrderStatus.DRAFT)
    client = api(admin_user)
    client.post(url(order, "submit"))

    response = client.post(url(order, "approve"))

    assert response.status_code == 403
    assert response.json()["detail"].startswith("Four eyes: you prepared or submitted order")
    order.refresh_from_db()
    assert order.status == OrderStatus.SUBMITTED


@pytest.mark.parametrize(
    ("action", "status", "body", "field"),
    [
        ("dispatch", OrderStatus.APPROVED, {"total_weight_kg": "-1"}, "total_weight_kg"),
        ("dispatch", OrderStatus.APPROVED, {}, "total_weight_kg"),
        ("record", OrderStatus.DISPATCHED, {"gate_weight_kg": "x"}, "gate_weight_kg"),
        ("record", OrderStatus.DISPATCHED, {"outputs": [{"route": "moon"}]}, "outputs"),
        ("cancel", OrderStatus.DRAFT, {}, "reason"),
        ("add-lots", OrderStatus.DRAFT, {"lines": [{"lot": 0, "method": "X"}]}, "lines"),
        ("remove-lots", OrderStatus.DRAFT, {"lots": []}, "lots"),
        ("evidence", OrderStatus.EXECUTED, {"kind": "photo"}, "file"),
    ],
)
def test_bad_action_bodies_are_400_with_field_errors(
    api, warehouse_user, order_in, action, status, body, field
):
    order = order_in(status)
    events = CustodyEvent.objects.count()

    body_format = "multipart" if action == "evidence" else "json"
    response = api(warehouse_user).post(url(order, action), body, format=body_format)

    assert response.status_code == 400
    assert field in response.json()["errors"]
    order.refresh_from_db()
    assert order.status == status
    assert CustodyEvent.objects.count() == events


@pytest.mark.parametrize(
    ("action", "status"),
    [
        ("submit", OrderStatus.DRAFT),
        ("approve", OrderStatus.SUBMITTED),
        ("dispatch", OrderStatus.APPROVED),
        ("record", OrderStatus.DISPATCHED),
        ("cancel", OrderStatus.DRAFT),
        ("add-lots", OrderStatus.DRAFT),
        ("remove-lots", OrderStatus.DRAFT),
        ("evidence", OrderStatus.EXECUTED),
    ],
)
def test_auditors_cannot_act_on_orders(api, auditor_user, order_in, action, status):
    order = order_in(status)
    events = CustodyEvent.objects.count()
    lines = sorted(OrderLine.objects.values_list("lot_id", "active"))

    response = api(auditor_user).post(url(order, action), {}, format="json")

    assert response.status_code == 403
    assert response.json() == {
        "detail": "You do not have permission to perform this action.",
        "errors": {},
    }
    order.refresh_from_db()
    assert order.status == status
    assert CustodyEvent.objects.count() == events
    assert sorted(OrderLine.objects.values_list("lot_id", "active")) == lines


def test_acting_in_the_wrong_state_is_a_409(api, warehouse_user, order_in):
    order = order_in(OrderStatus.EXECUTED)

    response = api(warehouse_user).post(url(order, "cancel"), {"reason": "Too late"})

    assert response.status_code == 409
    assert response.json()["detail"] == (
        f"Order {order.reference} is executed; it cannot become cancelled."
    )


def test_a_mass_balance_breach_without_justification_is_a_400(api, warehouse_user, order_in):
    order = order_in(OrderStatus.DISPATCHED)
    now = timezone.now().isoformat()
    body = {
        "started_at": now,
        "ended_at": now,
        "gate_weight_kg": "40",
        "weighbridge_ticket": "WB-7",
        "outputs": [{"route": "recycled", "weight_kg": "40", "destination": "Fibre plant"}],
        "witnesses": [{"name": "O", "organisation": "Customs", "role": "customs_officer"}],
    }

    refused = api(warehouse_user).post(url(order, "record"), body, format="json")
    justified = api(warehouse_user).post(
        url(order, "record"),
        {**body, "deviation_justification": "Pallets weighed with the goods."},
        format="json",
    )

    assert refused.status_code == 400
    assert refused.json()["errors"]["deviation_justification"][0].startswith(
        "X-QM-02: gate weight 40.000 kg differs from the dispatch weight 25.000 kg"
    )
    assert justified.status_code == 200
    assert justified.json()["record"]["mass_balance_deviation"] is True


def test_evidence_files_download_only_with_permission(api, roleless_user, auditor_user, order_in):
    order = order_in(OrderStatus.EXECUTED)
    record = order.record
    evidence = EvidenceFile.objects.create(
        record=record,
        kind="photo",
        file=SimpleUploadedFile("p.png", PNG),
        original_name="p.png",
        content_type="image/png",
        size=len(PNG),
        sha256=hashlib.sha256(PNG).hexdigest(),
        uploaded_by=record.recorded_by,
    )
    path = url(order, f"evidence/{evidence.pk}")

    assert api(roleless_user).get(path).status_code == 403
    assert api().get(path).status_code == 401
    assert api(auditor_user).get(path).status_code == 200
    assert api(auditor_user).get(url(order, "evidence/999999")).status_code == 404


def test_eligible_lots_lists_only_what_may_be_planned_today(api, warehouse_user, auditor_user):
    ready = eligible_lot(description="Hooded sweatshirts")
    eligible_lot(seizure=SeizureFactory(right_holder_agreement_on=None))
    eligible_lot(status=LotStatus.ON_HOLD)
    client = api(warehouse_user)

    listed = client.get(ORDERS + "eligible-lots/")
    searched = client.get(ORDERS + "eligible-lots/?q=sweat&category=3a")
    bad = client.get(ORDERS + "eligible-lots/?category=zz&stored_since_after=x")

    assert [row["reference"] for row in listed.json()["results"]] == [ready.reference]
    assert listed.json()["results"][0]["legal_route"] == "standard"
    assert [row["id"] for row in searched.json()["results"]] == [ready.pk]
    assert bad.status_code == 400
    assert set(bad.json()["errors"]) == {"category", "stored_since"}
    assert api(auditor_user).get(ORDERS + "eligible-lots/").status_code == 403


def test_eligible_lots_runs_the_same_queries_for_one_and_many(api, warehouse_user):
    client = api(warehouse_user)
    eligible_lot()
    one = count_queries(client, ORDERS + "eligible-lots/")
    for _ in range(5):
        eligible_lot()
    assert count_queries(client, ORDERS + "eligible-lots/") == one


def test_the_schema_describes_the_destruction_endpoints(api, warehouse_user):
    response = api(warehouse_user).get("/api/schema/?format=json")

    paths = response.json()["paths"]
    for action in ("submit", "approve", "dispatch", "record", "cancel", "evidence"):
        assert f"/api/v1/destruction-orders/{{id}}/{action}/" in paths
    assert "/api/v1/facilities/{id}/" in paths
    record = paths["/api/v1/destruction-orders/{id}/record/"]["post"]
    assert "RecordRequest" in str(record["requestBody"])


def record_body(**overrides) -> dict:
    now = timezone.now().isoformat()
    return {
        "started_at": now,
        "ended_at": now,
        "gate_weight_kg": "25",
        "weighbridge_ticket": "WB-7",
        "outputs": [{"route": "recycled", "weight_kg": "25", "destination": "Fibre plant"}],
        "witnesses": [{"name": "O", "organisation": "Customs", "role": "customs_officer"}],
        **overrides,
    }


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"outputs": [{"route": "recycled", "weight_kg": "25"}]},
            "outputs",
            "Output 1: name the downstream destination of its 25.000 kg (X-MF-07).",
        ),
        (
            {"weighbridge_ticket": ""},
            "weighbridge_ticket",
            "X-QM-02: give the number of the weighbridge ticket of the gate weight.",
        ),
        (
            {"deviation_justification": "x" * 16000},
            "deviation_justification",
            "Ensure this field has no more than 4000 characters.",
        ),
        (
            {"customs_officer_present": False, "officer_absence_reason": "x" * 16000},
            "officer_absence_reason",
            "Ensure this field has no more than 2000 characters.",
        ),
    ],
    ids=["output without destination", "no ticket", "long justification", "long reason"],
)
def test_a_record_missing_a_destination_or_ticket_or_too_long_is_a_400(
    api, warehouse_user, order_in, overrides, field, message
):
    order = order_in(OrderStatus.DISPATCHED)
    events = CustodyEvent.objects.count()

    response = api(warehouse_user).post(
        url(order, "record"), record_body(**overrides), format="json"
    )

    assert response.status_code == 400
    assert response.json()["errors"][field] == [message]
    order.refresh_from_db()
    assert order.status == OrderStatus.DISPATCHED
    assert CustodyEvent.objects.count() == events


def test_a_hold_placed_after_dispatch_makes_the_record_a_409(
    api, warehouse_user, admin_user, order_in
):
    order = order_in(OrderStatus.DISPATCHED)
    lot = order.lines.get().lot
    seizure_services.place_hold(seizure=lot.seizure, reason="Court order", actor=admin_user)
    events = CustodyEvent.objects.count()

    response = api(warehouse_user).post(url(order, "record"), record_body(), format="json")

    assert response.status_code == 409
    assert response.json()["detail"] == (
        f"Lot {lot.reference}: seizure {lot.seizure.reference} is under a legal hold."
    )
    order.refresh_from_db()
    lot.refresh_from_db()
    assert (order.status, lot.status) == (OrderStatus.DISPATCHED, LotStatus.IN_TRANSIT)
    assert CustodyEvent.objects.count() == events


# --- line references and treatments ----------------------------------------------------------


def test_an_order_is_planned_with_line_references_and_they_are_corrected(
    api, warehouse_user, facility
):
    lot = eligible_lot()
    body = create_body([lot], facility)
    body["lines"][0].update(method="REUSE_DONATE", right_holder_consent_reference="RH-2026-114")
    client = api(warehouse_user)

    created = client.post(ORDERS, body, format="json")
    order = DestructionOrder.objects.get()
    corrected = client.post(
        url(order, "line-references"),
        {"lot": lot.pk, "customs_decision_reference": "BE-CUS-D-2026-77"},
        format="json",
    )

    assert created.status_code == 201, created.json()
    assert corrected.status_code == 200, corrected.json()
    line = corrected.json()["lines"][0]
    assert (
        line["right_holder_consent_reference"],
        line["customs_decision_reference"],
        line["lab_analysis_reference"],
    ) == ("RH-2026-114", "BE-CUS-D-2026-77", "")


def test_bad_line_references_are_400_and_a_submitted_order_409(api, warehouse_user, order_in):
    order = order_in()
    lot = order.lines.get().lot
    client = api(warehouse_user)

    too_long = client.post(
        url(order, "line-references"),
        {"lot": lot.pk, "lab_analysis_reference": "L" * 81},
        format="json",
    )
    empty = client.post(url(order, "line-references"), {"lot": lot.pk}, format="json")
    client.post(url(order, "submit"))
    submitted = client.post(
        url(order, "line-references"),
        {"lot": lot.pk, "lab_analysis_reference": "LAB-1"},
        format="json",
    )

    assert too_long.status_code == 400
    assert too_long.json()["errors"]["lab_analysis_reference"] == [
        "Ensure this field has no more than 80 characters."
    ]
    assert empty.status_code == 400
    assert empty.json()["errors"]["references"] == ["Give at least one reference to record."]
    assert submitted.status_code == 409
    assert submitted.json()["detail"] == (
        f"Order {order.reference} is submitted; only a draft order can edit references."
    )
    assert list(OrderLine.objects.values_list("lab_analysis_reference", flat=True)) == [""]


def test_the_record_takes_denaturing_and_neutralised_pyrotechnics(api, warehouse_user, order_in):
    order = order_in(OrderStatus.DISPATCHED)

    response = api(warehouse_user).post(
        url(order, "record"),
        record_body(denatured=True, pyrotechnics_neutralised="yes"),
        format="json",
    )
    bad = api(warehouse_user).post(
        url(order_in(OrderStatus.DISPATCHED), "record"),
        record_body(denatured="perhaps"),
        format="json",
    )

    assert response.status_code == 200, response.json()
    record = response.json()["record"]
    assert (record["denatured"], record["pyrotechnics_neutralised"]) == (True, True)
    assert bad.status_code == 400
    assert bad.json()["errors"]["denatured"] == ["Must be a valid boolean."]


def test_the_schema_documents_the_references_and_treatments(api, warehouse_user):
    schema = api(warehouse_user).get("/api/schema/?format=json").json()
    schemas = schema["components"]["schemas"]

    assert "/api/v1/destruction-orders/{id}/line-references/" in schema["paths"]
    for schema in ("LineInputRequest", "LineReferencesRequest", "OrderLine"):
        properties = schemas[schema]["properties"]
        for name in (
            "right_holder_consent_reference",
            "customs_decision_reference",
            "lab_analysis_reference",
        ):
            assert name in properties
    consent = schemas["LineReferencesRequest"]["properties"]["right_holder_consent_reference"]
    assert consent["maxLength"] == 80
    assert "X-RH-02" in consent["description"]
    for name in ("denatured", "pyrotechnics_neutralised"):
        assert schemas["RecordRequest"]["properties"][name]["type"] == "boolean"
        assert name in schemas["DestructionRecord"]["properties"]


def test_proposing_a_lot_id_beyond_any_database_id_is_a_400(api, admin_user):
    response = api(admin_user).post(
        "/api/v1/destruction-orders/propose/",
        {"lots": [2**63], "planned_on": "2099-01-01"},
        format="json",
    )
    assert response.status_code == 400
    assert "lots" in response.json()["errors"]

"""Records that complete (issue 14, item 4): the record answers with its compliance check and
the steps forward; evidence added afterwards runs the check again, so an order recorded through
the API alone reaches its certificate. The compliance hook is on, as in production."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from compliance.models import ComplianceCheck
from destruction.models import Certificate, OrderStatus
from tests.destruction.conftest import eligible_lot, planned_day
from tests.destruction.factories import TariffFactory
from tests.destruction.test_evidence import PNG

pytestmark = pytest.mark.django_db

ORDERS = "/api/v1/destruction-orders/"
MINUTES_STEP = "X-WE-04: upload the minutes of destruction signed by all witnesses as evidence of "


def record_body(weight: str = "25.000") -> dict:
    now = timezone.now().isoformat()
    return {
        "started_at": now,
        "ended_at": now,
        "gate_weight_kg": weight,
        "weighbridge_ticket": "WB-41",
        "debranded": True,
        "outputs": [{"route": "recycled", "weight_kg": weight, "destination": "Fibre plant"}],
        "witnesses": [
            {"name": "Olga Officer", "organisation": "Customs", "role": "customs_officer"}
        ],
    }


def dispatched_through_the_api(staff, admin, facility) -> int:
    lot = eligible_lot(gross_weight_kg="25.000")
    created = staff.post(
        ORDERS,
        {
            "lines": [{"lot": lot.pk, "method": "RECYCLE_SHRED"}],
            "facility": facility.pk,
            "planned_date": planned_day().isoformat(),
            "carrier_name": "SafeHaul BV",
            "carrier_registration": "WASTE-CARRIER-123",
            "vehicle": "1-ABC-234",
            "seal_numbers": ["SEAL-1"],
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    order = created.json()["id"]
    for client, step, body in (
        (staff, "submit", None),
        (admin, "approve", None),
        (staff, "dispatch", {"total_weight_kg": "25.000"}),
    ):
        response = client.post(f"{ORDERS}{order}/{step}/", body, format="json")
        assert response.status_code == 200, (step, response.json())
    return order


def test_an_order_recorded_through_the_api_reaches_its_certificate_once_minutes_are_added(
    api, warehouse_user, admin_user, facility
):
    staff, admin = api(warehouse_user), api(admin_user)
    order = dispatched_through_the_api(staff, admin, facility)

    recorded = staff.post(f"{ORDERS}{order}/record/", record_body(), format="json")
    refused = admin.post("/api/v1/certificates/", {"order": recorded.json()["reference"]})
    minutes = staff.post(
        f"{ORDERS}{order}/evidence/",
        {"kind": "minutes", "file": SimpleUploadedFile("minutes.png", PNG)},
        format="multipart",
    )
    issued = admin.post("/api/v1/certificates/", {"order": recorded.json()["reference"]})

    assert recorded.status_code == 200, recorded.json()
    check = recorded.json()["record_check"]
    assert check["verdict"] == "non_compliant"
    assert "X-WE-04" in {f["rule"] for f in check["findings"] if f["severity"] == "blocking"}
    [step] = check["next_steps"]
    assert step.startswith(MINUTES_STEP + "kind minutes")
    assert f"/api/v1/destruction-orders/{order}/evidence/" in step
    assert refused.status_code == 409
    assert "X-WE-04" in refused.json()["detail"]
    assert minutes.status_code == 201, minutes.json()
    rerun = minutes.json()["record_check"]
    assert rerun["verdict"] == "needs_review"  # the shredding of apparel warns (X-MF-02)
    assert rerun["next_steps"] == []
    stored = list(
        ComplianceCheck.objects.filter(order_id=order, stage="record")
        .order_by("id")
        .values_list("verdict", "checked_by")
    )
    assert stored == [("non_compliant", warehouse_user.pk), ("needs_review", warehouse_user.pk)]
    assert issued.status_code == 201, issued.json()
    certificate = Certificate.objects.get(order_id=order)
    assert certificate.snapshot["compliance"]["verdict"] == "needs_review"
    assert admin.get(f"{ORDERS}{order}/").json()["status"] == OrderStatus.CERTIFIED


def test_the_record_takes_its_evidence_files_in_one_multipart_request(
    api, warehouse_user, admin_user, facility
):
    staff = api(warehouse_user)
    order = dispatched_through_the_api(staff, api(admin_user), facility)
    TariffFactory()  # the destruction cost the record accrues (X-CO-01)

    recorded = staff.post(
        f"{ORDERS}{order}/record/",
        {
            "record": json.dumps(record_body()),
            "minutes": [SimpleUploadedFile("minutes.png", PNG)],
            "photo": [SimpleUploadedFile("a.png", PNG), SimpleUploadedFile("b.png", PNG)],
        },
        format="multipart",
    )

    assert recorded.status_code == 200, recorded.json()
    body = recorded.json()
    assert body["status"] == "executed"
    assert sorted((e["kind"], e["original_name"]) for e in body["record"]["evidence"]) == [
        ("minutes", "minutes.png"),
        ("photo", "a.png"),
        ("photo", "b.png"),
    ]
    # Minutes and photos with the record and its destruction cost accrued: nothing is missing,
    # and since rulebook 2026.3 the hierarchy check (X-MF-02) compares only with methods this
    # lot could have had.
    assert body["record_check"]["verdict"] == "compliant"
    assert body["record_check"]["next_steps"] == []
    assert ComplianceCheck.objects.get(order_id=order, stage="record").verdict == "compliant"


@pytest.mark.parametrize(
    ("parts", "field", "message"),
    [
        ({"record": "{not json"}, "record", "Not valid JSON."),
        ({"record": "[1, 2]"}, "record", "Give the record as a JSON object."),
        ({"record": "[" * 2000}, "record", "Not valid JSON."),
        (
            {"record": json.dumps({**record_body(), "weighbridge_ticket": ""})},
            "weighbridge_ticket",
            "X-QM-02: give the number of the weighbridge ticket of the gate weight.",
        ),
        (
            {
                "record": json.dumps(record_body()),
                "minutes": [SimpleUploadedFile("minutes.txt", b"not a document")],
            },
            "evidence",
            "minutes.txt: not a JPEG, PNG, WebP, PDF, MP4 or QuickTime file.",
        ),
    ],
    ids=["malformed", "not an object", "nested too deeply", "no ticket", "not a document"],
)
def test_a_bad_multipart_record_is_a_400_under_the_json_field_names(
    api, warehouse_user, admin_user, facility, parts, field, message
):
    staff = api(warehouse_user)
    order = dispatched_through_the_api(staff, api(admin_user), facility)

    response = staff.post(f"{ORDERS}{order}/record/", parts, format="multipart")

    assert response.status_code == 400
    assert response.json()["errors"][field] == [message]
    assert staff.get(f"{ORDERS}{order}/").json()["status"] == "dispatched"


def test_minutes_added_on_the_order_page_run_the_record_check_again(
    api, client, warehouse_user, admin_user, facility
):
    staff = api(warehouse_user)
    order = dispatched_through_the_api(staff, api(admin_user), facility)
    staff.post(f"{ORDERS}{order}/record/", record_body(), format="json")
    client.force_login(warehouse_user)
    blocked = client.get(f"/orders/{order}/").content.decode()

    response = client.post(
        f"/orders/{order}/evidence/",
        {"kind": "minutes", "file": SimpleUploadedFile("minutes.png", PNG)},
    )

    assert "the record check blocks the certificate" in blocked
    assert "upload the minutes of destruction signed by all witnesses" in blocked
    assert response.status_code == 302
    assert (
        "a certificate of destruction can be issued"
        in client.get(f"/orders/{order}/").content.decode()
    )
    latest = ComplianceCheck.objects.filter(order_id=order, stage="record").latest("id")
    assert latest.verdict == "needs_review"
    assert staff.get(f"{ORDERS}{order}/").json()["record_check"]["next_steps"] == []

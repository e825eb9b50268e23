import datetime
import hashlib
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from destruction.models import (
    DestructionOrder,
    DestructionRecord,
    EvidenceFile,
    Facility,
    OrderStatus,
)
from seizures.models import CustodyEvent, Lot, LotStatus
from tests.destruction.conftest import build_order, eligible_lot, planned_day
from tests.destruction.factories import FacilityFactory
from tests.destruction.test_evidence import PNG
from tests.seizures.factories import SeizureFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("without_compliance_hook")]


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client

    return login


def queries(client, path) -> int:
    client.get(path)  # warm-up: session and permission caches
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured)


def detail(order) -> str:
    return reverse("destruction:order-detail", args=[order.pk])


def action(order, name) -> str:
    return reverse(f"destruction:order-{name}", args=[order.pk])


def test_pages_need_a_login_and_the_permission(client, as_user, roleless_user, auditor_user):
    assert client.get(reverse("destruction:order-list")).status_code == 302
    roleless = as_user(roleless_user)
    for name in ("order-list", "planner", "approval-queue", "facility-list"):
        assert roleless.get(reverse(f"destruction:{name}")).status_code == 403
    auditor = as_user(auditor_user)
    assert auditor.get(reverse("destruction:order-list")).status_code == 200
    assert auditor.get(reverse("destruction:planner")).status_code == 403
    assert auditor.get(reverse("destruction:approval-queue")).status_code == 403


def test_the_order_list_filters_and_runs_constant_queries(as_user, auditor_user, order_in):
    client = as_user(auditor_user)
    first = order_in()
    one = queries(client, reverse("destruction:order-list"))
    for _ in range(4):
        order_in(OrderStatus.SUBMITTED, lots=[eligible_lot(), eligible_lot()])

    assert queries(client, reverse("destruction:order-list")) == one
    page = client.get(reverse("destruction:order-list") + "?status=draft").content.decode()
    assert first.reference in page
    assert page.count("badge-submitted") == 0
    bad = client.get(reverse("destruction:order-list") + "?planned_date_after=soon")
    assert bad.status_code == 200
    assert "Some filters are not valid" in bad.content.decode()


def test_the_approval_queue_lists_submitted_orders_and_marks_your_own(
    as_user, admin_user, warehouse_user, order_in
):
    client = as_user(admin_user)
    waiting = order_in(OrderStatus.SUBMITTED)
    order_in()  # a draft is not waiting
    one = queries(client, reverse("destruction:approval-queue"))
    order_in(OrderStatus.SUBMITTED)
    order_in(OrderStatus.SUBMITTED)

    assert queries(client, reverse("destruction:approval-queue")) == one
    page = client.get(reverse("destruction:approval-queue")).content.decode()
    assert waiting.reference in page
    assert page.count("badge-submitted") == 3
    mine = build_order(preparer=admin_user, approver=warehouse_user, status=OrderStatus.SUBMITTED)
    page = client.get(reverse("destruction:approval-queue")).content.decode()
    assert f"{mine.reference}</a>" in page
    assert '<span class="badge">you</span>' in page


def test_the_facility_pages_show_permits_and_run_constant_queries(as_user, warehouse_user):
    client = as_user(warehouse_user)
    facility = FacilityFactory(name="EcoTreat Antwerp")
    one = queries(client, reverse("destruction:facility-list"))
    for _ in range(4):
        FacilityFactory()

    assert queries(client, reverse("destruction:facility-list")) == one
    page = client.get(reverse("destruction:facility-detail", args=[facility.pk])).content.decode()
    permit = facility.permits.get()
    assert permit.number in page
    assert "R1, R3, R4, R5, R12, D10" in page


def test_the_planner_lists_eligible_lots_with_constant_queries(as_user, warehouse_user):
    client = as_user(warehouse_user)
    ready = eligible_lot(description="Hooded sweatshirts")
    waiting = eligible_lot(
        seizure=SeizureFactory(deadline=timezone.localdate() + datetime.timedelta(days=3))
    )
    one = queries(client, reverse("destruction:planner"))
    for _ in range(4):
        eligible_lot()

    assert queries(client, reverse("destruction:planner")) == one
    page = client.get(reverse("destruction:planner")).content.decode()
    assert ready.reference in page
    assert waiting.reference not in page
    filtered = client.get(reverse("destruction:planner") + "?q=sweat").content.decode()
    assert filtered.count('name="lots"') == 1


def test_planning_an_order_from_ticked_and_scanned_lots(as_user, warehouse_user, facility):
    client = as_user(warehouse_user)
    ticked = eligible_lot()
    scanned = eligible_lot()

    response = client.post(
        reverse("destruction:planner"),
        {
            "lots": [ticked.pk],
            f"method_{ticked.pk}": "RECOVER_WTE",
            "scanned": f"{scanned.reference}\n{scanned.reference}\n",
            "facility": facility.pk,
            "planned_date": planned_day().isoformat(),
            "method": "RECYCLE_SHRED",
            "cost_currency": "EUR",
            "seal_numbers": "SEAL-1\nSEAL-2",
            "planned_witnesses": "Olga Officer; Customs; customs_officer",
        },
    )

    order = DestructionOrder.objects.get()
    assert response.status_code == 302
    assert response["Location"] == detail(order)
    assert dict(order.lines.values_list("lot_id", "method")) == {
        ticked.pk: "RECOVER_WTE",
        scanned.pk: "RECYCLE_SHRED",
    }
    assert order.seal_numbers == ["SEAL-1", "SEAL-2"]
    assert order.planned_witnesses == [
        {"name": "Olga Officer", "organisation": "Customs", "role": "customs_officer"}
    ]


def test_the_planner_shows_refusals_as_form_errors(as_user, warehouse_user, facility):
    client = as_user(warehouse_user)
    lot = eligible_lot(seizure=SeizureFactory(right_holder_agreement_on=None))
    body = {
        "facility": facility.pk,
        "planned_date": planned_day().isoformat(),
        "method": "RECYCLE_SHRED",
        "cost_currency": "EUR",
    }

    nothing = client.post(reverse("destruction:planner"), body)
    unknown = client.post(reverse("destruction:planner"), {**body, "scanned": "NO-SUCH-LOT"})
    refused = client.post(reverse("destruction:planner"), {**body, "lots": [lot.pk]})

    assert nothing.status_code == 400
    assert "Tick or scan at least one lot." in nothing.content.decode()
    assert "Unknown lot reference: NO-SUCH-LOT." in unknown.content.decode()
    assert "X-LB-02: the right holder&#x27;s written agreement" in refused.content.decode()
    assert not DestructionOrder.objects.exists()


def test_the_workflow_through_the_pages(as_user, warehouse_user, admin_user, order_in):
    order = order_in()
    staff = as_user(warehouse_user)

    staff.post(action(order, "submit"))
    order.refresh_from_db()
    assert order.status == OrderStatus.SUBMITTED
    assert "Waiting for approval by an administrator." in staff.get(detail(order)).content.decode()

    admin = as_user(admin_user)
    admin.post(action(order, "approve"))
    order.refresh_from_db()
    assert (order.status, order.approved_by) == (OrderStatus.APPROVED, admin_user)

    staff = as_user(warehouse_user)
    bad = staff.post(
        action(order, "dispatch"), {"total_weight_kg": "-3", "vehicle": "", "seal_numbers": ""}
    )
    assert bad.status_code == 400
    assert "Ensure this value is greater than or equal to 0." in bad.content.decode()
    staff.post(
        action(order, "dispatch"),
        {"total_weight_kg": "25.2", "vehicle": "1-XYZ-999", "seal_numbers": "S-1\nS-2"},
    )
    order.refresh_from_db()
    assert (order.status, order.dispatch_weight_kg) == (OrderStatus.DISPATCHED, Decimal("25.2"))

    page = staff.get(action(order, "record"))
    assert page.status_code == 200
    now = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    lot = order.lines.get().lot
    response = staff.post(
        action(order, "record"),
        {
            "started_at": now,
            "ended_at": now,
            "gate_weight_kg": "25.0",
            "weighbridge_ticket": "WB-42",
            "customs_officer_present": "on",
            "debranded": "on",
            f"method_{lot.pk}": "RECYCLE_SHRED",
            "outputs-TOTAL_FORMS": "1",
            "outputs-INITIAL_FORMS": "0",
            "outputs-0-route": "recycled",
            "outputs-0-weight_kg": "24.8",
            "outputs-0-destination": "Fibre plant Gent",
            "witnesses-TOTAL_FORMS": "1",
            "witnesses-INITIAL_FORMS": "0",
            "witnesses-0-name": "Olga Officer",
            "witnesses-0-organisation": "Customs",
            "witnesses-0-role": "customs_officer",
            "evidence-TOTAL_FORMS": "1",
            "evidence-INITIAL_FORMS": "0",
            "evidence-0-kind": "photo",
            "evidence-0-file": SimpleUploadedFile("shredder.png", PNG),
        },
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    order.refresh_from_db()
    lot.refresh_from_db()
    assert order.status == OrderStatus.EXECUTED
    assert lot.status == LotStatus.DESTROYED
    evidence = EvidenceFile.objects.get()
    assert evidence.sha256 == hashlib.sha256(PNG).hexdigest()
    page = staff.get(detail(order)).content.decode()
    assert "within tolerance" in page
    assert evidence.sha256 in page
    for title in ("Order prepared", "Submitted for approval", "Approved", "Dispatched"):
        assert title in page
    assert "Custody: destroyed" in page


def test_the_four_eyes_refusal_shows_on_the_page(as_user, admin_user, warehouse_user):
    order = build_order(preparer=admin_user, approver=warehouse_user)
    client = as_user(admin_user)
    client.post(action(order, "submit"))

    response = client.post(action(order, "approve"), follow=True)

    assert "Four eyes: you prepared or submitted order" in response.content.decode()
    order.refresh_from_db()
    assert order.status == OrderStatus.SUBMITTED


def test_a_record_with_a_breach_and_no_justification_is_shown_again(
    as_user, warehouse_user, order_in
):
    order = order_in(OrderStatus.DISPATCHED)
    now = timezone.localtime().strftime("%Y-%m-%dT%H:%M")

    response = as_user(warehouse_user).post(
        action(order, "record"),
        {
            "started_at": now,
            "ended_at": now,
            "gate_weight_kg": "40",
            "weighbridge_ticket": "WB-7",
            "customs_officer_present": "on",
            "outputs-TOTAL_FORMS": "1",
            "outputs-INITIAL_FORMS": "0",
            "outputs-0-route": "recycled",
            "outputs-0-weight_kg": "40",
            "outputs-0-destination": "Fibre plant Gent",
            "witnesses-TOTAL_FORMS": "1",
            "witnesses-INITIAL_FORMS": "0",
            "witnesses-0-name": "Olga",
            "witnesses-0-organisation": "Customs",
            "witnesses-0-role": "customs_officer",
            "evidence-TOTAL_FORMS": "0",
            "evidence-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 400
    assert "X-QM-02: gate weight 40 kg differs" in response.content.decode()
    order.refresh_from_db()
    assert order.status == OrderStatus.DISPATCHED


def test_evidence_is_downloaded_only_with_the_permission(
    as_user, roleless_user, auditor_user, warehouse_user, order_in
):
    order = order_in(OrderStatus.EXECUTED)
    staff = as_user(warehouse_user)
    staff.post(
        action(order, "evidence"),
        {"kind": "weighbridge_ticket", "file": SimpleUploadedFile("ticket.pdf", b"%PDF-1.4 x")},
    )
    refused = staff.post(
        action(order, "evidence"),
        {"kind": "photo", "file": SimpleUploadedFile("fake.png", b"#!/bin/sh\nrm -rf /")},
    )
    evidence = EvidenceFile.objects.get()
    url = reverse("destruction:evidence-download", args=[evidence.pk])

    assert refused.status_code == 400
    assert "fake.png: not a JPEG, PNG" in refused.content.decode()
    assert as_user(roleless_user).get(url).status_code == 403
    download = as_user(auditor_user).get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 x"
    assert download["Content-Type"] == "application/pdf"


def test_draft_orders_take_and_give_back_lots_by_scan(as_user, warehouse_user, order_in):
    order = order_in()
    first = order.lines.get().lot
    extra = eligible_lot(first.seizure.office)
    client = as_user(warehouse_user)

    client.post(action(order, "add-lots"), {"scanned": extra.reference, "method": "RECOVER_WTE"})
    client.post(action(order, "remove-lot"), {"lot": first.pk})

    assert list(order.lines.filter(active=True).values_list("lot_id", flat=True)) == [extra.pk]
    first.refresh_from_db()
    assert first.status == LotStatus.IN_STORAGE


def test_cancelling_on_the_page_needs_a_reason(as_user, warehouse_user, order_in):
    order = order_in(OrderStatus.APPROVED)
    client = as_user(warehouse_user)

    refused = client.post(action(order, "cancel"), {"reason": ""})
    client.post(action(order, "cancel"), {"reason": "Facility closed for maintenance"})

    assert refused.status_code == 400
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED


def test_the_dashboard_counts_orders_by_step(as_user, warehouse_user, order_in):
    order_in(OrderStatus.SUBMITTED)
    eligible_lot()

    page = as_user(warehouse_user).get("/").content.decode()

    assert "Awaiting approval" in page
    assert '?status=submitted">1</a>' in page
    assert 'Lots ready to plan</dt><dd><a href="/orders/plan/">1</a></dd>' in page


def test_the_admin_refuses_unknown_permit_codes(facility):
    permit = facility.permits.get()
    permit.operations = ["R99"]
    with pytest.raises(ValidationError) as refused:
        permit.full_clean()
    assert "unknown: R99" in refused.value.message_dict["operations"][0]


def test_the_order_page_names_methods_and_witness_roles(as_user, warehouse_user, order_in):
    order = order_in(
        planned_witnesses=[
            {"name": "Lotte Maes", "organisation": "Customs", "role": "customs_officer"}
        ]
    )
    page = as_user(warehouse_user).get(detail(order)).content.decode()
    assert "Lotte Maes (Customs, customs officer)" in page
    assert "Shredding or granulating, then material recycling" in page
    assert "(RECYCLE_SHRED)" in page


def planner_body(facility, **extra) -> dict:
    return {
        "facility": facility.pk,
        "planned_date": planned_day().isoformat(),
        "method": "RECYCLE_SHRED",
        "cost_currency": "EUR",
        **extra,
    }


@pytest.mark.parametrize("value", ["abc", "9" * 23, "١٢", "-1"])
def test_the_planner_refuses_ticked_values_that_are_not_lot_ids(
    as_user, warehouse_user, facility, value
):
    lot = eligible_lot()

    response = as_user(warehouse_user).post(
        reverse("destruction:planner"), planner_body(facility, lots=[lot.pk, value])
    )

    assert response.status_code == 400
    assert "Lot ids are numbers of up to 18 digits." in response.content.decode()
    assert not DestructionOrder.objects.exists()
    lot.refresh_from_db()
    assert lot.status == LotStatus.IN_STORAGE


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("abc", "Lot ids are numbers of up to 18 digits."),
        ("9" * 23, "Lot ids are numbers of up to 18 digits."),
        ("", "This field is required."),
        ("9" * 18, f"No lot has id {'9' * 18}."),
    ],
)
def test_removing_a_lot_by_a_value_that_names_no_lot_is_refused(
    as_user, warehouse_user, order_in, value, message
):
    order = order_in(lots=[eligible_lot(), eligible_lot()])
    lines = sorted(order.lines.values_list("lot_id", "active"))
    events = CustodyEvent.objects.count()

    response = as_user(warehouse_user).post(action(order, "remove-lot"), {"lot": value})

    assert response.status_code == 400
    assert message in response.content.decode()
    assert sorted(order.lines.values_list("lot_id", "active")) == lines
    assert CustodyEvent.objects.count() == events
    assert set(Lot.objects.values_list("status", flat=True)) == {LotStatus.ALLOCATED}


def test_warehouse_staff_cannot_approve_on_the_page(as_user, warehouse_user, order_in):
    order = order_in(OrderStatus.SUBMITTED)
    events = CustodyEvent.objects.count()

    response = as_user(warehouse_user).post(action(order, "approve"))

    assert response.status_code == 403
    order.refresh_from_db()
    assert (order.status, order.approved_by, order.approved_at) == (
        OrderStatus.SUBMITTED,
        None,
        None,
    )
    assert CustodyEvent.objects.count() == events


def record_form(**overrides) -> dict:
    now = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    return {
        "started_at": now,
        "ended_at": now,
        "gate_weight_kg": "25",
        "weighbridge_ticket": "WB-42",
        "customs_officer_present": "on",
        "outputs-TOTAL_FORMS": "1",
        "outputs-INITIAL_FORMS": "0",
        "outputs-0-route": "recycled",
        "outputs-0-weight_kg": "25",
        "outputs-0-destination": "Fibre plant Gent",
        "witnesses-TOTAL_FORMS": "1",
        "witnesses-INITIAL_FORMS": "0",
        "witnesses-0-name": "Olga",
        "witnesses-0-organisation": "Customs",
        "witnesses-0-role": "customs_officer",
        "evidence-TOTAL_FORMS": "0",
        "evidence-INITIAL_FORMS": "0",
        **overrides,
    }


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"outputs-0-destination": ""},
            "Output 1: name the downstream destination of its 25 kg (X-MF-07).",
        ),
        (
            {"weighbridge_ticket": ""},
            "X-QM-02: give the number of the weighbridge ticket of the gate weight.",
        ),
        (
            {"deviation_justification": "x" * 16000},
            "Ensure this value has at most 4000 characters (it has 16000).",
        ),
        (
            {"customs_officer_present": "", "officer_absence_reason": "x" * 16000},
            "Ensure this value has at most 2000 characters (it has 16000).",
        ),
    ],
    ids=["output without destination", "no ticket", "long justification", "long reason"],
)
def test_the_record_form_shows_missing_and_overlong_values(
    as_user, warehouse_user, order_in, overrides, message
):
    order = order_in(OrderStatus.DISPATCHED)
    events = CustodyEvent.objects.count()

    response = as_user(warehouse_user).post(action(order, "record"), record_form(**overrides))

    assert response.status_code == 400
    assert message in response.content.decode()
    order.refresh_from_db()
    assert order.status == OrderStatus.DISPATCHED
    assert not DestructionRecord.objects.exists()
    assert CustodyEvent.objects.count() == events


def test_the_admin_refuses_unknown_certifications(as_user, admin_user):
    response = as_user(admin_user).post(
        reverse("admin:destruction_facility_add"),
        {
            "name": "Bogus Plant",
            "operator": "Bogus NV",
            "address": "Somewhere 1",
            "country": "BE",
            "certifications": '["BOGUS", 5]',
            "active": "on",
            "permits-TOTAL_FORMS": "0",
            "permits-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 200
    assert (
        "Unknown certification BOGUS, 5; choose from ISO14001, WEEE, R2, E_STEWARDS."
        in response.content.decode()
    )
    assert not Facility.objects.exists()


# --- line references and treatments ----------------------------------------------------------


def test_the_planner_takes_the_references_of_each_lot(as_user, warehouse_user, facility):
    lot = eligible_lot()

    response = as_user(warehouse_user).post(
        reverse("destruction:planner"),
        {
            "lots": [lot.pk],
            f"method_{lot.pk}": "REUSE_DONATE",
            f"right_holder_consent_reference_{lot.pk}": "RH-2026-114",
            f"customs_decision_reference_{lot.pk}": " BE-CUS-D-2026-77 ",
            "facility": facility.pk,
            "planned_date": planned_day().isoformat(),
            "method": "RECYCLE_SHRED",
            "cost_currency": "EUR",
        },
    )

    order = DestructionOrder.objects.get()
    assert response.status_code == 302
    assert list(
        order.lines.values_list(
            "method", "right_holder_consent_reference", "customs_decision_reference"
        )
    ) == [("REUSE_DONATE", "RH-2026-114", "BE-CUS-D-2026-77")]


def test_the_planner_shows_an_overlong_reference_and_keeps_the_values(
    as_user, warehouse_user, facility
):
    lot = eligible_lot()

    response = as_user(warehouse_user).post(
        reverse("destruction:planner"),
        {
            "lots": [lot.pk],
            f"lab_analysis_reference_{lot.pk}": "L" * 81,
            "facility": facility.pk,
            "planned_date": planned_day().isoformat(),
            "method": "RECYCLE_SHRED",
            "cost_currency": "EUR",
        },
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert f"Lot {lot.reference}: At most 80 characters (81 given)." in page
    assert f'name="lab_analysis_reference_{lot.pk}" value="{"L" * 81}"' in page
    assert not DestructionOrder.objects.exists()


def test_the_order_page_edits_a_draft_lines_references(as_user, warehouse_user, order_in):
    order = order_in()
    lot = order.lines.get().lot
    client = as_user(warehouse_user)

    saved = client.post(
        action(order, "line-references"),
        {
            "lot": lot.pk,
            "right_holder_consent_reference": "RH-2026-114",
            "customs_decision_reference": "BE-CUS-D-2026-77",
            "lab_analysis_reference": "",
        },
        follow=True,
    )
    refused = client.post(
        action(order, "line-references"),
        {"lot": lot.pk, "right_holder_consent_reference": "R" * 81},
    )

    assert saved.status_code == 200
    page = saved.content.decode()
    assert f"References of lot {lot.reference} saved." in page
    assert "Consent: RH-2026-114" in page
    assert "Customs decision: BE-CUS-D-2026-77" in page
    assert refused.status_code == 400
    assert "Ensure this value has at most 80 characters (it has 81)." in refused.content.decode()
    assert list(
        order.lines.values_list("right_holder_consent_reference", "customs_decision_reference")
    ) == [("RH-2026-114", "BE-CUS-D-2026-77")]


def test_only_a_draft_shows_the_reference_forms_and_takes_their_post(
    as_user, warehouse_user, auditor_user, order_in
):
    order = order_in(OrderStatus.SUBMITTED)
    lot = order.lines.get().lot

    page = as_user(warehouse_user).get(detail(order)).content.decode()
    refused = as_user(warehouse_user).post(
        action(order, "line-references"),
        {"lot": lot.pk, "lab_analysis_reference": "LAB-1"},
        follow=True,
    )
    auditor = as_user(auditor_user).post(
        action(order, "line-references"), {"lot": lot.pk, "lab_analysis_reference": "LAB-1"}
    )

    assert "Edit references" not in page
    assert f"Order {order.reference} is submitted; only a draft order can edit references." in (
        refused.content.decode()
    )
    assert auditor.status_code == 403
    assert list(order.lines.values_list("lab_analysis_reference", flat=True)) == [""]


def test_the_record_form_takes_denaturing_and_neutralised_pyrotechnics(
    as_user, warehouse_user, order_in
):
    order = order_in(OrderStatus.DISPATCHED)
    client = as_user(warehouse_user)

    response = client.post(
        action(order, "record"),
        record_form(denatured="on", pyrotechnics_neutralised="on"),
        follow=True,
    )

    record = DestructionRecord.objects.get(order=order)
    assert (record.denatured, record.pyrotechnics_neutralised, record.debranded) == (
        True,
        True,
        False,
    )
    assert "denatured · pyrotechnics neutralised" in response.content.decode()

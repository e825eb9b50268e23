import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader

from seizures import services
from seizures.models import CustodyEvent, Lot, LotStatus, Seizure, StorageLocation
from tests.seizures.conftest import log_seizure, lot_input
from tests.seizures.factories import CustomsOfficeFactory

pytestmark = pytest.mark.django_db
EXAMPLE = Path(__file__).resolve().parents[2] / "seizures" / "examples" / "small_consignments.csv"


def seizure_payload(office, **overrides):
    payload = {
        "office": office.pk,
        "detained_on": "2026-03-02",
        "transport_mode": "air",
        "provenance_country": "CN",
        "ipr_type": "eu_trade_mark",
        "customs_procedure": "free_circulation",
        "action_type": "ex_officio",
        "legal_route": "standard",
        "notified_on": "2026-03-03",
        "lots": [
            {
                "category": "3a",
                "description": "T-shirts",
                "articles": 120,
                "gross_weight_kg": "30.5",
            },
            {
                "category": "2a",
                "description": "Perfume",
                "articles": 48,
                "gross_weight_kg": "9.6",
                "retail_value": "4800.00",
            },
        ],
    }
    payload.update(overrides)
    return payload


# --- seizures -----------------------------------------------------------------------------


def test_post_seizure_creates_it_with_nested_lots_and_events(api, warehouse_user, office):
    response = api(warehouse_user).post("/api/v1/seizures/", seizure_payload(office), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["reference"] == "BRU-2026-00001" and body["deadline"] == "2026-03-17"
    assert [lot["reference"] for lot in body["lots"]] == ["BRU-2026-00001-01", "BRU-2026-00001-02"]
    assert body["lots"][1]["hazard_classes"] == ["3", "2.1"]
    seizure = Seizure.objects.get()
    assert seizure.created_by == warehouse_user and seizure.lots.count() == 2
    assert CustodyEvent.objects.filter(lot__seizure=seizure, kind="created").count() == 2


def test_post_seizure_reports_field_errors(api, warehouse_user, office):
    payload = seizure_payload(office, transport_mode="teleport", provenance_country="XX")
    payload["lots"][1]["articles"] = 0
    del payload["office"]
    response = api(warehouse_user).post("/api/v1/seizures/", payload, format="json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert {"office", "transport_mode", "provenance_country", "lots"} <= set(errors)
    assert "articles" in errors["lots"]["1"]  # DRF keys list errors by index
    assert not Seizure.objects.exists()


def test_post_seizure_reports_service_rule_errors_by_lot(api, warehouse_user, office, general_bay):
    payload = seizure_payload(office)
    payload["lots"][1]["location"] = general_bay.pk  # perfume in a non-hazardous bay
    response = api(warehouse_user).post("/api/v1/seizures/", payload, format="json")
    assert response.status_code == 400
    assert "X-CC-04" in response.json()["errors"]["lots[1].location"][0]
    assert not Lot.objects.exists()


def test_auditors_cannot_create_seizures(api, auditor_user, office):
    response = api(auditor_user).post("/api/v1/seizures/", seizure_payload(office), format="json")
    assert response.status_code == 403
    assert not Seizure.objects.exists()


def test_seizure_list_filters_and_rejects_malformed_filters(
    api, warehouse_user, auditor_user, office, right_holder
):
    log_seizure(warehouse_user, office)
    log_seizure(
        warehouse_user,
        office,
        transport_mode="postal",
        provenance_country="TR",
        right_holder=right_holder,
        lots=[lot_input(category="2a")],
    )
    client = api(auditor_user)
    assert client.get("/api/v1/seizures/").json()["count"] == 2
    filtered = client.get("/api/v1/seizures/?transport_mode=postal&provenance_country=TR").json()
    assert [s["reference"] for s in filtered["results"]] == ["BRU-2026-00002"]
    assert client.get("/api/v1/seizures/?waste_class=COS").json()["count"] == 1
    assert client.get(f"/api/v1/seizures/?right_holder={right_holder.pk}").json()["count"] == 1
    assert client.get("/api/v1/seizures/?q=00001").json()["count"] == 1
    ordered = client.get("/api/v1/seizures/?ordering=reference").json()["results"]
    assert [s["reference"] for s in ordered] == ["BRU-2026-00001", "BRU-2026-00002"]
    for bad in (
        "office=abc",
        "detained_on_after=yesterday",
        "ordering=secret",
        "deadline_before=2026-13-01",
    ):
        response = client.get(f"/api/v1/seizures/?{bad}")
        assert response.status_code == 400, bad
        assert response.json()["errors"]
    assert api().get("/api/v1/seizures/").status_code == 401


@pytest.mark.parametrize("value", ["perhaps", "2", "tru", "\x00"])
def test_yes_no_filters_read_true_false_one_zero_and_refuse_anything_else(
    api, client, warehouse_user, office, value
):
    log_seizure(warehouse_user, office, lots=[lot_input(), lot_input(high_risk=True)])
    api_client = api(warehouse_user)
    client.force_login(warehouse_user)

    def count(query: str) -> int:
        return api_client.get(f"/api/v1/lots/?{query}").json()["count"]

    refused = api_client.get("/api/v1/lots/", {"high_risk": value})
    page = client.get("/lots/", {"high_risk": value})

    assert (count("high_risk=true"), count("high_risk=1"), count("high_risk=FALSE")) == (1, 1, 1)
    assert count("high_risk=") == 2
    assert refused.status_code == 400
    assert refused.json()["errors"]["high_risk"][0].startswith("Use true or false (or 1 or 0)")
    assert page.status_code == 200
    assert "Some filters are not valid" in page.text and "BRU-2026-00001-01" not in page.text


def test_roleless_users_cannot_read_seizures(api, roleless_user):
    assert api(roleless_user).get("/api/v1/seizures/").status_code == 403


def test_patch_seizure_recomputes_the_deadline(api, warehouse_user, auditor_user, office):
    seizure = log_seizure(warehouse_user, office, notified_on=None)
    url = f"/api/v1/seizures/{seizure.pk}/"
    response = api(warehouse_user).patch(url, {"notified_on": "2026-03-03"}, format="json")
    assert response.status_code == 200 and response.json()["deadline"] == "2026-03-17"
    seizure.refresh_from_db()
    assert str(seizure.deadline) == "2026-03-17"
    bad = api(warehouse_user).patch(url, {"notified_on": "2026-02-01"}, format="json")
    assert bad.status_code == 400 and "notified_on" in bad.json()["errors"]
    assert api(auditor_user).patch(url, {"notes": "x"}, format="json").status_code == 403


def test_add_lots_endpoint(api, warehouse_user, auditor_user, office):
    seizure = log_seizure(warehouse_user, office)
    url = f"/api/v1/seizures/{seizure.pk}/lots/"
    lot = {"category": "4a", "description": "Sneakers", "articles": 10, "gross_weight_kg": "8"}
    response = api(warehouse_user).post(url, {"lots": [lot]}, format="json")
    assert response.status_code == 201
    assert response.json()[0]["reference"] == f"{seizure.reference}-02"
    assert seizure.lots.count() == 2
    bad = api(warehouse_user).post(url, {"lots": []}, format="json")
    assert bad.status_code == 400 and "lots" in bad.json()["errors"]
    assert api(auditor_user).post(url, {"lots": [lot]}, format="json").status_code == 403


def test_hold_and_lift_hold_endpoints(api, warehouse_user, admin_user, office):
    seizure = log_seizure(warehouse_user, office)
    hold = f"/api/v1/seizures/{seizure.pk}/hold/"
    lift = f"/api/v1/seizures/{seizure.pk}/lift-hold/"
    assert api(warehouse_user).post(hold, {"reason": "x"}, format="json").status_code == 403
    bad = api(admin_user).post(hold, {}, format="json")
    assert bad.status_code == 400 and "reason" in bad.json()["errors"]
    response = api(admin_user).post(hold, {"reason": "Criminal investigation"}, format="json")
    assert response.status_code == 200 and response.json()["on_hold"] is True
    assert seizure.lots.get().status == LotStatus.ON_HOLD
    again = api(admin_user).post(hold, {"reason": "again"}, format="json")
    assert again.status_code == 409 and "already on hold" in again.json()["detail"]
    assert api(admin_user).post(lift, {}, format="json").status_code == 200
    assert seizure.lots.get().status == LotStatus.IN_STORAGE
    assert list(seizure.lots.get().custody_events.values_list("kind", flat=True)) == [
        "created",
        "held",
        "hold_lifted",
    ]


def test_import_endpoint_creates_the_example_file(api, warehouse_user, example_reference_data):
    with EXAMPLE.open("rb") as handle:
        response = api(warehouse_user).post(
            "/api/v1/seizures/import/", {"file": handle}, format="multipart"
        )
    assert response.status_code == 201, response.json()
    assert response.json()["seizures"] == 5 and response.json()["lots"] == 7
    first = Seizure.objects.get(reference="LGG-2026-00001")
    assert first.legal_route == "small_consignment"
    assert str(first.declarant_notice_due_on) == "2026-03-03"
    assert first.lots.count() == 2
    assert CustodyEvent.objects.filter(kind="created").count() == 7
    assert Lot.objects.get(reference="LGG-2026-00003-01").location.code == "LGG-W1-HZ-FL01"


def test_import_endpoint_rejects_the_whole_file_with_row_errors(
    api, warehouse_user, auditor_user, example_reference_data
):
    lines = EXAMPLE.read_text().splitlines()
    lines[2] = lines[2].replace(",1,0.300,", ",many,0.300,")
    lines[3] = lines[3].replace(",CN,", ",ZZ,").replace("LGG-W1-GEN-B01", "NOWHERE")
    upload = io.BytesIO("\n".join(lines).encode())
    upload.name = "bad.csv"
    response = api(warehouse_user).post(
        "/api/v1/seizures/import/", {"file": upload}, format="multipart"
    )
    assert response.status_code == 400
    rows = response.json()["errors"]["rows"]
    assert {(row["line"], row["field"]) for row in rows} == {(3, "articles"), (4, "location")}
    assert not Seizure.objects.exists()
    missing = api(warehouse_user).post("/api/v1/seizures/import/", {}, format="multipart")
    assert missing.status_code == 400 and "file" in missing.json()["errors"]
    with EXAMPLE.open("rb") as handle:
        forbidden = api(auditor_user).post(
            "/api/v1/seizures/import/", {"file": handle}, format="multipart"
        )
    assert forbidden.status_code == 403


def test_seizure_export_streams_the_filtered_list_as_csv(api, warehouse_user, auditor_user, office):
    log_seizure(warehouse_user, office)
    log_seizure(warehouse_user, office, transport_mode="sea")
    response = api(auditor_user).get("/api/v1/seizures/export/?transport_mode=sea")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [(r["reference"], r["transport_mode"], r["lots"]) for r in rows] == [
        ("BRU-2026-00002", "sea", "1")
    ]
    assert api(auditor_user).get("/api/v1/seizures/export/?office=x").status_code == 400


# --- lots ---------------------------------------------------------------------------------


def test_lot_list_filters_by_hazard_class_status_and_location(
    api, warehouse_user, auditor_user, office, general_bay, flammables_bay
):
    log_seizure(
        warehouse_user,
        office,
        lots=[lot_input(location=general_bay), lot_input(category="2a", location=flammables_bay)],
    )
    client = api(auditor_user)
    assert client.get("/api/v1/lots/?hazard_class=2.1").json()["count"] == 1
    assert client.get("/api/v1/lots/?hazard_class=5.1").json()["count"] == 0
    assert client.get(f"/api/v1/lots/?location={general_bay.pk}").json()["count"] == 1
    assert client.get("/api/v1/lots/?status=in_storage&waste_class=APP").json()["count"] == 1
    assert client.get("/api/v1/lots/?ageing=true").json()["count"] == 2  # deadline 17 March
    assert client.get("/api/v1/lots/?hazard_class=99").status_code == 400
    assert client.get("/api/v1/lots/?status=vanished").status_code == 400


def test_move_endpoint_moves_and_refuses_with_the_rule(
    api, warehouse_user, auditor_user, admin_user, office, general_bay, flammables_bay
):
    lot = log_seizure(warehouse_user, office, lots=[lot_input(category="2a")]).lots.get()
    url = f"/api/v1/lots/{lot.pk}/move/"
    refused = api(warehouse_user).post(url, {"location": general_bay.pk}, format="json")
    assert refused.status_code == 400
    assert refused.json()["errors"]["location"][0].startswith("X-CC-04:")
    moved = api(warehouse_user).post(url, {"location": flammables_bay.pk}, format="json")
    assert moved.status_code == 200 and moved.json()["location_code"] == "BRU1-HZ-B01"
    lot.refresh_from_db()
    assert lot.location == flammables_bay
    assert lot.custody_events.last().kind == "placed"
    bad = api(warehouse_user).post(url, {"location": "nowhere"}, format="json")
    assert bad.status_code == 400 and "location" in bad.json()["errors"]
    assert (
        api(auditor_user).post(url, {"location": general_bay.pk}, format="json").status_code == 403
    )
    services.place_hold(seizure=lot.seizure, reason="Court", actor=admin_user)
    services.lift_hold(seizure=lot.seizure, actor=admin_user)
    services.release_lot(lot=lot, reason="Genuine", actor=admin_user)
    conflict = api(warehouse_user).post(url, {"location": general_bay.pk}, format="json")
    assert conflict.status_code == 409


def test_custody_endpoint_lists_the_chain(api, warehouse_user, roleless_user, office, general_bay):
    lot = log_seizure(warehouse_user, office).lots.get()
    services.move_lot(lot=lot, location=general_bay, actor=warehouse_user)
    response = api(warehouse_user).get(f"/api/v1/lots/{lot.pk}/custody/")
    assert response.status_code == 200
    events = response.json()
    assert [(e["sequence"], e["kind"], e["to_location_code"]) for e in events] == [
        (1, "created", None),
        (2, "placed", "BRU1-GEN-B01"),
    ]
    assert events[1]["previous_hash"] == events[0]["hash"]
    assert api(roleless_user).get(f"/api/v1/lots/{lot.pk}/custody/").status_code == 403
    assert api(warehouse_user).get("/api/v1/lots/999999/custody/").status_code == 404


def test_sample_endpoint(api, warehouse_user, auditor_user, office):
    lot = log_seizure(warehouse_user, office).lots.get()
    url = f"/api/v1/lots/{lot.pk}/sample/"
    payload = {"articles": 3, "purpose": "analysis", "holder": "Customs laboratory"}
    response = api(warehouse_user).post(url, payload, format="json")
    assert response.status_code == 201
    assert response.json()["reference"] == f"{lot.reference}-S1"
    assert response.json()["parent_reference"] == lot.reference
    lot.refresh_from_db()
    assert lot.articles == 97
    bad = api(warehouse_user).post(url, {"articles": 0, "purpose": "fun"}, format="json")
    assert bad.status_code == 400
    assert {"articles", "purpose", "holder"} <= set(bad.json()["errors"])
    too_many = api(warehouse_user).post(url, {**payload, "articles": 500}, format="json")
    assert too_many.status_code == 400 and "articles" in too_many.json()["errors"]
    assert api(auditor_user).post(url, payload, format="json").status_code == 403


def test_release_endpoint_is_for_administrators(api, warehouse_user, admin_user, office):
    lot = log_seizure(warehouse_user, office).lots.get()
    url = f"/api/v1/lots/{lot.pk}/release/"
    assert api(warehouse_user).post(url, {"reason": "x"}, format="json").status_code == 403
    bad = api(admin_user).post(url, {"reason": ""}, format="json")
    assert bad.status_code == 400 and "reason" in bad.json()["errors"]
    response = api(admin_user).post(url, {"reason": "Goods found genuine"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "released"
    assert lot.custody_events.last().details == {"reason": "Goods found genuine"}


def test_lot_labels_endpoint_answers_a_pdf_with_every_reference(
    api, warehouse_user, auditor_user, office
):
    seizure = log_seizure(warehouse_user, office, lots=[lot_input(), lot_input(category="2a")])
    ids = list(seizure.lots.values_list("pk", flat=True))
    response = api(warehouse_user).post("/api/v1/lots/labels/", {"lots": ids}, format="json")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert f"{seizure.reference}-01" in text and f"{seizure.reference}-02" in text
    assert "UN 3, 2.1" in text
    bad = api(warehouse_user).post("/api/v1/lots/labels/", {"lots": [999999]}, format="json")
    assert bad.status_code == 400 and "lots" in bad.json()["errors"]
    assert (
        api(auditor_user).post("/api/v1/lots/labels/", {"lots": ids}, format="json").status_code
        == 403
    )


def test_lot_export_reads_back(api, warehouse_user, office, general_bay):
    log_seizure(warehouse_user, office, lots=[lot_input(location=general_bay)])
    response = api(warehouse_user).get("/api/v1/lots/export/")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0]["location"] == "BRU1-GEN-B01" and rows[0]["articles"] == "100"


# --- reference data -------------------------------------------------------------------------


def test_administrators_manage_locations_through_the_api(
    api, warehouse_user, admin_user, office, warehouse, flammables_bay
):
    payload = {
        "code": "BRU1-OX-B01",
        "name": "Oxidisers bay",
        "warehouse": warehouse.pk,
        "kind": "bay",
        "zone_type": "hazardous",
        "accepted_hazard_classes": ["5.1"],
        "capacity_kg": "800.00",
    }
    assert api(warehouse_user).post("/api/v1/locations/", payload, format="json").status_code == 403
    created = api(admin_user).post("/api/v1/locations/", payload, format="json")
    assert created.status_code == 201, created.json()
    assert StorageLocation.objects.get(code="BRU1-OX-B01").accepted_hazard_classes == ["5.1"]
    bad = api(admin_user).post(
        "/api/v1/locations/",
        {**payload, "code": "X", "accepted_hazard_classes": ["7"]},
        format="json",
    )
    assert bad.status_code == 400 and "accepted_hazard_classes" in bad.json()["errors"]
    log_seizure(
        warehouse_user,
        office,
        lots=[lot_input(category="2a", gross_weight_kg=Decimal("300"), location=flammables_bay)],
    )
    shrink = api(admin_user).patch(
        f"/api/v1/locations/{flammables_bay.pk}/", {"capacity_kg": "100"}, format="json"
    )
    assert shrink.status_code == 400 and "capacity_kg" in shrink.json()["errors"]
    in_use = api(admin_user).delete(f"/api/v1/locations/{flammables_bay.pk}/")
    assert in_use.status_code == 409
    listed = api(warehouse_user).get(f"/api/v1/locations/?warehouse={warehouse.pk}").json()
    used = {row["code"]: row["used_kg"] for row in listed["results"]}
    assert used["BRU1-HZ-B01"] == "300.000"


def test_location_labels_endpoint(api, warehouse_user, auditor_user, general_bay):
    response = api(warehouse_user).post(
        "/api/v1/locations/labels/", {"locations": [general_bay.pk]}, format="json"
    )
    assert response.status_code == 200
    assert "BRU1-GEN-B01" in PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    bad = api(warehouse_user).post("/api/v1/locations/labels/", {"locations": []}, format="json")
    assert bad.status_code == 400 and "locations" in bad.json()["errors"]
    forbidden = api(auditor_user).post(
        "/api/v1/locations/labels/", {"locations": [general_bay.pk]}, format="json"
    )
    assert forbidden.status_code == 403


@pytest.mark.parametrize(
    ("url", "payload", "bad_payload", "bad_field"),
    [
        (
            "/api/v1/customs-offices/",
            {"code": "OST", "name": "Ostend Port", "country": "BE"},
            {"code": "OST", "name": "Ostend Port", "country": "XX"},
            "country",
        ),
        (
            "/api/v1/right-holders/",
            {"name": "Acme Brands", "application_reference": "AFA-1"},
            {
                "name": "Acme Brands",
                "application_valid_from": "2026-05-01",
                "application_valid_until": "2026-01-01",
            },
            "application_valid_until",
        ),
        (
            "/api/v1/holidays/",
            {"date": "2026-07-21", "name": "National Day"},
            {"date": "21/07/2026", "name": "National Day"},
            "date",
        ),
    ],
)
def test_reference_data_writes_are_for_administrators(
    api, warehouse_user, admin_user, url, payload, bad_payload, bad_field
):
    assert api(warehouse_user).post(url, payload, format="json").status_code == 403
    bad = api(admin_user).post(url, bad_payload, format="json")
    assert bad.status_code == 400 and bad_field in bad.json()["errors"]
    created = api(admin_user).post(url, payload, format="json")
    assert created.status_code == 201, created.json()
    detail = f"{url}{created.json()['id']}/"
    assert api(warehouse_user).get(detail).status_code == 200
    assert api(warehouse_user).delete(detail).status_code == 403
    assert api(admin_user).delete(detail).status_code == 204


def test_warehouse_api(api, warehouse_user, admin_user, office, general_bay):
    payload = {"code": "BRU2", "name": "Overflow", "office": office.pk}
    assert (
        api(warehouse_user).post("/api/v1/warehouses/", payload, format="json").status_code == 403
    )
    bad = api(admin_user).post("/api/v1/warehouses/", {"code": "BRU2"}, format="json")
    assert bad.status_code == 400 and {"name", "office"} <= set(bad.json()["errors"])
    assert api(admin_user).post("/api/v1/warehouses/", payload, format="json").status_code == 201
    rows = api(warehouse_user).get("/api/v1/warehouses/?ordering=code").json()["results"]
    assert [(r["code"], r["location_count"]) for r in rows] == [("BRU1", 1), ("BRU2", 0)]


def test_custody_events_api_is_read_only(api, warehouse_user, admin_user, office):
    lot = log_seizure(warehouse_user, office).lots.get()
    event = lot.custody_events.get()
    client = api(admin_user)
    assert client.get(f"/api/v1/custody-events/?lot={lot.pk}").json()["count"] == 1
    assert client.get("/api/v1/custody-events/?kind=created").json()["count"] == 1
    assert client.get("/api/v1/custody-events/?kind=invented").status_code == 400
    assert client.post("/api/v1/custody-events/", {}, format="json").status_code in (403, 405)
    detail = f"/api/v1/custody-events/{event.pk}/"
    assert client.patch(detail, {"quantity": 1}, format="json").status_code in (403, 405)
    assert client.delete(detail).status_code in (403, 405)
    assert CustodyEvent.objects.get(pk=event.pk).quantity == 100


def test_schema_documents_the_seizure_endpoints(api, warehouse_user):
    schema = api(warehouse_user).get("/api/schema/?format=json").json()
    paths = schema["paths"]
    assert "post" in paths["/api/v1/seizures/"]
    assert "/api/v1/lots/{id}/move/" in paths and "/api/v1/lots/{id}/custody/" in paths
    assert (
        "multipart/form-data" in paths["/api/v1/seizures/import/"]["post"]["requestBody"]["content"]
    )


@pytest.mark.parametrize("ordering", ["", ",", "-code"])
def test_an_empty_ordering_keeps_the_default_order(api, auditor_user, ordering):
    for code in ("ZZZ", "AAA", "MMM"):
        CustomsOfficeFactory(code=code)
    codes = [
        office["code"]
        for office in api(auditor_user)
        .get("/api/v1/customs-offices/", {"ordering": ordering})
        .json()["results"]
    ]
    expected = ["AAA", "MMM", "ZZZ"]
    assert codes == (expected[::-1] if ordering == "-code" else expected)


def test_import_endpoint_reports_hook_refusals_and_unreadable_files_by_line(
    api, warehouse_user, example_reference_data, settings
):
    settings.STORAGE_PLACEMENT_CHECK = "tests.seizures.test_intake.refuse_pharmaceuticals"
    upload = io.BytesIO(EXAMPLE.read_bytes())
    upload.name = "parcels.csv"
    refused = api(warehouse_user).post(
        "/api/v1/seizures/import/", {"file": upload}, format="multipart"
    )
    assert refused.status_code == 400
    assert refused.json()["errors"]["rows"] == [
        {"line": 7, "field": "location", "message": "PHA-S1: Locked store only"}
    ]
    lines = EXAMPLE.read_text().splitlines()
    lines[1] = lines[1].replace("Handbag with counterfeit monogram", "A" * 200_000)
    upload = io.BytesIO("\n".join(lines).encode())
    upload.name = "huge.csv"
    unreadable = api(warehouse_user).post(
        "/api/v1/seizures/import/", {"file": upload}, format="multipart"
    )
    assert unreadable.status_code == 400
    assert unreadable.json()["errors"]["rows"] == [
        {
            "line": 2,
            "field": "file",
            "message": "Line 2 cannot be read as CSV: field larger than field limit (131072).",
        }
    ]
    assert not Seizure.objects.exists() and not CustodyEvent.objects.exists()


def test_intake_flags_are_accepted_on_create_and_shown_and_filtered(
    api, warehouse_user, auditor_user, office
):
    payload = seizure_payload(office)
    payload["lots"][0].update(category="11", controlled_substances=True, high_risk=True)
    payload["lots"][1].update(category="12b", contains_asbestos=True)
    response = api(warehouse_user).post("/api/v1/seizures/", payload, format="json")
    assert response.status_code == 201, response.json()
    flags = ("controlled_substances", "cytotoxic", "contains_asbestos", "high_risk")
    assert [tuple(lot[name] for name in flags) for lot in response.json()["lots"]] == [
        (True, False, False, True),
        (False, False, True, False),
    ]
    stored = Lot.objects.order_by("reference").values_list(*flags)
    assert list(stored) == [(True, False, False, True), (False, False, True, False)]
    client = api(auditor_user)
    listed = client.get("/api/v1/lots/?contains_asbestos=true").json()["results"]
    assert [(lot["reference"], lot["contains_asbestos"]) for lot in listed] == [
        ("BRU-2026-00001-02", True)
    ]
    assert client.get("/api/v1/lots/?controlled_substances=true").json()["count"] == 1
    assert client.get("/api/v1/lots/?cytotoxic=false").json()["count"] == 2
    lot = Lot.objects.get(reference="BRU-2026-00001-01")
    detail = client.get(f"/api/v1/lots/{lot.pk}/").json()
    assert (detail["controlled_substances"], detail["high_risk"], detail["cytotoxic"]) == (
        True,
        True,
        False,
    )


def test_add_lots_endpoint_stores_intake_flags(api, warehouse_user, office):
    seizure = log_seizure(warehouse_user, office)
    lot = {"category": "11", "description": "Cytostatics", "articles": 5, "gross_weight_kg": "1"}
    response = api(warehouse_user).post(
        f"/api/v1/seizures/{seizure.pk}/lots/",
        {"lots": [{**lot, "cytotoxic": True}]},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()[0]["cytotoxic"] is True
    assert Lot.objects.get(description="Cytostatics").cytotoxic is True

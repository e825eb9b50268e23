import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader

from seizures.models import CustodyEvent, Lot, LotStatus, Seizure
from tests.seizures.conftest import log_seizure, lot_input

pytestmark = pytest.mark.django_db
EXAMPLE = Path(__file__).resolve().parents[2] / "seizures" / "examples" / "small_consignments.csv"


def seizure_form(office, **overrides) -> dict:
    data = {
        "office": office.pk,
        "detained_on": "2026-03-02",
        "transport_mode": "air",
        "traffic_type": "freight",
        "provenance_country": "CN",
        "ipr_type": "eu_trade_mark",
        "customs_procedure": "free_circulation",
        "action_type": "ex_officio",
        "legal_route": "standard",
        "notified_on": "2026-03-03",
        "lots-TOTAL_FORMS": "3",
        "lots-INITIAL_FORMS": "0",
        "lots-MIN_NUM_FORMS": "1",
        "lots-MAX_NUM_FORMS": "50",
        "lots-0-category": "3a",
        "lots-0-description": "Hoodies",
        "lots-0-articles": "50",
        "lots-0-gross_weight_kg": "20",
        "lots-0-currency": "EUR",
        "lots-1-category": "2a",
        "lots-1-description": "Perfume",
        "lots-1-articles": "24",
        "lots-1-gross_weight_kg": "6",
        "lots-1-currency": "EUR",
        "lots-2-currency": "EUR",
    }
    data.update(overrides)
    return data


def test_log_a_seizure_with_two_lots_through_the_page(client, warehouse_user, office):
    client.force_login(warehouse_user)
    assert client.get("/seizures/new/").status_code == 200
    response = client.post("/seizures/new/", seizure_form(office))
    seizure = Seizure.objects.get()
    assert response.status_code == 302 and response.url == f"/seizures/{seizure.pk}/"
    lots = list(seizure.lots.order_by("reference"))
    assert [(lot.waste_class, lot.hazard_classes) for lot in lots] == [
        ("APP", []),
        ("COS", ["3", "2.1"]),
    ]
    assert CustodyEvent.objects.filter(lot__seizure=seizure).count() == 2
    page = client.get(response.url).text
    assert seizure.reference in page and "17 Mar 2026" in page


def test_the_seizure_page_shows_field_and_rule_errors_on_the_lot(
    client, warehouse_user, office, general_bay
):
    client.force_login(warehouse_user)
    response = client.post(
        "/seizures/new/",
        seizure_form(office, **{"lots-0-articles": "0", "lots-1-location": general_bay.pk}),
    )
    assert response.status_code == 200
    assert "Ensure this value is greater than or equal to 1" in response.text
    response = client.post(
        "/seizures/new/", seizure_form(office, **{"lots-1-location": general_bay.pk})
    )
    assert response.status_code == 200
    assert "X-CC-04: location BRU1-GEN-B01 does not accept hazard class 3, 2.1" in response.text
    assert not Seizure.objects.exists()


def test_hand_set_hazard_classes_override_the_defaults(client, warehouse_user, office):
    client.force_login(warehouse_user)
    data = seizure_form(
        office,
        **{"lots-1-set_hazard_classes": "on", "lots-1-hazard_classes": ["3"]},
    )
    client.post("/seizures/new/", data)
    assert Lot.objects.get(description="Perfume").hazard_classes == ["3"]


def test_pages_need_login_and_the_right_role(client, auditor_user, office):
    assert client.get("/seizures/").status_code == 302
    client.force_login(auditor_user)
    assert client.get("/seizures/").status_code == 200
    assert client.get("/seizures/new/").status_code == 403
    assert client.get("/storage/move/").status_code == 403


def test_list_pages_filter_export_and_survive_malformed_filters(client, warehouse_user, office):
    log_seizure(warehouse_user, office)
    log_seizure(warehouse_user, office, transport_mode="sea")
    client.force_login(warehouse_user)
    page = client.get("/seizures/?transport_mode=sea").text
    assert "BRU-2026-00002" in page and "BRU-2026-00001" not in page
    bad = client.get("/seizures/?office=abc&detained_on_after=soon")
    assert bad.status_code == 200 and "Some filters are not valid" in bad.text
    export = client.get("/seizures/?transport_mode=sea&export=csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(export.streaming_content).decode())))
    assert [row["reference"] for row in rows] == ["BRU-2026-00002"]
    lots = client.get("/lots/?waste_class=APP&ordering=-reference").text
    assert "BRU-2026-00002-01" in lots
    assert client.get("/lots/?status=lost").status_code == 200


def test_lot_page_moves_samples_and_shows_the_custody_history(
    client, warehouse_user, office, general_bay
):
    lot = log_seizure(warehouse_user, office).lots.get()
    client.force_login(warehouse_user)
    client.post(f"/lots/{lot.pk}/move/", {"location": general_bay.pk})
    client.post(
        f"/lots/{lot.pk}/sample/", {"articles": "4", "purpose": "evidence", "holder": "Court"}
    )
    page = client.get(f"/lots/{lot.pk}/").text
    assert "Placed in storage" in page and "to BRU1-GEN-B01" in page
    assert "Sample taken out" in page and f"{lot.reference}-S1" in page
    assert "reconciles" in page
    lot.refresh_from_db()
    assert lot.articles == 96
    refused = client.post(f"/lots/{lot.pk}/move/", {"location": general_bay.pk}, follow=True)
    assert "already there" in refused.text
    assert client.post(f"/lots/{lot.pk}/release/", {"reason": "x"}).status_code == 403


def test_hold_through_the_page_is_for_administrators(client, warehouse_user, admin_user, office):
    seizure = log_seizure(warehouse_user, office)
    client.force_login(warehouse_user)
    assert client.post(f"/seizures/{seizure.pk}/hold/", {"reason": "x"}).status_code == 403
    client.force_login(admin_user)
    page = client.post(f"/seizures/{seizure.pk}/hold/", {"reason": "Court order"}, follow=True)
    assert "Legal hold placed" in page.text and "No disposal until it is lifted" in page.text
    again = client.post(f"/seizures/{seizure.pk}/hold/", {"reason": "x"}, follow=True)
    assert "already on hold" in again.text
    client.post(f"/seizures/{seizure.pk}/lift-hold/", {"reason": ""})
    seizure.refresh_from_db()
    assert not seizure.on_hold


def test_edit_page_updates_the_case_and_deadline(client, warehouse_user, office):
    seizure = log_seizure(warehouse_user, office, notified_on=None)
    client.force_login(warehouse_user)
    form = client.get(f"/seizures/{seizure.pk}/edit/")
    data = {k: v for k, v in form.context["form"].initial.items() if v not in (None, False)}
    data.update(notified_on="2026-03-03", provenance_country="CN")
    data["right_holder"] = seizure.right_holder_id or ""
    response = client.post(f"/seizures/{seizure.pk}/edit/", data)
    assert response.status_code == 302
    seizure.refresh_from_db()
    assert str(seizure.deadline) == "2026-03-17"


def test_add_lots_page(client, warehouse_user, office):
    seizure = log_seizure(warehouse_user, office)
    client.force_login(warehouse_user)
    data = {
        "lots-TOTAL_FORMS": "1",
        "lots-INITIAL_FORMS": "0",
        "lots-0-category": "9a",
        "lots-0-description": "Dolls",
        "lots-0-articles": "12",
        "lots-0-gross_weight_kg": "3",
        "lots-0-currency": "EUR",
    }
    assert client.post(f"/seizures/{seizure.pk}/lots/new/", data).status_code == 302
    assert seizure.lots.filter(reference=f"{seizure.reference}-02", waste_class="TOY").exists()


def test_label_pages_answer_pdfs(client, warehouse_user, office, general_bay):
    seizure = log_seizure(warehouse_user, office, lots=[lot_input(), lot_input(category="4a")])
    client.force_login(warehouse_user)
    ids = "&".join(f"lot={pk}" for pk in seizure.lots.values_list("pk", flat=True))
    response = client.get(f"/lots/labels/?{ids}")
    assert response["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert f"{seizure.reference}-01" in text and f"{seizure.reference}-02" in text
    locations = client.get(f"/storage/locations/labels/?location={general_bay.pk}")
    assert "BRU1-GEN-B01" in PdfReader(io.BytesIO(locations.content)).pages[0].extract_text()
    assert client.get("/lots/labels/").status_code == 302


def test_scan_page_takes_a_location_then_lots(client, warehouse_user, office, general_bay):
    seizure = log_seizure(warehouse_user, office, lots=[lot_input(), lot_input(category="2a")])
    shirts, perfume = seizure.lots.order_by("reference")
    client.force_login(warehouse_user)
    early = client.post("/storage/move/", {"code": shirts.reference}, follow=True)
    assert "Scan a location first" in early.text
    selected = client.post("/storage/move/", {"code": "bru1-gen-b01"})
    assert selected.url == f"/storage/move/?target={general_bay.pk}"
    moved = client.post(
        "/storage/move/", {"code": shirts.reference, "target": general_bay.pk}, follow=True
    )
    assert f"Lot {shirts.reference} moved to BRU1-GEN-B01" in moved.text
    refused = client.post(
        "/storage/move/", {"code": perfume.reference, "target": general_bay.pk}, follow=True
    )
    assert "not moved: X-CC-04" in refused.text
    unknown = client.post("/storage/move/", {"code": "NOPE", "target": general_bay.pk}, follow=True)
    assert "Unknown code" in unknown.text
    shirts.refresh_from_db()
    perfume.refresh_from_db()
    assert shirts.location == general_bay and perfume.location is None


def test_import_page_accepts_the_example_and_reports_errors(
    client, warehouse_user, example_reference_data
):
    client.force_login(warehouse_user)
    bad = io.BytesIO(EXAMPLE.read_bytes().replace(b",1,1.200,", b",x,1.200,"))
    bad.name = "bad.csv"
    response = client.post("/seizures/import/", {"file": bad})
    assert response.status_code == 200 and "File refused" in response.text
    assert "Enter a whole number" in response.text and not Seizure.objects.exists()
    with EXAMPLE.open("rb") as handle:
        response = client.post("/seizures/import/", {"file": handle})
    assert response.status_code == 302 and Seizure.objects.count() == 5


def test_warehouse_occupancy_and_ageing_pages(
    client, warehouse_user, office, general_bay, warehouse
):
    log_seizure(
        warehouse_user,
        office,
        lots=[lot_input(gross_weight_kg=Decimal("250"), location=general_bay)],
    )
    client.force_login(warehouse_user)
    page = client.get(f"/storage/warehouses/{warehouse.pk}/")
    assert "250.000" in page.text and "25%" in page.text
    ageing = client.get("/storage/ageing/").text  # deadline 17 March 2026 is past
    assert "Past deadline" in ageing and "BRU-2026-00001-01" in ageing


def test_dashboard_storage_panel_counts_lots(client, warehouse_user, office, general_bay):
    log_seizure(
        warehouse_user,
        office,
        lots=[lot_input(location=general_bay), lot_input(), lot_input()],
    )
    client.force_login(warehouse_user)
    page = client.get("/").text
    assert '<dt>Lots in storage</dt><dd><a href="/lots/?status=in_storage">3</a></dd>' in page
    not_placed = "/lots/?status=in_storage&amp;placed=false"
    assert f'<dt>Not placed</dt><dd><a href="{not_placed}">2</a></dd>' in page
    assert '?past_deadline=true">3</a>' in page  # deadline 17 March 2026 is past
    # Each figure's link lists exactly the lots it counts.
    listed = client.get(not_placed.replace("&amp;", "&"))
    assert [lot.location for lot in listed.context["object_list"]] == [None, None]


def test_admin_offers_no_writes_for_custody_events(client, admin_user, warehouse_user, office):
    lot = log_seizure(warehouse_user, office).lots.get()
    event = lot.custody_events.get()
    client.force_login(admin_user)
    assert client.get("/admin/seizures/custodyevent/").status_code == 200
    assert client.get("/admin/seizures/custodyevent/add/").status_code == 403
    change = client.get(f"/admin/seizures/custodyevent/{event.pk}/change/")
    assert change.status_code == 200 and 'name="_save"' not in change.text
    assert client.post(f"/admin/seizures/custodyevent/{event.pk}/delete/").status_code == 403
    assert Lot.objects.get(pk=lot.pk).status == LotStatus.IN_STORAGE


def test_a_destroyed_lot_offers_no_warehouse_actions(client, admin_user, warehouse_user, office):
    lot = log_seizure(warehouse_user, office).lots.get()
    client.force_login(admin_user)
    stored = client.get(f"/lots/{lot.pk}/").text
    assert f"/lots/{lot.pk}/move/" in stored and f"/lots/{lot.pk}/release/" in stored
    assert 'badge-blocking">past<' in stored  # deadline 17 March 2026 is past

    Lot.objects.filter(pk=lot.pk).update(status=LotStatus.DESTROYED)
    destroyed = client.get(f"/lots/{lot.pk}/").text

    assert "None: the lot is destroyed." in destroyed
    for action in ("move", "sample", "release"):
        assert f"/lots/{lot.pk}/{action}/" not in destroyed
    assert 'badge-blocking">past<' not in destroyed


def test_import_page_reports_hook_refusals_and_unreadable_files(
    client, warehouse_user, example_reference_data, settings
):
    settings.STORAGE_PLACEMENT_CHECK = "tests.seizures.test_intake.refuse_pharmaceuticals"
    client.force_login(warehouse_user)
    with EXAMPLE.open("rb") as handle:
        refused = client.post("/seizures/import/", {"file": handle})
    assert refused.status_code == 200 and "File refused" in refused.text
    assert refused.context["rejected"][0].as_dict() == {
        "line": 7,
        "field": "location",
        "message": "PHA-S1: Locked store only",
    }
    huge = io.BytesIO(EXAMPLE.read_bytes().replace(b"Matching wallet", b"W" * 200_000))
    huge.name = "huge.csv"
    unreadable = client.post("/seizures/import/", {"file": huge})
    assert unreadable.status_code == 200
    assert [error.as_dict() for error in unreadable.context["rejected"]] == [
        {
            "line": 3,
            "field": "file",
            "message": "Line 3 cannot be read as CSV: field larger than field limit (131072).",
        }
    ]
    assert not Seizure.objects.exists() and not CustodyEvent.objects.exists()


BAD_IDS = ["%C2%B2", "9" * 23, "%00"]  # a Unicode digit, more than 18 digits, a NUL


@pytest.mark.parametrize("bad", BAD_IDS)
def test_pages_refuse_ids_that_are_not_ascii_numbers(
    client, warehouse_user, office, general_bay, bad
):
    lot = log_seizure(warehouse_user, office).lots.get()
    client.force_login(warehouse_user)
    client.raise_request_exception = False
    new = client.get(f"/seizures/new/?lines={bad}")
    assert new.status_code == 200 and new.context["formset"].total_form_count() == 3
    for url, message in (
        (f"/lots/labels/?lot={lot.pk}&lot={bad}", "Lot ids are numbers of up to 18 digits."),
        (
            f"/storage/locations/labels/?location={bad}",
            "Location ids are numbers of up to 18 digits.",
        ),
    ):
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        assert message in [str(m) for m in response.context["messages"]], url
    scan = client.get(f"/storage/move/?target={bad}")
    assert scan.status_code == 200 and scan.context["target"] is None
    scanned = client.post(f"/storage/move/?target={bad}", {"code": lot.reference}, follow=True)
    assert scanned.status_code == 200
    assert f"Scan a location first, then lot {lot.reference}." in scanned.text
    posted = client.post("/storage/move/", {"code": lot.reference, "target": bad})
    assert posted.status_code == 200
    assert "Select a valid choice" in posted.context["form"].errors["target"][0]
    lot.refresh_from_db()
    assert lot.location is None
    assert list(lot.custody_events.values_list("kind", flat=True)) == ["created"]


def test_intake_flags_through_the_seizure_page_detail_badges_and_lot_filter(
    client, warehouse_user, office
):
    client.force_login(warehouse_user)
    form = client.get("/seizures/new/").text
    assert '<label for="id_lots-0-contains_asbestos">' in form
    assert 'aria-describedby="id_lots-0-contains_asbestos_helptext"' in form
    data = seizure_form(
        office,
        **{"lots-0-controlled_substances": "on", "lots-0-high_risk": "on"},
        **{"lots-1-cytotoxic": "on"},
    )
    assert client.post("/seizures/new/", data).status_code == 302
    flags = ("controlled_substances", "cytotoxic", "contains_asbestos", "high_risk")
    stored = Lot.objects.order_by("reference").values_list("description", *flags)
    assert list(stored) == [
        ("Hoodies", True, False, False, True),
        ("Perfume", False, True, False, False),
    ]
    hoodies = Lot.objects.get(description="Hoodies")
    page = client.get(f"/lots/{hoodies.pk}/").text
    assert '<span class="badge badge-warning">Controlled substances</span>' in page
    assert '<span class="badge badge-warning">High risk</span>' in page
    assert "Cytotoxic</span>" not in page
    listed = client.get("/lots/?cytotoxic=true").text
    assert "BRU-2026-00001-02" in listed and "BRU-2026-00001-01" not in listed
    export = client.get("/lots/?high_risk=true&export=csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(export.streaming_content).decode())))
    assert [(row["reference"], row["high_risk"]) for row in rows] == [("BRU-2026-00001-01", "True")]

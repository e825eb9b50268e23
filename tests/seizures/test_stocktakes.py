"""Stocktakes (X-CC-06): a count of a zone with one missing, one extra and one misplaced lot,
resolved and closed, with the custody events; the refusals; the API and the pages."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from project.errors import TransitionNotAllowed
from seizures.custody import verify_chains
from seizures.models import CustodyEvent, Lot, LotStatus, StorageLocation
from seizures.models.stocktakes import (
    STOCKTAKE_TRANSITIONS,
    Stocktake,
    StocktakeLine,
    StocktakeStatus,
)
from seizures.stocktakes import services
from tests.seizures.conftest import log_seizure, lot_input
from tests.seizures.factories import StorageLocationFactory

pytestmark = pytest.mark.django_db
Kind = CustodyEvent.Kind


@pytest.fixture
def zone(warehouse):
    return StorageLocationFactory(
        warehouse=warehouse, code="BRU1-Z1", kind=StorageLocation.Kind.ZONE, capacity_kg=None
    )


@pytest.fixture
def bay_one(zone):
    return StorageLocationFactory(warehouse=zone.warehouse, parent=zone, code="BRU1-Z1-B01")


@pytest.fixture
def bay_two(zone):
    return StorageLocationFactory(warehouse=zone.warehouse, parent=zone, code="BRU1-Z1-B02")


@pytest.fixture
def outside(warehouse):
    return StorageLocationFactory(warehouse=warehouse, code="BRU1-GEN-B09")


@pytest.fixture
def lots(warehouse_user, office, bay_one, outside):
    """Four lots: `matched`, `missing` and `misplaced` recorded in bay one (inside the zone),
    `extra` recorded outside the zone."""
    seizure = log_seizure(
        warehouse_user,
        office,
        lots=[lot_input(location=bay_one) for _ in range(3)] + [lot_input(location=outside)],
    )
    matched, missing, misplaced, extra = seizure.lots.order_by("pk")
    return {"matched": matched, "missing": missing, "misplaced": misplaced, "extra": extra}


def scan(stocktake, location, lots, actor):
    return services.record_scans(
        stocktake=stocktake,
        location=location,
        lot_references=[lot.reference for lot in lots],
        actor=actor,
    )


def test_a_count_with_a_missing_an_extra_and_a_misplaced_lot_is_resolved_and_closed(
    admin_user, warehouse_user, warehouse, zone, bay_one, bay_two, outside, lots
):
    stocktake = services.open_stocktake(warehouse=warehouse, zone=zone, actor=admin_user)
    assert set(stocktake.lines.values_list("lot_id", flat=True)) == {
        lots["matched"].pk,
        lots["missing"].pk,
        lots["misplaced"].pk,
    }

    scan(stocktake, zone, [], warehouse_user)
    scan(stocktake, bay_one, [lots["matched"]], warehouse_user)
    found = scan(stocktake, bay_two, [lots["misplaced"], lots["extra"]], warehouse_user)

    assert {line.lot.reference: line.discrepancy for line in found} == {
        lots["misplaced"].reference: "misplaced",
        lots["extra"].reference: "extra",
    }
    discrepancies = {
        line.lot_id: line.discrepancy
        for line in StocktakeLine.objects.discrepancies().filter(stocktake=stocktake)
    }
    assert discrepancies == {
        lots["missing"].pk: "missing",
        lots["misplaced"].pk: "misplaced",
        lots["extra"].pk: "extra",
    }
    with pytest.raises(ValidationError) as unresolved:
        services.close_stocktake(stocktake=stocktake, actor=admin_user)
    assert "3 still open" in str(unresolved.value)

    services.resolve_discrepancy(
        stocktake=stocktake,
        lot=lots["misplaced"],
        resolution="moved",
        note="Put in B02 without a scan",
        actor=warehouse_user,
    )
    services.resolve_discrepancy(
        stocktake=stocktake,
        lot=lots["extra"],
        resolution="moved",
        note="Brought over from GEN",
        actor=warehouse_user,
    )
    lost = services.resolve_discrepancy(
        stocktake=stocktake,
        lot=lots["missing"],
        resolution="lost",
        note="Searched the whole warehouse",
        actor=admin_user,
    )
    closed = services.close_stocktake(stocktake=stocktake, actor=admin_user)

    assert closed.status == StocktakeStatus.CLOSED
    assert (
        closed.expected_lots,
        closed.found_lots,
        closed.missing_lots,
        closed.extra_lots,
        closed.misplaced_lots,
        closed.lost_lots,
    ) == (3, 3, 1, 1, 1, 1)
    assert (closed.counted_locations, closed.uncounted_locations) == (3, 0)
    today = timezone.localdate()
    assert set(
        StorageLocation.objects.filter(last_stocktake_on=today).values_list("code", flat=True)
    ) == {zone.code, bay_one.code, bay_two.code}
    assert StorageLocation.objects.get(pk=outside.pk).last_stocktake_on is None

    # The custody events: the records followed the goods, the lost lot left the warehouse.
    misplaced = Lot.objects.get(pk=lots["misplaced"].pk)
    assert misplaced.location == bay_two
    moved = misplaced.custody_events.get(kind=Kind.MOVED)
    assert (moved.from_location, moved.to_location) == (bay_one, bay_two)
    assert moved.details["stocktake"] == stocktake.pk
    assert moved.details["note"] == "Put in B02 without a scan"
    extra = Lot.objects.get(pk=lots["extra"].pk)
    assert extra.location == bay_two
    moved = extra.custody_events.get(kind=Kind.MOVED)
    assert (moved.from_location, moved.to_location) == (outside, bay_two)
    missing = Lot.objects.get(pk=lots["missing"].pk)
    assert (missing.status, missing.location) == (LotStatus.LOST, None)
    event = missing.custody_events.get(kind=Kind.LOST)
    assert event.from_location == bay_one
    assert event.details["finding"]["rule"] == "X-CC-06"
    assert lost.finding["severity"] == "blocking"
    assert lost.finding["lot"] == missing.reference
    # The matched lot's chain is untouched: counting it changed nothing.
    assert not lots["matched"].custody_events.exclude(kind=Kind.CREATED).exists()
    assert verify_chains([lot.pk for lot in lots.values()]) == []


def test_only_an_administrator_declares_a_lot_lost(warehouse_user, admin_user, warehouse, lots):
    stocktake = services.open_stocktake(warehouse=warehouse, actor=admin_user)

    with pytest.raises(PermissionDenied):
        services.resolve_discrepancy(
            stocktake=stocktake,
            lot=lots["missing"],
            resolution="lost",
            note="Not found",
            actor=warehouse_user,
        )
    assert Lot.objects.get(pk=lots["missing"].pk).status == LotStatus.IN_STORAGE


def test_a_missing_lot_found_elsewhere_follows_to_that_location(
    warehouse_user, admin_user, warehouse, zone, bay_one, outside, lots
):
    stocktake = services.open_stocktake(warehouse=warehouse, zone=zone, actor=admin_user)

    line = services.resolve_discrepancy(
        stocktake=stocktake,
        lot=lots["missing"],
        resolution="found_elsewhere",
        location=outside,
        note="On the packing table",
        actor=warehouse_user,
    )

    assert line.resolved_location == outside
    assert Lot.objects.get(pk=lots["missing"].pk).location == outside


@pytest.mark.parametrize(
    ("kind", "resolution"),
    [("missing", "moved"), ("misplaced", "lost"), ("misplaced", "found_elsewhere")],
)
def test_a_reason_that_does_not_fit_the_discrepancy_is_refused(
    admin_user, warehouse, bay_one, bay_two, lots, kind, resolution
):
    stocktake = services.open_stocktake(warehouse=warehouse, actor=admin_user)
    scan(stocktake, bay_two, [lots["misplaced"]], admin_user)

    with pytest.raises(ValidationError) as refusal:
        services.resolve_discrepancy(
            stocktake=stocktake, lot=lots[kind], resolution=resolution, note="x", actor=admin_user
        )
    assert set(refusal.value.message_dict) == {"resolution"}
    assert not StocktakeLine.objects.exclude(resolution="").exists()


def test_a_location_is_in_one_open_count_at_a_time(admin_user, warehouse, zone, bay_one):
    services.open_stocktake(warehouse=warehouse, zone=zone, actor=admin_user)

    with pytest.raises(ValidationError) as refusal:
        services.open_stocktake(warehouse=warehouse, actor=admin_user)
    assert set(refusal.value.message_dict) == {"zone"}


def test_scanning_a_location_outside_the_scope_or_an_unknown_lot_is_refused(
    admin_user, warehouse, zone, bay_one, outside, lots
):
    stocktake = services.open_stocktake(warehouse=warehouse, zone=zone, actor=admin_user)

    with pytest.raises(ValidationError) as outside_scope:
        scan(stocktake, outside, [], admin_user)
    assert set(outside_scope.value.message_dict) == {"location"}
    with pytest.raises(ValidationError) as unknown:
        services.record_scans(
            stocktake=stocktake, location=bay_one, lot_references=["NOPE-1"], actor=admin_user
        )
    assert set(unknown.value.message_dict) == {"lots"}
    assert not StocktakeLine.objects.filter(found_location__isnull=False).exists()


def test_a_closed_count_takes_no_more_scans(admin_user, warehouse, zone, bay_one):
    stocktake = services.open_stocktake(warehouse=warehouse, zone=zone, actor=admin_user)
    services.close_stocktake(stocktake=stocktake, actor=admin_user)

    with pytest.raises(TransitionNotAllowed):
        scan(stocktake, bay_one, [], admin_user)


@pytest.mark.parametrize("source", list(StocktakeStatus))
@pytest.mark.parametrize("target", list(StocktakeStatus))
def test_stocktake_transition_table(source, target):
    allowed = target in STOCKTAKE_TRANSITIONS[source]
    assert allowed == (source == StocktakeStatus.OPEN and target != StocktakeStatus.OPEN)


def _count_of(lots_in_bay: int, admin_user, warehouse_user, office) -> Stocktake:
    bay = StorageLocationFactory(capacity_kg=None)
    warehouse = bay.warehouse
    log_seizure(warehouse_user, office, lots=[lot_input(location=bay)] * lots_in_bay)
    stocktake = services.open_stocktake(warehouse=warehouse, actor=admin_user)
    services.record_scans(
        stocktake=stocktake,
        location=bay,
        lot_references=list(Lot.objects.filter(location=bay).values_list("reference", flat=True)),
        actor=warehouse_user,
    )
    return stocktake


def test_closing_takes_the_same_queries_for_1_or_20_lots(admin_user, warehouse_user, office):
    counts = []
    for size in (1, 20):
        stocktake = _count_of(size, admin_user, warehouse_user, office)
        with CaptureQueriesContext(connection) as captured:
            services.close_stocktake(stocktake=stocktake, actor=admin_user)
        assert Stocktake.objects.get(pk=stocktake.pk).found_lots == size
        counts.append(len(captured))
    assert counts[0] == counts[1]


# --- API ------------------------------------------------------------------------------------


def test_api_runs_a_count(api, admin_user, warehouse_user, warehouse, zone, bay_one, lots):
    opened = api(admin_user).post(
        "/api/v1/stocktakes/", {"warehouse": warehouse.code, "zone": zone.code}, format="json"
    )
    assert opened.status_code == 201, opened.json()
    pk = opened.json()["id"]

    scanned = api(warehouse_user).post(
        f"/api/v1/stocktakes/{pk}/scans/",
        {
            "location": bay_one.code,
            "lots": [lots["matched"].reference, lots["misplaced"].reference],
        },
        format="json",
    )
    assert scanned.status_code == 200, scanned.json()
    assert [row["discrepancy"] for row in scanned.json()] == [None, None]
    listed = api(warehouse_user).get(f"/api/v1/stocktakes/{pk}/discrepancies/").json()
    assert [(r["lot"], r["discrepancy"]) for r in listed["results"]] == [
        (lots["missing"].reference, "missing")
    ]
    resolved = api(admin_user).post(
        f"/api/v1/stocktakes/{pk}/resolve/",
        {"lot": lots["missing"].reference, "resolution": "lost", "note": "Gone"},
        format="json",
    )
    assert resolved.status_code == 200, resolved.json()
    closed = api(admin_user).post(f"/api/v1/stocktakes/{pk}/close/")
    assert closed.status_code == 200
    assert closed.json()["status"] == "closed"
    assert closed.json()["lost_lots"] == 1


def test_api_scan_gives_field_errors(api, admin_user, warehouse, zone):
    stocktake = services.open_stocktake(warehouse=warehouse, zone=zone, actor=admin_user)

    response = api(admin_user).post(
        f"/api/v1/stocktakes/{stocktake.pk}/scans/", {"location": "NOWHERE"}, format="json"
    )

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"location"}


def test_api_close_with_open_discrepancies_is_400(api, admin_user, warehouse, lots):
    stocktake = services.open_stocktake(warehouse=warehouse, actor=admin_user)

    response = api(admin_user).post(f"/api/v1/stocktakes/{stocktake.pk}/close/")

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"discrepancies"}


def test_api_opening_and_lost_are_refused_to_warehouse_staff(
    api, admin_user, warehouse_user, warehouse, lots
):
    response = api(warehouse_user).post(
        "/api/v1/stocktakes/", {"warehouse": warehouse.code}, format="json"
    )
    assert response.status_code == 403
    stocktake = services.open_stocktake(warehouse=warehouse, actor=admin_user)
    response = api(warehouse_user).post(
        f"/api/v1/stocktakes/{stocktake.pk}/resolve/",
        {"lot": lots["missing"].reference, "resolution": "lost", "note": "Gone"},
        format="json",
    )
    assert response.status_code == 403
    response = api(warehouse_user).post(f"/api/v1/stocktakes/{stocktake.pk}/close/")
    assert response.status_code == 403


def test_api_scans_are_refused_to_auditors(api, admin_user, auditor_user, warehouse, zone):
    stocktake = services.open_stocktake(warehouse=warehouse, zone=zone, actor=admin_user)
    response = api(auditor_user).post(
        f"/api/v1/stocktakes/{stocktake.pk}/scans/", {"location": zone.code}, format="json"
    )
    assert response.status_code == 403


def _list_queries(fetch) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = fetch()
    assert response.status_code == 200
    return len(captured)


def test_stocktake_list_page_and_api_take_the_same_queries_for_1_or_n_counts(
    api, client, admin_user, office
):
    client.force_login(admin_user)
    reader = api(admin_user)
    reader.get("/api/v1/stocktakes/")  # warm up: the first request reads the permissions
    client.get("/stocktakes/")
    counts = []
    for _ in range(2):
        for _ in range(3):
            warehouse = StorageLocationFactory().warehouse
            services.open_stocktake(warehouse=warehouse, actor=admin_user)
        counts.append(
            (
                _list_queries(lambda: client.get("/stocktakes/")),
                _list_queries(lambda: reader.get("/api/v1/stocktakes/")),
            )
        )
    assert counts[0] == counts[1]


# --- pages ----------------------------------------------------------------------------------


def test_scan_page_counts_a_location_and_finds_a_lot(
    client, admin_user, warehouse_user, warehouse, zone, bay_one, lots
):
    stocktake = services.open_stocktake(warehouse=warehouse, zone=zone, actor=admin_user)
    client.force_login(warehouse_user)
    url = f"/stocktakes/{stocktake.pk}/scan/"

    response = client.post(url, {"code": bay_one.code.lower()})
    assert response.status_code == 302
    assert response["Location"] == f"{url}?location={bay_one.pk}"
    client.post(response["Location"], {"code": lots["matched"].reference})

    page = client.get(response["Location"]).content.decode()
    assert f"Lot {lots['matched'].reference} found in {bay_one.code}" in page
    line = StocktakeLine.objects.get(stocktake=stocktake, lot=lots["matched"])
    assert line.found_location == bay_one


def test_detail_page_resolves_and_closes(client, admin_user, warehouse, zone, bay_one, lots):
    stocktake = services.open_stocktake(warehouse=warehouse, zone=zone, actor=admin_user)
    scan(stocktake, bay_one, [lots["matched"], lots["misplaced"]], admin_user)
    client.force_login(admin_user)

    page = client.get(f"/stocktakes/{stocktake.pk}/").content.decode()
    assert "Discrepancies (1 to resolve)" in page
    client.post(
        f"/stocktakes/{stocktake.pk}/resolve/",
        {"lot": lots["missing"].reference, "resolution": "lost", "note": "Gone"},
    )
    client.post(f"/stocktakes/{stocktake.pk}/close/")

    page = client.get(f"/stocktakes/{stocktake.pk}/").content.decode()
    assert "1 missing (1 lost), 0 extra, 0 in the wrong location" in page


def test_discrepancy_list_takes_the_same_queries_for_1_or_n_lines(api, admin_user, office):
    reader = api(admin_user)
    counts = []
    for size in (1, 6):
        bay = StorageLocationFactory(capacity_kg=None)
        log_seizure(admin_user, office, lots=[lot_input(location=bay)] * size)
        stocktake = services.open_stocktake(warehouse=bay.warehouse, actor=admin_user)
        url = f"/api/v1/stocktakes/{stocktake.pk}/discrepancies/"
        reader.get(url)
        counts.append(_list_queries(lambda url=url: reader.get(url)))
        assert reader.get(url).json()["count"] == size
    assert counts[0] == counts[1]


def test_stocktake_detail_page_takes_the_same_queries_for_1_or_n_discrepancies(
    client, admin_user, office
):
    client.force_login(admin_user)
    counts = []
    for size in (1, 6):
        bay = StorageLocationFactory(capacity_kg=None)
        log_seizure(admin_user, office, lots=[lot_input(location=bay)] * size)
        stocktake = services.open_stocktake(warehouse=bay.warehouse, actor=admin_user)
        url = f"/stocktakes/{stocktake.pk}/"
        client.get(url)
        counts.append(_list_queries(lambda url=url: client.get(url)))
    assert counts[0] == counts[1]

"""Lists that stay fast at a million lots (issue 16): keyset pages of custody events, the
paginated occupancy page and its totals, per-row lot counts, the dashboard over open lots."""

from decimal import Decimal

import pytest

from project.pagination import CappedCount, CappedPaginator
from seizures import custody
from seizures.models import CustodyEvent, Lot, Seizure
from tests.seizures.conftest import log_seizure, lot_input
from tests.seizures.factories import LotFactory, SeizureFactory

pytestmark = pytest.mark.django_db


def events_at(lot, user, count: int) -> list[CustodyEvent]:
    """`count` more events on `lot`, oldest first."""
    return [
        custody.append_event(lot, CustodyEvent.Kind.MOVED, actor=user, quantity=1)
        for _ in range(count)
    ]


def test_custody_api_pages_by_cursor_newest_first_and_back(api, admin_user, warehouse_user, office):
    lot = log_seizure(warehouse_user, office).lots.get()
    newest = events_at(lot, warehouse_user, 4)[::-1]
    client = api(admin_user)

    first = client.get(f"/api/v1/custody-events/?lot={lot.pk}&page_size=2").json()
    assert set(first) == {"next", "previous", "results"}
    assert [row["id"] for row in first["results"]] == [e.pk for e in newest[:2]]
    second = client.get(first["next"]).json()
    assert [row["id"] for row in second["results"]] == [e.pk for e in newest[2:4]]
    third = client.get(second["next"]).json()
    assert len(third["results"]) == 1 and third["next"] is None  # the "created" event
    back = client.get(second["previous"]).json()
    assert [row["id"] for row in back["results"]] == [e.pk for e in newest[:2]]

    oldest_first = client.get(f"/api/v1/custody-events/?lot={lot.pk}&ordering=occurred_at")
    rows = oldest_first.json()["results"]
    assert [row["sequence"] for row in rows] == [1, 2, 3, 4, 5]


def test_custody_api_refuses_a_bad_cursor_and_the_lot_ordering_with_400(api, admin_user):
    client = api(admin_user)
    bad = client.get("/api/v1/custody-events/?cursor=not-a-cursor")
    assert bad.status_code == 400 and "cursor" in bad.json()["errors"]
    assert client.get("/api/v1/custody-events/?ordering=lot").status_code == 400


def test_custody_page_links_previous_and_next_pages(client, admin_user, warehouse_user, office):
    lot = log_seizure(warehouse_user, office).lots.get()
    events_at(lot, warehouse_user, 60)
    client.force_login(admin_user)
    page = client.get("/custody/")
    assert page.text.count('<td class="hash">') == 50 and ">Next</a>" in page.text
    assert ">Previous</a>" not in page.text
    next_url = page.context["next_link"]
    older = client.get(next_url)
    assert older.text.count('<td class="hash">') == 11  # 10 more and the "created" event
    assert ">Previous</a>" in older.text and ">Next</a>" not in older.text
    assert client.get("/custody/?cursor=bogus").status_code == 404


def test_occupancy_page_shows_totals_and_pages_the_lots(
    client, warehouse_user, office, general_bay, warehouse
):
    log_seizure(
        warehouse_user,
        office,
        lots=[lot_input(gross_weight_kg=Decimal("2"), location=general_bay) for _ in range(3)],
    )
    client.force_login(warehouse_user)
    page = client.get(f"/storage/warehouses/{warehouse.pk}/")
    assert "3 lots stored, 6.000 kg of 1000.00 kg capacity." in page.text
    assert page.context["paginator"].count == 3

    page_view = page.context["view"]
    page_view.__class__.lots_per_page = 2
    try:
        first = client.get(f"/storage/warehouses/{warehouse.pk}/")
        second = client.get(f"/storage/warehouses/{warehouse.pk}/?page=2")
    finally:
        page_view.__class__.lots_per_page = 50
    assert len(first.context["lots"]) == 2 and len(second.context["lots"]) == 1
    assert "Page 1 of 2" in first.text
    assert "3 lots stored" in second.text


def test_seizure_list_counts_each_seizures_own_lots_without_samples(client, admin_user, office):
    seizure = SeizureFactory(office=office, created_by=admin_user)
    parent, _ = LotFactory.create_batch(2, seizure=seizure)
    LotFactory(seizure=seizure, parent=parent)  # a sample: not counted
    SeizureFactory(office=office, created_by=admin_user)  # no lots
    client.force_login(admin_user)
    rows = {s.pk: s.lot_count for s in client.get("/seizures/").context["object_list"]}
    assert rows == {seizure.pk: 2, Seizure.objects.exclude(pk=seizure.pk).get().pk: 0}
    api_rows = client.get("/api/v1/seizures/").json()["results"]
    assert {row["id"]: row["lot_count"] for row in api_rows} == rows


def test_dashboard_storage_panel_leaves_destroyed_and_released_lots_out(
    client, warehouse_user, office, general_bay
):
    seizure = log_seizure(
        warehouse_user, office, lots=[lot_input(location=general_bay), lot_input()]
    )
    SeizureFactory(office=office, created_by=warehouse_user)
    LotFactory(status="destroyed")
    LotFactory(status="released")
    client.force_login(warehouse_user)
    page = client.get("/").text
    assert seizure.lots.count() == 2
    assert '?status=in_storage">2</a>' in page  # lots in storage
    assert 'placed=false">1</a>' in page  # not placed


def test_a_list_past_the_count_cap_says_more_than_and_asks_for_a_filter(
    client, admin_user, monkeypatch
):
    monkeypatch.setattr(CappedPaginator, "cap", 3)
    LotFactory.create_batch(5)
    client.force_login(admin_user)

    capped = client.get("/lots/")
    assert "More than 3 lots: filter to narrow the list" in capped.text
    assert len(capped.context["object_list"]) == 3  # only the first `cap` rows are paged

    narrowed = client.get(f"/lots/?q={Lot.objects.order_by('pk').first().reference}")
    assert "1 lot</p>" in narrowed.text


CAP_BOUNDARY = [(2, "2", False), (3, "3", False), (4, "3+", True)]  # cap - 1, cap, cap + 1


@pytest.mark.parametrize(("lots", "shown", "capped"), CAP_BOUNDARY)
def test_the_api_count_stops_at_the_cap_says_so_and_pages_on(
    api, admin_user, monkeypatch, lots, shown, capped
):
    monkeypatch.setattr(CappedPaginator, "cap", 3)
    LotFactory.create_batch(lots)
    client = api(admin_user)

    first = client.get("/api/v1/lots/?page_size=2").json()
    assert (first["count"], first["count_capped"]) == (min(lots, 3), capped)
    seen, url = [], "/api/v1/lots/?page_size=2"
    while url:
        page = client.get(url).json()
        seen += [row["id"] for row in page["results"]]
        url = page["next"]
    # `next` walks the counted rows: all of them below the cap, the first `cap` past it.
    assert len(seen) == len(set(seen)) == min(lots, 3)


def test_the_schema_documents_the_capped_count(api, admin_user):
    schema = api(admin_user).get("/api/schema/?format=json").json()
    page = schema["components"]["schemas"]["PaginatedLotList"]
    assert page["required"] == ["count", "count_capped", "results"]
    assert "more than 10,000 rows match" in page["properties"]["count_capped"]["description"]
    assert "lower bound" in page["properties"]["count"]["description"]


@pytest.mark.parametrize(("lots", "shown", "capped"), CAP_BOUNDARY)
def test_dashboard_figures_stop_at_the_cap_and_link_to_the_list(
    client, admin_user, monkeypatch, lots, shown, capped
):
    monkeypatch.setattr(CappedPaginator, "cap", 3)
    LotFactory.create_batch(lots)
    LotFactory(status="destroyed")  # never counted
    client.force_login(admin_user)

    page = client.get("/")
    storage = next(panel for panel in page.context["panels"] if panel["title"] == "Storage")
    assert (storage["in_storage"].value, storage["in_storage"].capped) == (min(lots, 3), capped)
    assert f'<a href="/lots/?status=in_storage">{shown}</a>' in page.text
    assert '?status=on_hold">0</a>' in page.text


def test_a_capped_count_reads_as_a_lower_bound():
    assert str(CappedCount(10_001, 10_000)) == "10,000+"
    assert str(CappedCount(10_000, 10_000)) == "10,000"
    assert CappedCount(10_001, 10_000).value == 10_000

"""Every list page and endpoint runs the same number of queries for 1 row and for 200 rows."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from seizures import custody
from seizures.models import CustodyEvent, Holiday
from tests.seizures.factories import (
    CustomsOfficeFactory,
    LotFactory,
    RightHolderFactory,
    SeizureFactory,
    StorageLocationFactory,
    WarehouseFactory,
)

pytestmark = pytest.mark.django_db


class Rows:
    """Makers of n more rows of each list, sharing a few parents (an N+1 shows all the same)."""

    def __init__(self, user):
        self.user = user
        self.office = CustomsOfficeFactory(code="QRY")
        self.right_holder = RightHolderFactory(name="Query Brands")
        self.warehouse = WarehouseFactory(office=self.office)
        self.count = 0

    def seizures(self, n):
        for _ in range(n):
            seizure = SeizureFactory(
                office=self.office, right_holder=self.right_holder, created_by=self.user
            )
            self.lots_for(seizure, 1)

    def lots(self, n):
        for _ in range(n):
            seizure = SeizureFactory(
                office=self.office, right_holder=self.right_holder, created_by=self.user
            )
            parent = self.lots_for(seizure, 1)[0]
            # A sample too, so parent references are read as well.
            LotFactory(seizure=seizure, parent=parent, location=parent.location)

    def lots_for(self, seizure, n):
        location = StorageLocationFactory(warehouse=self.warehouse)
        return LotFactory.create_batch(n, seizure=seizure, location=location)

    def events(self, n):
        seizure = SeizureFactory(office=self.office, created_by=self.user)
        custody.start_chains(self.lots_for(seizure, n), actor=self.user)

    def chain(self, n):
        """n events on one lot (for the lot's custody endpoint)."""
        lot = self.the_lot()
        for _ in range(n):
            location = StorageLocationFactory(warehouse=self.warehouse)
            custody.append_event(
                lot, CustodyEvent.Kind.MOVED, actor=self.user, to_location=location, quantity=1
            )

    def the_lot(self):
        if not hasattr(self, "_lot"):
            seizure = SeizureFactory(office=self.office, created_by=self.user)
            self._lot = LotFactory(seizure=seizure)
        return self._lot

    def locations(self, n):
        zone = StorageLocationFactory(warehouse=self.warehouse, kind="zone")
        for _ in range(n):
            location = StorageLocationFactory(warehouse=self.warehouse, parent=zone)
            LotFactory(
                location=location, seizure__office=self.office, seizure__created_by=self.user
            )

    def warehouses(self, n):
        for _ in range(n):
            StorageLocationFactory(warehouse=WarehouseFactory(office=self.office))

    def right_holders(self, n):
        RightHolderFactory.create_batch(n)

    def offices(self, n):
        CustomsOfficeFactory.create_batch(n)

    def holidays(self, n):
        for _ in range(n):
            self.count += 1
            Holiday.objects.create(
                date=datetime.date(2030, 1, 1) + datetime.timedelta(days=self.count),
                name="Holiday",
            )

    def warehouse_lots(self, n):
        for _ in range(n):
            location = StorageLocationFactory(warehouse=self.warehouse)
            LotFactory(
                location=location, seizure__office=self.office, seizure__created_by=self.user
            )

    def seizure_lots(self, n):
        seizure = self.the_seizure()
        self.lots_for(seizure, n)

    def the_seizure(self):
        if not hasattr(self, "_seizure"):
            self._seizure = SeizureFactory(office=self.office, created_by=self.user)
        return self._seizure


def count_queries(fetch) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = fetch()
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    assert response.status_code == 200, response.content[:500]
    return len(captured)


def assert_same_queries(fetch, make) -> None:
    make(1)
    fetch()  # warm-up: the user's permission cache, content types
    one = count_queries(fetch)
    make(199)
    many = count_queries(fetch)
    assert one == many, f"{one} queries for 1 row, {many} for 200"


API_LISTS = [
    ("/api/v1/seizures/", "seizures"),
    ("/api/v1/lots/", "lots"),
    ("/api/v1/lots/?ageing=true&waste_class=APP&status=in_storage", "lots"),
    ("/api/v1/custody-events/", "events"),
    ("/api/v1/locations/", "locations"),
    ("/api/v1/warehouses/", "warehouses"),
    ("/api/v1/right-holders/", "right_holders"),
    ("/api/v1/customs-offices/", "offices"),
    ("/api/v1/holidays/", "holidays"),
    ("/api/v1/seizures/export/", "seizures"),
    ("/api/v1/lots/export/", "lots"),
    ("/api/v1/custody-events/export/", "events"),
    ("/api/v1/locations/export/", "locations"),
]


@pytest.mark.parametrize(("url", "maker"), API_LISTS)
def test_api_lists_run_the_same_queries_for_1_and_200_rows(api, admin_user, url, maker):
    rows = Rows(admin_user)
    client = api(admin_user)
    assert_same_queries(lambda: client.get(url), getattr(rows, maker))


def test_api_lot_custody_and_seizure_detail_run_the_same_queries(api, admin_user):
    rows = Rows(admin_user)
    client = api(admin_user)
    assert_same_queries(
        lambda: client.get(f"/api/v1/lots/{rows.the_lot().pk}/custody/"), rows.chain
    )
    assert_same_queries(
        lambda: client.get(f"/api/v1/seizures/{rows.the_seizure().pk}/"), rows.seizure_lots
    )


PAGES = [
    ("/seizures/", "seizures"),
    ("/seizures/?export=csv", "seizures"),
    ("/lots/", "lots"),
    ("/lots/?export=csv", "lots"),
    ("/storage/ageing/", "lots"),
    ("/custody/", "events"),
    ("/storage/locations/", "locations"),
    ("/storage/warehouses/", "warehouses"),
    ("/right-holders/", "right_holders"),
]


@pytest.mark.parametrize(("url", "maker"), PAGES)
def test_list_pages_run_the_same_queries_for_1_and_200_rows(client, admin_user, url, maker):
    rows = Rows(admin_user)
    client.force_login(admin_user)
    assert_same_queries(lambda: client.get(url), getattr(rows, maker))


def test_detail_pages_run_the_same_queries_for_1_and_200_rows(client, admin_user):
    rows = Rows(admin_user)
    client.force_login(admin_user)
    assert_same_queries(
        lambda: client.get(f"/storage/warehouses/{rows.warehouse.pk}/"), rows.warehouse_lots
    )
    assert_same_queries(
        lambda: client.get(f"/seizures/{rows.the_seizure().pk}/"), rows.seizure_lots
    )
    assert_same_queries(lambda: client.get(f"/lots/{rows.the_lot().pk}/"), rows.chain)

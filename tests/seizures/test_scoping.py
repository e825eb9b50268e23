"""Who sees which office (seizures.scoping): warehouse staff their offices, none without one;
auditors and administrators every office unless offices limit them; `national` and superusers
everything; a right holder's users its cases only. Inputs naming another office's records are
refused as unknown; statistics take one of the user's offices."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from project.roles import ADMINISTRATOR, ENVIRONMENTAL_AUDITOR, RIGHT_HOLDER, WAREHOUSE_STAFF
from seizures.models import Lot, Seizure, StorageLocation
from tests.factories import UserFactory
from tests.scoping_world import user_in
from tests.seizures.factories import (
    CustomsOfficeFactory,
    LotFactory,
    RightHolderFactory,
    SeizureFactory,
    StorageLocationFactory,
    WarehouseFactory,
)
from tests.seizures.test_api import seizure_payload
from tests.seizures.test_pages import seizure_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_offices():
    offices = []
    for code in ("AAA", "BBB"):
        office = CustomsOfficeFactory(code=code)
        location = StorageLocationFactory(warehouse=WarehouseFactory(office=office))
        LotFactory(
            seizure=SeizureFactory(office=office, right_holder=RightHolderFactory(name=code)),
            location=location,
        )
        offices.append(office)
    return offices


def seen(user) -> set[str]:
    return set(Seizure.objects.visible_to(user).values_list("office__code", flat=True))


def test_warehouse_staff_see_their_offices_only(two_offices):
    aaa, _ = two_offices
    staff = user_in(WAREHOUSE_STAFF, "staff", offices=[aaa])
    assert seen(staff) == {"AAA"}
    assert set(Lot.objects.visible_to(staff).values_list("seizure__office__code", flat=True)) == {
        "AAA"
    }
    assert set(
        StorageLocation.objects.visible_to(staff).values_list("warehouse__office__code", flat=True)
    ) == {"AAA"}


def test_staff_without_an_office_see_nothing(two_offices):
    assert seen(user_in(WAREHOUSE_STAFF, "new")) == set()


@pytest.mark.parametrize("role", [ENVIRONMENTAL_AUDITOR, ADMINISTRATOR])
def test_auditors_and_administrators_are_national_unless_limited(two_offices, role):
    aaa, _ = two_offices
    assert seen(user_in(role, "national")) == {"AAA", "BBB"}
    assert seen(user_in(role, "limited", offices=[aaa])) == {"AAA"}


def test_national_access_and_superusers_see_every_office(two_offices):
    assert seen(user_in(WAREHOUSE_STAFF, "hq", national=True)) == {"AAA", "BBB"}
    assert seen(UserFactory(username="root", is_superuser=True)) == {"AAA", "BBB"}


def test_a_right_holders_user_sees_its_cases_in_every_office(two_offices):
    holder = RightHolderFactory(name="AAA")
    SeizureFactory(office=two_offices[1], right_holder=holder)
    rita = user_in(RIGHT_HOLDER, "rita", right_holder=holder)
    assert seen(rita) == {"AAA", "BBB"}
    assert set(Seizure.objects.visible_to(rita).values_list("right_holder__name", flat=True)) == {
        "AAA"
    }


def test_the_scope_is_read_once_per_user(two_offices):
    staff = user_in(WAREHOUSE_STAFF, "staff", offices=two_offices[:1])
    with CaptureQueriesContext(connection) as first:
        list(Seizure.objects.visible_to(staff))
    with CaptureQueriesContext(connection) as second:
        list(Lot.objects.visible_to(staff))
    assert (len(first), len(second)) == (2, 1)


def test_another_offices_location_is_unknown_to_a_move(api, two_offices):
    aaa, bbb = two_offices
    staff = user_in(WAREHOUSE_STAFF, "staff", offices=[aaa])
    lot = Lot.objects.get(seizure__office=aaa)
    foreign = StorageLocation.objects.get(warehouse__office=bbb)
    response = api(staff).post(
        f"/api/v1/lots/{lot.pk}/move/", {"location": foreign.pk}, format="json"
    )
    assert response.status_code == 400
    assert "does not exist" in response.json()["errors"]["location"][0]


def test_labels_of_another_offices_lots_are_refused(api, client, two_offices):
    aaa, bbb = two_offices
    staff = user_in(WAREHOUSE_STAFF, "staff", offices=[aaa])
    foreign = Lot.objects.get(seizure__office=bbb)
    response = api(staff).post("/api/v1/lots/labels/", {"lots": [foreign.pk]}, format="json")
    assert response.status_code == 400
    client.force_login(staff)
    page = client.get(f"/lots/labels/?lot={foreign.pk}")
    assert page.status_code == 302  # back, with "select at least one lot": nothing printed


def test_a_seizure_is_logged_for_one_of_the_users_offices(api, client, two_offices):
    aaa, bbb = two_offices
    staff = user_in(WAREHOUSE_STAFF, "staff", offices=[aaa])
    before = Seizure.objects.count()
    response = api(staff).post("/api/v1/seizures/", seizure_payload(bbb), format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["office"]
    assert "does not exist" in response.json()["errors"]["office"][0]
    client.force_login(staff)
    page = client.post("/seizures/new/", seizure_form(bbb))
    assert page.status_code == 200
    assert list(page.context["form"].errors) == ["office"]
    assert Seizure.objects.count() == before
    # The same case for their own office goes through both ways.
    assert (
        api(staff).post("/api/v1/seizures/", seizure_payload(aaa), format="json").status_code == 201
    )
    assert client.post("/seizures/new/", seizure_form(aaa)).status_code == 302


def test_limited_users_get_statistics_of_their_offices_only(api, two_offices):
    aaa, bbb = two_offices
    auditor = user_in(ENVIRONMENTAL_AUDITOR, "limited", offices=[aaa])
    client = api(auditor)
    assert client.get("/api/v1/statistics/2026/?office=AAA").status_code == 200
    other = client.get("/api/v1/statistics/2026/?office=BBB")
    assert other.status_code == 400
    assert "No customs office" in other.json()["errors"]["office"][0]
    everything = client.get("/api/v1/statistics/2026/")
    assert everything.json()["errors"]["office"] == ["Choose one of your offices (AAA)."]
    assert (
        api(user_in(ENVIRONMENTAL_AUDITOR, "national")).get("/api/v1/statistics/2026/").status_code
        == 200
    )


@pytest.mark.parametrize("url", ["/lots/", "/api/v1/lots/", "/seizures/", "/orders/"])
def test_scoped_lists_run_the_same_queries_for_one_and_many_rows(client, url):
    office = CustomsOfficeFactory(code="QRY")
    staff = user_in(WAREHOUSE_STAFF, "staff", offices=[office])
    client.force_login(staff)

    def make(n):
        for _ in range(n):
            LotFactory(seizure=SeizureFactory(office=office))

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    make(1)
    count()
    one = count()
    make(40)
    assert count() == one

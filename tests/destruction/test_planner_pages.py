"""Issue 14 through the pages, with the rulebook on: the planner starts from proposals, shows
their compliance preview and splits the lots into one order per facility; the order page
changes a draft, takes a submitted order back and approves with acknowledged warnings."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from destruction import panels, services
from destruction.models import DestructionOrder, OrderLine, OrderStatus
from destruction.planning.views import EligiblePaginator
from seizures.models import CustodyEvent
from tests.destruction.conftest import build_order, eligible_lot, planned_day
from tests.destruction.factories import FacilityFactory
from tests.destruction.test_planning_api import mixed_lots
from tests.seizures.factories import CustomsOfficeFactory

pytestmark = pytest.mark.django_db
PLANNER = "/orders/plan/"


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client

    return login


def planner(**fields) -> dict:
    return {"planned_date": planned_day().isoformat(), "cost_currency": "EUR", **fields}


def test_the_planner_url_is_the_named_one():
    assert reverse("destruction:planner") == PLANNER


def test_proposals_are_shown_with_their_verdict_and_findings(as_user, warehouse_user):
    lots = mixed_lots()
    FacilityFactory(name="EcoTreat Antwerp")
    response = as_user(warehouse_user).post(
        PLANNER, planner(lots=[lot.pk for lot in lots], step="propose")
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="proposals"' in page
    for lot, method in zip(
        lots, ["RECYCLE_SHRED", "RECYCLE_DISMANTLE", "RECYCLE_BATTERY", "RECOVER_WTE"], strict=True
    ):
        assert f'<option value="{method}" selected>' in page.split(f'name="method_{lot.pk}"')[1]
    assert f'data-testid="verdict-{lots[3].reference}">needs_review' in page
    assert 'data-rule="PHA-S3" data-severity="warning"' in page
    assert "Creating makes 1 order, one per facility: EcoTreat Antwerp (4 lots)." in page
    assert not DestructionOrder.objects.exists()


def test_a_changed_choice_is_checked_again(as_user, warehouse_user):
    lot = eligible_lot(category="3a")
    FacilityFactory(name="EcoTreat Antwerp")
    response = as_user(warehouse_user).post(
        PLANNER, planner(lots=[lot.pk], step="check", **{f"method_{lot.pk}": "RECOVER_WTE"})
    )
    page = response.content.decode()
    assert f'data-testid="verdict-{lot.reference}">needs_review' in page
    assert 'data-rule="X-MF-02" data-severity="warning"' in page


def test_lots_needing_different_facilities_make_one_order_each_in_one_step(as_user, warehouse_user):
    lots = mixed_lots()
    textiles = FacilityFactory(
        name="Textile Recycling Gent", permit__operations=["R3", "R1", "D10", "R12"]
    )
    batteries = FacilityFactory(name="BatteryBack Hoboken", permit__operations=["R6"])
    client = as_user(warehouse_user)
    proposed = client.post(PLANNER, planner(lots=[lot.pk for lot in lots], step="propose"))
    assert "Creating makes 2 orders" in proposed.content.decode()

    response = client.post(
        PLANNER,
        planner(
            lots=[lot.pk for lot in lots],
            step="create",
            carrier_name="SafeHaul BV",
            **{f"method_{lots[2].pk}": "RECYCLE_BATTERY", f"facility_{lots[2].pk}": batteries.pk},
        ),
        follow=True,
    )

    orders = {order.facility: order for order in DestructionOrder.objects.all()}
    assert set(orders) == {textiles, batteries}
    assert set(orders[batteries].lines.values_list("lot_id", flat=True)) == {lots[2].pk}
    assert set(orders[textiles].lines.values_list("lot_id", flat=True)) == {
        lots[0].pk,
        lots[1].pk,
        lots[3].pk,
    }
    assert {order.carrier_name for order in orders.values()} == {"SafeHaul BV"}
    assert "2 orders planned, one per facility" in response.content.decode()
    for order in orders.values():
        services.submit_order(order=order, actor=warehouse_user)


def test_the_proposals_cost_the_same_queries_for_one_lot_and_for_many(as_user, warehouse_user):
    office = CustomsOfficeFactory(code="BRU", country="BE")
    FacilityFactory(name="EcoTreat Antwerp")
    client = as_user(warehouse_user)

    def queries(lots) -> int:
        body = planner(lots=[lot.pk for lot in lots], step="propose")
        client.post(PLANNER, body)
        with CaptureQueriesContext(connection) as captured:
            response = client.post(PLANNER, body)
        assert response.status_code == 200
        return len(captured)

    # Every lot exists before either count: the eligible lots listed below stay the same.
    single = [eligible_lot(office=office, category="3a")]
    many = mixed_lots(office) + mixed_lots(office)
    assert queries(single) == queries(many)


def test_a_past_day_is_refused_on_the_day_field(as_user, warehouse_user):
    lot = eligible_lot()
    response = as_user(warehouse_user).post(
        PLANNER, planner(lots=[lot.pk], step="propose", planned_date="2020-01-01")
    )
    assert response.status_code == 400
    assert "Plan the destruction for today or a later day." in response.content.decode()


# --- the order page --------------------------------------------------------------------------


def test_the_order_page_changes_a_draft(as_user, warehouse_user, admin_user):
    order = build_order(preparer=warehouse_user, approver=admin_user)
    line = order.lines.get()
    other = FacilityFactory(name="Textile Recycling Gent")
    response = as_user(warehouse_user).post(
        reverse("destruction:order-edit", args=[order.pk]),
        {
            "facility": other.pk,
            "planned_date": planned_day(12).isoformat(),
            "vehicle": "2-NEW-001",
            "seal_numbers": "S-1\nS-2",
            "planned_witnesses": "",
            f"method_{line.lot_id}": "RECYCLE_DISMANTLE",
        },
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert (order.facility, order.vehicle, order.seal_numbers) == (
        other,
        "2-NEW-001",
        ["S-1", "S-2"],
    )
    assert OrderLine.objects.get(pk=line.pk).method == "RECYCLE_DISMANTLE"
    event = CustodyEvent.objects.get(kind=CustodyEvent.Kind.ORDER_CHANGED)
    assert event.details["method"] == ["RECYCLE_SHRED", "RECYCLE_DISMANTLE"]


def test_the_order_page_shows_the_submit_check_and_refuses_an_uninformed_approval(
    as_user, warehouse_user, admin_user
):
    lot = eligible_lot(category="3a", reference="BRU-LOT-APP")
    order = services.create_order(
        actor=warehouse_user,
        lines=[services.LineInput(lot=lot, method="RECOVER_WTE")],
        facility=FacilityFactory(),
        planned_date=planned_day(),
    )
    services.submit_order(order=order, actor=warehouse_user)
    client = as_user(admin_user)
    page = client.get(reverse("destruction:order-detail", args=[order.pk])).content.decode()
    assert 'data-testid="submit-check"' in page
    assert "I acknowledge X-MF-02 (lot BRU-LOT-APP)" in page

    refused = client.post(reverse("destruction:order-approve", args=[order.pk]), {})
    assert refused.status_code == 400
    assert "Acknowledge the warning X-MF-02 (lot BRU-LOT-APP)" in refused.content.decode()
    order.refresh_from_db()
    assert order.status == OrderStatus.SUBMITTED


def test_the_preparer_takes_the_order_back_on_the_page(as_user, warehouse_user, admin_user):
    order = build_order(preparer=warehouse_user, approver=admin_user, status=OrderStatus.SUBMITTED)
    client = as_user(warehouse_user)
    assert (
        "Take back to draft"
        in client.get(reverse("destruction:order-detail", args=[order.pk])).content.decode()
    )
    response = client.post(
        reverse("destruction:order-return", args=[order.pk]), {"reason": "Wrong facility"}
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert (order.status, order.return_reason) == (OrderStatus.DRAFT, "Wrong facility")


@pytest.mark.parametrize(
    ("lots", "figure", "heading"),
    [(1, "1", "(1)"), (2, "2", "(2)"), (3, "2+", "(more than 2)")],  # cap - 1, cap, cap + 1
)
def test_the_planner_and_the_dashboard_count_eligible_lots_up_to_their_cap(
    as_user, warehouse_user, monkeypatch, lots, figure, heading
):
    monkeypatch.setattr(panels, "ELIGIBLE_COUNT_CAP", 2)
    monkeypatch.setattr(EligiblePaginator, "cap", 2)
    for _ in range(lots):
        eligible_lot()
    client = as_user(warehouse_user)

    dashboard = client.get("/").text
    assert f'Lots ready to plan</dt><dd><a href="/orders/plan/">{figure}</a>' in dashboard
    planner = client.get(PLANNER)
    assert f'Eligible lots <span class="muted">{heading}</span>' in planner.text
    assert len(planner.context["rows"]) == min(lots, 2)  # past the cap, its first rows only

"""Rules of a lot's life in the warehouse, row by row: the status transition table, what counts
for capacity, and which lots samples may be taken from and how much they may weigh."""

import datetime
from decimal import Decimal
from itertools import product

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from project.errors import TransitionNotAllowed
from seizures import custody, services
from seizures.models import CustodyEvent, Lot, LotStatus
from tests.seizures.conftest import log_seizure, lot_input

pytestmark = pytest.mark.django_db

# The transition table as the issue and the services need it, written out pair by pair.
ALLOWED = {
    (LotStatus.IN_STORAGE, LotStatus.ON_HOLD),
    (LotStatus.IN_STORAGE, LotStatus.ALLOCATED),
    (LotStatus.IN_STORAGE, LotStatus.RELEASED),
    (LotStatus.ON_HOLD, LotStatus.IN_STORAGE),
    (LotStatus.ALLOCATED, LotStatus.IN_STORAGE),
    (LotStatus.ALLOCATED, LotStatus.IN_TRANSIT),
    (LotStatus.IN_TRANSIT, LotStatus.DESTROYED),
    (LotStatus.IN_TRANSIT, LotStatus.IN_STORAGE),
    # Missing at a stocktake, declared lost by an administrator (X-CC-06).
    (LotStatus.IN_STORAGE, LotStatus.LOST),
    (LotStatus.ON_HOLD, LotStatus.LOST),
}


def snapshot(lot: Lot) -> tuple:
    """What a refused action must leave as it was: the lot's row and its custody chain."""
    row = Lot.objects.values().get(pk=lot.pk)
    row.pop("updated_at")
    events = list(CustodyEvent.objects.filter(lot=lot).values_list("sequence", "kind", "hash"))
    return row, events, Lot.objects.count()


@pytest.mark.parametrize(("old", "new"), list(product(LotStatus, LotStatus)))
def test_every_row_of_the_lot_transition_table(warehouse_user, office, old, new):
    lot = log_seizure(warehouse_user, office).lots.get()
    Lot.objects.filter(pk=lot.pk).update(status=old)
    if (old, new) in ALLOWED:
        with transaction.atomic():
            custody.change_lot_status([lot.pk], expected=old, new=new)
        assert Lot.objects.get(pk=lot.pk).status == new
        return
    before = snapshot(lot)
    with pytest.raises(TransitionNotAllowed) as error, transaction.atomic():
        custody.change_lot_status([lot.pk], expected=old, new=new)
    assert error.value.message == f"A lot cannot go from {old} to {new}."
    assert snapshot(lot) == before


def test_a_lot_on_hold_is_not_released(warehouse_user, admin_user, office):
    seizure = log_seizure(warehouse_user, office)
    services.place_hold(seizure=seizure, reason="Court order", actor=admin_user)
    lot = seizure.lots.get()
    before = snapshot(lot)
    with pytest.raises(TransitionNotAllowed, match="under a legal hold; lift it"):
        services.release_lot(lot=lot, reason="Genuine", actor=admin_user)
    assert snapshot(lot) == before and before[0]["status"] == LotStatus.ON_HOLD


def test_capacity_counts_only_lots_physically_in_the_location(warehouse_user, office, general_bay):
    seizure = log_seizure(
        warehouse_user,
        office,
        lots=[
            lot_input(gross_weight_kg=Decimal("900"), location=general_bay),
            lot_input(gross_weight_kg=Decimal("150")),
        ],
    )
    heavy, light = seizure.lots.order_by("reference")
    before = snapshot(light)
    with pytest.raises(ValidationError) as error:
        services.move_lot(lot=light, location=general_bay, actor=warehouse_user)
    assert error.value.message_dict["location"] == [
        f"ST-CAP: location BRU1-GEN-B01 has 100 kg free of 1000 kg; lot {light.reference} "
        "weighs 150 kg"
    ]
    assert snapshot(light) == before
    # On its way to the facility the heavy lot still names the bay but no longer fills it.
    Lot.objects.filter(pk=heavy.pk).update(status=LotStatus.IN_TRANSIT)
    moved = services.move_lot(lot=light, location=general_bay, actor=warehouse_user)
    assert moved.location == general_bay
    assert moved.custody_events.last().kind == CustodyEvent.Kind.PLACED


@pytest.mark.parametrize(
    "status", [LotStatus.ALLOCATED, LotStatus.IN_TRANSIT, LotStatus.RELEASED, LotStatus.DESTROYED]
)
def test_samples_are_taken_only_from_lots_in_storage_or_on_hold(
    warehouse_user, office, general_bay, status
):
    lot = log_seizure(warehouse_user, office, lots=[lot_input(location=general_bay)]).lots.get()
    Lot.objects.filter(pk=lot.pk).update(status=status)
    before = snapshot(lot)
    with pytest.raises(TransitionNotAllowed) as error:
        services.take_sample(
            lot=lot, articles=1, purpose="analysis", holder="Lab", actor=warehouse_user
        )
    label = LotStatus(status).label.lower()
    assert error.value.message == (
        f"Lot {lot.reference} is {label}; samples are taken from lots in storage or on hold."
    )
    assert snapshot(lot) == before


def test_a_sample_can_be_taken_from_a_lot_on_hold(warehouse_user, admin_user, office):
    seizure = log_seizure(warehouse_user, office)
    services.place_hold(seizure=seizure, reason="Court order", actor=admin_user)
    lot = seizure.lots.get()
    sample = services.take_sample(
        lot=lot, articles=1, purpose="evidence", holder="Court", actor=admin_user
    )
    assert sample.status == LotStatus.ON_HOLD
    assert Lot.objects.get(pk=lot.pk).articles == 99


@pytest.mark.parametrize(
    ("articles", "weight", "message"),
    [
        (
            1,
            Decimal("25"),
            "1 of the lot's 100 articles cannot weigh the whole lot (25.000 kg): the 99 articles "
            "left would weigh nothing.",
        ),
        (100, Decimal("25.001"), "The lot weighs only 25.000 kg."),
    ],
)
def test_a_sample_cannot_take_more_weight_than_its_articles_leave(
    warehouse_user, office, articles, weight, message
):
    lot = log_seizure(warehouse_user, office).lots.get()
    before = snapshot(lot)
    with pytest.raises(ValidationError) as error:
        services.take_sample(
            lot=lot,
            articles=articles,
            purpose="analysis",
            holder="Lab",
            gross_weight_kg=weight,
            actor=warehouse_user,
        )
    assert error.value.message_dict == {"gross_weight_kg": [message]}
    assert snapshot(lot) == before


def test_a_sample_of_every_article_takes_the_whole_weight(warehouse_user, office):
    lot = log_seizure(warehouse_user, office).lots.get()
    sample = services.take_sample(
        lot=lot,
        articles=100,
        purpose="analysis",
        holder="Lab",
        gross_weight_kg=Decimal("25"),
        actor=warehouse_user,
    )
    lot.refresh_from_db()
    assert (lot.articles, lot.gross_weight_kg, sample.gross_weight_kg) == (0, 0, 25)


def test_the_ageing_list_shows_lots_past_the_long_stay_alarm(
    client, warehouse_user, office, settings
):
    settings.LONG_STAY_ALARM_DAYS = 30
    today = timezone.localdate()
    # Notified today: the statutory deadline is ahead, only the long stay can list a lot.
    seizure = log_seizure(
        warehouse_user,
        office,
        lots=[lot_input(), lot_input()],
        detained_on=today,
        notified_on=today,
    )
    old, recent = seizure.lots.order_by("reference")
    now = timezone.now()
    Lot.objects.filter(pk=old.pk).update(stored_since=now - datetime.timedelta(days=31))
    Lot.objects.filter(pk=recent.pk).update(stored_since=now - datetime.timedelta(days=29))
    client.force_login(warehouse_user)
    page = client.get("/storage/ageing/")
    assert [lot.reference for lot in page.context["object_list"]] == [old.reference]
    assert "Long stay" in page.text and "Past deadline" not in page.text

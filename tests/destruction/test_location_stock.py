"""The locations' stock counters (issue #16) follow every service that changes what occupies a
location, and `rebuild_location_stock` recounts and checks them."""

from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from destruction import services as destruction
from destruction.models import OrderStatus
from seizures import occupancy
from seizures import services as seizures
from seizures.models import Lot, LotStatus, StorageLocation
from seizures.stocktakes import services as stocktakes
from tests.destruction.conftest import eligible_lot, record
from tests.seizures.conftest import log_seizure, lot_input
from tests.seizures.factories import StorageLocationFactory, WarehouseFactory


def counters(*locations: StorageLocation) -> list[tuple[int, Decimal]]:
    return [
        tuple(StorageLocation.objects.values_list("stored_lots", "stored_kg").get(pk=loc.pk))
        for loc in locations
    ]


@pytest.fixture
def bays(db):
    warehouse = WarehouseFactory(code="BRU9")
    return [StorageLocationFactory(warehouse=warehouse, code=f"BRU9-B0{n}") for n in (1, 2)]


def test_the_counters_follow_intake_moves_samples_orders_releases_and_losses(
    bays, warehouse_user, admin_user, order_in
):
    bay_a, bay_b = bays
    seizure = log_seizure(warehouse_user, bay_a.warehouse.office, lots=[lot_input(location=bay_a)])
    taken = Lot.objects.get(seizure=seizure)
    destroyed, returned = (
        eligible_lot(location=bay_a, gross_weight_kg=Decimal("10.5")) for _ in range(2)
    )
    assert counters(bay_a, bay_b) == [(3, Decimal("46.000")), (0, Decimal("0"))]

    seizures.move_lot(lot=taken, location=bay_b, actor=warehouse_user)
    seizures.take_sample(
        lot=taken, articles=10, purpose="analysis", holder="Lab", actor=warehouse_user
    )
    assert counters(bay_a, bay_b) == [(2, Decimal("21.000")), (2, Decimal("25.000"))]

    order = order_in(OrderStatus.DISPATCHED, lots=[destroyed])
    assert counters(bay_a) == [(1, Decimal("10.500"))]
    record(order, warehouse_user)
    cancelled = order_in(OrderStatus.DISPATCHED, lots=[returned])
    destruction.cancel_order(order=cancelled, actor=warehouse_user, reason="Facility closed")
    assert counters(bay_a) == [(1, Decimal("10.500"))]

    seizures.release_lot(lot=taken, reason="Court order", actor=admin_user)
    count = stocktakes.open_stocktake(warehouse=bay_a.warehouse, actor=admin_user)
    stocktakes.resolve_discrepancy(
        stocktake=count, lot=returned, resolution="lost", note="Not found", actor=admin_user
    )

    sample = Lot.objects.get(parent=taken)
    assert sample.status == LotStatus.IN_STORAGE
    assert counters(bay_a, bay_b) == [(0, Decimal("0")), (1, sample.gross_weight_kg)]
    assert occupancy.mismatches() == []


def test_rebuild_location_stock_reports_and_recounts_wrong_counters(bays, capsys):
    eligible_lot(location=bays[0])
    StorageLocation.objects.filter(pk=bays[0].pk).update(stored_lots=7)

    with pytest.raises(CommandError, match="1 location"):
        call_command("rebuild_location_stock", "--check")
    assert "BRU9-B01: counters (7, Decimal('25.000'))" in capsys.readouterr().err

    call_command("rebuild_location_stock")
    assert "1 were wrong" in capsys.readouterr().out
    assert counters(*bays) == [(1, Decimal("25.000")), (0, Decimal("0"))]
    call_command("rebuild_location_stock", "--check")

import datetime
from decimal import Decimal

import pytest

from seizures import services
from seizures.models import StorageLocation, ZoneType
from seizures.validation import LotInput
from tests.seizures.factories import (
    CustomsOfficeFactory,
    RightHolderFactory,
    StorageLocationFactory,
    WarehouseFactory,
)


def lot_input(**overrides) -> LotInput:
    values = {
        "category": "3a",
        "description": "Counterfeit T-shirts",
        "brand": "Famous Brand",
        "articles": 100,
        "gross_weight_kg": Decimal("25"),
        "retail_value": Decimal("2500"),
    }
    values.update(overrides)
    return LotInput(**values)


def seizure_fields(office, **overrides) -> dict:
    values = {
        "office": office,
        "detained_on": datetime.date(2026, 3, 2),
        "transport_mode": "air",
        "provenance_country": "CN",
        "ipr_type": "eu_trade_mark",
        "customs_procedure": "free_circulation",
        "action_type": "ex_officio",
        "legal_route": "standard",
        "place_of_detention": "Brussels Airport cargo",
        "notified_on": datetime.date(2026, 3, 3),
    }
    values.update(overrides)
    return values


def log_seizure(actor, office, lots=None, **overrides):
    return services.create_seizure(
        actor=actor, lots=lots or [lot_input()], **seizure_fields(office, **overrides)
    )


@pytest.fixture
def office(db):
    return CustomsOfficeFactory(code="BRU", name="Brussels Airport")


@pytest.fixture
def warehouse(office):
    return WarehouseFactory(code="BRU1", office=office)


@pytest.fixture
def general_bay(warehouse) -> StorageLocation:
    return StorageLocationFactory(
        warehouse=warehouse, code="BRU1-GEN-B01", capacity_kg=Decimal("1000")
    )


@pytest.fixture
def flammables_bay(warehouse) -> StorageLocation:
    return StorageLocationFactory(
        warehouse=warehouse,
        code="BRU1-HZ-B01",
        zone_type=ZoneType.HAZARDOUS,
        accepted_hazard_classes=["2.1", "3", "5.1", "6.1", "8"],
        capacity_kg=Decimal("500"),
    )


@pytest.fixture
def right_holder(db):
    return RightHolderFactory(name="Maison Parfum SA", small_consignment_opt_in=True)


@pytest.fixture
def example_reference_data(db):
    return make_example_reference_data()


def make_example_reference_data():
    """The offices, right holders and locations that seizures/examples/*.csv name."""
    office = CustomsOfficeFactory(code="LGG", name="Liège Airport postal hub")
    warehouse = WarehouseFactory(code="LGG-W1", office=office)
    for name in ("Maison Lumière SA", "Stride Athletics AG", "VoltCell Corp."):
        RightHolderFactory(name=name, small_consignment_opt_in=True)
    for code, zone, classes in (
        ("LGG-W1-GEN-B01", ZoneType.NON_HAZARDOUS, []),
        ("LGG-W1-HZ-FL01", ZoneType.HAZARDOUS, ["2.1", "3"]),
        ("LGG-W1-HZ-TX01", ZoneType.HAZARDOUS, ["6.1"]),
        ("LGG-W1-FS-B01", ZoneType.FIRE_SEPARATED, ["9"]),
    ):
        StorageLocationFactory(
            warehouse=warehouse,
            code=code,
            zone_type=zone,
            accepted_hazard_classes=classes,
            capacity_kg=Decimal("500"),
        )
    return office

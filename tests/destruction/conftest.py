"""Orders built through the services, step by step, so every test starts from a real history
(custody events included)."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from destruction import services
from destruction.models import OrderStatus
from tests.destruction.factories import FacilityFactory
from tests.seizures.factories import CustomsOfficeFactory, LotFactory, SeizureFactory

STEPS = (
    OrderStatus.DRAFT,
    OrderStatus.SUBMITTED,
    OrderStatus.APPROVED,
    OrderStatus.DISPATCHED,
    OrderStatus.EXECUTED,
)


def planned_day(days: int = 7) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def eligible_lot(office=None, **lot_fields):
    """A lot in storage whose Art. 23 route is complete (right holder agreed, the declarant's
    deadline long passed without objection)."""
    seizure = lot_fields.pop("seizure", None) or SeizureFactory(
        office=office or CustomsOfficeFactory(code="BRU")
    )
    return LotFactory(seizure=seizure, **lot_fields)


def build_order(
    *, preparer, approver, status=OrderStatus.DRAFT, lots=None, facility=None, **fields
):
    """An order walked through the services up to `status` (draft ... executed)."""
    lots = lots or [eligible_lot()]
    fields.setdefault("planned_date", planned_day())
    fields.setdefault("carrier_name", "SafeHaul BV")
    fields.setdefault("carrier_registration", "WASTE-CARRIER-123")
    fields.setdefault("vehicle", "1-ABC-234")
    fields.setdefault("seal_numbers", ["SEAL-0001"])
    order = services.create_order(
        actor=preparer,
        lines=[services.LineInput(lot=lot, method="RECYCLE_SHRED") for lot in lots],
        facility=facility or FacilityFactory(),
        **fields,
    )
    target = STEPS.index(status)
    if target >= 1:
        order = services.submit_order(order=order, actor=preparer)
    if target >= 2:
        order = services.approve_order(order=order, actor=approver)
    if target >= 3:
        weight = sum((lot.gross_weight_kg for lot in lots), Decimal("0"))
        order = services.dispatch_order(order=order, actor=preparer, total_weight_kg=weight)
    if target >= 4:
        record(order, preparer)
        order.refresh_from_db()
    return order


def record_arguments(order, **overrides) -> dict:
    now = timezone.now()
    weight = order.dispatch_weight_kg
    arguments = {
        "started_at": now,
        "ended_at": now,
        "gate_weight_kg": weight,
        "weighbridge_ticket": "WB-000123",
        "temperature_c": None,
        "debranded": True,
        "outputs": [
            services.OutputInput(
                route="recycled", weight_kg=weight, destination="Textile Recycling Gent"
            )
        ],
        "witnesses": [
            services.WitnessInput(
                name="Olga Officer", organisation="Customs", role="customs_officer"
            )
        ],
    }
    arguments.update(overrides)
    return arguments


def record(order, actor, **overrides):
    return services.record_destruction(
        order=order, actor=actor, **record_arguments(order, **overrides)
    )


@pytest.fixture
def without_compliance_hook(settings):
    """The destruction rules alone: the compliance engine (another app, its own tests) is off,
    except in the tests that set the hook themselves."""
    settings.DESTRUCTION_COMPLIANCE_CHECK = ""


@pytest.fixture
def facility(db):
    return FacilityFactory(name="EcoTreat Antwerp")


@pytest.fixture
def lot(db):
    return eligible_lot(reference="BRU-2026-00001-01")


@pytest.fixture
def order_in(warehouse_user, admin_user):
    """order_in(status, **fields) -> an order prepared and submitted by the warehouse user and
    approved by the administrator."""

    def make(status=OrderStatus.DRAFT, **fields):
        return build_order(preparer=warehouse_user, approver=admin_user, status=status, **fields)

    return make

import io

import pytest

from destruction import demo
from destruction.models import DestructionOrder, EvidenceFile, Facility, OrderStatus
from seizures import demo as seizures_demo
from seizures.custody import verify_chains
from seizures.models import LotStatus

pytestmark = pytest.mark.django_db


def test_demo_orders_cover_the_statuses_the_eligible_lots_allow(
    warehouse_user, auditor_user, admin_user
):
    users = {"warehouse": warehouse_user, "auditor": auditor_user, "admin": admin_user}
    seizures_demo.load(users=users, stdout=io.StringIO())
    out = io.StringIO()

    demo.load(users=users, stdout=out)

    assert Facility.objects.count() == 5
    expired = Facility.objects.get(name__contains="closed").permits.get()
    assert expired.valid_until.year == 2025
    statuses = set(DestructionOrder.objects.values_list("status", flat=True))
    # Executed and cancelled come first; the rest as far as eligible lots last.
    assert {OrderStatus.EXECUTED, OrderStatus.CANCELLED} <= statuses
    if DestructionOrder.objects.count() >= 7:
        assert statuses == {
            OrderStatus.DRAFT,
            OrderStatus.SUBMITTED,
            OrderStatus.APPROVED,
            OrderStatus.DISPATCHED,
            OrderStatus.EXECUTED,
            OrderStatus.CANCELLED,
        }
    for order in DestructionOrder.objects.filter(status=OrderStatus.EXECUTED):
        assert order.record.evidence.count() == 2
        assert order.record.mass_balance_deviation is False
        assert {line.lot.status for line in order.lines.filter(active=True)} == {
            LotStatus.DESTROYED
        }
    assert EvidenceFile.objects.filter(content_type="image/png").exists()
    assert "destruction orders" in out.getvalue()
    assert verify_chains() == []

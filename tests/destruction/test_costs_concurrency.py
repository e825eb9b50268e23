"""Two accruals at once on PostgreSQL (own thread, own connection) add to one office's running
total of unbilled costs: the first creates the counter row, both add with F()."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from destruction.costs.models import UnbilledCost
from destruction.costs.services import accrue_released_costs
from seizures import services as seizure_services
from tests.concurrency import run_together
from tests.destruction.conftest import eligible_lot
from tests.destruction.factories import FacilityFactory
from tests.destruction.test_costs import recounted, tariffs, unbilled_counters
from tests.seizures.factories import CustomsOfficeFactory, SeizureFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("postgresql", "without_compliance_hook"),
]


def test_two_accruals_at_once_both_count(warehouse_user):
    tariffs(FacilityFactory())
    office = CustomsOfficeFactory(code="ZEE")
    stored = timezone.now() - datetime.timedelta(days=4)
    lots = [
        eligible_lot(seizure=SeizureFactory(office=office), stored_since=stored) for _ in range(2)
    ]
    for lot in lots:
        seizure_services.release_lot(lot=lot, reason="Found genuine", actor=warehouse_user)
    results, errors = run_together(*(lambda lot=lot: accrue_released_costs([lot]) for lot in lots))
    assert errors == [None, None]
    assert [len(entries) for entries in results] == [1, 1]
    assert UnbilledCost.objects.count() == 1
    assert unbilled_counters() == {("ZEE", "EUR"): (Decimal("12.00"), 2)} == recounted()

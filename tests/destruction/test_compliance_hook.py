"""The destruction services with the configured compliance check (settings.
DESTRUCTION_COMPLIANCE_CHECK): each step that runs it leaves a stored check on the order."""

import pytest
from django.conf import settings

from destruction.models import OrderStatus
from tests.destruction.factories import FacilityFactory

pytestmark = pytest.mark.django_db


def test_submit_approve_and_record_store_a_compliance_check_each(order_in):
    if not settings.DESTRUCTION_COMPLIANCE_CHECK:
        pytest.skip("no compliance check configured")
    facility = FacilityFactory(name="Textile Loop", max_incineration_temperature_c=None)

    order = order_in(OrderStatus.EXECUTED, facility=facility)

    stages = sorted(order.compliance_checks.values_list("stage", flat=True))
    assert stages == ["approve", "record", "submit"]
    assert order.status == OrderStatus.EXECUTED

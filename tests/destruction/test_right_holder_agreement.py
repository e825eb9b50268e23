"""An agreement to destruction given online by the right holder makes the goods eligible exactly
as the same agreement entered by customs does (Art. 23(1)(a)): same seizure fields, same
eligible-lots list, same refusals, same order."""

import datetime

import pytest

from destruction import services as destruction_services
from destruction.eligibility import destruction_refusals
from destruction.filtersets import eligible_lots
from project.roles import RIGHT_HOLDER
from seizures import services
from seizures.models import Seizure
from tests.destruction.conftest import planned_day
from tests.destruction.factories import FacilityFactory
from tests.scoping_world import user_in
from tests.seizures.factories import (
    CustomsOfficeFactory,
    LotFactory,
    RightHolderFactory,
    SeizureFactory,
)

pytestmark = pytest.mark.django_db

CASE_FIELDS = (
    "right_holder_agreement_on",
    "deadline",
    "declarant_notice_due_on",
    "proceedings_due_on",
)


def reasons(lot) -> list[str]:
    """The lot's refusals without the lot and seizure they name."""
    return [message.split("): ", 1)[1] for message in destruction_refusals(lot)]


def waiting_for_agreement(office, holder):
    """A standard-route case whose deadline has passed without the declarant objecting: only the
    right holder's agreement is missing."""
    seizure = SeizureFactory(office=office, right_holder=holder, right_holder_agreement_on=None)
    return LotFactory(seizure=seizure, category="3a")


def test_an_online_agreement_makes_the_lot_eligible_as_a_customs_entered_one(
    warehouse_user, without_compliance_hook
):
    office = CustomsOfficeFactory(code="BRU")
    holder = RightHolderFactory(name="Stride Athletics AG")
    online = waiting_for_agreement(office, holder)
    entered = waiting_for_agreement(office, holder)
    agreed_on = datetime.date(2026, 3, 10)  # before the deadline (2026-03-17)
    assert (
        reasons(online)
        == reasons(entered)
        == ["X-LB-02: the right holder's written agreement to destruction is not recorded."]
    )
    assert not eligible_lots().filter(pk__in=[online.pk, entered.pk]).exists()

    holder_user = user_in(RIGHT_HOLDER, "rita", right_holder=holder)
    services.agree_to_destruction(seizure=online.seizure, actor=holder_user, agreed_on=agreed_on)
    services.update_seizure(
        seizure=entered.seizure, actor=warehouse_user, right_holder_agreement_on=agreed_on
    )

    online.refresh_from_db()
    entered.refresh_from_db()
    fields = Seizure.objects.filter(pk__in=[online.seizure_id, entered.seizure_id]).values_list(
        *CASE_FIELDS
    )
    assert len(set(fields)) == 1
    assert reasons(online) == reasons(entered) == []
    assert set(eligible_lots().filter(pk__in=[online.pk, entered.pk])) == {online, entered}
    order = destruction_services.create_order(
        actor=warehouse_user,
        facility=FacilityFactory(),
        planned_date=planned_day(),
        lines=[
            destruction_services.LineInput(lot=lot, method="RECYCLE_SHRED")
            for lot in (online, entered)
        ],
    )
    assert sorted(order.lines.values_list("lot_id", flat=True)) == sorted([online.pk, entered.pk])

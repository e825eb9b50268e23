"""Reminders follow need-to-know (seizures.scoping): a reminder about a record of office B goes
to the users who see office B (its staff, national administrators and auditors), never to those
of office A only. Permits are national: a facility serves every office."""

import datetime

import pytest
from django.utils import timezone

from compliance.reminders import reviews_waiting
from destruction.certificates.services import issue_certificate
from destruction.reminders import permits_expiring, statements_overdue
from project.models import Notification, NotificationKind
from project.roles import ADMINISTRATOR, ENVIRONMENTAL_AUDITOR, WAREHOUSE_STAFF
from seizures.models import Seizure
from seizures.reminders import deadlines_due, long_stay
from tests.destruction.certificate_factories import executed_order
from tests.destruction.factories import CostEntryFactory, FacilityPermitFactory, StatementFactory
from tests.scoping_world import user_in
from tests.seizures.factories import (
    CustomsOfficeFactory,
    LotFactory,
    SeizureFactory,
    StorageLocationFactory,
    WarehouseFactory,
)

pytestmark = pytest.mark.django_db

# A Tuesday; the deadline falls on the next working day.
TODAY = datetime.date(2026, 12, 8)


@pytest.fixture
def offices():
    aaa, bbb = CustomsOfficeFactory(code="AAA"), CustomsOfficeFactory(code="BBB")
    for role, name in (
        (WAREHOUSE_STAFF, "staff"),
        (ADMINISTRATOR, "admin"),
        (ENVIRONMENTAL_AUDITOR, "auditor"),
    ):
        user_in(role, f"{name}-a", offices=[aaa])
        user_in(role, f"{name}-b", offices=[bbb])
    user_in(ADMINISTRATOR, "admin-national")
    user_in(ENVIRONMENTAL_AUDITOR, "auditor-national")
    return aaa, bbb


def case_of(office):
    seizure = SeizureFactory(office=office)
    location = StorageLocationFactory(warehouse=WarehouseFactory(office=office))
    lot = LotFactory(
        seizure=seizure,
        location=location,
        stored_since=timezone.now() - datetime.timedelta(days=400),
    )
    return seizure, lot


def told(kind: str) -> set[str]:
    """The users notified of this kind, by username."""
    return set(
        Notification.objects.filter(kind=kind, user__isnull=False).values_list(
            "user__username", flat=True
        )
    )


def test_a_long_stay_goes_to_those_who_see_the_case_once(offices):
    case_of(offices[1])
    assert long_stay(today=TODAY) == 3
    assert told(NotificationKind.LONG_STAY) == {"staff-b", "admin-b", "admin-national"}
    assert long_stay(today=TODAY) == 0


def test_a_deadline_goes_to_the_staff_of_the_cases_office(offices):
    seizure, _ = case_of(offices[1])
    Seizure.objects.filter(pk=seizure.pk).update(deadline=TODAY + datetime.timedelta(days=1))
    deadlines_due(today=TODAY)
    assert told(NotificationKind.DEADLINE_DUE) == {"staff-b"}


def test_an_overdue_statement_goes_to_the_administrators_who_see_it(offices, admin_user):
    _, lot = case_of(offices[1])
    statement = StatementFactory(
        right_holder=lot.seizure.right_holder,
        due_on=timezone.localdate() - datetime.timedelta(days=1),
    )
    CostEntryFactory(lot=lot, statement=statement)
    statements_overdue(today=timezone.localdate())
    # admin_user: an administrator with no office listed, so national.
    assert told(NotificationKind.STATEMENT_OVERDUE) == {
        "admin-b",
        "admin-national",
        "administrator",
    }


def test_a_review_waits_for_the_auditors_who_see_the_certificate(offices, admin_user):
    issue_certificate(order=executed_order(office=offices[1]), actor=admin_user)
    assert reviews_waiting(today=TODAY) == 2
    assert told(NotificationKind.REVIEW_WAITING) == {"auditor-b", "auditor-national"}


def test_an_expiring_permit_goes_to_every_administrator(offices):
    FacilityPermitFactory(valid_until=TODAY + datetime.timedelta(days=30))
    permits_expiring(today=TODAY)
    assert told(NotificationKind.PERMIT_EXPIRING) == {"admin-a", "admin-b", "admin-national"}

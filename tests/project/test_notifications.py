"""Notifications: stored per recipient once, e-mailed by the task worker after the commit (never
in the request), reminders on the right working day, opt-outs, and the pages."""

import datetime
import io
import threading
from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from destruction.certificates.services import issue_certificate
from destruction.costs.models import Statement
from project.models import Notification, NotificationKind, NotificationOptOut
from project.roles import WAREHOUSE_STAFF
from seizures.models import Holiday, LegalRoute, Seizure
from seizures.reminders import deadlines_due, notify_detentions
from tests.destruction.certificate_factories import executed_order
from tests.destruction.factories import FacilityPermitFactory
from tests.scoping_world import user_in
from tests.seizures.factories import (
    CustomsOfficeFactory,
    LotFactory,
    RightHolderFactory,
    SeizureFactory,
)

pytestmark = pytest.mark.django_db

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


class SlowBackend(EmailBackend):
    """Records the thread that sends; a request that sent mail itself would show here."""

    senders: list[str] = []

    def send_messages(self, messages):
        SlowBackend.senders.append(threading.current_thread().name)
        return super().send_messages(messages)


@pytest.fixture
def new_case(admin_user):
    def make(**fields):
        seizure = SeizureFactory(
            right_holder=RightHolderFactory(name="Brand Owner SA", email="legal@brand.example"),
            declarant_name="Parcel Importer BV",
            **fields,
        )
        LotFactory(seizure=seizure, reference=f"{seizure.reference}-01")
        return seizure

    return make


def test_a_new_case_notifies_the_right_holder_by_mail_and_the_declarant_by_letter(
    api, warehouse_user, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = IMMEDIATE
    from tests.seizures.factories import CustomsOfficeFactory
    from tests.seizures.test_api import seizure_payload  # the API's own valid case

    holder = RightHolderFactory(name="Brand Owner SA", email="legal@brand.example")
    payload = seizure_payload(
        CustomsOfficeFactory(code="BRU"), right_holder=holder.pk, declarant_name="Importer BV"
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = api(warehouse_user).post("/api/v1/seizures/", payload, format="json")
    assert response.status_code == 201, response.json()
    reference = response.json()["reference"]
    notes = Notification.objects.filter(kind=NotificationKind.DETENTION_NOTICE)
    assert sorted(notes.values_list("addressee", "status")) == [
        ("Brand Owner SA", "sent"),
        ("Importer BV", "letter"),
    ]
    assert mail.outbox[0].to == ["legal@brand.example"]
    assert reference in mail.outbox[0].subject
    assert "Article 17" in mail.outbox[0].body
    assert f"{reference}-01" in mail.outbox[0].body


# The worker closes its database connection between tasks, as in production: the test's data
# must be committed, not held in a test transaction.
@pytest.mark.django_db(transaction=True)
def test_the_request_never_sends_mail_the_worker_does(
    client, admin_user, settings, django_capture_on_commit_callbacks, new_case
):
    settings.TASKS = DATABASE
    settings.EMAIL_BACKEND = "tests.project.test_notifications.SlowBackend"
    SlowBackend.senders = []
    from seizures.reminders import notify_detentions

    seizure = new_case()
    with django_capture_on_commit_callbacks(execute=True):
        notify_detentions([seizure])
    queued = Notification.objects.get(email="legal@brand.example")
    assert queued.status == "queued"
    assert SlowBackend.senders == [] and mail.outbox == []
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    queued.refresh_from_db()
    assert queued.status == "sent"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["legal@brand.example"]
    letter = Notification.objects.get(addressee="Parcel Importer BV")
    assert letter.status == "letter" and "deemed to agree" in letter.body


def test_a_failed_mail_is_recorded_on_the_notification(
    settings, django_capture_on_commit_callbacks, new_case
):
    settings.TASKS = IMMEDIATE
    settings.EMAIL_BACKEND = "tests.project.test_notifications.BrokenBackend"
    from seizures.reminders import notify_detentions

    with django_capture_on_commit_callbacks(execute=True):
        notify_detentions([new_case()])
    failed = Notification.objects.get(email="legal@brand.example")
    assert failed.status == "failed" and "mail server down" in failed.error


class BrokenBackend(EmailBackend):
    def send_messages(self, messages):
        raise ConnectionError("mail server down")


# Deadline on Friday 11 December 2026, Thursday 10 a holiday, reminders 2 working days ahead:
# Tuesday 8 is the first day whose next two working days reach the deadline (Wed 9, Fri 11).
DEADLINE = datetime.date(2026, 12, 11)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (datetime.date(2026, 12, 7), 0),  # Monday: 2 working days ahead is Wednesday 9
        (datetime.date(2026, 12, 8), 3),  # Tuesday: reaches Friday 11 (Thursday 10 is off)
        (datetime.date(2026, 12, 5), 0),  # a Saturday: no reminders at all
        (datetime.date(2026, 12, 10), 0),  # the holiday itself
    ],
)
def test_deadline_reminders_fire_on_the_right_working_day(
    today, expected, settings, new_case, warehouse_user
):
    settings.REMINDER_WORKING_DAYS = 2
    Holiday.objects.create(date=datetime.date(2026, 12, 10), name="Test holiday")
    seizure = new_case()
    Seizure.objects.filter(pk=seizure.pk).update(deadline=DEADLINE, right_holder_agreement_on=None)
    # warehouse user in the app, right holder by mail, declarant by letter
    assert deadlines_due(today=today) == expected


def test_a_reminder_never_fires_twice(settings, new_case, warehouse_user):
    Holiday.objects.create(date=datetime.date(2026, 12, 10), name="Test holiday")
    seizure = new_case()
    Seizure.objects.filter(pk=seizure.pk).update(deadline=DEADLINE, right_holder_agreement_on=None)
    assert deadlines_due(today=datetime.date(2026, 12, 8)) == 3
    assert deadlines_due(today=datetime.date(2026, 12, 8)) == 0
    assert deadlines_due(today=datetime.date(2026, 12, 9)) == 0
    call_command("send_reminders", "--date", "2026-12-09", stdout=io.StringIO())
    assert Notification.objects.filter(kind=NotificationKind.DEADLINE_DUE).count() == 2


def test_an_opted_out_user_gets_no_reminder(new_case, warehouse_user):
    NotificationOptOut.objects.create(user=warehouse_user, kind=NotificationKind.DEADLINE_DUE)
    seizure = new_case()
    Seizure.objects.filter(pk=seizure.pk).update(deadline=DEADLINE, right_holder_agreement_on=None)
    deadlines_due(today=datetime.date(2026, 12, 9))
    assert not Notification.objects.filter(user=warehouse_user).exists()
    assert Notification.objects.filter(kind=NotificationKind.DEADLINE_DUE).count() == 1


def test_a_certificate_notifies_the_right_holders(admin_user):
    order = executed_order()
    holder = order.lines.get().lot.seizure.right_holder
    holder.email = "certs@brand.example"
    holder.save()
    certificate = issue_certificate(order=order, actor=admin_user)
    note = Notification.objects.get(kind=NotificationKind.CERTIFICATE_ISSUED)
    assert note.email == "certs@brand.example"
    assert certificate.number in note.subject
    assert f"/verify/{certificate.verification_code}/" in note.body


def test_permits_statements_and_reviews_remind_their_people(admin_user, auditor_user):
    from compliance.reminders import reviews_waiting
    from destruction.reminders import permits_expiring, statements_overdue

    today = timezone.localdate()
    FacilityPermitFactory(valid_until=today + datetime.timedelta(days=60))
    FacilityPermitFactory(valid_until=today + datetime.timedelta(days=61))
    assert permits_expiring(today=today) == 1
    holder = RightHolderFactory(email="")
    Statement.objects.create(
        number="CS-2026-0001-001",
        right_holder=holder,
        period_from=today,
        period_to=today,
        currency="EUR",
        total="10.00",
        issued_at=timezone.now(),
        issued_by=admin_user,
        due_on=today - datetime.timedelta(days=1),
    )
    assert statements_overdue(today=today) == 2  # the administrator, a letter to the holder
    issue_certificate(order=executed_order(), actor=admin_user)
    assert reviews_waiting(today=today) == 1
    assert reviews_waiting(today=today) == 0


def test_the_pages_list_mark_read_and_save_opt_outs(client, warehouse_user, new_case):
    seizure = new_case()
    Seizure.objects.filter(pk=seizure.pk).update(deadline=DEADLINE, right_holder_agreement_on=None)
    deadlines_due(today=datetime.date(2026, 12, 9))
    client.force_login(warehouse_user)
    page = client.get("/notifications/").content.decode()
    assert f"Deadline 2026-12-11 for case {seizure.reference}" in page
    assert Notification.objects.get(user=warehouse_user).read_at is not None
    letters = client.get("/notifications/letters/").content.decode()
    assert "Parcel Importer BV" in letters
    kept = [k for k in NotificationKind.values if k != NotificationKind.LONG_STAY]
    client.post("/notifications/settings/", {"kinds": kept})
    assert list(warehouse_user.notification_opt_outs.values_list("kind", flat=True)) == [
        NotificationKind.LONG_STAY
    ]


def test_letters_are_listed_and_opened_by_the_offices_of_their_case(client, admin_user):
    """Need-to-know: staff of office A see A's letters only (another's opens as 404); a national
    administrator sees both."""
    office_a, office_b = CustomsOfficeFactory(code="AAA"), CustomsOfficeFactory(code="BBB")
    notify_detentions(
        [
            SeizureFactory(office=office, declarant_name=f"Declarant {office.code} BV")
            for office in (office_a, office_b)
        ]
    )
    letter_a, letter_b = (
        Notification.objects.get(addressee=f"Declarant {code} BV") for code in ("AAA", "BBB")
    )
    assert (letter_a.office_id, letter_b.office_id) == (office_a.pk, office_b.pk)
    staff = user_in(WAREHOUSE_STAFF, "staff-a", offices=[office_a])

    client.force_login(staff)
    listed = client.get("/notifications/letters/").content.decode()
    assert "Declarant AAA BV" in listed and "Declarant BBB BV" not in listed
    assert client.get(f"/notifications/letters/{letter_a.pk}/").status_code == 200
    assert client.get(f"/notifications/letters/{letter_b.pk}/").status_code == 404

    client.force_login(admin_user)
    listed = client.get("/notifications/letters/").content.decode()
    assert "Declarant AAA BV" in listed and "Declarant BBB BV" in listed
    printed = client.get(f"/notifications/letters/{letter_b.pk}/").content.decode()
    assert "Declarant BBB BV" in printed and letter_b.subject in printed


def test_a_letter_of_no_office_is_for_national_users_only(client, admin_user):
    """Letters stored before offices were recorded (and statements', billed across offices)."""
    notify_detentions([SeizureFactory(declarant_name="Declarant Old BV")])
    Notification.objects.update(office_id=None, right_holder_id=None)
    staff = user_in(WAREHOUSE_STAFF, "staff-a", offices=[CustomsOfficeFactory()])
    client.force_login(staff)
    assert "Declarant Old BV" not in client.get("/notifications/letters/").content.decode()
    client.force_login(admin_user)
    assert "Declarant Old BV" in client.get("/notifications/letters/").content.decode()


def test_the_letters_list_runs_constant_queries(client):
    office = CustomsOfficeFactory()
    client.force_login(user_in(WAREHOUSE_STAFF, "staff-a", offices=[office]))

    def queries_listing(cases: int) -> int:
        notify_detentions([SeizureFactory(office=office, declarant_name="D") for _ in range(cases)])
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/notifications/letters/").status_code == 200
        return len(captured)

    assert queries_listing(1) == queries_listing(5)


def test_the_migration_gives_existing_letters_the_office_of_their_case():
    derive_scope = import_module("project.migrations.0007_notification_scope").derive_scope
    seizure = SeizureFactory(right_holder=RightHolderFactory(), declarant_name="Declarant BV")
    notify_detentions([seizure])
    Notification.objects.update(office_id=None, right_holder_id=None)
    unrelated = Notification.objects.create(
        kind=NotificationKind.PERMIT_EXPIRING, subject="s", body="b", dedupe_key="k", link="/x/"
    )
    derive_scope(django_apps, None)
    letter = Notification.objects.get(addressee="Declarant BV")
    assert letter.office_id == seizure.office_id
    assert letter.right_holder_id == seizure.right_holder_id
    unrelated.refresh_from_db()
    assert unrelated.office_id is None


@pytest.mark.parametrize(
    ("route", "addressees"),
    [
        (LegalRoute.STANDARD, ["Brand Owner SA", "Parcel Importer BV"]),
        (LegalRoute.COURT, ["Brand Owner SA", "Parcel Importer BV"]),
        (LegalRoute.ABANDONMENT, ["Brand Owner SA", "Parcel Importer BV"]),
        # Art. 26: the declarant alone; Art. 17(3) does not apply to small consignments.
        (LegalRoute.SMALL_CONSIGNMENT, ["Parcel Importer BV"]),
    ],
)
def test_the_detention_notice_goes_to_the_right_holder_except_for_small_consignments(
    new_case, route, addressees
):
    notify_detentions([new_case(legal_route=route)])
    notices = Notification.objects.filter(kind=NotificationKind.DETENTION_NOTICE)
    assert sorted(notices.values_list("addressee", flat=True)) == addressees
    letter = notices.get(addressee="Parcel Importer BV")
    article = "Article 26" if route == LegalRoute.SMALL_CONSIGNMENT else "Article 23(1)(c)"
    assert f"deemed to agree ({article}" in letter.body

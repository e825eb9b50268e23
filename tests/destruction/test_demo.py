import io
from collections import Counter

import pytest
from django.core.management import call_command

from compliance.models import ComplianceCheck
from destruction.certificates.seal import DEMO_CA_FILE, validate_seal
from destruction.models import Certificate, DestructionOrder, EvidenceFile, Facility, OrderStatus
from project.models import Notification
from seizures.custody import verify_chains
from seizures.models import IntakeBatch, LotStatus, RightHolderAct
from seizures.models.stocktakes import Discrepancy, Stocktake, StocktakeStatus

pytestmark = pytest.mark.django_db


def test_the_full_demo_has_destruction_orders_in_every_status(monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "demo-password")
    out = io.StringIO()

    call_command("seed_demo", "--force", stdout=out)

    assert Facility.objects.count() == 5
    expired = Facility.objects.get(name__contains="closed").permits.get()
    assert expired.valid_until.year == 2025
    statuses = Counter(DestructionOrder.objects.values_list("status", flat=True))
    assert set(statuses) == set(OrderStatus.values)
    # The certificates demo certifies three executed orders; one is left to certify by hand.
    assert (statuses[OrderStatus.CERTIFIED], statuses[OrderStatus.EXECUTED]) == (3, 1)
    done = DestructionOrder.objects.filter(status__in=(OrderStatus.EXECUTED, OrderStatus.CERTIFIED))
    for order in done:
        assert order.record.evidence.count() == 2
        assert order.record.mass_balance_deviation is False
        assert {line.lot.status for line in order.lines.filter(active=True)} == {
            LotStatus.DESTROYED
        }
    assert EvidenceFile.objects.filter(content_type="image/png").exists()
    assert "destruction orders" in out.getvalue()
    assert "left out" not in out.getvalue()
    assert verify_chains() == []
    # Every demo certificate is sealed, in the second language of its office.
    certificates = list(Certificate.objects.select_related("office"))
    assert certificates
    assert all(validate_seal(bytes(c.pdf)).valid for c in certificates)
    assert {c.snapshot["language"] for c in certificates} <= {"fr", "nl"}


def test_seed_demo_makes_a_demo_seal_with_debug_on_and_no_seal_configured(
    settings, tmp_path, monkeypatch
):
    settings.DEBUG = True
    settings.CERTIFICATE_SEAL_P12 = ""
    settings.VAR_DIR = tmp_path
    monkeypatch.setattr(
        "project.management.commands.seed_demo.Command.load_data", lambda self, users: None
    )

    call_command("seed_demo", stdout=io.StringIO())

    assert (tmp_path / "demo-seal" / DEMO_CA_FILE).exists()


def test_the_demo_certificates_rest_on_compliant_records(monkeypatch):
    """Issue 12: nothing is wrong with the demo's certified orders, so the records their
    certificates rest on are compliant (X-MF-02 compares only with methods the lots could have
    had: no donation without consent, no WEEE route for non-electrical goods)."""
    monkeypatch.setenv("DEMO_PASSWORD", "demo-password")
    call_command("seed_demo", "--force", stdout=io.StringIO())

    certified = DestructionOrder.objects.filter(status=OrderStatus.CERTIFIED)
    checks = ComplianceCheck.objects.filter(order__in=certified, stage="record")
    assert checks.count() == certified.count() == 3
    assert set(checks.values_list("verdict", flat=True)) == {"compliant"}


def test_the_demo_facility_user_sees_the_dispatched_order_of_its_facility(client, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "demo-password")
    call_command("seed_demo", "--force", stdout=io.StringIO())

    dispatched = DestructionOrder.objects.get(status=OrderStatus.DISPATCHED)
    operator = dispatched.facility.operators.get().user
    assert operator.username == "facility"
    assert operator.check_password("demo-password")
    client.force_login(operator)
    page = client.get(f"/orders/{dispatched.pk}/").content.decode()
    assert "Confirm receipt" in page
    others = DestructionOrder.objects.exclude(facility=dispatched.facility).first()
    if others is not None:
        assert client.get(f"/orders/{others.pk}/").status_code == 404


def test_the_demo_gives_the_right_holder_the_count_and_the_reminders_something_real(monkeypatch):
    """The README tour shows these pages from the demo: none may be empty."""
    monkeypatch.setenv("DEMO_PASSWORD", "demo-password")
    call_command("seed_demo", "--force", stdout=io.StringIO())

    acts = RightHolderAct.objects.filter(actor__username="rightholder")
    assert Counter(acts.values_list("kind", flat=True)) == {
        RightHolderAct.Kind.CONFIRMED_INFRINGEMENT: 2,
        RightHolderAct.Kind.AGREED_TO_DESTRUCTION: 2,
        RightHolderAct.Kind.REQUESTED_SAMPLES: 1,
    }
    count = Stocktake.objects.get(status=StocktakeStatus.OPEN)
    assert sorted(count.lines.discrepancies().values_list("discrepancy", flat=True)) == [
        Discrepancy.MISPLACED,
        Discrepancy.MISSING,
    ]
    reminded = set(Notification.objects.values_list("user__username", flat=True))
    assert {"warehouse", "auditor", "admin"} <= reminded
    # The postal CSV is the administrator's: the warehouse user does not work for Liège.
    assert IntakeBatch.objects.get().created_by.username == "admin"

"""verify_custody compares the custody hashes frozen in certificates with the chains (issue 13),
through settings.CUSTODY_VERIFICATION_CHECKS: seizures never imports destruction."""

import pytest
from django.core.management import CommandError, call_command

from destruction.certificates.custody import certificate_problems
from destruction.certificates.services import issue_certificate
from seizures.models import CustodyEvent, Lot
from tests.destruction.certificate_factories import executed_order
from tests.seizures.test_custody_seals import rewrite_and_rehash

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(admin_user):
    return issue_certificate(order=executed_order(lots=2), actor=admin_user)


def test_the_check_is_wired_into_verify_custody(settings):
    assert settings.CUSTODY_VERIFICATION_CHECKS == [
        "destruction.certificates.custody.certificate_problems"
    ]


def test_an_intact_certified_chain_verifies_though_it_grew_after_issue(certificate, capsys):
    frozen = certificate.snapshot["lots"][0]
    lot = Lot.objects.get(reference=frozen["reference"])
    # The `certified` event itself came after the snapshot.
    assert lot.custody_length == frozen["custody_sequence"] + 1
    assert certificate_problems() == []
    call_command("verify_custody")
    assert "All 2 custody chains verify" in capsys.readouterr().out


def test_a_chain_rewritten_below_the_certificate_is_reported(certificate, capsys):
    first = certificate.snapshot["lots"][0]
    lot = Lot.objects.get(reference=first["reference"])
    # Rewrite the `destroyed` event (the newest before the certificate) and re-hash the rest.
    destroyed = CustodyEvent.objects.get(lot=lot, kind="destroyed")
    rewrite_and_rehash(lot, destroyed.sequence, details={"method": "landfill"})
    problems = [str(problem) for problem in certificate_problems()]
    assert problems == [
        f"{lot.reference} event #{first['custody_sequence']}: differs from the hash frozen in "
        f"certificate {certificate.number} (chain rewritten)"
    ]
    with pytest.raises(CommandError, match="1 custody chain"):
        call_command("verify_custody")
    assert problems[0] in capsys.readouterr().err.splitlines()


def test_a_frozen_event_that_is_gone_is_reported(certificate):
    entry = certificate.snapshot["lots"][0]
    snapshot = {**certificate.snapshot}
    snapshot["lots"] = [{**entry, "custody_sequence": 99}, *snapshot["lots"][1:]]
    type(certificate).objects.filter(pk=certificate.pk).update(snapshot=snapshot)
    assert [str(problem) for problem in certificate_problems()] == [
        f"{entry['reference']} event #99: certificate {certificate.number} froze event #99, "
        "which is gone"
    ]

"""The custody benchmark stays true: its bulk writer produces chains that the current models
hash the same way, so the timed seal_custody and verify_custody run on valid data."""

import pytest
from django.core.management import call_command

from bench import custody_bench
from seizures.models import CustodyEvent, CustodySeal
from seizures.seals import ensure_demo_key

pytestmark = pytest.mark.django_db


def test_generated_chains_seal_and_verify(capsys):
    ensure_demo_key()
    lots = custody_bench.generate(200, 4)
    call_command("seal_custody")
    grown = custody_bench.grow(lots, 4)
    call_command("seal_custody")
    call_command("verify_custody")
    assert (lots, grown) == (50, 1)
    assert CustodyEvent.objects.count() == 201
    assert CustodySeal.objects.count() == 2
    assert "All 50 custody chains verify; all match the 2 custody seal(s)." in (
        capsys.readouterr().out
    )

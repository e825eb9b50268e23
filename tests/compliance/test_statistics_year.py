"""The statistics year is the calendar year of detention, both ends included (digest D4)."""

import datetime

import pytest

from compliance.statistics import AnnualStatistics, rollups
from tests.seizures.factories import LotFactory, SeizureFactory

pytestmark = pytest.mark.django_db


def lots_detained_in(year: int) -> int:
    return AnnualStatistics(year).totals()["enforcement"]["lots"].figure


def test_a_lot_detained_on_31_december_counts_in_that_year_and_1_january_in_the_next():
    LotFactory(seizure=SeizureFactory(detained_on=datetime.date(2030, 12, 31)))
    LotFactory(seizure=SeizureFactory(detained_on=datetime.date(2031, 1, 1)))
    LotFactory(seizure=SeizureFactory(detained_on=datetime.date(2031, 1, 1)))
    rollups.rebuild()  # the factories do not go through the services

    assert lots_detained_in(2030) == 1
    assert lots_detained_in(2031) == 2

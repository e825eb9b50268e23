"""Open-year statistics kept briefly in the shared cache (issue 16): with
STATISTICS_CACHE_SECONDS set, a second request within that time reads the figures from the
cache; with 0 (no Redis) every request recomputes them. Editions and verification never read
the cache (AnnualStatistics computes unless given cache_seconds)."""

import datetime

import pytest
from django.core.cache import cache

from compliance.statistics.frozen import statistics_for
from compliance.statistics.rollups import rebuild
from tests.seizures.factories import LotFactory, SeizureFactory

pytestmark = pytest.mark.django_db


def figures(year: int) -> tuple[int, int]:
    rebuild()  # the factories write lots without the services that maintain the rollups
    statistics = statistics_for(year, None)
    lots = statistics.totals()["enforcement"]["lots"].figure
    in_categories = sum(row.figures["lots"].figure for row in statistics.breakdown("category"))
    return lots, in_categories


@pytest.fixture
def one_lot_in_2030():
    cache.clear()
    LotFactory(seizure=SeizureFactory(detained_on=datetime.date(2030, 5, 1)))
    yield
    cache.clear()


def test_cached_figures_are_served_until_they_expire(settings, one_lot_in_2030):
    settings.STATISTICS_CACHE_SECONDS = 60
    assert figures(2030) == (1, 1)
    LotFactory(seizure=SeizureFactory(detained_on=datetime.date(2030, 6, 1)))
    assert figures(2030) == (1, 1)  # within the minute: the cached figures
    cache.clear()  # as when the minute has passed
    assert figures(2030) == (2, 2)


def test_without_a_cache_time_every_request_recomputes(settings, one_lot_in_2030):
    settings.STATISTICS_CACHE_SECONDS = 0
    assert figures(2030) == (1, 1)
    LotFactory(seizure=SeizureFactory(detained_on=datetime.date(2030, 6, 1)))
    assert figures(2030) == (2, 2)

"""Demo exchange rates for the statistics: the years of the demo seizures plus this year and
last year. Indicative yearly averages (EUR per unit), not official figures; a currency missing
here is shown on the statistics page as unconverted."""

from decimal import Decimal

from django.utils import timezone

from compliance.statistics import rollups
from compliance.statistics.rates import set_exchange_rates
from seizures.models import Seizure

DEMO_RATES = {
    "USD": Decimal("0.92"),
    "GBP": Decimal("1.17"),
    "CHF": Decimal("1.04"),
    "CNY": Decimal("0.13"),
    "JPY": Decimal("0.0062"),
    "TRY": Decimal("0.028"),
}


def load(*, users, stdout) -> None:
    this_year = timezone.localdate().year
    years = {this_year - 1, this_year}
    years |= {day.year for day in Seizure.objects.dates("detained_on", "year")}
    for year in sorted(years):
        set_exchange_rates(year=year, rates=DEMO_RATES, actor=users["admin"])
    stdout.write(f"Statistics: exchange rates for {', '.join(map(str, sorted(years)))}.")
    # Some demo histories are written with their past dates, not through the services.
    rollups.rebuild()
    stdout.write("Statistics: rollups rebuilt.")

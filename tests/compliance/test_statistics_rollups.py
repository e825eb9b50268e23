"""The statistics rollups equal a full recount, figure by figure: after a rebuild over a generated
data set, and after the services change seizures, lots, orders and certificates (each service
adds its change in its own transaction). `verify_statistics` finds any difference."""

import datetime
import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from bench import generate_lots, intake_bench
from compliance.models import EnforcementRollup, StockRollup
from compliance.statistics import AnnualStatistics, rollups
from compliance.statistics.verification import differences
from destruction.certificates.services import revoke_certificate
from destruction.costs.models import Basis, CostEntry, CostKind, Tariff
from destruction.costs.services import accrue_released_costs
from destruction.models import OrderStatus
from seizures import services
from seizures.models import Lot
from tests.compliance import statistics_data
from tests.destruction.conftest import build_order, eligible_lot

pytestmark = pytest.mark.django_db
YEARS = (2024, 2025, 2026)


def test_rollups_of_a_generated_data_set_equal_a_full_recount_figure_by_figure():
    generate_lots.generate(600, stdout=io.StringIO())
    assert Lot.objects.count() == 600
    # Every year from the first detention to this one, all offices and each of the five.
    assert differences() == []


def test_the_services_keep_the_rollups_equal_to_a_recount(warehouse_user, admin_user):
    data = statistics_data.build()
    to_destroy = [eligible_lot(office=data.bru), eligible_lot(office=data.bru)]
    # Tariffs, so that the record and the release accrue costs (storage in EUR, destruction
    # in USD without a rate this year).
    Tariff.objects.create(
        kind=CostKind.STORAGE, basis=Basis.PER_DAY, amount="1.50", valid_from=date(2024, 1, 1)
    )
    Tariff.objects.create(
        kind=CostKind.DESTRUCTION,
        basis=Basis.PER_KG,
        amount="0.80",
        currency="USD",
        valid_from=date(2024, 1, 1),
    )
    rollups.rebuild()  # the factories above bypass the services; from here on, services only
    lots_2025 = AnnualStatistics(2025).total("lots").figure

    # CSV intake: six lots in three seizures detained on 2026-03-02.
    bench_user = intake_bench.reference_data()
    services.import_seizures(content=intake_bench.make_csv(6), actor=bench_user)
    # A sample of L4 (in storage), the release of L3.
    services.take_sample(
        lot=data.lots["L4"], articles=10, purpose="analysis", holder="Lab", actor=warehouse_user
    )
    services.release_lot(lot=data.lots["L3"], reason="Found genuine", actor=warehouse_user)
    accrue_released_costs()  # L3's storage, to the day of its release
    # An order through the services up to its record (executed today), then a revocation.
    build_order(
        preparer=warehouse_user,
        approver=admin_user,
        status=OrderStatus.EXECUTED,
        lots=to_destroy,
    )
    certificate = data.lots["L1"].order_lines.get().order.certificates.get(status="valid")
    revoke_certificate(certificate=certificate, reason="Wrong weight", actor=admin_user)

    assert differences(YEARS) == []
    assert AnnualStatistics(2025).total("lots").figure == lots_2025
    stats = AnnualStatistics(2026)
    assert stats.total("lots").figure >= 6 + 2
    assert stats.total("lots_destroyed").figure == 2
    assert stats.total("certificates_revoked").figure == 1
    released = {row.value: row.figures["lots"].previous for row in stats.breakdown("outcome")}
    assert released["released"] == 2  # L5 and, now, L3 (detained in 2025)
    # Costs of this year: L3's storage (ANR, released: no method) and the two lots' storage
    # and destruction (BRU, shredded); the USD destruction has no rate this year. L5 and L8,
    # released in 2025, accrued their storage with L3's, on the days they were released.
    assert CostEntry.objects.count() == 7
    assert stats.total("cost_entries").figure == 5
    assert stats.total("cost_entries").previous == 2
    assert stats.total("unconverted_cost_entries").figure == 2
    by_method = {
        row.value: row.figures["cost_entries"].figure for row in stats.breakdown("cost_method")
    }
    assert by_method == {"RECYCLE_SHRED": 4, "": 1}
    offices = {
        row.value: row.figures["cost_entries"].figure for row in stats.breakdown("cost_office")
    }
    assert offices == {"BRU": 4, "ANR": 1}


def test_a_change_without_the_hook_is_found_and_a_rebuild_repairs_it(settings, warehouse_user):
    data = statistics_data.build()
    settings.STATISTICS_ROLLUP_CHANGE = ""
    services.release_lot(lot=data.lots["L3"], reason="Found genuine", actor=warehouse_user)

    out = io.StringIO()
    with pytest.raises(CommandError, match="differ from a full recount"):
        call_command("verify_statistics", "--year", "2025", stdout=out)
    printed = out.getvalue()
    assert "2025 all offices outcome=released lots: rollups 1 != recount 2" in printed
    assert "2025 ANR outcome=released: missing from the rollups" in printed

    call_command("rebuild_statistics", stdout=io.StringIO())
    out = io.StringIO()
    call_command("verify_statistics", "--year", "2025", stdout=out)
    assert "Every figure equals a full recount (years: 2025)." in out.getvalue()


def test_rollups_stay_small_and_drop_nothing_on_a_rebuild():
    statistics_data.build()
    # Month x office x value: the 9 lots of the data set make a few dozen rows at most.
    assert EnforcementRollup.objects.filter(dimension="office").count() == 5
    stock = StockRollup.objects.filter(day__lte=datetime.date(2025, 12, 31))
    assert sum(row.lots for row in stock) == 2  # L3 and L4 at the end of 2025
    assert sum(row.kg for row in stock) == Decimal("42.000")
    before = sorted(map(str, EnforcementRollup.objects.all()))
    rollups.rebuild()
    assert sorted(map(str, EnforcementRollup.objects.all())) == before


@pytest.mark.django_db(transaction=True)
def test_a_rollup_change_outside_a_transaction_is_refused():
    refused = pytest.raises(RuntimeError, match="inside the service's transaction")
    with refused, rollups.track_change(seizures=[1]):
        pass

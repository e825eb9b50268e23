"""Annual statistics against the hand-built data set of tests/compliance/statistics_data.py: every
expected figure below is counted by hand from that module's docstring."""

import datetime
from decimal import Decimal

import pytest

from compliance.statistics import AnnualStatistics, rollups
from compliance.statistics.dictionary import (
    BREAKDOWNS,
    ENFORCEMENT_MEASURES,
    MEASURES,
    TOTALS,
    data_dictionary,
)
from compliance.statistics.figures import BREAKDOWN_QUERIES
from tests.compliance import statistics_data

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def data():
    return statistics_data.build()


def figures(stats, section):
    return {measure: c.figure for measure, c in stats.totals()[section].items()}


def rows(stats, key, measure, attribute="figure"):
    return {row.value: getattr(row.figures[measure], attribute) for row in stats.breakdown(key)}


def test_enforcement_totals_count_cases_lots_articles_and_converted_value(data):
    stats = AnnualStatistics(2025)
    assert figures(stats, "enforcement") == {
        "cases": 4,
        "lots": 5,  # L1..L5: the sample L1-S1 is not a lot detained
        "articles": 510,  # 100 + 20 + 50 + 300 + 40: the sample's 10 are in L1's 100
        # 900 + 100 (sample) + 2000 USD x 0.9 + 3000 + 400; 500 GBP has no rate
        "retail_value": D("6200.00"),
        "unconverted_lots": 1,
    }


def test_environment_totals_by_execution_date(data):
    stats = AnnualStatistics(2025)
    assert figures(stats, "environment") == {
        "orders": 2,
        "lots_destroyed": 3,  # L1, L2 (O1) and L6 (O2); L3's cancelled line does not count
        "articles_destroyed": 170,  # 90 + 20 + 60
        "kg_destroyed": D("35.000"),  # 18 (dispatch) + 5 + 12
        "hazardous_kg": D("5.000"),  # L2 carries class 9
        "hazardous_share": D("0.1429"),  # 5 / 35
        "output_kg": D("34.000"),
        "recovered_kg": D("28.000"),  # recycled 15 + energy recovery 3 + 10
        "recovery_rate": D("0.8235"),  # 28 / 34
        "hazardous_residue_kg": D("4.000"),
        "hazardous_residue_share": D("0.1176"),  # 4 / 34
        "certificates_issued": 3,
        "certificates_revoked": 1,
        "certificates_flagged": 1,
        # L1 and L2: 2025-02-10 -> 2025-04-10 = 59 days; L6: 2024-05-05 -> 2025-01-15 (a
        # Brussels date: the record ended at 00:30 local, 23:30 UTC the day before) = 255 days
        "days_to_destruction_mean": D("124.3"),  # (59 + 59 + 255) / 3
        "days_to_destruction_p90": D("215.8"),  # 59 + 0.8 x (255 - 59)
        "lots_in_storage_at_year_end": 2,  # L3 and L4: the sample L1-S1 is not a lot detained
        # L3 10 + L4 30 + the sample L1-S1's 2: those kg were taken off L1 (destroyed), so
        # without the sample they would be nowhere.
        "kg_in_storage_at_year_end": D("42.000"),
    }


def test_previous_year_figures_and_changes_stand_beside_each_figure(data):
    stats = AnnualStatistics(2025)
    enforcement = stats.totals()["enforcement"]
    assert enforcement["lots"].previous == 3  # L6, L7, L8
    assert enforcement["articles"].previous == 75
    assert enforcement["retail_value"].previous == D("550.00")  # 500 USD x 0.8 + 100 + 50
    assert enforcement["articles"].change == 435
    assert enforcement["articles"].change_percent == D("580.0")
    environment = stats.totals()["environment"]
    assert environment["kg_destroyed"].previous == D("3.000")
    assert environment["recovery_rate"].previous == D("0.0000")
    assert environment["hazardous_share"].previous == D("1.0000")
    assert environment["days_to_destruction_p90"].previous == D("128.0")
    # At the end of 2024 L6 (destroyed in January 2025) and L8 (released in February 2025)
    # were still in storage.
    assert environment["lots_in_storage_at_year_end"].previous == 2
    assert environment["kg_in_storage_at_year_end"].previous == D("13.000")
    assert environment["certificates_issued"].change_percent is None  # none in 2024


def test_enforcement_breakdowns_match_the_hand_counts(data):
    stats = AnnualStatistics(2025)
    assert rows(stats, "category", "articles") == {"2": 0, "3": 140, "4": 50, "5": 20, "8": 300}
    assert rows(stats, "category", "articles", "previous")["3"] == 65
    assert rows(stats, "subcategory", "retail_value")["3a"] == D("1400.00")
    assert rows(stats, "provenance_country", "cases") == {"CN": 2, "TR": 1, "HK": 1}
    assert [r.label for r in stats.breakdown("provenance_country")] == [
        "China",
        "Türkiye",
        "Hong Kong",
    ]
    assert rows(stats, "transport_mode", "articles") == {
        "express": 50,
        "air": 120,
        "sea": 40,
        "road": 300,
    }
    assert rows(stats, "traffic_type", "lots") == {"freight": 4, "passenger": 1}
    assert rows(stats, "ipr_type", "cases")["copyright"] == 1
    assert rows(stats, "customs_procedure", "articles")["transit"] == 50
    assert rows(stats, "action_type", "articles") == {"on_application": 160, "ex_officio": 350}
    assert rows(stats, "legal_route", "retail_value")["court"] == D("3000.00")
    assert rows(stats, "office", "articles") == {"BRU": 460, "ANR": 50}


def test_outcome_comes_from_legal_route_and_lot_status(data):
    stats = AnnualStatistics(2025)
    assert rows(stats, "outcome", "lots") == {
        "destroyed_standard": 2,  # L1 and L2
        "court": 1,  # L4, still in storage: a court case counts when initiated
        "released": 1,  # L5
        "pending": 1,  # L3, small consignment, in storage
    }
    # The sample L1-S1 follows its parent (destroyed): its 100 EUR count as destroyed.
    assert rows(stats, "outcome", "retail_value")["destroyed_standard"] == D("2800.00")
    assert rows(stats, "outcome", "articles", "previous") == {
        "destroyed_standard": 70,
        "court": 0,
        "released": 5,
        "pending": 0,
    }


def test_a_currency_without_a_rate_is_listed_unconverted_not_guessed(data):
    stats = AnnualStatistics(2025)
    currency = {row.value: row for row in stats.breakdown("currency")}
    assert currency["USD"].figures["retail_value_original"].figure == D("2000.00")
    assert currency["USD"].figures["rate"].figure == D("0.900000")
    assert currency["USD"].figures["retail_value"].figure == D("1800.00")
    assert currency["GBP"].figures["rate"].figure is None
    assert currency["GBP"].figures["retail_value"].figure is None
    assert currency["EUR"].figures["rate"].figure == D("1.000000")
    assert stats.unconverted() == [{"currency": "GBP", "retail_value": D("500.00"), "lots": 1}]


def test_environment_breakdowns_match_the_hand_counts(data):
    stats = AnnualStatistics(2025)
    # L1 was planned for INCIN_850 but shredded: the actual method counts.
    assert rows(stats, "method", "kg_destroyed") == {
        "RECYCLE_SHRED": D("18.000"),
        "RECYCLE_WEEE": D("5.000"),
        "RECOVER_WTE": D("12.000"),
        "INCIN_HAZ_HT": D("0.000"),
    }
    assert rows(stats, "hierarchy_rank", "kg_destroyed") == {
        "3": D("23.000"),
        "4": D("12.000"),
        "5": D("0.000"),
    }
    assert rows(stats, "output_route", "output_kg") == {
        "recycled": D("15.000"),
        "energy_recovery": D("13.000"),
        "incinerated": D("0.000"),
        "landfilled": D("2.000"),
        "hazardous_residue": D("4.000"),
    }
    assert rows(stats, "month", "recovery_rate") == {
        "1": D("0.8333"),  # 10 / 12
        "4": D("0.8182"),  # 18 / 22
        "9": None,  # only 2024 had a destruction in September
    }


@pytest.mark.parametrize("year", [2024, 2025])
@pytest.mark.parametrize("office", [None, "BRU", "ANR"])
def test_every_breakdown_adds_up_to_the_totals(data, year, office):
    from seizures.models import CustomsOffice

    stats = AnnualStatistics(year, CustomsOffice.objects.get(code=office) if office else None)
    # What the published data dictionary promises is what is checked.
    additive = {key: b["additive"] for key, b in data_dictionary()["breakdowns"].items()}
    checked = 0
    for key, info in BREAKDOWNS.items():
        for measure in info.measures:
            total = stats.total(measure)
            if total is None:
                continue  # per-currency figures have no single total
            for attribute in ("figure", "previous"):
                values = [getattr(row.figures[measure], attribute) for row in stats.breakdown(key)]
                expected = getattr(total, attribute)
                if additive[key][measure]:
                    assert sum(v for v in values if v is not None) == expected, (key, measure)
                    checked += 1
                elif measure == "cases":
                    # One case may have lots in several rows: each row counts it once.
                    assert sum(values) >= expected and all(v <= expected for v in values)
    assert checked > 60


def test_the_data_dictionary_says_where_rows_do_not_add_up(data):
    dictionary = data_dictionary()
    measures = dictionary["measures"]
    enforcement = {m: measures[m]["additive"] for m in ENFORCEMENT_MEASURES}
    assert enforcement == {"cases": False, "lots": True, "articles": True, "retail_value": True}
    assert measures["recovery_rate"]["additive"] is False
    assert measures["retail_value_original"]["additive"] is False  # EUR + USD is no figure
    not_additive = {
        key: [m for m, additive in b["additive"].items() if not additive]
        for key, b in dictionary["breakdowns"].items()
    }
    assert {key: ms for key, ms in not_additive.items() if ms} == {
        "category": ["cases"],
        "subcategory": ["cases"],
        "outcome": ["cases"],
        "currency": ["cases", "retail_value_original", "rate"],
        "month": ["recovery_rate"],
        "cost_currency": ["costs_original", "rate"],
    }
    assert measures["costs"]["additive"] is True
    assert set(dictionary["breakdowns"]["office"]["additive"]) == set(ENFORCEMENT_MEASURES)
    # Why: S1 has lots in categories 3 (L1, its sample) and 5 (L2), so it counts in both rows.
    stats = AnnualStatistics(2025)
    assert rows(stats, "category", "cases") == {"2": 0, "3": 2, "4": 1, "5": 1, "8": 1}
    assert stats.total("cases").figure == 4


def test_office_figures_only_count_that_office(data):
    stats = AnnualStatistics(2025, data.anr)
    assert figures(stats, "enforcement") == {
        "cases": 1,
        "lots": 1,
        "articles": 50,
        "retail_value": D("0.00"),
        "unconverted_lots": 1,
    }
    environment = figures(stats, "environment")
    assert environment["lots_destroyed"] == 0
    assert environment["kg_destroyed"] == D("0.000")
    assert environment["recovery_rate"] is None  # nothing treated: no rate, not 0 %
    assert environment["days_to_destruction_p90"] is None
    assert environment["certificates_issued"] == 0
    assert environment["lots_in_storage_at_year_end"] == 1
    assert AnnualStatistics(2025, data.bru).totals()["environment"]["orders"].figure == 2


def test_a_year_without_data_gives_zero_counts_and_empty_ratios(data):
    stats = AnnualStatistics(2030)
    assert figures(stats, "enforcement")["cases"] == 0
    assert figures(stats, "environment")["hazardous_share"] is None
    assert all(rows == [] for _, rows in stats.breakdowns())


def test_every_breakdown_of_the_dictionary_has_its_query():
    assert set(BREAKDOWN_QUERIES) == set(BREAKDOWNS)


def test_every_measure_and_breakdown_is_described_in_the_data_dictionary():
    for section, measures in TOTALS.items():
        assert set(measures) <= set(MEASURES), section
    for info in BREAKDOWNS.values():
        assert set(info.measures) <= set(MEASURES)
        assert info.description
    assert all(m.description and m.unit for m in MEASURES.values())


def test_the_destruction_year_follows_the_brussels_calendar(data, settings):
    # 2025-01-14 23:30 UTC is already 15 January in Brussels, but still the 14th in UTC.
    stats = AnnualStatistics(2025)
    assert stats.scope.start == datetime.datetime(
        2025, 1, 1, tzinfo=datetime.timezone(datetime.timedelta(hours=1))
    )
    settings.TIME_ZONE = "UTC"
    rollups.rebuild()  # the rollups are kept in the calendar of settings.TIME_ZONE
    utc_stats = AnnualStatistics(2025)
    # 254 days for L6 in UTC instead of 255: (59 + 59 + 254) / 3 = 124.0
    assert utc_stats.totals()["environment"]["days_to_destruction_mean"].figure == D("124.0")

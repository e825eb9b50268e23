"""The statistics files read back (json, csv, openpyxl, pypdf) against the hand-built data set,
the API's errors and permissions, and query counts that do not grow with the lots."""

import csv
import datetime
import io
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook
from pypdf import PdfReader

from compliance.statistics import AnnualStatistics, rollups
from compliance.statistics.dictionary import BREAKDOWNS, MEASURES
from compliance.statistics.exports import json_chunks
from destruction.models import OrderStatus
from seizures.models import LotStatus
from tests.compliance import statistics_data
from tests.destruction.factories import (
    DestructionOrderFactory,
    DestructionRecordFactory,
    OrderLineFactory,
    OutputFractionFactory,
)
from tests.seizures.factories import LotFactory, SeizureFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/statistics/{}/"


@pytest.fixture
def data():
    return statistics_data.build()


def body(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def test_json_export_streams_figures_with_their_data_dictionary(data, api, admin_user):
    response = api(admin_user).get(URL.format(2025), {"format": "json"})
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "application/json"
    assert 'filename="statistics-2025.json"' in response["Content-Disposition"]
    document = json.loads(body(response))
    assert document["year"] == 2025 and document["previous_year"] == 2024
    assert document["office"] is None
    assert document["reporting_currency"] == "EUR"
    assert document["exchange_rates"] == [{"currency": "USD", "rate": 0.9}]
    enforcement = document["totals"]["enforcement"]
    assert enforcement["articles"] == {
        "figure": 510,
        "previous": 75,
        "change": 435,
        "change_percent": 580.0,
    }
    assert enforcement["retail_value"]["figure"] == 6200.0
    environment = document["totals"]["environment"]
    assert environment["recovery_rate"]["figure"] == 0.8235
    assert environment["days_to_destruction_p90"]["figure"] == 215.8
    assert environment["certificates_flagged"]["figure"] == 1
    transport = {row["value"]: row for row in document["breakdowns"]["transport_mode"]}
    assert transport["road"]["label"] == "Road"
    assert transport["road"]["articles"]["figure"] == 300
    assert document["unconverted"] == [{"currency": "GBP", "retail_value": 500.0, "lots": 1}]
    dictionary = document["data_dictionary"]
    assert set(dictionary["measures"]) == set(MEASURES)
    assert set(dictionary["breakdowns"]) == set(BREAKDOWNS) == set(document["breakdowns"])
    described = {key.split(".")[0] for key in dictionary["fields"]}
    assert set(document) <= described


def test_csv_export_is_one_long_table_that_a_spreadsheet_pivots(data, api, auditor_user):
    response = api(auditor_user).get(URL.format(2025), {"format": "csv", "office": "BRU"})
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="statistics-2025-BRU.csv"' in response["Content-Disposition"]
    table = list(csv.DictReader(io.StringIO(body(response).decode())))
    assert list(table[0]) == [
        "year",
        "dimension",
        "value",
        "label",
        "measure",
        "figure",
        "previous_year_figure",
        "change",
    ]
    index = {(r["dimension"], r["value"], r["measure"]): r for r in table}
    assert index[("total", "enforcement", "articles")]["figure"] == "460"  # BRU only
    assert index[("total", "enforcement", "articles")]["previous_year_figure"] == "75"
    assert index[("total", "environment", "kg_destroyed")]["figure"] == "35.000"
    assert index[("category", "3", "articles")]["figure"] == "140"
    assert index[("method", "RECYCLE_SHRED", "kg_destroyed")]["figure"] == "18.000"
    assert index[("output_route", "recycled", "output_kg")]["change"] == "15.000"
    assert index[("month", "1", "recovery_rate")]["figure"] == "0.8333"
    assert ("office", "ANR", "cases") not in index
    # Summing the long table per breakdown gives the totals (the promise of a pivot table).
    for key in ("transport_mode", "provenance_country", "category", "outcome"):
        articles = sum(
            int(r["figure"]) for r in table if r["dimension"] == key and r["measure"] == "articles"
        )
        assert articles == 460, key


def test_xlsx_export_has_totals_and_one_sheet_per_breakdown(data, api, admin_user):
    response = api(admin_user).get(URL.format(2025), {"format": "xlsx", "office": str(data.bru.pk)})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(body(response)), read_only=True)
    names = workbook.sheetnames
    assert names[0] == "Totals"
    assert {info.label[:31] for info in BREAKDOWNS.values()} <= set(names)
    assert names[-2:] == ["Unconverted", "Data dictionary"]
    totals = {row[1]: row for row in workbook["Totals"].iter_rows(min_row=5, values_only=True)}
    assert totals["articles"][4:6] == (460, 75)
    assert totals["retail_value"][4] == pytest.approx(6200.0)
    sheet = list(workbook["Means of transport"].iter_rows(values_only=True))
    assert sheet[0][:6] == (
        "Value",
        "Label",
        "Cases 2025",
        "Cases 2024",
        "Cases change",
        "Cases change %",
    )
    body_rows = {row[0]: row for row in sheet[1:-1]}
    # Articles 2025, 2024, change and change %: S1's 120 against S5's 75 (both by air).
    assert body_rows["air"][10:14] == (120, 75, 45, 60.0)
    assert body_rows["road"][10:14] == (300, 0, 300, None)  # no percent of nothing
    assert sheet[-1][:2] == ("Total", "All values")
    assert sheet[-1][10] == sum(row[10] for row in sheet[1:-1]) == 460
    assert sheet[-1][12:14] == (385, pytest.approx(513.3))  # 460 - 75, 385 / 75
    unconverted = list(workbook["Unconverted"].iter_rows(values_only=True))
    assert unconverted[1:] == []  # the GBP lot is Antwerp's
    dictionary = list(workbook["Data dictionary"].iter_rows(values_only=True))
    assert dictionary[0][:5] == ("Kind", "Key", "Label", "Unit", "Additive")
    additive = {(row[0], row[1]): row[4] for row in dictionary[1:]}
    assert additive[("measure", "cases")] == "no"  # a case counts in each of its lots' rows
    assert additive[("measure", "articles")] == "yes"
    assert additive[("breakdown", "category")] == "all but cases"
    assert additive[("breakdown", "transport_mode")] == "all"
    assert additive[("breakdown", "month")] == "all but recovery_rate"


def test_the_whole_json_document_parses_for_a_year_without_data(api, admin_user):
    response = api(admin_user).get(URL.format(1999))
    document = json.loads(body(response))
    assert document["totals"]["enforcement"]["cases"]["figure"] == 0
    assert all(rows == [] for rows in document["breakdowns"].values())


@pytest.mark.parametrize(
    ("query", "year", "field"),
    [
        ({"format": "pdf"}, 2025, "format"),
        ({"office": "NOPE"}, 2025, "office"),
        ({"office": "999999"}, 2025, "office"),
        ({"office": "9" * 19}, 2025, "office"),  # longer than any id
        ({"office": "²"}, 2025, "office"),  # a Unicode digit that int() refuses
        ({"office": "\x00"}, 2025, "office"),  # PostgreSQL refuses NUL in a string
        ({"office": "BRU\x00"}, 2025, "office"),
        ({}, 1800, "year"),
    ],
)
def test_statistics_api_refuses_bad_input_with_field_errors(api, admin_user, query, year, field):
    response = api(admin_user).get(URL.format(year), query)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert list(response.json()["errors"]) == [field]


def test_statistics_api_reads_an_office_id_in_ascii_digits_only(data, api, admin_user):
    arabic_indic = str(data.bru.pk).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    response = api(admin_user).get(URL.format(2025), {"office": arabic_indic})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["office"]
    response = api(admin_user).get(URL.format(2025), {"office": str(data.bru.pk)})
    assert json.loads(body(response))["office"] == {"code": "BRU", "name": "Brussels Airport"}


def test_statistics_api_names_every_bad_field_at_once(api, admin_user):
    response = api(admin_user).get(URL.format(1800), {"format": "doc", "office": "X"})
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"format", "year", "office"}


def test_statistics_api_is_closed_to_warehouse_staff_and_strangers(api, warehouse_user):
    assert api(warehouse_user).get(URL.format(2025)).status_code == 403
    assert api(warehouse_user).get(URL.format(2025), {"format": "csv"}).status_code == 403
    assert api().get(URL.format(2025)).status_code == 401


def test_auditors_may_read_statistics(api, auditor_user):
    assert auditor_user.has_perm("compliance.view_statistics")
    assert api(auditor_user).get(URL.format(2025)).status_code == 200


def test_statistics_endpoint_is_in_the_openapi_schema(api, admin_user):
    schema = api(admin_user).get("/api/schema/", {"format": "json"}).json()
    operation = schema["paths"]["/api/v1/statistics/{year}/"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {"year", "format", "office"}
    assert set(operation["responses"]["200"]["content"]) == {
        "application/json",
        "text/csv; charset=utf-8",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }


def add_lots(count: int) -> None:
    """`count` more lots over varied dimensions, half of them destroyed in 2025."""
    seizure = SeizureFactory(detained_on=datetime.date(2025, 7, 1), provenance_country="VN")
    categories = ("1a", "6a", "7c", "10a", "12d")
    destroyed = []
    for n in range(count):
        lot = LotFactory(
            seizure=seizure if n % 2 else SeizureFactory(detained_on=datetime.date(2025, 8, 1)),
            category=categories[n % len(categories)],
            currency=("EUR", "USD", "CHF")[n % 3],
            status=LotStatus.DESTROYED if n % 2 else LotStatus.IN_STORAGE,
        )
        if n % 2:
            destroyed.append(lot)
    order = DestructionOrderFactory(status=OrderStatus.EXECUTED)
    for n, lot in enumerate(destroyed):
        OrderLineFactory(order=order, lot=lot, method=("RECOVER_WTE", "RECYCLE_SHRED")[n % 2])
    ended = datetime.datetime(2025, 9, 3, 12, tzinfo=datetime.UTC)
    record = DestructionRecordFactory(order=order, started_at=ended, ended_at=ended)
    OutputFractionFactory(record=record, route="energy_recovery")
    OutputFractionFactory(record=record, route="landfilled")
    rollups.rebuild()  # the factories do not go through the services


def count_queries(year: int) -> int:
    with CaptureQueriesContext(connection) as queries:
        "".join(json_chunks(AnnualStatistics(year)))
    return len(queries)


def test_export_queries_do_not_grow_with_the_number_of_lots(data, settings):
    few = count_queries(2025)
    lots_before = AnnualStatistics(2025).totals()["enforcement"]["lots"].figure
    add_lots(12)
    assert AnnualStatistics(2025).totals()["enforcement"]["lots"].figure == lots_before + 12
    many = count_queries(2025)
    assert few == many
    assert many < 60  # two years x (totals + 16 breakdowns) and a few lookups


def test_pdf_report_has_totals_charts_and_tables(data, client, admin_user):
    client.force_login(admin_user)
    response = client.get("/statistics/2025/report.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Annual statistics 2025, all offices" in text
    assert "Not converted (no rate for 2025): GBP 500.00" in text
    assert "Articles by product category, 2025" in text
    assert "Recovery rate by month" in text
    assert "82.4 %" in text  # recovery rate
    assert "215.8" in text  # 90th percentile of days to destruction
    assert "Country of provenance" in text and "Türkiye" in text
    # The breakdown tables give the change too. By air: cases S1 against S5; lots L1, L2
    # against L6, L7, L8; articles 120 against 75; value 900 + 100 + 2000 USD x 0.9 against 550.
    transport = text.split("Means of transport")[1].split("Freight or passenger")[0]
    air = " ".join(transport.split("Air", 1)[1].split())
    assert air.startswith(
        "1 1 0 2 3 -1 (-33.3%) 120 75 +45 (+60.0%) 2,800.00 550.00 +2,250.00 (+409.1%)"
    )
    assert f"Page 1 of {len(reader.pages)}" in text


def test_xlsx_lists_unconverted_currencies(data, api, admin_user):
    response = api(admin_user).get(URL.format(2025), {"format": "xlsx"})
    workbook = load_workbook(io.BytesIO(body(response)), read_only=True)
    unconverted = list(workbook["Unconverted"].iter_rows(values_only=True))
    assert unconverted[1:] == [("GBP", 500, 1)]


def test_page_downloads_are_the_api_files(data, client, auditor_user):
    client.force_login(auditor_user)
    response = client.get("/statistics/2025/statistics.csv", {"office": "ANR"})
    assert response.status_code == 200
    table = list(csv.DictReader(io.StringIO(body(response).decode())))
    articles = [r for r in table if (r["dimension"], r["measure"]) == ("total", "articles")]
    assert articles[0]["figure"] == "50"


@pytest.mark.parametrize(
    ("path", "query", "fields"),
    [
        ("/statistics/2025/statistics.doc", {}, ["format"]),
        ("/statistics/2025/statistics.csv", {"office": "NOPE"}, ["office"]),
        ("/statistics/2025/statistics.csv", {"office": "\x00"}, ["office"]),
        ("/statistics/2025/statistics.xlsx", {"office": "²"}, ["office"]),
        ("/statistics/1800/statistics.json", {}, ["year"]),
        ("/statistics/1800/statistics.doc", {"office": "NOPE"}, ["format", "year", "office"]),
        ("/statistics/2025/report.pdf", {"office": "BRU\x00"}, ["office"]),
        ("/statistics/3000/report.pdf", {}, ["year"]),
    ],
)
def test_page_downloads_refuse_bad_input_naming_the_fields(
    client, auditor_user, path, query, fields
):
    client.force_login(auditor_user)
    response = client.get(path, query)
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert [line.split(":")[0] for line in lines] == fields


def test_rounded_figures_survive_the_json_round_trip(data):
    document = json.loads("".join(json_chunks(AnnualStatistics(2025))))
    kg = document["totals"]["environment"]["kg_destroyed"]["figure"]
    assert Decimal(str(kg)) == Decimal("35")

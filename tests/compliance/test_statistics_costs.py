"""Costs in the annual statistics: by destruction method, office, payer, kind and currency, read
back from the JSON, CSV, XLSX and PDF files and the page, against the costs written out in
tests/compliance/statistics_data.py (2025 against 2024; USD 0.9 in 2025, 0.8 in 2024; no GBP
rate). The rollups-equal-recount tests cover the costs the services accrue
(test_statistics_rollups.py)."""

import csv
import datetime
import hashlib
import io
import json
import re
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook
from pypdf import PdfReader

from compliance.models import EditionDocument, StatisticsEdition
from compliance.statistics import AnnualStatistics, rollups
from compliance.statistics.verification import differences
from destruction.costs.models import CostEntry, CostKind, Payer, Tariff
from project.roles import ENVIRONMENTAL_AUDITOR
from seizures.models import UserAccess
from tests.compliance import statistics_data
from tests.compliance.test_statistics_exports import body
from tests.conftest import user_in_role

pytestmark = pytest.mark.django_db
URL = "/api/v1/statistics/{}/"


@pytest.fixture
def data():
    data = statistics_data.build()
    statistics_data.add_costs(data)
    return data


def compared(document: dict, key: str, measure: str) -> dict:
    """{value: (figure, previous)} of one breakdown of a JSON document."""
    return {
        row["value"]: (row[measure]["figure"], row[measure]["previous"])
        for row in document["breakdowns"][key]
    }


def test_json_gives_costs_by_method_office_payer_kind_and_currency(data, api, admin_user):
    document = json.loads(body(api(admin_user).get(URL.format(2025), {"format": "json"})))
    # 2025: EUR 10.80 + 100 + 30 + 15, USD (50 + 20) x 0.9; GBP 40 has no rate.
    assert document["totals"]["costs"] == {
        "costs": {"figure": 218.8, "previous": 14.3, "change": 204.5, "change_percent": 1430.1},
        "cost_entries": {"figure": 7, "previous": 2, "change": 5, "change_percent": 250.0},
        "unconverted_cost_entries": {
            "figure": 1,
            "previous": 0,
            "change": 1,
            "change_percent": None,
        },
    }
    assert compared(document, "cost_method", "costs") == {
        "RECYCLE_SHRED": (110.8, 0.0),
        "RECYCLE_WEEE": (45.0, 0.0),
        "RECOVER_WTE": (18.0, 0.0),
        "INCIN_HAZ_HT": (0.0, 14.3),
        "": (45.0, 0.0),  # L5 released, L3's costs (GBP not converted)
    }
    labels = {row["value"]: row["label"] for row in document["breakdowns"]["cost_method"]}
    assert labels[""] == "No destruction (lot released)"
    assert compared(document, "cost_office", "costs") == {"BRU": (203.8, 14.3), "ANR": (15.0, 0.0)}
    assert compared(document, "payer", "costs") == {
        "right_holder": (158.8, 8.0),
        "administration": (60.0, 6.3),
    }
    assert compared(document, "payer", "cost_entries") == {
        "right_holder": (4, 1),
        "administration": (3, 1),
    }
    assert compared(document, "cost_kind", "costs") == {
        "storage": (130.0, 0.0),
        "handling": (15.0, 0.0),
        "transport": (18.0, 8.0),
        "destruction": (55.8, 6.3),
    }
    currencies = {row["value"]: row for row in document["breakdowns"]["cost_currency"]}
    assert {code: row["costs_original"]["figure"] for code, row in currencies.items()} == {
        "EUR": 155.8,
        "USD": 70.0,
        "GBP": 40.0,
    }
    assert currencies["USD"]["rate"]["figure"] == 0.9 and currencies["USD"]["costs"]["figure"] == 63
    assert currencies["GBP"]["rate"]["figure"] is None
    assert currencies["GBP"]["costs"]["figure"] is None  # never guessed
    dictionary = document["data_dictionary"]
    assert dictionary["breakdowns"]["payer"]["section"] == "costs"
    assert dictionary["measures"]["costs"]["unit"] == "reporting currency"
    assert "incurred in the year" in dictionary["definitions"]["cost_scope"]
    assert dictionary["totals"]["costs"] == ["costs", "cost_entries", "unconverted_cost_entries"]


def test_csv_and_xlsx_give_the_same_cost_figures(data, api, admin_user):
    response = api(admin_user).get(URL.format(2025), {"format": "csv"})
    table = csv.DictReader(io.StringIO(body(response).decode()))
    index = {(r["dimension"], r["value"], r["measure"]): r for r in table}
    assert index[("total", "costs", "costs")]["figure"] == "218.80"
    assert index[("total", "costs", "costs")]["previous_year_figure"] == "14.30"
    assert index[("payer", "right_holder", "costs")]["figure"] == "158.80"
    assert index[("payer", "administration", "costs")]["change"] == "53.70"
    assert index[("cost_method", "RECYCLE_SHRED", "cost_entries")]["figure"] == "2"
    assert index[("cost_office", "ANR", "costs")]["label"] == "Antwerp Port"
    assert index[("cost_kind", "storage", "costs")]["figure"] == "130.00"
    assert index[("cost_currency", "GBP", "costs")]["figure"] == ""

    response = api(admin_user).get(URL.format(2025), {"format": "xlsx"})
    workbook = load_workbook(io.BytesIO(body(response)), read_only=True)
    sheet = list(workbook["Costs by payer"].iter_rows(values_only=True))
    assert sheet[0][:6] == (
        "Value",
        "Label",
        "Costs (reporting currency) 2025",
        "Costs (reporting currency) 2024",
        "Costs (reporting currency) change",
        "Costs (reporting currency) change %",
    )
    rows = {row[0]: row for row in sheet[1:]}
    assert rows["right_holder"][1:6] == ("Right holder (decision holder)", 158.8, 8, 150.8, 1885)
    assert rows["administration"][2:4] == (60, 6.3)
    assert rows["Total"][2:4] == (218.8, 14.3)
    totals = {row[1]: row for row in workbook["Totals"].iter_rows(min_row=5, values_only=True)}
    assert totals["costs"][0] == "costs" and totals["costs"][4:6] == (218.8, 14.3)
    office = list(workbook["Costs by customs office"].iter_rows(values_only=True))
    assert [row[:3] for row in office[1:]] == [
        ("BRU", "Brussels Airport", 203.8),
        ("ANR", "Antwerp Port", 15),
        ("Total", "All values", 218.8),
    ]


def test_page_and_pdf_show_the_costs(data, client, admin_user):
    client.force_login(admin_user)
    html = client.get("/statistics/", {"year": 2025}).content.decode()
    row = re.search(r'<tr data-measure="costs">(.*?)</tr>', html, re.S).group(1)
    assert re.findall(r'<td class="num">([^<]*)</td>', row) == [
        "218.80",
        "14.30",
        "+204.50 (+1430.1%)",
    ]
    table = re.search(r'<table data-testid="breakdown-payer">(.*?)</table>', html, re.S).group(1)
    cells = re.findall(r"<th scope=\"row\">([^<]*)</th><td class=\"num\">([^<]*)<", table)
    assert cells[:2] == [
        ("Right holder (decision holder)", "158.80"),
        ("Customs administration", "60.00"),
    ]
    assert "Costs by destruction method (EUR), 2025" in html  # the chart

    reader = PdfReader(io.BytesIO(client.get("/statistics/2025/report.pdf").content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Costs (by date incurred)" in text
    payer = text.split("Costs by payer")[-1].split("Costs by kind")[0]
    holder = " ".join(payer.split("Right holder (decision holder)", 1)[1].split())
    assert holder.startswith("158.80 8.00 +150.80 (+1885.0%) 4 1 +3 (+300.0%)")


def test_an_office_sees_its_own_costs_only(data, api):
    auditor = user_in_role(ENVIRONMENTAL_AUDITOR, username="anr-auditor")
    UserAccess.objects.create(user=auditor).offices.set([data.anr])
    response = api(auditor).get(URL.format(2025), {"format": "json"})
    assert response.status_code == 400  # all offices: not for a user of one office
    document = json.loads(body(api(auditor).get(URL.format(2025), {"office": "ANR"})))
    assert {m: c["figure"] for m, c in document["totals"]["costs"].items()} == {
        "costs": 15.0,
        "cost_entries": 2,
        "unconverted_cost_entries": 1,
    }
    assert compared(document, "cost_office", "costs") == {"ANR": (15.0, 0.0)}
    assert api(auditor).get(URL.format(2025), {"office": "BRU"}).status_code == 400
    assert AnnualStatistics(2025, data.bru).total("costs").figure == D("203.80")


def test_the_cost_rollup_equals_a_recount_and_queries_do_not_grow(data, client, admin_user):
    assert differences((2024, 2025)) == []
    client.force_login(admin_user)

    def page_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/statistics/", {"year": 2025}).status_code == 200
        return len(queries)

    def export_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            body(client.get("/statistics/2025/statistics.json"))
        return len(queries)

    few = page_queries(), export_queries()
    more_costs(data)
    assert AnnualStatistics(2025).total("cost_entries").figure == 7 + 9
    assert (page_queries(), export_queries()) == few


def more_costs(data) -> None:
    """Nine more entries in new rollup rows: other lots, kinds, payers and a currency."""
    tariff = Tariff.objects.first()
    for reference in ("L4", "L1S", "L8"):
        for kind, payer, currency in (
            (CostKind.HANDLING, Payer.DECLARANT, "CHF"),
            (CostKind.TRANSPORT, Payer.RIGHT_HOLDER, "EUR"),
            (CostKind.DESTRUCTION, Payer.ADMINISTRATION, "USD"),
        ):
            CostEntry.objects.create(
                lot=data.lots[reference],
                kind=kind,
                quantity=D("1"),
                unit="events",
                tariff=tariff,
                amount=D("12.50"),
                currency=currency,
                payer=payer,
                rule="more",
                incurred_on=datetime.date(2025, 10, 1),
            )
    rollups.rebuild()


def close_2025(api, user, **fields):
    response = api(user).post(
        "/api/v1/statistics/2025/editions/",
        {"accept_quality_issues": True, **fields},
        format="json",
    )
    assert response.status_code == 201, response.content
    return response.json()


def test_a_closed_year_freezes_its_costs_and_a_revision_lists_their_changes(data, api, admin_user):
    close_2025(api, admin_user)
    more_costs(data)  # nine entries of 2025, found later
    document = json.loads(body(api(admin_user).get(URL.format(2025), {"format": "json"})))
    assert document["totals"]["costs"]["costs"]["figure"] == 218.8  # the edition's
    table = csv.DictReader(
        io.StringIO(body(api(admin_user).get(URL.format(2025), {"format": "csv"})).decode())
    )
    costs = {(r["dimension"], r["value"]): r["figure"] for r in table if r["measure"] == "costs"}
    assert costs[("payer", "right_holder")] == "158.80"

    revised = close_2025(api, admin_user, reason="Costs of L4, L1-S1 and L8 found")
    changes = {
        (change["office"], change["figure"]): (change["before"], change["after"])
        for change in revised["changes"]
    }
    # EUR 3 x 12.50 and USD 3 x 12.50 x 0.9: 71.25 more; CHF has no rate.
    assert changes[(None, "totals.costs.costs.figure")] == (218.8, 290.05)
    assert changes[(None, "breakdowns.payer.declarant.cost_entries.figure")] == (None, 3)
    assert changes[("BRU", "totals.costs.cost_entries.figure")] == (5, 14)
    assert not any(office == "ANR" for office, _ in changes)
    edition = StatisticsEdition.objects.get(number=2)
    frozen = edition.documents.get(office=None)
    assert json.loads(frozen.content)["totals"]["costs"]["costs"]["figure"] == 290.05
    assert frozen.sha256 == hashlib.sha256(frozen.content.encode()).hexdigest()


def test_an_edition_closed_before_the_costs_still_serves_every_format(
    data, api, client, admin_user
):
    close_2025(api, admin_user)
    for document in EditionDocument.objects.all():
        content = json.loads(document.content)
        del content["totals"]["costs"]
        for key in ("cost_method", "cost_office", "payer", "cost_kind", "cost_currency"):
            del content["breakdowns"][key]
        EditionDocument.objects.filter(pk=document.pk).update(content=json.dumps(content))

    client.force_login(admin_user)
    page = client.get("/statistics/", {"year": 2025})
    assert page.status_code == 200
    assert 'data-testid="statistics-edition"' in page.content.decode()
    table = csv.DictReader(
        io.StringIO(body(client.get("/statistics/2025/statistics.csv")).decode())
    )
    assert not [r for r in table if r["dimension"] == "payer"]
    workbook = load_workbook(io.BytesIO(body(client.get("/statistics/2025/statistics.xlsx"))))
    assert [row[0] for row in workbook["Costs by payer"].iter_rows(values_only=True)] == [
        "Value",
        "Total",
    ]
    report = client.get("/statistics/2025/report.pdf")
    assert report.status_code == 200 and report.content.startswith(b"%PDF")


def test_the_quality_gate_lists_cost_currencies_without_a_rate(data, api, admin_user):
    more_costs(data)  # CHF costs: no lot of 2025 has a value in CHF
    response = api(admin_user).get("/api/v1/statistics/2025/quality/")
    issue = {issue["key"]: issue for issue in response.json()}["currencies_without_rate"]
    assert (issue["count"], [item["text"] for item in issue["items"]]) == (2, ["CHF", "GBP"])
    assert "costs" in issue["fix"]

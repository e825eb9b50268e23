"""Kg destroyed by EWC chapter and by hazardous/non-hazardous waste, read back from the JSON,
CSV and XLSX exports (data set: tests/compliance/statistics_data.py; its 2025 destructions are
L1 T-shirts 18 kg and L6 T-shirts 12 kg, 20 01 11, and L2 watches with batteries 5 kg,
16 02 13*)."""

import csv
import io
import json

import pytest
from openpyxl import load_workbook

from compliance.statistics import AnnualStatistics
from seizures.models import Lot
from seizures.services.amendments import amend_lot
from tests.compliance import statistics_data
from tests.compliance.test_statistics_exports import URL, body

pytestmark = pytest.mark.django_db


@pytest.fixture
def data():
    return statistics_data.build()


def test_the_destroyed_lots_carry_the_codes_the_figures_are_built_on(data):
    assert dict(Lot.objects.filter(reference__in=["L1", "L2", "L6"]).values_list(
        "reference", "ewc_code"
    )) == {"L1": "20 01 11", "L2": "16 02 13*", "L6": "20 01 11"}  # fmt: skip


def test_json_gives_kg_destroyed_by_ewc_chapter_and_hazard(data, api, admin_user):
    document = json.loads(body(api(admin_user).get(URL.format(2025), {"format": "json"})))
    chapters = {row["value"]: row for row in document["breakdowns"]["ewc_chapter"]}
    assert set(chapters) == {"16", "20"}
    assert chapters["20"]["label"].startswith("20 Municipal wastes (household waste")
    assert chapters["20"]["kg_destroyed"]["figure"] == 30.0
    assert chapters["20"]["lots_destroyed"]["figure"] == 2
    assert chapters["16"]["kg_destroyed"]["figure"] == 5.0
    hazard = {row["value"]: row for row in document["breakdowns"]["hazardous_waste"]}
    assert hazard["hazardous"]["label"] == "Hazardous waste"
    assert hazard["hazardous"]["kg_destroyed"]["figure"] == 5.0
    assert hazard["non_hazardous"]["kg_destroyed"]["figure"] == 30.0
    assert document["totals"]["environment"]["hazardous_kg"]["figure"] == 5.0
    dictionary = document["data_dictionary"]["breakdowns"]
    assert dictionary["ewc_chapter"]["additive"]["kg_destroyed"] is True


def test_an_hp_property_counts_a_lot_as_hazardous_waste_and_a_un_class_alone_does_not(
    data, admin_user
):
    # L1's T-shirts get HP6; L2's watches keep their UN class 9 but are recoded non-hazardous.
    # Amended through the service, which moves the statistics rollups in its transaction.
    amend = {"actor": admin_user, "reason": "Laboratory report"}
    amend_lot(lot=data.lots["L1"], changes={"hp_properties": ["HP6"]}, **amend)
    amend_lot(lot=data.lots["L2"], changes={"ewc_code": "16 02 14"}, **amend)
    statistics = AnnualStatistics(2025)
    rows = {row.value: row.figures for row in statistics.breakdown("hazardous_waste")}
    assert rows["hazardous"]["kg_destroyed"].figure == 18
    assert rows["non_hazardous"]["kg_destroyed"].figure == 17
    assert statistics.total("hazardous_kg").figure == 18


def test_csv_and_xlsx_carry_the_breakdowns(data, api, admin_user):
    table = list(
        csv.DictReader(
            io.StringIO(body(api(admin_user).get(URL.format(2025), {"format": "csv"})).decode())
        )
    )
    index = {(r["dimension"], r["value"], r["measure"]): r["figure"] for r in table}
    assert index[("ewc_chapter", "20", "kg_destroyed")] == "30.000"
    assert index[("hazardous_waste", "hazardous", "kg_destroyed")] == "5.000"
    workbook = load_workbook(
        io.BytesIO(body(api(admin_user).get(URL.format(2025), {"format": "xlsx"}))), read_only=True
    )
    sheet = list(workbook["EWC chapter"].iter_rows(values_only=True))
    rows = {row[0]: row for row in sheet[1:-1]}
    assert set(rows) == {"16", "20"}
    hazard = list(workbook["Hazardous or non-hazardous"].iter_rows(values_only=True))
    assert {row[0] for row in hazard[1:-1]} == {"hazardous", "non_hazardous"}

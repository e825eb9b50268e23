"""Frozen editions of a year's statistics: the data-quality gate before closing, the closed
year's exports served byte for byte from the edition, revisions with their changes (data set:
tests/compliance/statistics_data.py)."""

import csv
import hashlib
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from compliance.models import StatisticsEdition
from compliance.rulebook import DEFAULT_VERSION
from seizures import services
from tests.compliance import statistics_data
from tests.compliance.test_statistics_exports import body

pytestmark = pytest.mark.django_db
EDITIONS = "/api/v1/statistics/{}/editions/"
EXPORT = "/api/v1/statistics/{}/"


@pytest.fixture
def data():
    return statistics_data.build()


def close(api, user, year=2025, **body_fields):
    return api(user).post(
        EDITIONS.format(year), {"accept_quality_issues": True, **body_fields}, format="json"
    )


def test_the_quality_gate_lists_what_would_make_the_figures_wrong_with_links(data, api, admin_user):
    response = api(admin_user).get("/api/v1/statistics/2025/quality/")
    assert response.status_code == 200
    issues = {issue["key"]: issue for issue in response.json()}
    assert set(issues) == {
        "lots_without_classification",
        "orders_without_record_check",
        "currencies_without_rate",
        "lots_past_long_stay_alarm",
    }
    # GBP (L3) has no 2025 rate; USD has one and EUR is the reporting currency.
    assert [item["text"] for item in issues["currencies_without_rate"]["items"]] == ["GBP"]
    assert issues["currencies_without_rate"]["items"][0]["url"].startswith(
        "/admin/compliance/exchangerate/add/?year=2025&currency=GBP"
    )
    # O1 and O2 ended in 2025 and were built without the record's compliance check.
    assert issues["orders_without_record_check"]["count"] == 2
    assert all(
        item["url"].startswith("/orders/")
        for item in issues["orders_without_record_check"]["items"]
    )
    assert issues["lots_without_classification"]["count"] == 0
    assert [item["text"][:5] for item in issues["lots_past_long_stay_alarm"]["items"]] == [
        "L1-S1",
        "L3 (s",
        "L4 (s",
    ]


def test_closing_is_refused_while_issues_are_not_accepted(data, api, admin_user):
    response = api(admin_user).post(EDITIONS.format(2025), {}, format="json")
    assert response.status_code == 400
    assert (
        "data-quality gate finds 6 issue(s)"
        in response.json()["errors"]["accept_quality_issues"][0]
    )
    assert not StatisticsEdition.objects.exists()


def test_a_closed_year_serves_its_edition_byte_for_byte(data, api, admin_user, warehouse_user):
    response = close(api, admin_user)
    assert response.status_code == 201
    edition = response.json()
    assert (edition["number"], edition["rulebook_version"]) == (1, DEFAULT_VERSION)
    assert edition["quality_issues"] == {
        "orders_without_record_check": 2,
        "currencies_without_rate": 1,
        "lots_past_long_stay_alarm": 3,  # L1-S1, L3, L4: stored since March
    }

    first = api(admin_user).get(EXPORT.format(2025), {"format": "json"})
    # A change after closing (L3 released today) does not move the closed year's figures.
    services.release_lot(lot=data.lots["L3"], reason="Found genuine", actor=warehouse_user)
    second = api(admin_user).get(EXPORT.format(2025), {"format": "json"})
    assert body(first) == body(second)
    document = json.loads(body(first))
    assert first["ETag"] == f'"{hashlib.sha256(body(first)).hexdigest()}"'
    assert document["edition"]["number"] == 1
    assert document["edition"]["closed_by"]
    outcome = {row["value"]: row["lots"]["figure"] for row in document["breakdowns"]["outcome"]}
    assert outcome["released"] == 1
    # The CSV of the closed year is drawn from the edition too.
    table = csv.DictReader(
        io.StringIO(body(api(admin_user).get(EXPORT.format(2025), {"format": "csv"})).decode())
    )
    released = [
        r
        for r in table
        if (r["dimension"], r["value"], r["measure"]) == ("outcome", "released", "lots")
    ]
    assert released[0]["figure"] == "1"
    # Each office has its own frozen document.
    office = api(admin_user).get(EXPORT.format(2025), {"format": "json", "office": "ANR"})
    assert json.loads(body(office))["totals"]["enforcement"]["lots"]["figure"] == 1


def test_a_correction_makes_a_revised_edition_with_its_changes(
    data, api, admin_user, warehouse_user
):
    close(api, admin_user)
    services.release_lot(lot=data.lots["L3"], reason="Found genuine", actor=warehouse_user)

    without_reason = close(api, admin_user)
    assert without_reason.status_code == 400
    assert "reason" in without_reason.json()["errors"]
    revised = close(api, admin_user, reason="L3 was released")
    assert revised.status_code == 201
    changes = revised.json()["changes"]
    assert {
        "office": None,
        "figure": "breakdowns.outcome.released.lots.figure",
        "before": 1,
        "after": 2,
    } in changes
    assert all(change["office"] in (None, "ANR") for change in changes)

    listed = api(admin_user).get(EDITIONS.format(2025)).json()
    assert [edition["number"] for edition in listed] == [2, 1]
    document = json.loads(body(api(admin_user).get(EXPORT.format(2025), {"format": "json"})))
    assert document["edition"] == {**document["edition"], "number": 2, "reason": "L3 was released"}

    unchanged = close(api, admin_user, reason="Nothing new")
    assert unchanged.status_code == 400
    assert "No figure differs from edition 2." in unchanged.json()["errors"]["reason"]


def test_only_administrators_close_a_year(data, api, auditor_user, warehouse_user):
    assert close(api, auditor_user).status_code == 403
    assert api(auditor_user).get(EDITIONS.format(2025)).status_code == 200
    assert api(warehouse_user).get(EDITIONS.format(2025)).status_code == 403
    assert api(auditor_user).get("/api/v1/statistics/2025/quality/").status_code == 403


def test_editions_api_refuses_bad_input_with_field_errors(api, admin_user):
    response = api(admin_user).post(
        EDITIONS.format(2025), {"accept_quality_issues": "maybe"}, format="json"
    )
    assert response.status_code == 400
    assert "accept_quality_issues" in response.json()["errors"]
    assert api(admin_user).get(EDITIONS.format(1800)).json()["errors"] == {
        "year": ["Give a year between 1900 and 2999."]
    }


def test_editions_list_queries_do_not_grow_with_the_editions(data, api, admin_user, warehouse_user):
    close(api, admin_user)

    def queries() -> int:
        client = api(admin_user)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(EDITIONS.format(2025)).status_code == 200
        return len(captured)

    one = queries()
    services.release_lot(lot=data.lots["L3"], reason="Found genuine", actor=warehouse_user)
    close(api, admin_user, reason="L3 was released")
    assert queries() == one


def test_the_close_page_shows_the_gate_and_closes_the_year(data, client, admin_user):
    client.force_login(admin_user)
    page = client.get("/statistics/2025/close/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'href="/admin/compliance/exchangerate/add/?year=2025&amp;currency=GBP"' in html
    refused = client.post("/statistics/2025/close/", {"reason": ""})
    assert "data-quality gate finds 6 issue(s)" in refused.content.decode()

    closed = client.post("/statistics/2025/close/", {"accept_quality_issues": "on"})
    assert closed.status_code == 302
    statistics_page = client.get(closed["Location"]).content.decode()
    edition = StatisticsEdition.objects.get()
    assert 'data-testid="statistics-edition"' in statistics_page
    assert edition.sha256 in statistics_page


def test_the_close_page_is_for_administrators(data, client, auditor_user):
    client.force_login(auditor_user)
    assert client.get("/statistics/2025/close/").status_code == 403

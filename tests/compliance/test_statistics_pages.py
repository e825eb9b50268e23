"""The statistics page, its charts, the rate-table service and the demo rates."""

import io
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from compliance.models import ExchangeRate
from compliance.statistics import AnnualStatistics
from compliance.statistics.charts import all_charts
from compliance.statistics.demo import load as load_demo_rates
from compliance.statistics.rates import set_exchange_rates
from project.navigation import navigation
from tests.compliance import statistics_data
from tests.seizures.factories import LotFactory, SeizureFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def data():
    return statistics_data.build()


def test_statistics_page_shows_totals_charts_and_breakdowns_with_the_previous_year(
    data, client, admin_user
):
    client.force_login(admin_user)
    response = client.get("/statistics/", {"year": 2025, "office": ""})
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1>") == 1
    assert "Annual statistics 2025, all offices" in html
    row = re.search(r'<tr data-measure="articles">(.*?)</tr>', html, re.S).group(1)
    assert re.findall(r'<td class="num">([^<]*)</td>', row) == ["510", "75", "+435 (+580.0%)"]
    row = re.search(r'<tr data-measure="recovery_rate">(.*?)</tr>', html, re.S).group(1)
    assert re.findall(r'<td class="num">([^<]*)</td>', row) == ["82.4 %", "0.0 %", "+82.4 pts"]
    assert html.count('<svg role="img"') == 7
    assert "Articles by product category, 2025" in html
    assert "Not converted to EUR" in html and "GBP 500.00" in html
    assert 'href="/statistics/2025/statistics.xlsx"' in html
    assert 'href="/statistics/2025/report.pdf"' in html
    assert 'data-testid="breakdown-outcome"' in html
    # The charts are inline SVG: no chart library, nothing from a CDN; the one script is the
    # layout's own (sidebar, error summary).
    assert "cdn" not in html.lower()
    assert re.findall(r"<script[^>]*>", html) == ['<script src="/static/js/layout.js">']


def test_statistics_page_for_one_office_keeps_the_office_in_the_downloads(
    data, client, auditor_user
):
    client.force_login(auditor_user)
    html = client.get("/statistics/", {"year": 2025, "office": "ANR"}).content.decode()
    assert "Annual statistics 2025, ANR Antwerp Port" in html
    assert 'href="/statistics/2025/statistics.csv?office=ANR"' in html


def test_statistics_page_opens_on_the_latest_year_with_a_detention(data, client, admin_user):
    client.force_login(admin_user)
    html = client.get("/statistics/").content.decode()
    assert "Annual statistics 2025, all offices" in html
    assert '<option value="2026"' in html and '<option value="2024"' in html


@pytest.mark.parametrize(
    "query",
    [
        {"year": "1700"},
        {"year": "abc"},
        {"year": "²"},
        {"office": "NOPE"},
        {"office": "²"},
        {"office": "\x00"},  # PostgreSQL refuses NUL in a string: a form error, not a 500
    ],
)
def test_statistics_page_shows_a_form_error_for_a_bad_choice(data, client, admin_user, query):
    client.force_login(admin_user)
    response = client.get("/statistics/", {"year": 2025, **query})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="form-errors"' in html
    assert "Download CSV" not in html


def test_statistics_page_is_for_administrators_and_auditors_only(client, warehouse_user):
    client.force_login(warehouse_user)
    assert client.get("/statistics/").status_code == 403
    assert client.get("/statistics/2025/report.pdf").status_code == 403
    assert client.get("/statistics/2025/statistics.csv").status_code == 403
    client.logout()
    assert client.get("/statistics/").status_code == 302


def test_navigation_offers_statistics_to_administrators_and_auditors(
    rf, admin_user, auditor_user, warehouse_user
):
    def labels(user):
        request = rf.get("/")
        request.user = user
        return [link["label"] for s in navigation(request)["navigation"] for link in s["links"]]

    assert "Annual statistics" in labels(admin_user)
    assert "Annual statistics" in labels(auditor_user)
    assert "Annual statistics" not in labels(warehouse_user)


def page_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/statistics/", {"year": 2025}).status_code == 200
    return len(queries)


def test_statistics_page_queries_do_not_grow_with_the_number_of_lots(
    data, client, admin_user, settings
):
    client.force_login(admin_user)
    few = page_queries(client)
    seizure = SeizureFactory(detained_on=data.lots["L4"].seizure.detained_on)
    for n in range(10):
        LotFactory(seizure=seizure, category=("1a", "7c", "11")[n % 3], currency="CHF")
    assert page_queries(client) == few


def test_charts_are_inline_svg_with_unique_ids_and_no_external_resources(data):
    charts = all_charts(AnnualStatistics(2025))
    svgs = [chart.svg() for chart in charts]
    ids = [i for svg in svgs for i in re.findall(r'id="([^"]+)"', svg)]
    assert len(ids) == len(set(ids))
    for chart, svg in zip(charts, svgs, strict=True):
        assert svg.startswith('<svg role="img"')
        assert f'<title id="{chart.key}-title">' in svg
        assert "<?xml" not in svg and "<!DOCTYPE" not in svg
        assert not re.search(r'(?:href|src)="https?:', svg)
    assert "Clothing and accessories" in svgs[0]
    assert "China" in svgs[1]


def test_charts_say_so_when_a_year_has_no_data(db):
    svgs = [chart.svg() for chart in all_charts(AnnualStatistics(2031))]
    assert all("No data for this year." in svg for svg in svgs)


def test_set_exchange_rates_creates_and_replaces_the_rates_of_a_year(admin_user):
    set_exchange_rates(year=2025, rates={"usd": "0.9", "GBP": Decimal("1.15")}, actor=admin_user)
    set_exchange_rates(year=2025, rates={"USD": "0.91"}, actor=admin_user)
    assert dict(ExchangeRate.objects.filter(year=2025).values_list("currency", "rate")) == {
        "GBP": Decimal("1.150000"),
        "USD": Decimal("0.910000"),
    }


@pytest.mark.parametrize(
    ("year", "rates", "field"),
    [
        (2025, {"EURO": "1"}, "rates"),
        (2025, {"EUR": "1"}, "rates"),
        (2025, {"USD": "-1"}, "rates"),
        (2025, {"USD": "abc"}, "rates"),
        (1200, {"USD": "1"}, "year"),
    ],
)
def test_set_exchange_rates_refuses_bad_rates(admin_user, year, rates, field):
    with pytest.raises(ValidationError) as error:
        set_exchange_rates(year=year, rates=rates, actor=admin_user)
    assert list(error.value.message_dict) == [field]
    assert not ExchangeRate.objects.exists()


def test_demo_loader_adds_rates_for_the_demo_years(data, admin_user):
    output = io.StringIO()
    load_demo_rates(users={"admin": admin_user}, stdout=output)
    years = set(ExchangeRate.objects.values_list("year", flat=True))
    assert {2024, 2025} <= years
    assert ExchangeRate.objects.get(year=2025, currency="USD").rate == Decimal("0.92")
    assert "exchange rates" in output.getvalue()


def test_exchange_rates_are_edited_in_the_admin(client, admin_user):
    admin_user.is_superuser = True
    admin_user.save()
    client.force_login(admin_user)
    response = client.post(
        "/admin/compliance/exchangerate/add/", {"year": 2025, "currency": "usd", "rate": "0.9"}
    )
    assert response.status_code == 302
    assert ExchangeRate.objects.get().currency == "USD"
    response = client.post(
        "/admin/compliance/exchangerate/add/", {"year": 2025, "currency": "US", "rate": "0"}
    )
    assert response.status_code == 200
    assert set(response.context["adminform"].form.errors) == {"currency", "rate"}

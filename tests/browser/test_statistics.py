import io

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.compliance import statistics_data

pytestmark = pytest.mark.browser


def test_administrator_changes_the_year_and_downloads_the_xlsx(login, live_server, admin_user):
    statistics_data.add_costs(statistics_data.build())
    page = login(admin_user)
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Annual statistics"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Annual statistics")
    expect(page.get_by_test_id("statistics-scope")).to_contain_text("Annual statistics 2025")

    page.get_by_label("Year").select_option("2024")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_test_id("statistics-scope")).to_contain_text(
        "Annual statistics 2024, all offices, compared with 2023"
    )
    articles = page.get_by_test_id("totals-enforcement").locator('tr[data-measure="articles"]')
    expect(articles.locator("td").first).to_have_text("75")
    costs = page.get_by_test_id("totals-costs").locator('tr[data-measure="costs"]')
    expect(costs.locator("td").first).to_have_text("14.30")  # 6.30 EUR + 10 USD x 0.8
    expect(page.locator("figure.chart svg")).to_have_count(7)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download XLSX").click()
    download = download_info.value
    assert download.suggested_filename == "statistics-2024.xlsx"
    workbook = load_workbook(io.BytesIO(download.path().read_bytes()), read_only=True)
    totals = {row[1]: row for row in workbook["Totals"].iter_rows(min_row=5, values_only=True)}
    assert totals["articles"][4:6] == (75, 0)
    assert totals["kg_destroyed"][4] == 3
    assert totals["costs"][4] == pytest.approx(14.3)

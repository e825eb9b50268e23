import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_a_planner_checks_a_cold_incineration_and_sees_findings_by_severity(
    login, live_server, warehouse_user
):
    page = login(warehouse_user)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="What-if check").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("What-if compliance check")

    page.get_by_label("Waste class").select_option("PHA")
    page.get_by_label("Disposal method").select_option("INCIN_HAZ_HT")
    page.get_by_label("6.1 Toxic substances").check()
    # Cytotoxic medicines: hazardous waste by their code (X-MF-03), listed by the permit (X-MF-09).
    page.get_by_label("EWC code", exact=True).fill("20 01 31*")
    page.get_by_label("Permit EWC codes").fill("20 01 31*, 20 01 32")
    page.get_by_label("Destruction date").fill("2026-12-01")
    page.get_by_label("Permit operations").fill("D10")
    page.get_by_label("Permit valid from").fill("2024-01-01")
    page.get_by_label("Permit valid until").fill("2027-12-31")
    page.get_by_label("Temperature (°C)").fill("800")
    page.get_by_label("Residence time (s)").fill("2")
    page.get_by_label("Witnesses").fill("2")
    page.get_by_role("button", name="Check").click()

    verdict = page.get_by_test_id("what-if-verdict")
    expect(verdict).to_contain_text("Non-compliant")
    expect(page.get_by_test_id("what-if-ewc")).to_contain_text("20 01 31* Cytotoxic")
    blocking = page.get_by_test_id("findings-blocking")
    expect(blocking.get_by_role("heading")).to_contain_text("Blocking")
    expect(blocking.locator('li[data-rule="X-MF-04"]')).to_contain_text("850")
    expect(blocking.locator('li[data-rule="X-MF-03"]')).to_contain_text(
        "does not allow hazardous waste"
    )
    expect(blocking.locator('li[data-rule="X-MF-04"]')).to_contain_text("Source:")
    expect(page.get_by_test_id("findings-info")).to_be_visible()

    # Fix the temperature and the permit: nothing blocks, but what was left out warns.
    page.get_by_label("Temperature (°C)").fill("1150")
    page.get_by_label("Permit allows hazardous waste").check()
    page.get_by_role("button", name="Check").click()
    expect(page.get_by_test_id("what-if-verdict")).to_contain_text("Needs review")
    expect(page.get_by_test_id("findings-blocking")).to_have_count(0)
    warnings = page.get_by_test_id("findings-warning")
    expect(warnings.locator('li[data-rule="X-WE-01"]')).to_contain_text("Customs officer present")
    expect(warnings.locator('li[data-rule="X-MF-02"]')).to_contain_text("RECOVER_RDF_KILN")

    # State who attends and why high-temperature incineration: the same page says compliant.
    page.get_by_label("Customs officer present").select_option("true")
    page.get_by_label("Justification of a lower-ranked method").fill("Cytotoxic stock")
    page.get_by_role("button", name="Check").click()
    expect(page.get_by_test_id("what-if-verdict")).to_contain_text("Compliant")
    expect(page.get_by_test_id("findings-warning")).to_have_count(0)

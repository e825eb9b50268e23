"""The pages work under the Content-Security-Policy (no violation reported by Chromium), and a
locked-out sign-in is named on the login page."""

import pytest
from playwright.sync_api import expect

from tests.compliance import statistics_data

pytestmark = pytest.mark.browser


@pytest.fixture
def csp_violations(page):
    """Messages Chromium logs when the policy blocks something."""
    messages: list[str] = []
    page.on(
        "console",
        lambda message: (
            messages.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return messages


def test_the_api_docs_run_under_the_policy(login, live_server, admin_user, csp_violations):
    page = login(admin_user)
    page.goto(f"{live_server.url}/api/docs/")
    expect(page.get_by_text("Infringing Goods Tracker API").first).to_be_visible()
    expect(page.locator(".opblock").first).to_be_visible()
    assert csp_violations == []


def test_statistics_charts_and_admin_render_under_the_policy(
    login, live_server, admin_user, csp_violations
):
    statistics_data.build()
    page = login(admin_user)
    page.goto(f"{live_server.url}/statistics/")
    expect(page.locator("figure.chart svg").first).to_be_visible()
    page.goto(f"{live_server.url}/admin/")
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()
    assert csp_violations == []


def test_the_login_page_names_a_lockout(page, live_server, warehouse_user, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        page.goto(f"{live_server.url}/login/")
        page.get_by_label("Username").fill(warehouse_user.username)
        page.get_by_label("Password").fill("not-the-password")
        page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_contain_text("Sign-in locked after")
    expect(page.get_by_label("Username")).to_have_value(warehouse_user.username)

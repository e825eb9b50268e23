"""Pages that fit the floor (issue #14, item 7): the ten main pages have no serious or critical
accessibility violation by axe-core, and the planner, order and list pages need no horizontal
scrolling on a desktop (1366x768) or a warehouse tablet (1024x768)."""

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from destruction.certificates.services import issue_certificate
from tests.destruction.certificate_factories import executed_order
from tests.destruction.conftest import build_order, eligible_lot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# axe-core, vendored (tests/browser/vendor/README.md says where it comes from).
AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
VIEWPORTS = [{"width": 1366, "height": 768}, {"width": 1024, "height": 768}]
GRAVE = ("serious", "critical")


@pytest.fixture
def main_pages(warehouse_user, admin_user) -> dict[str, str]:
    """The ten main pages, each with something to show: a draft order with eligible lots left
    to plan, an executed order with its certificate."""
    draft = build_order(
        preparer=warehouse_user, approver=admin_user, lots=[eligible_lot(), eligible_lot()]
    )
    eligible_lot(description="Counterfeit perfume")
    issue_certificate(order=executed_order(lots=2), actor=admin_user)
    lot = draft.lines.first().lot
    return {
        "dashboard": "/",
        "seizure list": "/seizures/",
        "seizure detail": f"/seizures/{lot.seizure_id}/",
        "lot list": "/lots/",
        "lot detail": f"/lots/{lot.pk}/",
        "order list": "/orders/",
        "order planner": "/orders/plan/",
        "order detail": f"/orders/{draft.pk}/",
        "certificate list": "/certificates/",
        "statistics": "/statistics/",
    }


# The pages a person works in on a tablet: the lists, the planner and an order.
FIT_PAGES = (
    "seizure list",
    "lot list",
    "order list",
    "order planner",
    "order detail",
    "certificate list",
)


# A list's results start in the upper two thirds of a 768 px screen, under its filters.
LIST_PAGES = ("seizure list", "lot list", "order list", "certificate list")
RESULTS_BY = 500


def results_top(page) -> int:
    return page.evaluate(
        "Math.round(document.querySelector('main table').getBoundingClientRect().top)"
    )


def horizontal_overflow(page) -> int:
    """How many pixels the page is wider than the window (0: no horizontal scroll bar)."""
    return page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth")


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=lambda v: f"{v['width']}x{v['height']}")
def test_planner_order_and_list_pages_need_no_horizontal_scrolling_and_lists_start_high(
    login, page, live_server, main_pages, admin_user, viewport
):
    page.set_viewport_size(viewport)
    login(admin_user)
    overflowing, below_the_fold = {}, {}
    for name in FIT_PAGES:
        page.goto(live_server.url + main_pages[name])
        if name in LIST_PAGES and (top := results_top(page)) > RESULTS_BY:
            below_the_fold[name] = top
        # "More filters" open too: the extra filters wrap rather than widen the page.
        for more in page.locator("details.more-filters").all():
            more.evaluate("element => { element.open = true; }")
        if overflow := horizontal_overflow(page):
            overflowing[name] = overflow
    assert overflowing == {}
    assert below_the_fold == {}


def test_the_sidebar_folds_on_a_tablet_and_the_choice_is_remembered(
    login, page, live_server, admin_user
):
    page.set_viewport_size({"width": 1024, "height": 768})
    login(admin_user)
    nav = page.get_by_role("navigation", name="Main")
    toggle = page.get_by_role("button", name="Menu")
    expect(nav).to_be_hidden()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    toggle.click()
    expect(nav).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    page.goto(f"{live_server.url}/lots/")
    expect(nav).to_be_visible()

    page.set_viewport_size({"width": 1366, "height": 768})
    page.get_by_role("button", name="Menu").click()
    page.reload()
    expect(nav).to_be_hidden()


def test_the_ten_main_pages_have_no_serious_or_critical_axe_violation(
    login, page, live_server, main_pages, admin_user
):
    login(admin_user)
    found = {}
    for name, path in main_pages.items():
        response = page.goto(live_server.url + path)
        assert response.status == 200, name
        page.evaluate(AXE_SOURCE)
        violations = page.evaluate(
            "async () => (await axe.run(document)).violations"
            ".map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' '))}))"
        )
        grave = [v for v in violations if v["impact"] in GRAVE]
        if grave:
            found[name] = grave
    assert found == {}, json.dumps(found, indent=1)


def test_more_filters_wait_closed_and_open_when_one_of_them_is_set(
    login, page, live_server, admin_user
):
    login(admin_user)
    page.goto(f"{live_server.url}/lots/")
    filters = page.get_by_role("form", name="Filters")
    expect(filters.get_by_label("Search")).to_be_visible()
    expect(filters.get_by_label("Contains asbestos")).to_be_hidden()
    expect(filters.get_by_text("[invalid name]")).to_have_count(0)

    filters.get_by_text("More filters").click()
    filters.get_by_label("Contains asbestos").select_option(label="Yes")
    filters.get_by_role("group", name="Stored between").get_by_label("From").fill("2026-01-01")
    filters.get_by_role("group", name="Status").locator("summary").click()
    filters.get_by_label("In storage").check()
    filters.get_by_role("button", name="Apply filters").click()

    expect(filters.get_by_label("Contains asbestos")).to_be_visible()  # opened by itself
    expect(filters.get_by_label("Contains asbestos")).to_have_value("true")
    expect(filters.get_by_role("group", name="Stored between").get_by_label("From")).to_have_value(
        "2026-01-01"
    )
    expect(filters.get_by_role("group", name="Status").locator("summary")).to_have_text("1 chosen")
    expect(filters.get_by_label("High risk").locator("option").first).to_have_text("Any")


def test_a_form_with_errors_focuses_its_summary_whose_links_focus_the_field(
    login, page, live_server, warehouse_user
):
    login(warehouse_user)
    page.goto(f"{live_server.url}/seizures/new/")
    page.get_by_role("button", name="Log seizure").click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Office: This field is required.")
    summary.get_by_role("link", name="Office: This field is required.").click()
    expect(page.locator("#id_office")).to_be_focused()


def test_a_choice_drop_down_folds_when_the_user_taps_elsewhere(
    login, page, live_server, admin_user
):
    login(admin_user)
    page.goto(f"{live_server.url}/orders/")
    status = page.get_by_role("group", name="Status")
    status.locator("summary").click()
    status.get_by_label("Draft").check()
    expect(status.get_by_label("Submitted")).to_be_visible()
    page.get_by_role("heading", name="Destruction orders").click()
    expect(status.get_by_label("Submitted")).to_be_hidden()
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"/orders/\?.*\bstatus=draft\b"))
    expect(page.get_by_role("group", name="Status").locator("summary")).to_have_text("1 chosen")

"""Wave-2 pages of the README tour that did not fit: the right holder's pages scrolled sideways
on a phone (their tables had no scrolling frame) and showed the browser's small default
buttons; the rulebook changes pushed their tables past a tablet's width (long source URLs); an
order's long label squeezed its values into a narrow column of the half-width card; the
planner's choices were cut ("RECYCLE_SHR") on a tablet."""

import pytest
from playwright.sync_api import expect

from destruction.models import DestructionOrder
from project.roles import RIGHT_HOLDER
from seizures.services.right_holders import confirm_infringement
from tests.browser.test_floor import horizontal_overflow
from tests.destruction.conftest import build_order, planned_day
from tests.destruction.factories import FacilityFactory
from tests.destruction.test_planning_api import mixed_lots
from tests.factories import PASSWORD
from tests.scoping_world import user_in
from tests.seizures.factories import LotFactory, RightHolderFactory, SeizureFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
TABLET = {"width": 1024, "height": 768}
TAP = 44  # px: the touch target of app.css (--tap)


def sign_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda address: "/login/" not in address)


def clipped_tables(page) -> int:
    """How many table frames scroll sideways (their table is wider than the page gives them)."""
    return page.evaluate(
        "[...document.querySelectorAll('.table-wrap')]"
        ".filter(frame => frame.scrollWidth > frame.clientWidth + 1).length"
    )


def test_the_right_holder_pages_fit_a_phone_and_their_buttons_are_tappable(page, live_server):
    holder = RightHolderFactory(name="Stride Athletics AG")
    seizure = SeizureFactory(right_holder=holder, right_holder_agreement_on=None)
    LotFactory(seizure=seizure, description="Running shoes (pairs), replica of the 2026 model")
    LotFactory(seizure=seizure, description="Football jerseys with counterfeit club crest")
    user = user_in(RIGHT_HOLDER, "rightholder", right_holder=holder)
    confirm_infringement(
        seizure=seizure,
        actor=user,
        note="Compared with our reference samples: not made under our licence.",
    )
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, "rightholder")

    assert horizontal_overflow(page) == 0  # the cases
    page.get_by_role("link", name=seizure.reference).click()
    expect(page.get_by_role("heading", name=f"Case {seizure.reference}")).to_be_visible()
    expect(page.get_by_role("cell", name="Infringement confirmed")).to_be_attached()
    assert horizontal_overflow(page) == 0
    for name in ("Confirm the infringement", "Agree to destruction", "Request samples"):
        button = page.get_by_role("button", name=name)
        assert button.bounding_box()["height"] >= TAP, name


def test_the_rulebook_changes_fit_a_tablet(login, page, live_server, admin_user):
    page.set_viewport_size(TABLET)
    login(admin_user)
    page.goto(f"{live_server.url}/compliance/rules/changes/")
    expect(page.get_by_test_id("change-counts")).to_contain_text("changed")

    assert horizontal_overflow(page) == 0
    assert clipped_tables(page) == 0


def test_an_order_s_long_label_leaves_its_values_most_of_the_card_on_a_tablet(
    login, page, live_server, warehouse_user, admin_user
):
    order = build_order(preparer=warehouse_user, approver=admin_user)
    DestructionOrder.objects.filter(pk=order.pk).update(
        approval_acknowledgements=[
            {
                "rule": "X-MF-02",
                "lot": order.lines.get().lot.reference,
                "message": "Use the highest feasible rank of the waste hierarchy; a lower rank "
                "needs a recorded justification.",
                "justification": "No facility of the higher rank had capacity in time.",
            }
        ]
    )
    page.set_viewport_size(TABLET)
    login(admin_user)
    page.goto(f"{live_server.url}/orders/{order.pk}/")

    values = page.get_by_test_id("acknowledgements").locator("xpath=..")
    share = values.evaluate(
        "dd => dd.getBoundingClientRect().width / dd.parentElement.getBoundingClientRect().width"
    )
    assert share >= 0.55


def cut_choices(page) -> list[str]:
    """The chosen values of the table's drop-downs that do not fit their box (text, padding and
    arrow), measured in the drop-down's own font."""
    return page.evaluate(
        """() => {
            const context = document.createElement('canvas').getContext('2d');
            return [...document.querySelectorAll('td select')].filter(select => {
                context.font = getComputedStyle(select).font;
                const text = select.options[select.selectedIndex].text;
                return context.measureText(text).width + 40 > select.clientWidth;
            }).map(select => select.options[select.selectedIndex].text);
        }"""
    )


def test_the_planner_s_proposals_show_their_whole_choice_on_a_tablet(
    login, page, live_server, warehouse_user
):
    lots = mixed_lots()
    FacilityFactory(name="EcoTreat Antwerp")
    page.set_viewport_size(TABLET)
    login(warehouse_user)
    page.goto(f"{live_server.url}/orders/plan/")
    for lot in lots:
        page.get_by_label(f"Plan lot {lot.reference}").check()
    page.get_by_label("Planned date").fill(planned_day().isoformat())
    page.get_by_role("button", name="Propose methods and facilities").click()
    expect(page.get_by_test_id("proposals")).to_be_visible()

    assert cut_choices(page) == []
    assert horizontal_overflow(page) == 0
    assert clipped_tables(page) == 0


def test_the_statistics_totals_fit_beside_each_other_on_a_desktop(
    login, page, live_server, admin_user
):
    page.set_viewport_size({"width": 1280, "height": 860})
    login(admin_user)
    page.goto(f"{live_server.url}/statistics/?year=2026")
    expect(page.get_by_test_id("totals-enforcement")).to_be_visible()

    assert clipped_tables(page) == 0

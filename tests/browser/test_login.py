import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    ("role_fixture", "role_name"),
    [
        ("warehouse_user", "Warehouse staff"),
        ("auditor_user", "Environmental auditor"),
        ("admin_user", "Administrator"),
    ],
)
def test_each_role_logs_in_and_sees_its_navigation(
    request, login, live_server, role_fixture, role_name
):
    user = request.getfixturevalue(role_fixture)
    page = login(user)
    expect(page.get_by_test_id("roles")).to_have_text(role_name)
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Dashboard")).to_be_visible()
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()


def test_wrong_password_shows_a_form_error(page, live_server, warehouse_user):
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill(warehouse_user.username)
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_contain_text("correct username and password")

"""The what-if page: the issue's example as a form, findings grouped by severity."""

import pytest

from tests.destruction.factories import FacilityFactory
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

EXAMPLE = {
    "waste_class": "PHA",
    "method": "INCIN_HAZ_HT",
    "hazard_classes": ["6.1"],
    "on_date": "2026-12-01",
    "operations": "D10",
    "permit_valid_from": "2024-01-01",
    "permit_valid_until": "2027-12-31",
    "hazardous_permitted": "on",
    "temperature_c": "1150",
    "residence_time_s": "2",
    "halogenated_over_1pct": "false",
    "debranded": "false",
    "right_holder_consent": "false",
    "customs_officer_present": "true",
    "witnesses": "2",
    "justification": "",
}


@pytest.fixture
def signed_in(client):
    def login(user):
        client.login(username=user.username, password=PASSWORD)
        return client

    return login


def test_the_issue_example_is_compliant_on_the_page(signed_in, warehouse_user):
    response = signed_in(warehouse_user).get("/compliance/what-if/", EXAMPLE)

    assert response.status_code == 200
    assert response.context["result"].verdict == "compliant"
    html = response.content.decode()
    assert "badge badge-compliant" in html
    assert 'data-testid="findings-info"' in html
    assert 'data-testid="findings-blocking"' not in html


def test_a_cold_burn_shows_blocking_findings_first_with_their_sources(signed_in, roleless_user):
    response = signed_in(roleless_user).get(
        "/compliance/what-if/", {**EXAMPLE, "temperature_c": "800", "hazardous_permitted": ""}
    )

    html = response.content.decode()
    assert response.context["result"].verdict == "non_compliant"
    [blocking, *rest] = response.context["groups"]
    assert blocking["severity"] == "blocking"
    assert {f["rule"] for f in blocking["findings"]} >= {"PHA-M1", "X-MF-04", "X-MF-03"}
    assert html.index('data-testid="findings-blocking"') < html.index('data-testid="findings-info"')
    assert "WHO Guidelines for Safe Disposal" in html
    # A user without compliance view still sees the rule ids, not links to pages they cannot open.
    assert 'href="/compliance/rules/PHA-M1/"' not in html


def test_a_stored_facility_can_be_chosen_instead_of_a_permit(signed_in, auditor_user):
    facility = FacilityFactory()
    request = {k: v for k, v in EXAMPLE.items() if not k.startswith(("operations", "permit_"))}

    response = signed_in(auditor_user).get(
        "/compliance/what-if/", {**request, "facility": facility.pk}
    )

    assert response.context["result"].verdict == "compliant"
    assert 'href="/compliance/rules/X-LB-01/"' in response.content.decode()


def test_malformed_input_is_shown_as_form_errors(signed_in, warehouse_user):
    response = signed_in(warehouse_user).get(
        "/compliance/what-if/", {**EXAMPLE, "waste_class": "XYZ", "operations": "D10 Q7"}
    )

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert set(errors) == {"waste_class", "operations"}
    assert "result" not in response.context


def test_choosing_a_facility_and_describing_a_permit_is_refused(signed_in, warehouse_user):
    facility = FacilityFactory()
    response = signed_in(warehouse_user).get(
        "/compliance/what-if/", {**EXAMPLE, "facility": facility.pk}
    )

    assert response.status_code == 400
    assert "facility" in response.context["form"].errors


def test_the_empty_page_shows_the_form_and_needs_a_login(client, signed_in, warehouse_user):
    assert client.get("/compliance/what-if/").status_code == 302
    response = signed_in(warehouse_user).get("/compliance/what-if/")
    assert response.status_code == 200
    assert "<h1>What-if compliance check</h1>" in response.content.decode()

"""The what-if page: the issue's example as a form, findings grouped by severity."""

import pytest

from compliance.api.serializers import WhatIfParametersInput
from compliance.facts import WHAT_IF_PARAMETERS
from compliance.forms import WhatIfForm
from tests.destruction.factories import FacilityFactory

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
    "waste_codes": "20 01 31*, 20 01 32, 160306",
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
        client.force_login(user)
        return client

    return login


def test_the_issue_example_needs_review_on_the_page_until_justified(signed_in, warehouse_user):
    response = signed_in(warehouse_user).get("/compliance/what-if/", EXAMPLE)

    assert response.status_code == 200
    assert response.context["result"].verdict == "needs_review"
    [warnings, _info] = response.context["groups"]
    assert [f["rule"] for f in warnings["findings"]] == ["X-MF-02"]
    assert "(RECOVER_RDF_KILN, RECOVER_WTE)" in response.content.decode()

    justified = signed_in(warehouse_user).get(
        "/compliance/what-if/", {**EXAMPLE, "justification": "Cytotoxic stock"}
    )

    assert justified.context["result"].verdict == "compliant"
    html = justified.content.decode()
    assert "badge badge-compliant" in html
    assert 'data-testid="findings-info"' in html
    assert 'data-testid="findings-blocking"' not in html


def test_parameters_left_empty_are_warnings(signed_in, warehouse_user):
    empty = {"customs_officer_present": "", "witnesses": "", "justification": "x"}

    response = signed_in(warehouse_user).get("/compliance/what-if/", {**EXAMPLE, **empty})

    assert response.context["result"].verdict == "needs_review"
    warnings = {f.rule: f.detail for f in response.context["result"].findings}
    assert warnings["X-WE-01"] == "Not given: Customs officer present"
    assert warnings["X-WE-02"] == "Not given: Controlled substances, Witnesses"
    not_controlled = signed_in(warehouse_user).get(
        "/compliance/what-if/",
        {**EXAMPLE, **empty, "customs_officer_present": "true", "controlled_substances": "false"},
    )
    assert not_controlled.context["result"].verdict == "compliant"


def test_the_record_parameters_are_on_the_form(signed_in, warehouse_user):
    request = {
        **EXAMPLE,
        "waste_class": "MED",
        "method": "LANDFILL_ENG",
        "hazard_classes": [],
        "operations": "D1",
        "justification": "Residue",
    }

    unshredded = signed_in(warehouse_user).get("/compliance/what-if/", request)
    shredded = signed_in(warehouse_user).get(
        "/compliance/what-if/", {**request, "particle_size_mm": "20"}
    )

    assert {f.rule: f.severity for f in unshredded.context["result"].findings}["MED-M3"] == (
        "warning"
    )
    assert "MED-M3" not in {f.rule for f in shredded.context["result"].findings}
    assert shredded.context["result"].verdict == "compliant"


def test_a_cold_burn_shows_blocking_findings_first_with_their_sources(signed_in, roleless_user):
    response = signed_in(roleless_user).get(
        "/compliance/what-if/",
        {
            **EXAMPLE,
            "temperature_c": "800",
            "hazardous_permitted": "",
            "cytotoxic": "true",
            "ewc_code": "200131",
        },
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
        "/compliance/what-if/",
        {**request, "facility": facility.pk, "justification": "Cytotoxic stock"},
    )

    assert response.context["result"].verdict == "compliant"
    assert 'href="/compliance/rules/X-LB-01/"' in response.content.decode()


def test_the_form_and_the_api_take_the_same_parameters():
    assert set(WhatIfParametersInput().fields) == set(WHAT_IF_PARAMETERS)
    assert set(WHAT_IF_PARAMETERS) <= set(WhatIfForm.base_fields)


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


def test_the_page_asks_for_the_papers_and_treatments_a_plan_rests_on(signed_in, warehouse_user):
    chemicals = {
        "waste_class": "CHE",
        "method": "INCIN_HAZ_HT",
        "hazard_classes": ["6.1"],
        "on_date": "2026-12-01",
    }

    without = signed_in(warehouse_user).get(
        "/compliance/what-if/", {**chemicals, "lab_analysis_done": "false"}
    )
    analysed = signed_in(warehouse_user).get(
        "/compliance/what-if/", {**chemicals, "lab_analysis_done": "true"}
    )

    html = without.content.decode()
    for label in (
        "Customs decision with conditions",
        "Lab analysis of the active substances",
        "Denatured (unsmokeable or undrinkable)",
        "Air-bag pyrotechnics neutralised",
    ):
        assert label in html
    assert without.context["result"].verdict == "non_compliant"
    assert "CHE-S3" in {f.rule for f in without.context["result"].findings}
    assert "CHE-S3" not in {f.rule for f in analysed.context["result"].findings}

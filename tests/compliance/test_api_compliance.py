"""POST /api/v1/compliance/check/ (what-if), GET /api/v1/rules/ and
GET /api/v1/compliance-checks/: bodies, field errors, roles and query counts."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from compliance.models import ComplianceCheck
from compliance.rulebook import DEFAULT_VERSION, load_rulebook
from tests.destruction.factories import (
    DestructionOrderFactory,
    FacilityFactory,
    FacilityPermitFactory,
    OrderLineFactory,
)
from tests.factories import UserFactory
from tests.seizures.factories import LotFactory

pytestmark = pytest.mark.django_db

WHAT_IF = "/api/v1/compliance/check/"
ISSUE_EXAMPLE = {
    "waste_class": "PHA",
    "method": "INCIN_HAZ_HT",
    "hazard_classes": ["6.1"],
    "on_date": "2026-12-01",
    "facility": {
        "operations": ["D10"],
        "permit_valid_from": "2024-01-01",
        "permit_valid_until": "2027-12-31",
        "hazardous_permitted": True,
        "waste_codes": ["20 01 31*", "20 01 32"],
    },
    "parameters": {
        "temperature_c": 1150,
        "residence_time_s": 2,
        "halogenated_over_1pct": False,
        "debranded": False,
        "right_holder_consent": False,
        "customs_officer_present": True,
        "witnesses": 2,
        "justification": "",
    },
}


def rules_of(body: dict) -> dict[str, str]:
    return {finding["rule"]: finding["severity"] for finding in body["findings"]}


PAPERWORK = {
    # What a what-if has no field for (legal basis, declaration, samples): information.
    "PHA-S3": "info",
    "X-LB-01": "info",
    "X-LB-04": "info",
    "X-LB-06": "info",
    "X-RH-01": "info",
    "X-CC-02": "info",
}


def test_the_issue_example_needs_review_for_the_waste_hierarchy_only(api, warehouse_user):
    response = api(warehouse_user).post(WHAT_IF, ISSUE_EXAMPLE, format="json")

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["verdict"] == "needs_review"
    assert body["rulebook_version"] == load_rulebook().version == DEFAULT_VERSION
    # Temperature, facility and witnesses comply; with a blank justification, the warning is
    # the waste hierarchy: kiln co-processing ranks above high-temperature incineration.
    assert rules_of(body) == {"X-MF-02": "warning", **PAPERWORK}
    hierarchy = body["findings"][0]
    assert set(hierarchy) == {"rule", "severity", "message", "source", "detail"}
    assert "(RECOVER_RDF_KILN, RECOVER_WTE)" in hierarchy["detail"]
    assert "Waste Framework Directive" in hierarchy["source"]


def test_the_issue_example_with_a_justification_is_compliant(api, warehouse_user):
    parameters = {**ISSUE_EXAMPLE["parameters"], "justification": "Cytotoxic stock"}

    body = (
        api(warehouse_user)
        .post(WHAT_IF, {**ISSUE_EXAMPLE, "parameters": parameters}, format="json")
        .json()
    )

    assert body["verdict"] == "compliant"
    assert rules_of(body) == PAPERWORK
    assert "608/2013" in body["findings"][0]["source"]


def test_a_what_if_missing_what_decides_it_needs_review_not_compliant(api, warehouse_user):
    body = (
        api(warehouse_user)
        .post(WHAT_IF, {"waste_class": "PHA", "method": "INCIN_HAZ_HT"}, format="json")
        .json()
    )

    assert body["verdict"] == "needs_review"
    warnings = {rule for rule, severity in rules_of(body).items() if severity == "warning"}
    assert warnings == {
        *("PHA-M1", "X-MF-04", "X-MF-03", "X-MF-09", "X-WE-01", "X-WE-02", "X-MF-02")
    }
    pha_m1 = next(f for f in body["findings"] if f["rule"] == "PHA-M1")
    assert pha_m1["detail"] == "Not given: Residence time (s)"


@pytest.mark.parametrize(
    ("degassed", "verdict", "cos_x2"),
    [(False, "non_compliant", "blocking"), (True, "compliant", None)],
)
def test_pre_treatment_parameters_of_the_record_can_be_checked(
    api, warehouse_user, degassed, verdict, cos_x2
):
    request = {
        "waste_class": "COS",
        "method": "RECYCLE_SHRED",
        "hazard_classes": ["2.1"],
        "on_date": "2026-12-01",
        "facility": {
            **ISSUE_EXAMPLE["facility"],
            "operations": ["R4"],
            "waste_codes": ["16 05 04*"],
        },
        "parameters": {
            "aerosols_degassed": degassed,
            "batteries_removed": True,
            "particle_size_mm": 25.0,
            "customs_officer_present": False,
            "officer_absence_reason": "Risk-based: low-value perfume testers",
            "justification": "Aerosols only",
        },
    }

    body = api(warehouse_user).post(WHAT_IF, request, format="json").json()

    assert body["verdict"] == verdict
    assert rules_of(body).get("COS-X2") == cos_x2
    assert "X-WE-01" not in rules_of(body)  # the documented absence satisfies customs control


def test_a_cold_incinerator_without_a_hazardous_permit_is_non_compliant(api, auditor_user):
    request = {
        **ISSUE_EXAMPLE,
        "ewc_code": "20 01 31*",  # cytotoxic medicines: hazardous waste
        "facility": {**ISSUE_EXAMPLE["facility"], "hazardous_permitted": False},
        "parameters": {**ISSUE_EXAMPLE["parameters"], "temperature_c": 800, "cytotoxic": True},
    }

    body = api(auditor_user).post(WHAT_IF, request, format="json").json()

    assert body["verdict"] == "non_compliant"
    found = rules_of(body)
    assert found["PHA-M1"] == found["X-MF-04"] == found["PHA-C1"] == "blocking"
    assert found["X-MF-03"] == "blocking"
    pha_m1 = next(f for f in body["findings"] if f["rule"] == "PHA-M1")
    assert "1200" in pha_m1["message"]


@pytest.mark.parametrize("method, rule", [("SALE_AUCTION", "B0-X1"), ("OPEN_BURN", "B0-X3")])
def test_universal_forbidden_methods_are_refused_for_a_minimal_request(
    api, admin_user, method, rule
):
    body = (
        api(admin_user)
        .post(WHAT_IF, {"waste_class": "APP", "method": method}, format="json")
        .json()
    )

    assert body["verdict"] == "non_compliant"
    assert rules_of(body)[rule] == "blocking"


def test_a_stored_facility_brings_its_permits(api, warehouse_user):
    facility = FacilityFactory(permit=None)
    FacilityPermitFactory(
        facility=facility,
        operations=["R3"],
        valid_until=datetime.date(2026, 6, 30),
        hazardous_allowed=False,
    )
    request = {
        "waste_class": "APP",
        "method": "RECYCLE_SHRED",
        "hazard_classes": [],
        "on_date": "2026-12-01",
        "facility": {"id": facility.pk},
    }

    expired = api(warehouse_user).post(WHAT_IF, request, format="json").json()
    valid = (
        api(warehouse_user)
        .post(WHAT_IF, {**request, "on_date": "2026-06-01"}, format="json")
        .json()
    )

    assert rules_of(expired)["X-MF-03"] == "blocking"
    assert "X-MF-03" not in rules_of(valid)
    # Below the best-ranked method for apparel (donation) without a justification.
    assert valid["verdict"] == "needs_review"
    assert rules_of(valid)["X-MF-02"] == "warning"


@pytest.mark.parametrize(
    "body, errors",
    [
        ({"waste_class": "XYZ", "method": "NOPE"}, {"waste_class", "method"}),
        ({"method": "RECYCLE_SHRED"}, {"waste_class"}),
        (
            {"waste_class": "APP", "method": "RECYCLE_SHRED", "hazard_classes": ["7"]},
            {"hazard_classes"},
        ),
        ({"waste_class": "APP", "method": "RECYCLE_SHRED", "on_date": "1 Dec"}, {"on_date"}),
        ({"waste_class": "APP", "method": "RECYCLE_SHRED", "colour": "red"}, {"colour"}),
    ],
)
def test_malformed_what_if_requests_give_field_errors(api, warehouse_user, body, errors):
    response = api(warehouse_user).post(WHAT_IF, body, format="json")

    assert response.status_code == 400
    assert set(response.json()["errors"]) == errors


def test_malformed_facility_and_parameters_give_nested_field_errors(api, warehouse_user):
    response = api(warehouse_user).post(
        WHAT_IF,
        {
            **ISSUE_EXAMPLE,
            "facility": {
                "operations": ["D10", "Z9"],
                "permit_valid_from": "2024-01-01",
                "permit_valid_until": "2027-12-31",
            },
            "parameters": {"temperature_c": "hot", "witnesses": -1, "temprature_c": 900},
        },
        format="json",
    )

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors["facility"]) == {"operations"}
    assert set(errors["parameters"]) == {"temperature_c", "witnesses", "temprature_c"}


@pytest.mark.parametrize(
    "parameters",
    [
        {"temperature_c": True},
        {"residence_time_s": False},
        {"particle_size_mm": True},
        {"witnesses": True},
    ],
)
def test_a_boolean_is_not_a_number(api, warehouse_user, parameters):
    response = api(warehouse_user).post(
        WHAT_IF, {**ISSUE_EXAMPLE, "parameters": parameters}, format="json"
    )

    assert response.status_code == 400
    assert set(response.json()["errors"]["parameters"]) == set(parameters)


@pytest.mark.parametrize("content_type", ["multipart", "form"])
def test_the_what_if_takes_json_only(api, warehouse_user, content_type):
    flat = {"waste_class": "PHA", "method": "INCIN_HAZ_HT", "on_date": "2026-12-01"}
    client = api(warehouse_user)
    if content_type == "form":
        response = client.post(
            WHAT_IF,
            "waste_class=PHA&method=INCIN_HAZ_HT",
            content_type="application/x-www-form-urlencoded",
        )
    else:
        response = client.post(WHAT_IF, flat, format="multipart")

    assert response.status_code == 415
    body = response.json()
    assert set(body) == {"detail", "errors"}
    assert "Unsupported media type" in body["detail"]
    assert body["errors"] == {"non_field_errors": [body["detail"]]}


def test_an_unknown_facility_id_or_a_mixed_facility_is_refused(api, warehouse_user):
    unknown = api(warehouse_user).post(
        WHAT_IF, {**ISSUE_EXAMPLE, "facility": {"id": 999999}}, format="json"
    )
    facility = FacilityFactory()
    mixed = api(warehouse_user).post(
        WHAT_IF,
        {**ISSUE_EXAMPLE, "facility": {"id": facility.pk, "operations": ["D10"]}},
        format="json",
    )
    reversed_dates = api(warehouse_user).post(
        WHAT_IF,
        {
            **ISSUE_EXAMPLE,
            "facility": {**ISSUE_EXAMPLE["facility"], "permit_valid_until": "2023-01-01"},
        },
        format="json",
    )

    assert unknown.status_code == mixed.status_code == reversed_dates.status_code == 400
    assert unknown.json()["errors"] == {"facility": {"id": ["No facility with id 999999."]}}
    assert set(mixed.json()["errors"]["facility"]) == {"operations"}
    assert set(reversed_dates.json()["errors"]["facility"]) == {"permit_valid_until"}


def test_every_logged_in_user_may_ask_but_not_anonymous(api, roleless_user):
    assert api(roleless_user).post(WHAT_IF, ISSUE_EXAMPLE, format="json").status_code == 200
    assert api().post(WHAT_IF, ISSUE_EXAMPLE, format="json").status_code == 401


# --- rules -------------------------------------------------------------------------------------


def test_rules_are_listed_with_source_mark_and_filters(api, auditor_user):
    response = api(auditor_user).get(
        "/api/v1/rules/", {"waste_class": "PHA", "method": "INCIN_HAZ_HT", "page_size": 500}
    )

    assert response.status_code == 200
    ids = [rule["id"] for rule in response.json()["results"]]
    assert {"PHA-M1", "X-MF-04"} <= set(ids)
    # Rules for every method and every class apply too; storage rules and other methods' do not.
    assert {"X-MF-01", "X-MF-02", "X-WE-01", "X-WE-02", "PHA-C1"} <= set(ids)
    assert not {"CHE-M1", "PHA-M2", "PHA-S1", "X-CC-04"} & set(ids)
    pha_m1 = next(rule for rule in response.json()["results"] if rule["id"] == "PHA-M1")
    assert pha_m1["severity"] == "blocking"
    assert pha_m1["mark"] in {"read", "known", "inferred"}
    assert pha_m1["sources"][0]["ref"] == "S26"
    assert "Temperature" in pha_m1["require"]


def test_rules_filter_by_severity_stage_and_text(api, warehouse_user):
    body = (
        api(warehouse_user)
        .get("/api/v1/rules/", {"severity": "warning", "stage": "storage", "q": "stocktake"})
        .json()
    )

    assert [rule["id"] for rule in body["results"]] == ["X-CC-06"]


def test_a_rule_is_shown_by_id_and_an_unknown_id_is_404(api, auditor_user):
    assert api(auditor_user).get("/api/v1/rules/B0-X1/").json()["forbids"] == ["SALE_AUCTION"]
    assert api(auditor_user).get("/api/v1/rules/NOPE-1/").status_code == 404


def test_malformed_rule_filters_give_field_errors(api, auditor_user):
    response = api(auditor_user).get("/api/v1/rules/", {"severity": "fatal", "method": "x"})

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"severity", "method"}


def test_rules_need_the_compliance_view_permission(api, roleless_user):
    assert api(roleless_user).get("/api/v1/rules/").status_code == 403
    assert api().get("/api/v1/rules/").status_code == 401


def test_the_rules_list_reads_the_rulebook_not_the_stored_checks(api, auditor_user):
    # The rules are data loaded at start-up, not rows: listing them must not touch the
    # compliance tables, however many checks are stored (the check list is counted below).
    client = api(auditor_user)
    client.get("/api/v1/rules/")  # the user's permissions are cached after the first request
    with CaptureQueriesContext(connection) as before:
        assert client.get("/api/v1/rules/", {"page_size": 500}).json()["count"] > 100
    stored_checks(5)
    with CaptureQueriesContext(connection) as after:
        client.get("/api/v1/rules/", {"page_size": 500})
    assert len(before) == len(after)
    assert not [q["sql"] for q in after.captured_queries if "compliance_" in q["sql"]]


# --- stored checks ------------------------------------------------------------------------------


def stored_checks(count: int, **fields) -> list[ComplianceCheck]:
    user = UserFactory(password=None)
    order = DestructionOrderFactory(prepared_by=user)
    return [
        ComplianceCheck.objects.create(
            stage=fields.get("stage", "submit"),
            order=order,
            rulebook_version="2026.1",
            verdict=fields.get("verdict", "needs_review"),
            findings=[
                {
                    "rule": "X-MF-02",
                    "severity": "warning",
                    "message": "Use the highest feasible rank.",
                    "detail": "no justification",
                    "source": "S19 Waste Framework Directive",
                    "mark": "read",
                    "missing": [],
                    "lot": "LOT-1",
                }
            ],
            checked_by=user,
        )
        for _ in range(count)
    ]


def test_stored_checks_show_the_rulebook_version_and_filter_by_verdict(api, auditor_user):
    [review] = stored_checks(1)
    stored_checks(2, verdict="non_compliant", stage="approve")

    body = api(auditor_user).get("/api/v1/compliance-checks/", {"verdict": "needs_review"}).json()

    assert body["count"] == 1
    [check] = body["results"]
    assert check["id"] == review.pk
    assert check["rulebook_version"] == "2026.1"
    assert check["order"] == review.order.reference
    assert check["lot"] is None
    assert check["findings"][0]["rule"] == "X-MF-02"
    assert check["findings"][0]["lot"] == "LOT-1"
    filtered = api(auditor_user).get("/api/v1/compliance-checks/", {"stage": "approve"}).json()
    assert filtered["count"] == 2


def test_malformed_check_filters_give_field_errors(api, auditor_user):
    response = api(auditor_user).get(
        "/api/v1/compliance-checks/", {"verdict": "great", "checked_after": "yesterday"}
    )

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"verdict", "checked_after"}


def test_stored_checks_need_the_compliance_view_permission(api, roleless_user, warehouse_user):
    assert api(roleless_user).get("/api/v1/compliance-checks/").status_code == 403
    assert api(warehouse_user).get("/api/v1/compliance-checks/").status_code == 200


def test_the_check_list_makes_the_same_queries_for_one_row_and_for_many(api, auditor_user):
    client = api(auditor_user)
    client.get("/api/v1/compliance-checks/")  # caches the user's permissions
    stored_checks(1)
    with CaptureQueriesContext(connection) as one:
        assert client.get("/api/v1/compliance-checks/").json()["count"] == 1
    for _ in range(3):
        stored_checks(4)
    with CaptureQueriesContext(connection) as many:
        assert client.get("/api/v1/compliance-checks/").json()["count"] == 13
    assert len(one) == len(many)


def test_checks_filter_by_a_lot_of_their_order(api, auditor_user):
    [check] = stored_checks(1)
    lot = LotFactory()
    OrderLineFactory(order=check.order, lot=lot)
    stored_checks(1)

    body = api(auditor_user).get("/api/v1/compliance-checks/", {"lot": lot.reference}).json()

    assert [row["id"] for row in body["results"]] == [check.pk]


@pytest.mark.parametrize(
    ("waste_class", "method", "hazards", "fact", "rule"),
    [
        ("APP", "REUSE_DONATE", [], "customs_decision_recorded", "X-RH-02"),
        ("CHE", "INCIN_HAZ_HT", ["6.1"], "lab_analysis_done", "CHE-S3"),
        ("ALC", "RECOVER_SOLVENT", ["3"], "denatured", "ALC-M2"),
        ("AUT", "RECYCLE_DISMANTLE", ["1.4"], "pyrotechnics_neutralised", "AUT-M2"),
    ],
)
def test_the_what_if_takes_the_papers_and_treatments_of_a_plan(
    api, warehouse_user, waste_class, method, hazards, fact, rule
):
    request = {
        "waste_class": waste_class,
        "method": method,
        "hazard_classes": hazards,
        "on_date": "2026-12-01",
        "parameters": {"right_holder_consent": True, "customs_decision_recorded": True},
    }
    client = api(warehouse_user)

    breached = client.post(
        WHAT_IF,
        {**request, "parameters": {**request["parameters"], fact: False}},
        format="json",
    )
    met = client.post(
        WHAT_IF, {**request, "parameters": {**request["parameters"], fact: True}}, format="json"
    )
    malformed = client.post(WHAT_IF, {**request, "parameters": {fact: "maybe"}}, format="json")

    assert breached.status_code == met.status_code == 200, breached.json()
    assert rules_of(breached.json())[rule] == "blocking"
    assert breached.json()["verdict"] == "non_compliant"
    assert rule not in rules_of(met.json())
    assert malformed.status_code == 400
    assert malformed.json()["errors"]["parameters"][fact] == ["Must be a valid boolean."]


@pytest.mark.parametrize(
    ("waste_class", "method", "flag", "rule"),
    [
        ("AUT", "RECYCLE_SHRED", "asbestos", "AUT-M1"),
        ("PHA", "RECOVER_RDF_KILN", "cytotoxic", "PHA-M2"),
        ("APP", "INCIN_850", "high_risk", "X-WE-02"),
    ],
)
def test_the_what_if_takes_the_intake_classification_of_the_goods(
    api, warehouse_user, waste_class, method, flag, rule
):
    # Flags a lot records at intake (PHA-S2, AUT-S2, C4): "yes" brings the rule that guards it.
    request = {
        "waste_class": waste_class,
        "method": method,
        "hazard_classes": [],
        "on_date": "2026-12-01",
        "parameters": {"witnesses": 1, "customs_officer_present": True},
    }
    client = api(warehouse_user)

    flagged = client.post(
        WHAT_IF, {**request, "parameters": {**request["parameters"], flag: True}}, format="json"
    )
    cleared = client.post(
        WHAT_IF, {**request, "parameters": {**request["parameters"], flag: False}}, format="json"
    )

    assert flagged.status_code == cleared.status_code == 200, flagged.json()
    assert rules_of(flagged.json())[rule] == "blocking"
    assert flagged.json()["verdict"] == "non_compliant"
    assert rules_of(cleared.json()).get(rule) != "blocking"

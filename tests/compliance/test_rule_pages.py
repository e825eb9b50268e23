"""Rulebook pages (list with filters, rule detail) and stored-check pages (list, detail)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from compliance.models import ComplianceCheck
from compliance.rulebook import DEFAULT_VERSION
from tests.destruction.factories import DestructionOrderFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser_client(client):
    def login(user):
        client.force_login(user)
        return client

    return login


def test_an_auditor_browses_the_rules_of_a_waste_class_with_sources(browser_client, auditor_user):
    response = browser_client(auditor_user).get(
        "/compliance/rules/", {"waste_class": "PHA", "severity": "blocking"}
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert f"<h1>Rulebook {DEFAULT_VERSION}</h1>" in html
    assert 'data-rule="PHA-M1"' in html
    assert 'data-rule="B0-X1"' in html  # universal rules apply to every class
    assert 'data-rule="CHE-M1"' not in html
    assert 'data-rule="X-MF-02"' not in html  # a warning
    assert "WHO Guidelines for Safe Disposal" in html


def test_the_rules_filter_by_method_and_stage(browser_client, warehouse_user):
    html = (
        browser_client(warehouse_user)
        .get("/compliance/rules/", {"method": "INCIN_HAZ_HT", "stage": "order"})
        .content.decode()
    )

    assert 'data-rule="PHA-M1"' in html  # permits the method
    assert 'data-rule="X-MF-04"' in html  # checks it
    # Rules for every method apply to this one too (X-MF-*, X-WE-*, the legal basis).
    for universal in ("X-MF-01", "X-MF-02", "X-WE-01", "X-WE-02", "X-LB-01"):
        assert f'data-rule="{universal}"' in html
    assert 'data-rule="B0-X1"' not in html  # forbids another method
    assert 'data-rule="PHA-M2"' not in html
    assert 'data-rule="X-MF-07"' not in html  # a record rule, filtered out by the stage
    assert 'data-rule="PHA-S1"' not in html  # storage: no method involved


def test_a_malformed_rule_filter_is_a_form_error(browser_client, auditor_user):
    response = browser_client(auditor_user).get("/compliance/rules/", {"severity": "fatal"})

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert "No rules match." in response.content.decode()


def test_a_rule_page_shows_its_condition_source_and_mark(browser_client, auditor_user):
    html = browser_client(auditor_user).get("/compliance/rules/X-MF-04/").content.decode()

    assert "<h1>Rule X-MF-04" in html
    assert "Temperature (°C) ≥ 850" in html
    assert "Industrial Emissions Directive" in html
    assert "INCIN_850" in html


def test_a_condition_mixing_and_with_or_is_bracketed(browser_client, auditor_user):
    html = browser_client(auditor_user).get("/compliance/rules/X-WE-02/").content.decode()

    assert (
        "((Waste class ≠ TOB and Controlled substances: no and High risk: no) or "
        "Witnesses ≥ 2 (min_witnesses_high_risk))"
    ) in html


def test_an_unknown_rule_is_404(browser_client, auditor_user):
    assert browser_client(auditor_user).get("/compliance/rules/NOPE/").status_code == 404


def test_rule_and_check_pages_need_the_compliance_view_permission(browser_client, roleless_user):
    client = browser_client(roleless_user)
    for url in ("/compliance/rules/", "/compliance/rules/B0-X1/", "/compliance/checks/"):
        assert client.get(url).status_code == 403


def test_the_rule_list_reads_the_rulebook_not_the_stored_checks(browser_client, auditor_user):
    # The rules are data loaded at start-up, not rows: the page must not touch the compliance
    # tables, however many checks are stored (the check list is counted below).
    client = browser_client(auditor_user)
    client.get("/compliance/rules/")
    with CaptureQueriesContext(connection) as before:
        client.get("/compliance/rules/")
    stored(5)
    with CaptureQueriesContext(connection) as after:
        response = client.get("/compliance/rules/")
    assert len(response.context["rules"]) > 100
    assert len(before) == len(after)
    assert not [q["sql"] for q in after.captured_queries if "compliance_" in q["sql"]]


def stored(count: int, verdict: str = "needs_review", version: str = "2026.1"):
    user = UserFactory(password=None, first_name="Sam", last_name="Checker")
    order = DestructionOrderFactory(prepared_by=user)
    return [
        ComplianceCheck.objects.create(
            stage="submit",
            order=order,
            rulebook_version=version,
            verdict=verdict,
            findings=[
                {
                    "rule": "X-MF-02",
                    "severity": "warning",
                    "message": "Use the highest feasible rank of the waste hierarchy.",
                    "detail": "no justification",
                    "source": "S19 Waste Framework Directive",
                    "mark": "read",
                    "missing": [],
                    "lot": f"LOT-{n}",
                }
                for n in (1, 2)
            ],
            checked_by=user,
        )
        for _ in range(count)
    ]


def test_the_check_list_shows_the_rulebook_version_and_filters_by_verdict(
    browser_client, auditor_user
):
    [old] = stored(1, version="2025.9")
    stored(2, verdict="non_compliant")

    html = (
        browser_client(auditor_user)
        .get("/compliance/checks/", {"verdict": "needs_review"})
        .content.decode()
    )

    assert "2025.9" in html
    assert old.order.reference in html
    assert html.count("badge badge-non_compliant") == 0


def test_a_check_detail_groups_findings_and_names_an_older_rulebook(browser_client, auditor_user):
    [check] = stored(1, version="2025.9")

    html = browser_client(auditor_user).get(f"/compliance/checks/{check.pk}/").content.decode()

    assert "2025.9" in html
    assert f"the rulebook in force is now {DEFAULT_VERSION}" in html
    assert 'data-testid="findings-warning"' in html
    assert "Lots: LOT-1, LOT-2" in html  # one order-wide finding, both lots named


def test_a_malformed_check_filter_is_a_form_error(browser_client, auditor_user):
    response = browser_client(auditor_user).get("/compliance/checks/", {"verdict": "great"})

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_the_check_list_makes_the_same_queries_for_one_row_and_for_many(
    browser_client, auditor_user
):
    client = browser_client(auditor_user)
    stored(1)
    client.get("/compliance/checks/")
    with CaptureQueriesContext(connection) as one:
        client.get("/compliance/checks/")
    for _ in range(4):
        stored(3)
    with CaptureQueriesContext(connection) as many:
        response = client.get("/compliance/checks/")
    assert len(response.context["object_list"]) == 13
    assert len(one) == len(many)


def test_the_dashboard_counts_recent_checks_that_were_not_compliant(browser_client, auditor_user):
    stored(2, verdict="non_compliant")
    stored(1)

    response = browser_client(auditor_user).get("/")

    panel = next(p for p in response.context["panels"] if p["title"].startswith("Compliance"))
    assert (panel["non_compliant_count"], panel["needs_review_count"]) == (2, 1)
    html = response.content.decode()
    assert "Compliance checks (30 days)" in html
    # Each figure links to the check list filtered to what it counts.
    since = panel["since"].isoformat()
    link = f"/compliance/checks/?verdict=non_compliant&amp;checked_after={since}"
    assert f'<a href="{link}">2</a>' in html
    listed = browser_client(auditor_user).get(link.replace("&amp;", "&"))
    assert len(listed.context["object_list"]) == 2

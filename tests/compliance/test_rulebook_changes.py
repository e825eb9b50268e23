"""What changed between two rulebook versions: the pure diff on small synthetic rulebooks, then
the page and the API over the kept versions 2026.2, 2026.3 and 2026.4."""

import pytest
from django.urls import reverse

from compliance.rulebook import DEFAULT_VERSION, kept_versions, parse_rulebook
from compliance.rulebook.changes import diff_rulebooks

BASE = """
version = "{version}"

[sources.S1]
document = "A test source"

[sources.S2]
document = "Another source"

[[rules]]
id = "T-M1"
severity = "blocking"
applies_to = ["order"]
permits = ["RECOVER_WTE"]
message = "Energy from waste."
source = [{{ ref = "S1" }}]
mark = "read"
"""

KEPT = """
[[rules]]
id = "T-X1"
severity = "blocking"
applies_to = ["order", "record"]
waste_classes = ["APP"]
require = [{ fact = "witnesses", op = "ge", value = 2 }]
message = "Two witnesses."
source = [{ ref = "S1", section = "Art. 1" }]
mark = "read"
"""


def book(version: str, *extra: str):
    return parse_rulebook(BASE.format(version=version) + "".join(extra))


def kept_rule(old: str = "", new: str = "") -> str:
    return KEPT.replace(old, new) if old else KEPT


def test_identical_rulebooks_have_no_changes():
    changes = diff_rulebooks(book("1", kept_rule()), book("2", kept_rule()))
    assert (changes.before, changes.after) == ("1", "2")
    assert (changes.added, changes.removed, changes.changed) == ((), (), ())


def test_added_and_removed_rules_are_found_by_id():
    added = kept_rule('id = "T-X1"', 'id = "T-X2"')
    changes = diff_rulebooks(book("1", kept_rule()), book("2", added))
    assert [rule.id for rule in changes.added] == ["T-X2"]
    assert [rule.id for rule in changes.removed] == ["T-X1"]
    assert changes.changed == ()


@pytest.mark.parametrize(
    ("old", "new", "aspects"),
    [
        ('severity = "blocking"', 'severity = "warning"', ("severity",)),
        ('"Two witnesses."', '"Two independent witnesses."', ("message",)),
        ("value = 2 }", "value = 3 }", ("condition",)),
        ('op = "ge"', 'op = "gt"', ("condition",)),
        ("value = 2 }", 'value = 2, why = "too few witnesses" }', ("condition",)),
        ('section = "Art. 1"', 'section = "Art. 2"', ("source",)),
        ('ref = "S1", section = "Art. 1"', 'ref = "S2", section = "Art. 1"', ("source",)),
        ('waste_classes = ["APP"]', 'waste_classes = ["APP", "FTW"]', ("scope",)),
        ('applies_to = ["order", "record"]', 'applies_to = ["order"]', ("scope",)),
        # Same content written differently is no change.
        ('applies_to = ["order", "record"]', 'applies_to = ["record", "order"]', ()),
        ('mark = "read"', 'mark = "known"', ()),
    ],
    ids=[
        "severity",
        "message",
        "condition value",
        "condition operator",
        "condition reason",
        "source section",
        "source reference",
        "scope classes",
        "scope stages",
        "stages reordered",
        "mark only",
    ],
)
def test_a_rule_kept_in_both_is_changed_by_each_aspect(old, new, aspects):
    changes = diff_rulebooks(book("1", kept_rule()), book("2", kept_rule(old, new)))
    assert [(change.id, change.aspects) for change in changes.changed] == (
        [("T-X1", aspects)] if aspects else []
    )


def test_several_aspects_changed_at_once_are_all_named():
    after = kept_rule('severity = "blocking"', 'severity = "info"').replace(
        '"Two witnesses."', '"Witnesses."'
    )
    (change,) = diff_rulebooks(book("1", kept_rule()), book("2", after)).changed
    assert change.aspects == ("severity", "message")
    assert (change.before.severity, change.after.severity) == ("blocking", "info")


def test_kept_versions_list_the_rulebook_files_oldest_first():
    versions = kept_versions()
    assert versions[-3:] == ("2026.2", "2026.3", "2026.4")


# --- page and API over the kept versions ---------------------------------------------------------


@pytest.mark.django_db
def test_the_changes_page_shows_the_changed_rules_side_by_side(client, auditor_user):
    client.force_login(auditor_user)
    rulebook_page = client.get(reverse("compliance:rule-list")).content.decode()
    assert reverse("compliance:rule-changes") in rulebook_page

    response = client.get(reverse("compliance:rule-changes"), {"from": "2026.2", "to": "2026.3"})

    assert response.status_code == 200
    changes = response.context["changes"]
    changed = {rule["id"]: rule for rule in changes["changed"]}
    assert {"X-LB-04", "X-LB-05"} <= set(changed)
    x_lb_05 = {row["aspect"]: row for row in changed["X-LB-05"]["comparison"]}
    assert x_lb_05["condition"]["changed"] is True
    assert "Proceedings started on" in x_lb_05["condition"]["after"]
    assert "Proceedings started on" not in x_lb_05["condition"]["before"]
    page = response.content.decode()
    assert 'data-rule="X-LB-05"' in page
    # Both texts of the changed message are on the page.
    x_lb_04 = {row["aspect"]: row for row in changed["X-LB-04"]["comparison"]}
    assert x_lb_04["message"]["before"] in page and x_lb_04["message"]["after"] in page


@pytest.mark.django_db
def test_the_changes_page_opens_on_the_version_in_force(client, auditor_user):
    client.force_login(auditor_user)
    response = client.get(reverse("compliance:rule-changes"))
    assert response.status_code == 200
    versions = kept_versions()
    assert (response.context["changes"]["from"], response.context["changes"]["to"]) == (
        versions[versions.index(DEFAULT_VERSION) - 1],
        DEFAULT_VERSION,
    )


@pytest.mark.django_db
def test_an_unknown_version_is_a_form_error(client, auditor_user):
    client.force_login(auditor_user)
    response = client.get(reverse("compliance:rule-changes"), {"from": "1999.1", "to": "2026.3"})
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"from"}
    assert "changes" not in response.context


@pytest.mark.django_db
def test_the_changes_page_needs_the_compliance_permission(client, roleless_user):
    client.force_login(roleless_user)
    assert client.get(reverse("compliance:rule-changes")).status_code == 403


@pytest.mark.django_db
def test_the_changes_api_answers_the_same_data_and_400_on_unknown_versions(
    api, auditor_user, roleless_user
):
    url = "/api/v1/compliance/rulebook/changes/"
    response = api(auditor_user).get(url, {"from": "2026.2", "to": "2026.3"})
    assert response.status_code == 200
    data = response.json()
    assert (data["from"], data["to"]) == ("2026.2", "2026.3")
    changed = {rule["id"]: rule["aspects"] for rule in data["changed"]}
    assert "condition" in changed["X-LB-05"]
    assert "message" in changed["X-LB-04"]

    bad = api(auditor_user).get(url, {"from": "2026.2", "to": "../settings"})
    assert bad.status_code == 400 and set(bad.json()["errors"]) == {"to"}
    assert api(roleless_user).get(url).status_code == 403


@pytest.mark.django_db
def test_the_changes_to_2026_4_list_the_cost_rules_that_became_checks(client, auditor_user):
    client.force_login(auditor_user)

    response = client.get(reverse("compliance:rule-changes"), {"from": "2026.3", "to": "2026.4"})

    assert response.status_code == 200
    changes = response.context["changes"]
    assert [rule["id"] for rule in changes["added"]] == ["X-CO-04"]
    assert "note (never checked)" in changes["added"][0]["scope"]
    assert changes["removed"] == []
    changed = {rule["id"]: rule for rule in changes["changed"]}
    assert set(changed) == {"X-CO-01", "X-CO-03"}
    assert changed["X-CO-01"]["aspects"] == ["condition", "scope"]
    assert changed["X-CO-03"]["aspects"] == ["message", "condition", "source", "scope"]
    x_co_03 = {row["aspect"]: row for row in changed["X-CO-03"]["comparison"]}
    assert "note (never checked)" in x_co_03["scope"]["before"]
    assert "note" not in x_co_03["scope"]["after"]
    assert x_co_03["condition"]["after"] == (
        "When: Cost payer = right_holder; Requires: Overdue statements: none"
    )
    assert "S17 Regulation (EU) No 608/2013" in x_co_03["source"]["after"]
    page = response.content.decode()
    assert all(f'data-rule="{rule}"' in page for rule in ("X-CO-01", "X-CO-03", "X-CO-04"))
    assert 'data-rule="X-CO-02"' not in page  # a note still: it cannot fail


@pytest.mark.django_db
def test_the_changes_api_to_2026_4_names_the_cost_rules(api, auditor_user):
    url = "/api/v1/compliance/rulebook/changes/"
    data = api(auditor_user).get(url, {"from": "2026.3", "to": "2026.4"}).json()

    assert [rule["id"] for rule in data["added"]] == ["X-CO-04"]
    assert {rule["id"]: rule["aspects"] for rule in data["changed"]} == {
        "X-CO-01": ["condition", "scope"],
        "X-CO-03": ["message", "condition", "source", "scope"],
    }

"""The court route of a seizure (Reg. 608/2013 Art. 23(3)-(5)): proceedings started within
10 (+10) working days of the notification, the judgment, and the release of goods whose
proceedings were not started in time (X-LB-05)."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from seizures import services
from seizures.custody import verify_chains
from seizures.models import CustodyEvent, Holiday, Lot, LotStatus, Seizure
from tests.seizures.conftest import log_seizure, lot_input

pytestmark = pytest.mark.django_db
D = datetime.date
NOTIFIED = D(2026, 3, 3)  # a Tuesday: 10 working days later is 2026-03-17
PROCEEDINGS = {
    "court_name": "Brussels Court of First Instance",
    "court_reference": "26/4512/A",
    "proceedings_started_on": D(2026, 3, 12),
}
JUDGMENT = {
    "judgment_on": D(2026, 4, 20),
    "judgment_outcome": "destruction",
    "appeal_until": D(2026, 5, 20),
    "judgment_final_since": D(2026, 5, 21),
}


def court_seizure(actor, office, **overrides) -> Seizure:
    return log_seizure(
        actor, office, **{"legal_route": "court", "notified_on": NOTIFIED, **overrides}
    )


@pytest.mark.parametrize(
    ("fields", "due"),
    [
        ({}, D(2026, 3, 17)),
        ({"perishable": True}, D(2026, 3, 6)),
        ({"legal_route": "standard"}, None),  # no objection: no court route, no clock
        ({"notified_on": None}, None),
    ],
    ids=["court route", "perishable", "no objection", "not notified"],
)
def test_the_last_day_to_start_proceedings_counts_working_days(warehouse_user, office, fields, due):
    lots = [lot_input(category="1a")] if fields.get("perishable") else None
    seizure = court_seizure(warehouse_user, office, lots=lots, **fields)
    assert seizure.proceedings_due_on == due


def test_an_objection_of_the_declarant_starts_the_proceedings_clock(warehouse_user, office):
    seizure = log_seizure(warehouse_user, office, notified_on=NOTIFIED)
    assert seizure.proceedings_due_on is None
    services.update_seizure(seizure=seizure, actor=warehouse_user, declarant_objected=True)
    assert Seizure.objects.get(pk=seizure.pk).proceedings_due_on == D(2026, 3, 17)


def test_an_extension_and_the_holiday_calendar_move_the_last_day(
    warehouse_user, admin_user, office
):
    seizure = court_seizure(warehouse_user, office)
    services.update_seizure(
        seizure=seizure,
        actor=warehouse_user,
        proceedings_extension_days=10,
        proceedings_extension_reason="Extended by the customs office on the holder's request.",
    )
    assert Seizure.objects.get(pk=seizure.pk).proceedings_due_on == D(2026, 3, 31)
    # A holiday inside the window pushes the last day by one working day.
    services.save_reference_record(Holiday(date=D(2026, 3, 20), name="Local"), actor=admin_user)
    assert Seizure.objects.get(pk=seizure.pk).proceedings_due_on == D(2026, 4, 1)


def test_proceedings_and_a_final_judgment_are_stored(warehouse_user, office):
    seizure = court_seizure(warehouse_user, office)
    services.update_seizure(seizure=seizure, actor=warehouse_user, **PROCEEDINGS, **JUDGMENT)
    stored = Seizure.objects.get(pk=seizure.pk)
    assert {name: getattr(stored, name) for name in {**PROCEEDINGS, **JUDGMENT}} == {
        **PROCEEDINGS,
        **JUDGMENT,
    }


@pytest.mark.parametrize(
    ("seizure_fields", "changes", "errors"),
    [
        (
            {"legal_route": "standard"},
            PROCEEDINGS,
            {"legal_route"},
        ),
        ({}, {**PROCEEDINGS, "court_name": ""}, {"court_name"}),
        ({}, {**PROCEEDINGS, "court_reference": " "}, {"court_reference"}),
        ({}, {**PROCEEDINGS, "proceedings_started_on": D(2026, 3, 1)}, {"proceedings_started_on"}),
        ({}, {**PROCEEDINGS, "proceedings_started_on": D(2099, 1, 5)}, {"proceedings_started_on"}),
        (
            {},
            {"proceedings_extension_days": 11, "proceedings_extension_reason": "x"},
            {"proceedings_extension_days"},
        ),
        ({}, {"proceedings_extension_days": 5}, {"proceedings_extension_reason"}),
        (
            {"perishable": True, "lots": [lot_input(category="1a")]},
            {"proceedings_extension_days": 2, "proceedings_extension_reason": "Asked"},
            {"proceedings_extension_days"},
        ),
        ({}, JUDGMENT, {"proceedings_started_on"}),
        ({}, {**PROCEEDINGS, **JUDGMENT, "judgment_on": D(2026, 3, 11)}, {"judgment_on"}),
        (
            {},
            {**PROCEEDINGS, "judgment_on": D(2099, 1, 5), "judgment_outcome": "destruction"},
            {"judgment_on"},
        ),
        (
            {},
            {**PROCEEDINGS, **JUDGMENT, "judgment_final_since": D(2026, 4, 19)},
            {"judgment_final_since"},
        ),
        (
            {},
            {**PROCEEDINGS, **JUDGMENT, "judgment_final_since": D(2099, 1, 5)},
            {"judgment_final_since"},
        ),
        ({}, {**PROCEEDINGS, **JUDGMENT, "appeal_until": D(2026, 4, 1)}, {"appeal_until"}),
        ({}, {**PROCEEDINGS, **JUDGMENT, "judgment_outcome": ""}, {"judgment_outcome"}),
        ({}, {**PROCEEDINGS, **JUDGMENT, "judgment_on": None}, {"judgment_on"}),
    ],
    ids=[
        "not on the court route",
        "no court",
        "no reference",
        "started before the detention",
        "started in the future",
        "extension over 10 working days",
        "extension without its reason",
        "extension for perishables",
        "judgment without proceedings",
        "judgment before the proceedings",
        "judgment in the future",
        "final before the judgment",
        "final in the future",
        "appeal window ends before the judgment",
        "judgment without outcome",
        "outcome without judgment date",
    ],
)
def test_implausible_court_data_is_refused_with_field_errors(
    warehouse_user, office, seizure_fields, changes, errors
):
    seizure = court_seizure(warehouse_user, office, **seizure_fields)
    with pytest.raises(ValidationError) as refused:
        services.update_seizure(seizure=seizure, actor=warehouse_user, **changes)
    assert set(refused.value.message_dict) == errors
    assert Seizure.objects.get(pk=seizure.pk).proceedings_started_on is None


def test_a_judgment_on_the_day_proceedings_started_and_final_the_same_day_is_accepted(
    warehouse_user, office
):
    day = PROCEEDINGS["proceedings_started_on"]
    seizure = court_seizure(warehouse_user, office)
    services.update_seizure(
        seizure=seizure,
        actor=warehouse_user,
        **PROCEEDINGS,
        judgment_on=day,
        judgment_outcome="release",
        judgment_final_since=day,
        appeal_until=day,
    )
    assert Seizure.objects.get(pk=seizure.pk).judgment_final_since == day


# --- X-LB-05: proceedings not started in time release the goods --------------------------------


def test_lots_whose_proceedings_were_not_started_in_time_are_released_with_the_reason(
    warehouse_user, admin_user, office, general_bay
):
    late = court_seizure(warehouse_user, office, lots=[lot_input(location=general_bay)])
    started_late = court_seizure(warehouse_user, office)
    services.update_seizure(
        seizure=started_late,
        actor=warehouse_user,
        **{**PROCEEDINGS, "proceedings_started_on": D(2026, 3, 18)},
    )
    in_time = court_seizure(warehouse_user, office)
    services.update_seizure(seizure=in_time, actor=warehouse_user, **PROCEEDINGS)
    held = court_seizure(warehouse_user, office)
    services.place_hold(seizure=held, reason="Evidence", actor=admin_user)
    standard = log_seizure(warehouse_user, office)

    released = services.release_overdue_court_cases(actor=admin_user, today=D(2026, 3, 18))

    assert {lot.seizure_id for lot in released} == {late.pk, started_late.pk}
    statuses = dict(Lot.objects.values_list("seizure_id", "status"))
    assert statuses == {
        late.pk: LotStatus.RELEASED,
        started_late.pk: LotStatus.RELEASED,
        in_time.pk: LotStatus.IN_STORAGE,
        held.pk: LotStatus.ON_HOLD,
        standard.pk: LotStatus.IN_STORAGE,
    }
    event = CustodyEvent.objects.get(lot__seizure=late, kind=CustodyEvent.Kind.RELEASED)
    assert event.details == {
        "reason": "X-LB-05: no court proceedings were started by 2026-03-17 (Art. 23(3)).",
        "rule": "X-LB-05",
    }
    assert (event.from_location, event.actor, event.quantity) == (general_bay, admin_user, 100)
    assert Lot.objects.get(seizure=late).location is None
    assert CustodyEvent.objects.get(
        lot__seizure=started_late, kind=CustodyEvent.Kind.RELEASED
    ).details["reason"] == (
        "X-LB-05: the court proceedings started on 2026-03-18, after the last day 2026-03-17 "
        "(Art. 23(3))."
    )
    assert verify_chains() == []


def test_on_the_last_day_itself_nothing_is_released(warehouse_user, admin_user, office):
    seizure = court_seizure(warehouse_user, office)
    assert services.release_overdue_court_cases(actor=admin_user, today=D(2026, 3, 17)) == []
    assert Lot.objects.get(seizure=seizure).status == LotStatus.IN_STORAGE


def test_the_command_lists_then_releases_overdue_court_cases(warehouse_user, admin_user, office):
    seizure = court_seizure(warehouse_user, office)  # due 2026-03-17, long passed
    lot = seizure.lots.get()

    out = io.StringIO()
    call_command(
        "release_overdue_court_cases", "--actor", admin_user.username, "--dry-run", stdout=out
    )
    assert out.getvalue() == f"would release {lot.reference}\n"
    assert Lot.objects.get(pk=lot.pk).status == LotStatus.IN_STORAGE

    out = io.StringIO()
    call_command("release_overdue_court_cases", "--actor", admin_user.username, stdout=out)
    assert out.getvalue().splitlines() == [
        f"released {lot.reference}",
        "1 lot(s) released (X-LB-05).",
    ]
    assert Lot.objects.get(pk=lot.pk).status == LotStatus.RELEASED
    with pytest.raises(CommandError, match="No active user"):
        call_command("release_overdue_court_cases", "--actor", "nobody")


# --- pages and API --------------------------------------------------------------------------


def test_the_seizure_page_shows_the_court_section_and_records_through_its_form(
    client, warehouse_user, office
):
    seizure = court_seizure(warehouse_user, office)
    client.force_login(warehouse_user)
    page = client.get(f"/seizures/{seizure.pk}/").content.decode()
    assert "Court route" in page and 'data-testid="proceedings-late"' in page
    assert f'action="/seizures/{seizure.pk}/court/"' in page

    response = client.post(
        f"/seizures/{seizure.pk}/court/",
        {
            "court_name": "Brussels Court of First Instance",
            "court_reference": "26/4512/A",
            "proceedings_started_on": "2026-03-12",
            "judgment_on": "2026-04-20",
            "judgment_outcome": "destruction",
            "judgment_final_since": "2026-05-21",
        },
    )
    assert response.status_code == 302
    stored = Seizure.objects.get(pk=seizure.pk)
    assert (stored.court_reference, stored.judgment_final_since) == ("26/4512/A", D(2026, 5, 21))
    page = client.get(f"/seizures/{seizure.pk}/").content.decode()
    assert "Destruction ordered" in page and "2026-05-21" in page
    assert 'data-testid="proceedings-late"' not in page


def test_the_court_form_shows_service_errors_on_their_fields(client, warehouse_user, office):
    seizure = court_seizure(warehouse_user, office)
    client.force_login(warehouse_user)
    response = client.post(
        f"/seizures/{seizure.pk}/court/",
        {**PROCEEDINGS, "judgment_on": "2026-03-01", "judgment_outcome": "destruction"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "judgment_on": ["The judgment cannot come before the proceedings started."]
    }


def test_auditors_cannot_record_court_data(client, auditor_user, warehouse_user, office):
    seizure = court_seizure(warehouse_user, office)
    client.force_login(auditor_user)
    assert client.post(f"/seizures/{seizure.pk}/court/", PROCEEDINGS).status_code == 403


def test_the_api_records_the_court_route_and_answers_400_with_field_errors(
    api, warehouse_user, auditor_user, office
):
    seizure = court_seizure(warehouse_user, office)
    url = f"/api/v1/seizures/{seizure.pk}/"
    body = {
        "court_name": "Brussels Court of First Instance",
        "court_reference": "26/4512/A",
        "proceedings_started_on": "2026-03-12",
        "proceedings_extension_days": 0,
        "judgment_on": "2026-04-20",
        "judgment_outcome": "destruction",
        "judgment_final_since": "2026-05-21",
        "appeal_until": "2026-05-20",
    }
    response = api(warehouse_user).patch(url, body, format="json")
    assert response.status_code == 200
    data = response.json()
    assert {name: data[name] for name in body} == body
    assert data["proceedings_due_on"] == "2026-03-17"
    assert Seizure.objects.get(pk=seizure.pk).judgment_outcome == "destruction"

    bad = api(warehouse_user).patch(url, {"judgment_final_since": "2026-04-01"}, format="json")
    assert bad.status_code == 400
    assert set(bad.json()["errors"]) == {"judgment_final_since"}
    for wrong in ({"proceedings_extension_days": 11}, {"judgment_outcome": "fine"}):
        refused = api(warehouse_user).patch(url, wrong, format="json")
        assert refused.status_code == 400 and set(refused.json()["errors"]) == set(wrong)
    assert api(auditor_user).patch(url, body, format="json").status_code == 403

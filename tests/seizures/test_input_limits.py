"""Implausible dates and overlong texts are row errors or 400s, never 500s, on every way in."""

import pytest

from seizures import services
from seizures.intake import IntakeRejected
from seizures.models import Seizure
from tests.seizures.test_intake import rows_of_example, to_csv

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("notified_on", "9999-12-31"),
        ("detained_on", "0001-01-01"),
        ("detained_on", "1989-12-31"),
    ],
)
def test_csv_intake_reports_implausible_dates_as_row_errors(
    example_reference_data, warehouse_user, column, value
):
    rows = rows_of_example()
    rows[0][column] = value
    rows[1][column] = value  # the second line is the same seizure

    with pytest.raises(IntakeRejected) as refused:
        services.import_seizures(content=to_csv(rows), actor=warehouse_user)

    errors = {(e.line, e.field) for e in refused.value.rows}
    assert (2, column) in errors
    assert any("Enter a date between 1990-01-01" in e.message for e in refused.value.rows)
    assert not Seizure.objects.exists()


def test_csv_intake_reports_overlong_texts(example_reference_data, warehouse_user):
    rows = rows_of_example()
    rows[2]["consignment_number"] = "C" * 61
    rows[3]["description"] = "D" * 301

    with pytest.raises(IntakeRejected) as refused:
        services.import_seizures(content=to_csv(rows), actor=warehouse_user)

    assert {(4, "consignment_number"), (5, "description")} <= {
        (e.line, e.field) for e in refused.value.rows
    }


def test_the_seizure_form_caps_notes(client, warehouse_user):
    client.force_login(warehouse_user)

    response = client.post("/seizures/new/", {"notes": "n" * 200_000})

    assert "Ensure this value has at most 4000 characters" in str(
        response.context["form"].errors["notes"]
    )
    assert not Seizure.objects.exists()


@pytest.mark.parametrize("day", ["1989-12-31", "9999-12-31"])
def test_reference_data_dates_outside_the_plausible_range_are_a_400(api, admin_user, day):
    response = api(admin_user).post(
        "/api/v1/holidays/", {"date": day, "name": "Typo Day"}, format="json"
    )

    assert response.status_code == 400
    assert "date" in response.json()["errors"]

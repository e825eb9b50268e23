"""A right-holder agreement dated after the Art. 23 deadline (X-LB-02) is never eligible: the
eligible-lots list, planning and the lot page apply the one rule of destruction.eligibility,
so submission is never the first to refuse it (issue 14)."""

import datetime

import pytest

from destruction.models import DestructionOrder
from tests.destruction.conftest import eligible_lot, planned_day
from tests.seizures.factories import CustomsOfficeFactory, SeizureFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("without_compliance_hook")]

DEADLINE = datetime.date(2026, 3, 17)  # the factory's seizure: notified 3 March
LATE_REASON = (
    "X-LB-02: the right holder's agreement of 2026-03-18 came after the deadline of 2026-03-17; "
    "it does not complete the Art. 23 route."
)


def lot_agreed_on(day: datetime.date, reference: str):
    seizure = SeizureFactory(
        office=CustomsOfficeFactory(code="BRU"), deadline=DEADLINE, right_holder_agreement_on=day
    )
    return eligible_lot(seizure=seizure, reference=reference)


def test_a_late_agreement_is_not_eligible_and_cannot_be_planned(api, warehouse_user, facility):
    on_time = lot_agreed_on(DEADLINE, "BRU-2026-00001-01")
    late = lot_agreed_on(DEADLINE + datetime.timedelta(days=1), "BRU-2026-00002-01")
    client = api(warehouse_user)

    eligible = client.get("/api/v1/destruction-orders/eligible-lots/")
    planned = client.post(
        "/api/v1/destruction-orders/",
        {
            "lines": [{"lot": late.pk, "method": "RECYCLE_SHRED"}],
            "facility": facility.pk,
            "planned_date": planned_day().isoformat(),
        },
        format="json",
    )

    assert [row["reference"] for row in eligible.json()["results"]] == [on_time.reference]
    assert planned.status_code == 400
    assert planned.json()["errors"]["lines"] == [
        f"Lot {late.reference} (seizure {late.seizure.reference}): {LATE_REASON}"
    ]
    assert not DestructionOrder.objects.exists()


def test_the_lot_page_says_why_a_lot_is_not_eligible(client, warehouse_user):
    on_time = lot_agreed_on(DEADLINE, "BRU-2026-00001-01")
    late = lot_agreed_on(DEADLINE + datetime.timedelta(days=1), "BRU-2026-00002-01")
    client.force_login(warehouse_user)

    late_page = client.get(f"/lots/{late.pk}/").content.decode()
    on_time_page = client.get(f"/lots/{on_time.pk}/").content.decode()

    assert f"Not eligible: Lot {late.reference} (seizure {late.seizure.reference}): " in late_page
    assert "came after the deadline of 2026-03-17" in late_page
    assert "Eligible: may be planned for destruction." in on_time_page

import datetime

import pytest

from seizures.deadlines import add_working_days, declarant_notice_due, statutory_deadline

D = datetime.date
EASTER_MONDAY_2026 = D(2026, 4, 6)
CHRISTMAS = {D(2026, 12, 25), D(2027, 1, 1)}


@pytest.mark.parametrize(
    ("notified_on", "perishable", "route", "holidays", "expected"),
    [
        # Tuesday + 10 working days, no holidays: two weeks later.
        (D(2026, 3, 3), False, "standard", set(), D(2026, 3, 17)),
        # Perishables: 3 working days (Art. 23(4), FOOD-S1), the weekend skipped.
        (D(2026, 3, 6), True, "standard", set(), D(2026, 3, 11)),
        # Notified on a Saturday: the count starts on Monday.
        (D(2026, 3, 7), False, "standard", set(), D(2026, 3, 20)),
        # A holiday inside the period moves the deadline one working day later.
        (D(2026, 4, 2), True, "standard", {EASTER_MONDAY_2026}, D(2026, 4, 8)),
        (D(2026, 12, 23), False, "standard", CHRISTMAS, D(2027, 1, 8)),
        # Small consignments and court cases keep the 10 working days.
        (D(2026, 3, 3), False, "small_consignment", set(), D(2026, 3, 17)),
        (D(2026, 3, 3), False, "court", set(), D(2026, 3, 17)),
        # Abandonment runs on no statutory clock; no notification, nothing to count from.
        (D(2026, 3, 3), False, "abandonment", set(), None),
        (None, False, "standard", set(), None),
    ],
)
def test_statutory_deadline_counts_working_days_from_notification(
    notified_on, perishable, route, holidays, expected
):
    assert (
        statutory_deadline(notified_on, perishable=perishable, legal_route=route, holidays=holidays)
        == expected
    )


@pytest.mark.parametrize(
    ("detained_on", "route", "holidays", "expected"),
    [
        (D(2026, 3, 5), "small_consignment", set(), D(2026, 3, 6)),
        (D(2026, 3, 6), "small_consignment", set(), D(2026, 3, 9)),
        (D(2026, 12, 24), "small_consignment", CHRISTMAS, D(2026, 12, 28)),
        (D(2026, 3, 6), "standard", set(), None),
    ],
)
def test_small_consignments_need_declarant_notice_within_one_working_day(
    detained_on, route, holidays, expected
):
    assert declarant_notice_due(detained_on, legal_route=route, holidays=holidays) == expected


def test_zero_working_days_is_the_start_day_and_negative_days_are_refused():
    assert add_working_days(D(2026, 3, 7), 0, set()) == D(2026, 3, 7)
    with pytest.raises(ValueError):
        add_working_days(D(2026, 3, 7), -1, set())

"""Statutory deadlines of Reg. (EU) 608/2013 counted in working days (digest C1, X-LB-02/03).

Pure functions: the caller passes the holiday calendar (``Holiday`` rows) as a set of dates, so
the counting is tested without a database. A working day is Monday to Friday and not a holiday.
"""

import datetime
from collections.abc import Collection

# Art. 23(1) and 23(4): the right holder and declarant have 10 working days from notification,
# 3 working days for perishable goods (digest X-LB-02, FOOD-S1).
STANDARD_WORKING_DAYS = 10
PERISHABLE_WORKING_DAYS = 3
# Art. 26(3): the declarant of a small consignment is notified within 1 working day of the
# suspension of release (digest X-LB-03).
SMALL_CONSIGNMENT_NOTICE_WORKING_DAYS = 1
# Art. 23(3)-(4): after the declarant objects, the right holder starts proceedings within the same
# 10 working days (3 for perishables); customs may extend the period once by up to 10 working
# days, never for perishable goods (digest S17, X-LB-05).
MAX_PROCEEDINGS_EXTENSION_DAYS = 10

SATURDAY = 5


def is_working_day(day: datetime.date, holidays: Collection[datetime.date]) -> bool:
    return day.weekday() < SATURDAY and day not in holidays


def add_working_days(
    start: datetime.date, days: int, holidays: Collection[datetime.date]
) -> datetime.date:
    """The date `days` working days after `start`; `start` itself is never counted (a period
    "within N working days of notification" starts running the next working day)."""
    if days < 0:
        raise ValueError("days must not be negative")
    current = start
    remaining = days
    while remaining:
        current += datetime.timedelta(days=1)
        if is_working_day(current, holidays):
            remaining -= 1
    return current


def statutory_deadline(
    notified_on: datetime.date | None,
    *,
    perishable: bool,
    legal_route: str,
    holidays: Collection[datetime.date],
) -> datetime.date | None:
    """Last day for the right holder's confirmation and the declarant's objection (Art. 23 and,
    for small consignments, Art. 26(4)-(5): also 10 working days). Goods abandoned to the State
    run on no such clock; without a notification date there is nothing to count from."""
    if notified_on is None or legal_route == "abandonment":
        return None
    days = PERISHABLE_WORKING_DAYS if perishable else STANDARD_WORKING_DAYS
    return add_working_days(notified_on, days, holidays)


def on_court_route(legal_route: str, *, declarant_objected: bool) -> bool:
    """Court proceedings decide the case when the route says so or when the declarant objected
    to destruction under Art. 23 or 26 (an abandonment has no declarant left to object)."""
    return legal_route == "court" or (declarant_objected and legal_route != "abandonment")


def proceedings_due(
    notified_on: datetime.date | None,
    *,
    perishable: bool,
    on_court_route: bool,
    extension_days: int,
    holidays: Collection[datetime.date],
) -> datetime.date | None:
    """Court route only: the last day for the right holder to start proceedings (Art. 23(3)),
    the statutory period from the notification plus the recorded extension (Art. 23(4))."""
    if notified_on is None or not on_court_route:
        return None
    days = PERISHABLE_WORKING_DAYS if perishable else STANDARD_WORKING_DAYS
    return add_working_days(notified_on, days + extension_days, holidays)


def proceedings_late(
    started_on: datetime.date | None, due_on: datetime.date | None, *, today: datetime.date
) -> bool:
    """X-LB-05: proceedings not started by the last day allowed (none recorded once the day has
    passed, or recorded as started after it): the goods are to be released. Without a last day
    (no notification date) nothing is late."""
    if due_on is None:
        return False
    return due_on < today if started_on is None else started_on > due_on


def declarant_notice_due(
    detained_on: datetime.date, *, legal_route: str, holidays: Collection[datetime.date]
) -> datetime.date | None:
    """Small consignments only: the declarant must be notified within 1 working day of the
    detention (Art. 26(3), digest X-LB-03)."""
    if legal_route != "small_consignment":
        return None
    return add_working_days(detained_on, SMALL_CONSIGNMENT_NOTICE_WORKING_DAYS, holidays)

import datetime
import itertools

import pytest

from destruction.eligibility import (
    Completion,
    LegalFacts,
    PermitFacts,
    completion_query,
    facility_refusal,
    legal_route_completion,
)
from seizures.models import Seizure
from tests.seizures.factories import CustomsOfficeFactory, SeizureFactory

TODAY = datetime.date(2026, 6, 15)
PAST = datetime.date(2026, 6, 1)
FUTURE = datetime.date(2026, 6, 30)
AGREED = datetime.date(2026, 5, 28)  # within the PAST deadline
LATE = datetime.date(2026, 6, 2)  # the day after the PAST deadline
# The court route (Art. 23(3)): proceedings started on the last day allowed, a judgment ordering
# destruction, final since FINAL.
STARTED = datetime.date(2026, 5, 4)
DUE = datetime.date(2026, 5, 4)
JUDGED = datetime.date(2026, 5, 20)
FINAL = datetime.date(2026, 6, 10)
FINAL_DESTRUCTION = {
    "court_reference": "Brussels 26/4512",
    "proceedings_started_on": STARTED,
    "proceedings_due_on": DUE,
    "judgment_on": JUDGED,
    "judgment_outcome": "destruction",
    "judgment_final_since": FINAL,
}


def court(**changes) -> LegalFacts:
    return LegalFacts("court", **{**FINAL_DESTRUCTION, **changes})


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        # Art. 23: right holder agreed, declarant deemed to consent after the deadline.
        (LegalFacts("standard", PAST, AGREED), Completion(True, PAST)),
        (LegalFacts("standard", PAST, datetime.date(2026, 5, 20)), Completion(True, PAST)),
        (
            LegalFacts("standard", FUTURE, AGREED, declarant_agreement_on=TODAY),
            Completion(True, TODAY),
        ),
        # X-LB-02: an agreement on the deadline day completes the route, one a day later never.
        (LegalFacts("standard", PAST, PAST), Completion(True, PAST)),
        (LegalFacts("standard", PAST, LATE), None),
        (LegalFacts("standard", PAST, LATE, declarant_agreement_on=PAST), None),
        (LegalFacts("standard", PAST, None), None),
        (LegalFacts("standard", FUTURE, AGREED), None),
        (LegalFacts("standard", TODAY, AGREED), None),  # the deadline day itself still runs
        (LegalFacts("standard", None, AGREED), None),
        (LegalFacts("standard", PAST, AGREED, declarant_objected=True), None),
        (
            LegalFacts("standard", PAST, AGREED, declarant_objected=True, **FINAL_DESTRUCTION),
            Completion(True, FINAL),
        ),
        # Art. 26: the declarant's agreement or the deadline passed.
        (LegalFacts("small_consignment", PAST), Completion(True, PAST)),
        (LegalFacts("small_consignment", FUTURE), None),
        (
            LegalFacts("small_consignment", FUTURE, declarant_agreement_on=AGREED),
            Completion(True, AGREED),
        ),
        (LegalFacts("court", PAST, AGREED), None),
        # A court reference is not a judgment.
        (LegalFacts("court", court_reference="Brussels 26/4512"), None),
        (LegalFacts("court", **FINAL_DESTRUCTION), Completion(True, FINAL)),
        (LegalFacts("abandonment"), None),
        (LegalFacts("abandonment", declarant_agreement_on=AGREED), Completion(True, AGREED)),
    ],
)
def test_legal_route_completion_follows_the_route_rules(facts, expected):
    completion = legal_route_completion(facts, today=TODAY)

    if expected is None:
        assert not completion.complete
        assert completion.reason.startswith("X-LB-0")
    else:
        assert completion == expected


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        (court(), Completion(True, FINAL)),
        (court(judgment_final_since=TODAY), Completion(True, TODAY)),
        (
            court(judgment_final_since=TODAY + datetime.timedelta(days=1)),
            "X-LB-04: the judgment of 2026-05-20 ordering destruction is not final yet.",
        ),
        (
            court(judgment_final_since=None),
            "X-LB-04: the judgment of 2026-05-20 ordering destruction is not final yet.",
        ),
        (
            court(judgment_outcome="release"),
            "X-LB-04: the judgment of 2026-05-20 released the goods.",
        ),
        (
            court(judgment_outcome="other"),
            "X-LB-04: the judgment of 2026-05-20 does not order destruction.",
        ),
        (
            court(judgment_outcome="", judgment_on=None, judgment_final_since=None),
            "X-LB-04: the court has not given judgment yet.",
        ),
        # Started on the last day allowed: in time; a day later: too late (X-LB-05).
        (court(proceedings_due_on=STARTED), Completion(True, FINAL)),
        (
            court(proceedings_due_on=STARTED - datetime.timedelta(days=1)),
            "X-LB-05: the proceedings started on 2026-05-04, after the last day 2026-05-03: "
            "the goods are to be released.",
        ),
        # No notification date, so no last day to compare with: not judged late.
        (court(proceedings_due_on=None), Completion(True, FINAL)),
        (
            court(proceedings_started_on=None, proceedings_due_on=TODAY),
            "X-LB-05: no court proceedings (court, reference, start) are recorded (to be started "
            "by 2026-06-15).",
        ),
        (
            court(proceedings_started_on=None, proceedings_due_on=TODAY - datetime.timedelta(1)),
            "X-LB-05: no proceedings were started by 2026-06-14: the goods are to be released.",
        ),
        (
            court(court_reference=""),
            "X-LB-05: no proceedings were started by 2026-05-04: the goods are to be released.",
        ),
    ],
    ids=[
        "final judgment ordering destruction",
        "final since today",
        "final from tomorrow",
        "judgment not final",
        "judgment released the goods",
        "judgment of another outcome",
        "no judgment",
        "proceedings started on the last day",
        "proceedings started a day late",
        "no notification date",
        "proceedings not started, last day today",
        "proceedings not started, last day passed",
        "proceedings without a reference",
    ],
)
def test_the_court_route_completes_only_with_a_final_judgment_ordering_destruction(facts, expected):
    completion = legal_route_completion(facts, today=TODAY)

    if isinstance(expected, Completion):
        assert completion == expected
    else:
        assert completion == Completion(False, reason=expected)


COURT_STATES = {
    "none": {},
    "final destruction": FINAL_DESTRUCTION,
    "started late": {**FINAL_DESTRUCTION, "proceedings_due_on": datetime.date(2026, 5, 1)},
    "not final": {**FINAL_DESTRUCTION, "judgment_final_since": None},
    "released": {**FINAL_DESTRUCTION, "judgment_outcome": "release"},
}


@pytest.mark.django_db
def test_the_database_filter_agrees_with_the_pure_rule_on_every_combination():
    office = CustomsOfficeFactory(code="BRU")
    combinations = itertools.product(
        ("standard", "small_consignment", "court", "abandonment"),
        (None, PAST, FUTURE),  # deadline
        (None, PAST, LATE),  # right holder agreement: on the deadline day, after it
        (None, AGREED),  # declarant agreement
        (False, True),  # declarant objected
        COURT_STATES.values(),
    )
    expected = set()
    for route, deadline, holder, declarant, objected, court_state in combinations:
        seizure = SeizureFactory(
            office=office,
            legal_route=route,
            deadline=deadline,
            right_holder_agreement_on=holder,
            declarant_agreement_on=declarant,
            declarant_objected=objected,
            **court_state,
        )
        if legal_route_completion(LegalFacts.of(seizure), today=TODAY).complete:
            expected.add(seizure.pk)

    matched = set(
        Seizure.objects.filter(completion_query(today=TODAY, prefix="")).values_list(
            "pk", flat=True
        )
    )

    assert matched == expected
    assert 0 < len(expected) < Seizure.objects.count()


PERMIT = PermitFacts(
    "P-1", datetime.date(2026, 1, 1), datetime.date(2026, 12, 31), frozenset({"R1", "D10"}), False
)


@pytest.mark.parametrize(
    ("method", "classes", "on", "expected"),
    [
        ("RECOVER_WTE", (), TODAY, ""),
        ("REUSE_EDU", (), TODAY, ""),  # no treatment operation needed
        ("REUSE_EDU", (), datetime.date(2030, 1, 1), "expired on 2026-12-31"),
        ("OPEN_BURN", (), TODAY, "X-MF-01: method OPEN_BURN is forbidden"),
        ("RECOVER_WTE", (), datetime.date(2027, 1, 5), "expired on 2026-12-31"),
        ("RECOVER_WTE", (), datetime.date(2025, 12, 31), "holds no permit valid on 2025-12-31."),
        ("RECYCLE_SHRED", (), TODAY, "lists R12 or R3 or R4 or R5, needed for RECYCLE_SHRED"),
        ("INCIN_HAZ_HT", ("6.1",), TODAY, "does not allow hazardous waste"),
    ],
)
def test_facility_refusals_name_rule_and_reason(method, classes, on, expected):
    refusal = facility_refusal(
        facility="Plant",
        active=True,
        permits=[PERMIT],
        method=method,
        hazard_classes=classes,
        on=on,
    )

    assert (expected in refusal) if expected else refusal == ""


@pytest.mark.parametrize("method", ["REUSE_EDU", "RECOVER_WTE"])
def test_a_facility_no_longer_in_use_is_refused_for_every_method(method):
    refusal = facility_refusal(
        facility="Plant", active=False, permits=[PERMIT], method=method, on=TODAY
    )

    assert refusal == "Facility Plant is no longer in use."


def test_a_late_agreement_says_when_it_came_and_the_deadline():
    completion = legal_route_completion(LegalFacts("standard", PAST, LATE), today=TODAY)

    assert completion.reason == (
        "X-LB-02: the right holder's agreement of 2026-06-02 came after the deadline of "
        "2026-06-01; it does not complete the Art. 23 route."
    )

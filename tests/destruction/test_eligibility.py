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
AGREED = datetime.date(2026, 6, 3)


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        # Art. 23: right holder agreed, declarant deemed to consent after the deadline.
        (LegalFacts("standard", PAST, AGREED), Completion(True, AGREED)),
        (LegalFacts("standard", PAST, datetime.date(2026, 5, 20)), Completion(True, PAST)),
        (
            LegalFacts("standard", FUTURE, AGREED, declarant_agreement_on=TODAY),
            Completion(True, TODAY),
        ),
        (LegalFacts("standard", PAST, None), None),
        (LegalFacts("standard", FUTURE, AGREED), None),
        (LegalFacts("standard", TODAY, AGREED), None),  # the deadline day itself still runs
        (LegalFacts("standard", None, AGREED), None),
        (LegalFacts("standard", PAST, AGREED, declarant_objected=True), None),
        (
            LegalFacts("standard", PAST, AGREED, declarant_objected=True, court_reference="C-1"),
            Completion(True),
        ),
        # Art. 26: the declarant's agreement or the deadline passed.
        (LegalFacts("small_consignment", PAST), Completion(True, PAST)),
        (LegalFacts("small_consignment", FUTURE), None),
        (
            LegalFacts("small_consignment", FUTURE, declarant_agreement_on=AGREED),
            Completion(True, AGREED),
        ),
        (LegalFacts("court", PAST, AGREED), None),
        (LegalFacts("court", court_reference="Brussels 26/4512"), Completion(True)),
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


@pytest.mark.django_db
def test_the_database_filter_agrees_with_the_pure_rule_on_every_combination():
    office = CustomsOfficeFactory(code="BRU")
    combinations = itertools.product(
        ("standard", "small_consignment", "court", "abandonment"),
        (None, PAST, FUTURE),  # deadline
        (None, AGREED),  # right holder agreement
        (None, AGREED),  # declarant agreement
        (False, True),  # declarant objected
        ("", "Court 1"),
    )
    expected = set()
    for route, deadline, holder, declarant, objected, court in combinations:
        seizure = SeizureFactory(
            office=office,
            legal_route=route,
            deadline=deadline,
            right_holder_agreement_on=holder,
            declarant_agreement_on=declarant,
            declarant_objected=objected,
            court_reference=court,
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

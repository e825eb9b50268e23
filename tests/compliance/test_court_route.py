"""The court route end to end (Reg. 608/2013 Art. 23(3)-(5)): proceedings started late release
the goods; only a final judgment ordering destruction makes a lot eligible, plannable and
submittable (one rule for the eligible-lots list, the planner and submission); X-LB-04 and
X-LB-05 in the rulebook read the same facts."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from compliance.checks import current_rulebook, order_facts
from compliance.engine import evaluate
from compliance.models import ComplianceCheck
from compliance.rulebook import DEFAULT_VERSION
from destruction import services
from destruction.filtersets import eligible_lots
from destruction.models import OrderStatus
from project.errors import TransitionNotAllowed
from seizures import services as seizure_services
from seizures.models import CustodyEvent, Lot, LotStatus
from tests.compliance.test_engine import order_facts as compliant_order_facts
from tests.destruction.conftest import build_order, planned_day
from tests.destruction.factories import FacilityFactory
from tests.seizures.factories import CustomsOfficeFactory, LotFactory, SeizureFactory

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client

    return login


def court_lot(**seizure_fields) -> Lot:
    """A lot in storage on the court route; by default its judgment ordering destruction is
    final since 2026-05-21 (tests.seizures.factories, trait final_judgment)."""
    seizure = SeizureFactory(
        office=CustomsOfficeFactory(code="BRU"), final_judgment=True, **seizure_fields
    )
    return LotFactory(seizure=seizure)


def plan(lot: Lot, actor):
    return services.create_order(
        actor=actor,
        lines=[services.LineInput(lot=lot, method="RECYCLE_SHRED")],
        facility=FacilityFactory(),
        planned_date=planned_day(),
    )


def test_proceedings_started_late_release_the_goods(warehouse_user, admin_user):
    lot = court_lot(
        proceedings_started_on=None,
        judgment_on=None,
        judgment_outcome="",
        judgment_final_since=None,
    )
    assert lot not in eligible_lots()
    with pytest.raises(ValidationError, match="X-LB-05: no proceedings were started by 2026-03-17"):
        plan(lot, warehouse_user)

    released = seizure_services.release_overdue_court_cases(actor=admin_user)

    assert [item.pk for item in released] == [lot.pk]
    lot.refresh_from_db()
    assert lot.status == LotStatus.RELEASED
    event = lot.custody_events.get(kind=CustodyEvent.Kind.RELEASED)
    assert event.details["rule"] == "X-LB-05"
    with pytest.raises(TransitionNotAllowed):
        plan(lot, warehouse_user)


@pytest.mark.parametrize(
    ("seizure_fields", "reason"),
    [
        (
            {"judgment_final_since": None},
            "X-LB-04: the judgment of 2026-04-20 ordering destruction is not final yet.",
        ),
        (
            {"judgment_outcome": "release"},
            "X-LB-04: the judgment of 2026-04-20 released the goods.",
        ),
        (
            {"judgment_outcome": "other"},
            "X-LB-04: the judgment of 2026-04-20 does not order destruction.",
        ),
        (
            {"judgment_on": None, "judgment_outcome": "", "judgment_final_since": None},
            "X-LB-04: the court has not given judgment yet.",
        ),
    ],
    ids=["judgment not final", "judgment released the goods", "other outcome", "no judgment"],
)
def test_without_a_final_judgment_ordering_destruction_a_lot_is_not_eligible(
    as_user, warehouse_user, seizure_fields, reason
):
    lot = court_lot(**seizure_fields)

    assert lot not in eligible_lots()
    with pytest.raises(ValidationError) as refused:
        plan(lot, warehouse_user)
    assert refused.value.message_dict["lots"] == [
        f"Lot {lot.reference} (seizure {lot.seizure.reference}): {reason}"
    ]
    planner = as_user(warehouse_user).get(reverse("destruction:planner")).content.decode()
    assert lot.reference not in planner


def test_a_final_judgment_ordering_destruction_makes_the_lot_eligible_and_plannable(
    as_user, warehouse_user
):
    lot = court_lot()
    assert list(eligible_lots()) == [lot]
    planner = as_user(warehouse_user).get(reverse("destruction:planner")).content.decode()
    assert lot.reference in planner

    order = build_order(
        preparer=warehouse_user, approver=None, status=OrderStatus.SUBMITTED, lots=[lot]
    )

    assert order.status == OrderStatus.SUBMITTED
    assert order.lines.get().legal_basis == "court"
    check = ComplianceCheck.objects.get(order=order, stage="submit")
    assert check.rulebook_version == DEFAULT_VERSION
    assert not {f["rule"] for f in check.findings} & {"X-LB-01", "X-LB-04", "X-LB-05"}
    # X-LB-04 reads the day the judgment became final.
    (facts,) = order_facts(order, stage="order", rulebook=current_rulebook(), today=D(2026, 12, 1))
    assert facts.facts["legal_basis_completed_on"] == D(2026, 5, 21)
    assert facts.facts["proceedings_started_on"] == D(2026, 3, 12)
    assert facts.facts["proceedings_due_on"] == D(2026, 3, 17)


def court_rules(**overrides) -> dict[str, str]:
    """X-LB-04/05 findings of an otherwise compliant order on the court route."""
    rulebook = current_rulebook()
    facts = compliant_order_facts(
        rulebook,
        "APP",
        "RECYCLE_SHRED",
        legal_basis="court",
        declarant_agreement="objected",
        legal_basis_completed_on=D(2026, 5, 21),
        court_reference="26/4512/A",
        proceedings_started_on=D(2026, 3, 17),
        proceedings_due_on=D(2026, 3, 17),
    )
    facts.update(overrides)
    return {
        finding.rule: finding.severity
        for finding in evaluate(facts, rulebook, applies_to="order")
        if finding.rule in ("X-LB-04", "X-LB-05")
    }


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({}, {}),  # started on the last day allowed
        ({"proceedings_started_on": D(2026, 3, 18)}, {"X-LB-05": "blocking"}),
        ({"court_reference": ""}, {"X-LB-05": "blocking"}),
        # An objection on the Art. 23 route leads to court just the same.
        (
            {"legal_basis": "art23", "proceedings_started_on": D(2026, 3, 18)},
            {"X-LB-05": "blocking"},
        ),
        # No objection and no court: the rule does not apply.
        (
            {
                "legal_basis": "art23",
                "declarant_agreement": "written",
                "proceedings_started_on": D(2026, 3, 18),
            },
            {},
        ),
        # X-LB-04: destruction only after the day the judgment became final.
        ({"legal_basis_completed_on": D(2026, 11, 30)}, {}),
        ({"legal_basis_completed_on": D(2026, 12, 1)}, {"X-LB-04": "blocking"}),
    ],
    ids=[
        "started on the last day",
        "started a day late",
        "no reference",
        "objection on the Art. 23 route",
        "no objection",
        "final the day before",
        "final on the destruction day",
    ],
)
def test_the_court_rules_of_the_rulebook(overrides, expected):
    assert court_rules(**overrides) == expected

from decimal import Decimal
from itertools import product

import pytest

from project.compliance import Severity
from seizures.storage import LocationFacts, LotFacts, placement_refusals, plan_placements


def lot(reference="L1", waste_class="APP", hazards=(), kg="10"):
    return LotFacts(reference, waste_class, tuple(hazards), Decimal(kg))


def location(accepts=(), capacity="1000", active=True, code="BAY"):
    return LocationFacts(
        code, frozenset(accepts), None if capacity is None else Decimal(capacity), active
    )


PERFUME = lot("PERFUME", "COS", ("3", "2.1"))
OXIDISER = lot("BLEACH", "CHE", ("5.1",))
BATTERIES = lot("CELLS", "BAT", ("9",))
SHIRTS = lot("SHIRTS", "APP")
MEDICINES = lot("PILLS", "PHA", ("6.1",))
FOOD = lot("CANDY", "FOOD")
ACID_CHEMICAL = lot("ACID", "CHE", ("8",))
AIRBAGS = lot("AIRBAG", "AUT", ("1.4",))
ALL_CLASSES = ("1.4", "2.1", "2.2", "3", "4.1", "5.1", "6.1", "8", "9")


@pytest.mark.parametrize(
    ("new", "where", "present", "rules", "words"),
    [
        (PERFUME, location(("3", "2.1")), [], [], ""),
        (SHIRTS, location(), [], [], ""),
        # Zone accepts the lot's classes (X-CC-04).
        (PERFUME, location(()), [], ["X-CC-04"], "does not accept hazard class 3, 2.1"),
        (PERFUME, location(("3",)), [], ["X-CC-04"], "hazard class 2.1"),
        # Segregation: flammables apart from oxidisers (X-CC-04, S37).
        (PERFUME, location(ALL_CLASSES), [OXIDISER], ["X-CC-04", "X-CC-04"], "oxidisers"),
        (OXIDISER, location(ALL_CLASSES), [PERFUME], ["X-CC-04", "X-CC-04"], "oxidisers"),
        (AIRBAGS, location(ALL_CLASSES), [PERFUME], ["X-CC-04", "X-CC-04"], "explosives"),
        (ACID_CHEMICAL, location(ALL_CLASSES), [OXIDISER], ["X-CC-04"], "corrosives"),
        (PERFUME, location(ALL_CLASSES), [MEDICINES], [], ""),
        # Batteries are not stored mixed with other goods (BAT-S1), but with batteries they are.
        (BATTERIES, location(("9",)), [SHIRTS], ["BAT-S1"], "not stored mixed"),
        (SHIRTS, location(("9",)), [BATTERIES], ["BAT-S1"], "not stored mixed"),
        (BATTERIES, location(("9",)), [lot("CELLS2", "BAT", ("9",))], [], ""),
        # Toxics and chemicals apart from food (X-CC-04 names 6.1 vs food; FOOD-S2).
        (FOOD, location(ALL_CLASSES), [MEDICINES], ["FOOD-S2"], "food"),
        (MEDICINES, location(ALL_CLASSES), [FOOD], ["FOOD-S2"], "food"),
        (FOOD, location(ALL_CLASSES), [ACID_CHEMICAL], ["FOOD-S2"], "chemicals"),
        (FOOD, location(ALL_CLASSES), [SHIRTS], [], ""),
        # Capacity: the sum of gross weights stays within capacity; equal is fine.
        (lot(kg="100"), location(capacity="1000"), [lot("A", kg="900")], [], ""),
        (
            lot(kg="100.001"),
            location(capacity="1000"),
            [lot("A", kg="900")],
            ["ST-CAP"],
            "has 100 kg free of 1000 kg",
        ),
        (lot(kg="5000"), location(capacity=None), [], [], ""),
        # A location out of use takes nothing.
        (SHIRTS, location(active=False), [], ["ST-ACT"], "not in use"),
    ],
)
def test_placement_rules_refuse_with_the_rule_named(new, where, present, rules, words):
    refusals = placement_refusals(new, where, present)
    assert [r.rule for r in refusals] == rules
    if words:
        assert words in " ".join(str(r) for r in refusals)
        assert all(str(r).startswith(f"{r.rule}: ") for r in refusals)


def test_a_batch_counts_its_own_earlier_lots_for_capacity_and_segregation():
    bay = location(ALL_CLASSES, capacity="1000")
    results = plan_placements(
        [
            (lot("A", kg="600"), bay),
            (lot("B", kg="600"), bay),
            (lot("C", kg="400"), bay),
            (PERFUME, location(ALL_CLASSES, code="OTHER")),
            (OXIDISER, location(ALL_CLASSES, code="OTHER")),
        ],
        {"BAY": []},
    )
    assert [[r.rule for r in found] for found in results] == [
        [],
        ["ST-CAP"],  # refused: 600 + 600 > 1000, and it is not counted afterwards
        [],
        [],
        ["X-CC-04", "X-CC-04"],
    ]


def test_a_batch_also_counts_lots_already_in_the_location():
    bay = location(capacity="100")
    results = plan_placements([(lot("A", kg="60"), bay)], {"BAY": [lot("OLD", kg="50")]})
    assert results[0][0].rule == "ST-CAP"


def test_a_full_location_is_checked_by_profile_and_names_one_lot_of_many():
    from seizures.storage import Presence

    present = [Presence("CHE", ("5.1",), Decimal("900"), 45, "ANR-2026-00007-01")]
    refusals = placement_refusals(PERFUME, location(ALL_CLASSES, capacity="2000"), present)
    assert [r.rule for r in refusals] == ["X-CC-04", "X-CC-04"]
    assert "lot ANR-2026-00007-01 (and 44 similar) (class 5.1)" in str(refusals[0])


# The segregation table (X-CC-04, digest S37) written out entry by entry: deleting or changing an
# entry fails its case. Each pair is refused both ways round; a class next to itself is not.
SEGREGATED = [
    ("2.1", "5.1", "flammable gases and aerosols must be kept apart from oxidisers"),
    ("3", "5.1", "flammable liquids must be kept apart from oxidisers"),
    ("4.1", "5.1", "flammable solids must be kept apart from oxidisers"),
    ("8", "5.1", "corrosives must be kept apart from oxidisers"),
    ("1.4", "2.1", "explosives must be kept apart from flammable gases"),
    ("1.4", "3", "explosives must be kept apart from flammable liquids"),
    ("1.4", "4.1", "explosives must be kept apart from flammable solids"),
    ("1.4", "5.1", "explosives must be kept apart from oxidisers"),
    ("1.4", "8", "explosives must be kept apart from corrosives"),
]


def chemical(reference: str, hazard_class: str):
    return lot(reference, "CHE", (hazard_class,))


@pytest.mark.parametrize(("mine", "theirs", "reason"), SEGREGATED)
def test_each_segregated_pair_is_refused_both_ways_and_each_class_may_share_with_itself(
    mine, theirs, reason
):
    bay = location(ALL_CLASSES)
    for new, present in ((mine, theirs), (theirs, mine)):
        refusals = placement_refusals(
            lot("NEW", "CHE", (new,)), bay, [lot("OLD", "CHE", (present,))]
        )
        assert [str(r) for r in refusals] == [
            f"X-CC-04: {reason}: lot NEW (class {new}) cannot share a location with lot OLD "
            f"(class {present})"
        ]
    for same in (mine, theirs):
        assert (
            placement_refusals(lot("NEW", "CHE", (same,)), bay, [lot("OLD", "CHE", (same,))]) == []
        )


def test_classes_not_in_the_segregation_table_may_share_a_location():
    listed = {frozenset((mine, theirs)) for mine, theirs, _ in SEGREGATED}
    bay = location(ALL_CLASSES)
    for mine, theirs in product(ALL_CLASSES, ALL_CLASSES):
        if frozenset((mine, theirs)) in listed:
            continue
        refusals = placement_refusals(chemical("NEW", mine), bay, [chemical("OLD", theirs)])
        assert refusals == [], (mine, theirs)


def test_the_zone_must_accept_every_hazard_class_of_the_lot():
    # X-CC-04: the accepted classes exactly: allowed; one class short: refused, naming it.
    assert placement_refusals(lot(hazards=("3", "8")), location(("3", "8")), []) == []
    refusals = placement_refusals(lot(hazards=("3", "8")), location(("3",)), [])
    assert [(r.rule, "hazard class 8 " in r.message) for r in refusals] == [("X-CC-04", True)]


@pytest.mark.parametrize(
    ("rule", "new", "present"),
    [
        ("BAT-S1", BATTERIES, SHIRTS),
        ("FOOD-S2", FOOD, MEDICINES),
        ("X-CC-04", OXIDISER, PERFUME),
    ],
)
def test_a_storage_rule_refuses_only_when_the_rulebook_says_it_blocks(rule, new, present):
    bay = location(ALL_CLASSES)
    refused = placement_refusals(new, bay, [present], {rule: Severity.BLOCKING})
    assert rule in {r.rule for r in refused}
    for severity in (Severity.WARNING, Severity.INFO):
        assert rule not in {
            r.rule for r in placement_refusals(new, bay, [present], {rule: severity})
        }

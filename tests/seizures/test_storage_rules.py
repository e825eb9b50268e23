from decimal import Decimal

import pytest

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

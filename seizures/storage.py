"""Storage rules: may this lot go to that location? Pure functions over plain facts.

The services read the facts from the database (after locking the target location) and refuse a
placement with the messages returned here. Each refusal names its rule:

- X-CC-04 (digest C3, S37): the location must accept every UN hazard class of the lot, and
  incompatible classes are not co-located (segregation table below).
- BAT-S1 (digest B6): batteries are not stored mixed with other goods.
- FOOD-S2 (digest B9): food is kept apart from toxics and chemicals (X-CC-04 names 6.1 vs food).
- ST-CAP: the gross weight in a location stays within its capacity (warehouse practice; the
  digest has no number, the capacity is the location's own). Only the lots stored in the
  location itself count: a zone's capacity is the floor space left outside its bays, not a total
  over its sub-locations.
- ST-ACT: nothing is placed in a location taken out of use.

How much a rule weighs is the rulebook's to say (compliance/rulebook/<version>.toml): the services
pass the rulebook's storage severities (settings.STORAGE_RULE_SEVERITIES) and only a rule that
blocks there refuses; a warning there (FOOD-S2 in 2026.3) lets the placement go ahead and the
compliance storage check records it. ST-CAP and ST-ACT are warehouse practice, not in the
rulebook: they always refuse, as does every rule when no severities are given.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from project.compliance import Severity

# Rule id -> its severity in the rulebook in force; a rule not named refuses.
Severities = Mapping[str, Severity]

# Lot statuses that physically occupy a location (counted for capacity and segregation).
OCCUPYING_STATUSES = ("in_storage", "on_hold", "allocated")
# Lot statuses that may be placed or moved inside the warehouse: a legal hold blocks disposal,
# not an internal move; lots allocated to a destruction order may go to a dispatch bay.
MOVABLE_STATUSES = OCCUPYING_STATUSES
# Samples are taken from goods in the warehouse and not yet planned for destruction.
SAMPLEABLE_STATUSES = ("in_storage", "on_hold")
# A lot is reclassified while it waits in the warehouse: once allocated, its order's method and
# compliance checks were judged on the classification, and a lot on its way or gone is history.
RECLASSIFIABLE_STATUSES = ("in_storage", "on_hold")
# A lot still in customs custody, wherever it stands, can be found damaged or leaking.
CONDITION_STATUSES = ("in_storage", "on_hold", "allocated", "in_transit")

FOOD = "FOOD"
BATTERIES = "BAT"
CHEMICALS = "CHE"
TOXIC = "6.1"


def _pair(a: str, b: str) -> frozenset[str]:
    return frozenset({a, b})


# Segregation of UN classes for storage (digest S37: HSG71 compatible groups, HSE COMAH
# segregation; X-CC-04): pairs that must not share a location, with the reason shown to users.
SEGREGATION: dict[frozenset[str], str] = {
    _pair("2.1", "5.1"): "flammable gases and aerosols must be kept apart from oxidisers",
    _pair("3", "5.1"): "flammable liquids must be kept apart from oxidisers",
    _pair("4.1", "5.1"): "flammable solids must be kept apart from oxidisers",
    _pair("8", "5.1"): "corrosives must be kept apart from oxidisers",
    _pair("1.4", "2.1"): "explosives must be kept apart from flammable gases",
    _pair("1.4", "3"): "explosives must be kept apart from flammable liquids",
    _pair("1.4", "4.1"): "explosives must be kept apart from flammable solids",
    _pair("1.4", "5.1"): "explosives must be kept apart from oxidisers",
    _pair("1.4", "8"): "explosives must be kept apart from corrosives",
}


@dataclass(frozen=True)
class LotFacts:
    reference: str
    waste_class: str
    hazard_classes: tuple[str, ...]
    gross_weight_kg: Decimal


@dataclass(frozen=True)
class LocationFacts:
    code: str
    accepted_hazard_classes: frozenset[str]
    capacity_kg: Decimal | None
    active: bool = True


@dataclass(frozen=True)
class Refusal:
    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.rule}: {self.message}"


@dataclass(frozen=True)
class Presence:
    """Lots with one storage profile (waste class + hazard classes) in a location: how many,
    their weight and one reference to name in messages. Segregation depends only on the
    profiles present, so a location with thousands of lots is checked in a few steps."""

    waste_class: str
    hazard_classes: tuple[str, ...]
    gross_weight_kg: Decimal
    lots: int
    reference: str

    @classmethod
    def of(cls, lot: LotFacts) -> "Presence":
        return cls(lot.waste_class, lot.hazard_classes, lot.gross_weight_kg, 1, lot.reference)


@dataclass
class Occupancy:
    """What a location holds, summed by storage profile."""

    weight: Decimal = Decimal("0")
    profiles: dict[tuple[str, tuple[str, ...]], Presence] = field(default_factory=dict)

    @classmethod
    def of(cls, present: Iterable[LotFacts | Presence]) -> "Occupancy":
        occupancy = cls()
        for item in present:
            occupancy.add(item if isinstance(item, Presence) else Presence.of(item))
        return occupancy

    def add(self, presence: Presence) -> None:
        self.weight += presence.gross_weight_kg
        key = (presence.waste_class, tuple(presence.hazard_classes))
        known = self.profiles.get(key)
        if known is None:
            self.profiles[key] = presence
        else:
            self.profiles[key] = Presence(
                known.waste_class,
                known.hazard_classes,
                known.gross_weight_kg + presence.gross_weight_kg,
                known.lots + presence.lots,
                min(known.reference, presence.reference),
            )


def placement_refusals(
    lot: LotFacts,
    location: LocationFacts,
    present: Iterable[LotFacts | Presence] | Occupancy,
    severities: Severities | None = None,
) -> list[Refusal]:
    """Every blocking rule the placement of `lot` at `location` would break, given what is
    `present` there (lots or profiles, not including `lot`). Empty: the placement is allowed."""
    occupancy = present if isinstance(present, Occupancy) else Occupancy.of(present)
    refusals: list[Refusal] = []
    if not location.active:
        refusals.append(Refusal("ST-ACT", f"location {location.code} is not in use"))
    refusals.extend(classification_refusals(lot, location, occupancy, severities))
    refusals.extend(_capacity_refusals(lot, location, occupancy.weight))
    return refusals


def classification_refusals(
    lot: LotFacts,
    location: LocationFacts,
    present: Iterable[LotFacts | Presence] | Occupancy,
    severities: Severities | None = None,
) -> list[Refusal]:
    """The blocking rules that turn on what the lot is (X-CC-04 zone and segregation, BAT-S1,
    FOOD-S2), not on its weight or the location's use: what a lot reclassified where it stands
    must still meet."""
    occupancy = present if isinstance(present, Occupancy) else Occupancy.of(present)
    refusals = _zone_refusals(lot, location)
    for other in occupancy.profiles.values():
        refusals.extend(_segregation_refusals(lot, other))
    severities = severities or {}
    return [r for r in refusals if severities.get(r.rule, Severity.BLOCKING) == Severity.BLOCKING]


def plan_placements(
    requests: Sequence[tuple[LotFacts, LocationFacts]],
    present: Mapping[str, Iterable[LotFacts | Presence]],
    severities: Severities | None = None,
) -> list[list[Refusal]]:
    """Check many placements made together (a seizure with several lots, a CSV file): each lot
    is checked against what is already there *and* the earlier lots of the same batch.
    `present` maps location codes to what is already there. One list of refusals per request."""
    occupancy = {code: Occupancy.of(items) for code, items in present.items()}
    results: list[list[Refusal]] = []
    for lot, location in requests:
        here = occupancy.setdefault(location.code, Occupancy())
        refusals = placement_refusals(lot, location, here, severities)
        if not refusals:
            here.add(Presence.of(lot))
        results.append(refusals)
    return results


def accepting_locations(
    lot: LotFacts,
    candidates: Iterable[LocationFacts],
    present: Mapping[str, Occupancy],
    severities: Severities | None = None,
) -> list[LocationFacts]:
    """The candidates that would take `lot` now (no blocking refusal), in the order given.
    `present` maps location codes to what they hold."""
    empty = Occupancy()
    return [
        location
        for location in candidates
        if not placement_refusals(lot, location, present.get(location.code, empty), severities)
    ]


def propose_placements(
    requests: Sequence[tuple[LotFacts, Sequence[LocationFacts]]],
    present: Mapping[str, Iterable[LotFacts | Presence]],
    severities: Severities | None = None,
) -> list[LocationFacts | None]:
    """For each lot with its candidate locations, the first candidate that accepts it given
    what is already there and the lots proposed before it (as `plan_placements` checks a
    batch); None when none does. Candidates are tried best fit first: the locations accepting
    the fewest hazard classes, so ordinary goods do not take the hazardous bays."""
    occupancy = {code: Occupancy.of(items) for code, items in present.items()}
    proposals: list[LocationFacts | None] = []
    for lot, candidates in requests:
        ranked = sorted(candidates, key=lambda loc: (len(loc.accepted_hazard_classes), loc.code))
        accepted = next(
            (
                location
                for location in ranked
                if not placement_refusals(
                    lot, location, occupancy.get(location.code, Occupancy()), severities
                )
            ),
            None,
        )
        if accepted is not None:
            occupancy.setdefault(accepted.code, Occupancy()).add(Presence.of(lot))
        proposals.append(accepted)
    return proposals


def _zone_refusals(lot: LotFacts, location: LocationFacts) -> list[Refusal]:
    missing = [c for c in lot.hazard_classes if c not in location.accepted_hazard_classes]
    if not missing:
        return []
    accepted = ", ".join(sorted(location.accepted_hazard_classes)) or "none"
    return [
        Refusal(
            "X-CC-04",
            f"location {location.code} does not accept hazard class {', '.join(missing)} "
            f"of lot {lot.reference} (it accepts: {accepted})",
        )
    ]


def _segregation_refusals(lot: LotFacts, other: Presence) -> list[Refusal]:
    refusals = []
    for mine in lot.hazard_classes:
        for theirs in other.hazard_classes:
            reason = SEGREGATION.get(_pair(mine, theirs))
            if reason:
                refusals.append(
                    Refusal(
                        "X-CC-04",
                        f"{reason}: lot {lot.reference} (class {mine}) cannot share a location "
                        f"with lot {_name(other)} (class {theirs})",
                    )
                )
    if (lot.waste_class == BATTERIES) != (other.waste_class == BATTERIES):
        refusals.append(
            Refusal(
                "BAT-S1",
                f"batteries are not stored mixed with other goods: lot {lot.reference} "
                f"({lot.waste_class}) cannot share a location with lot {_name(other)} "
                f"({other.waste_class})",
            )
        )
    if _food_with_toxic(lot, other) or _food_with_toxic(other, lot):
        refusals.append(
            Refusal(
                "FOOD-S2",
                f"food must be kept apart from toxic substances and chemicals: lot "
                f"{lot.reference} cannot share a location with lot {_name(other)}",
            )
        )
    return refusals


def _name(presence: Presence) -> str:
    others = presence.lots - 1
    return presence.reference + (f" (and {others} similar)" if others else "")


def _food_with_toxic(food: LotFacts | Presence, other: LotFacts | Presence) -> bool:
    return food.waste_class == FOOD and (
        TOXIC in other.hazard_classes or other.waste_class == CHEMICALS
    )


def _capacity_refusals(lot: LotFacts, location: LocationFacts, used: Decimal) -> list[Refusal]:
    if location.capacity_kg is None or used + lot.gross_weight_kg <= location.capacity_kg:
        return []
    free = max(location.capacity_kg - used, Decimal("0"))
    return [
        Refusal(
            "ST-CAP",
            f"location {location.code} has {_kg(free)} kg free of {_kg(location.capacity_kg)} "
            f"kg; lot {lot.reference} weighs {_kg(lot.gross_weight_kg)} kg",
        )
    ]


def _kg(value: Decimal) -> str:
    """1000.000 -> "1000", 0.250 -> "0.25"."""
    text = f"{Decimal(value):.3f}".rstrip("0").rstrip(".")
    return text or "0"

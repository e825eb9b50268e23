"""The ADR entries (UN number, proper shipping name, class, packing group, tunnel code, transport
category) that a lot's waste class and UN hazard classes stand for, read from destruction/data/
adr-dangerous-goods.csv (each row names its source: ADR 2025, Table A of Chapter 3.2, columns 1-4
and 15). A row for the lot's waste class wins over the row for any waste class (`*`).

Damaged or defective lithium batteries (ADR 3.3.1 special provision 376) are described by the
row of their UN number in destruction/data/adr-damaged-batteries.csv: the marking after the
proper shipping name, their packing instruction and the transport category they count under.

A lot of several UN classes is carried under one entry, its quantity counted once (`lot_entry`).

Also the small-load exemption of ADR 1.1.3.6: the points of a load from its quantities per
transport category."""

import csv
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data" / "adr-dangerous-goods.csv"
DAMAGED_DATA = DATA.with_name("adr-damaged-batteries.csv")
ANY_WASTE_CLASS = "*"
# ADR 1.1.3.6.4: points per unit of quantity for each transport category; category 4 counts
# nothing (unlimited), category 0 is never exempt (no multiplier).
MULTIPLIERS = {1: 50, 2: 3, 3: 1, 4: 0}
TRANSPORT_CATEGORIES = frozenset({0, *MULTIPLIERS})
EXEMPTION_LIMIT = 1000
EXEMPT_MEANING = (
    "The load is within the limits of ADR 1.1.3.6: no orange-coloured plates (chapter 5.3), no "
    "instructions in writing (5.4.3), no ADR driver training certificate (8.2.1) and no vehicle "
    "approval (part 9) are required, and tunnel restrictions do not apply (8.6.3.3). Still "
    "required: this transport document with the totals per transport category (5.4.1.1.1 (f)), "
    "packaging, marks and labels, one 2 kg portable fire extinguisher (8.1.4.2) and the "
    "driver's awareness training (8.2.3)."
)
FULL_ADR_MEANING = (
    "Full ADR applies: orange-coloured plates front and rear (5.3.2), a driver holding an ADR "
    "training certificate (8.2.1), instructions in writing on board (5.4.3), the fire-fighting "
    "equipment of 8.1.4.1, and the tunnel restriction code of the load (8.6)."
)


@dataclass(frozen=True)
class AdrEntry:
    waste_class: str
    hazard_class: str
    un_number: str
    proper_shipping_name: str
    adr_class: str
    classification_code: str
    packing_group: str
    tunnel_code: str
    transport_category: int
    note: str
    source: str
    # The packing instruction of a special provision the goods are carried under (SP 376).
    packing_note: str = ""

    def description(self, *, waste: bool = True, subsidiary: tuple[str, ...] = ()) -> str:
        """The dangerous goods description of ADR 5.4.1.1.1 (a)-(d) and (k): "WASTE UN 3480
        LITHIUM ION BATTERIES, 9 (8), (E)"; WASTE first for waste (5.4.1.1.3), the subsidiary
        hazards in brackets after the class (5.4.1.1.1 (c))."""
        label = self.adr_class + (f" ({', '.join(subsidiary)})" if subsidiary else "")
        parts = [f"UN {self.un_number} {self.proper_shipping_name}", label]
        if self.packing_group:
            parts.append(f"PG {self.packing_group}")
        if self.tunnel_code and self.tunnel_code != "-":
            parts.append(f"({self.tunnel_code})")
        return ("WASTE " if waste else "") + ", ".join(parts)


@cache
def entries() -> dict[tuple[str, str], AdrEntry]:
    with DATA.open(newline="", encoding="utf-8") as handle:
        rows = [_entry(row) for row in csv.DictReader(handle)]
    table = {(row.waste_class, row.hazard_class): row for row in rows}
    if len(table) != len(rows):
        raise ValueError(f"{DATA.name}: a (waste class, hazard class) pair is listed twice.")
    return table


def _entry(row: dict[str, str]) -> AdrEntry:
    category = _transport_category(row, DATA)
    return AdrEntry(**row, transport_category=category)


def _transport_category(row: dict[str, str], data: Path) -> int:
    """The row's transport category, taken out of the row; a table naming another is wrong."""
    category = int(row.pop("transport_category"))
    if category not in TRANSPORT_CATEGORIES:
        raise ValueError(f"{data.name}: UN {row['un_number']} has transport category {category}.")
    return category


@dataclass(frozen=True)
class DamagedRule:
    """How damaged or defective goods of one UN number are carried (SP 376)."""

    un_number: str
    marking: str
    transport_category: int
    packing_note: str
    source: str


@cache
def damaged_rules() -> dict[str, DamagedRule]:
    with DAMAGED_DATA.open(newline="", encoding="utf-8") as handle:
        rules = [_damaged_rule(row) for row in csv.DictReader(handle)]
    return {rule.un_number: rule for rule in rules}


def _damaged_rule(row: dict[str, str]) -> DamagedRule:
    category = _transport_category(row, DAMAGED_DATA)
    return DamagedRule(**row, transport_category=category)


def entry_for(waste_class: str, hazard_class: str, *, damaged: bool = False) -> AdrEntry | None:
    """The entry of a lot's waste class and UN class; for a damaged lot, as its UN number's
    damaged rule describes it (a UN number without one is carried as it is)."""
    table = entries()
    entry = table.get((waste_class, hazard_class)) or table.get((ANY_WASTE_CLASS, hazard_class))
    rule = damaged_rules().get(entry.un_number) if entry and damaged else None
    if rule is None:
        return entry
    return replace(
        entry,
        proper_shipping_name=f"{entry.proper_shipping_name} {rule.marking}",
        transport_category=rule.transport_category,
        packing_note=rule.packing_note,
    )


@dataclass(frozen=True)
class LotEntry:
    """The entry a lot is carried under, and its other UN classes as subsidiary hazards."""

    entry: AdrEntry
    subsidiary: tuple[str, ...]


def lot_entry(
    waste_class: str, hazard_classes: Iterable[str], *, damaged: bool = False
) -> LotEntry | None:
    """One entry for the whole lot, so that its quantity is described and counted once.

    A lot records its UN classes, not how much of it falls under each, so its whole quantity is
    counted under the strictest of their entries: the lowest transport category (0, never
    exempt, then the highest multiplier of 1.1.3.6.4), which never understates the points. On
    equal categories the lower class wins: classes 1 and 2 take precedence over any other
    hazard (ADR 2.1.3.5.3), and the precedence table of 2.1.3.10 for the others needs the
    packing group each hazard would have in the actual goods, which a lot does not record. The
    other classes are printed as subsidiary hazards, so the packages' labels still show them."""
    found = {
        hazard_class: entry
        for hazard_class in hazard_classes
        if (entry := entry_for(waste_class, hazard_class, damaged=damaged)) is not None
    }
    if not found:
        return None
    main = min(
        found,
        key=lambda hazard_class: (
            found[hazard_class].transport_category,
            _class_order(hazard_class),
        ),
    )
    others = sorted(set(found) - {main}, key=_class_order)
    return LotEntry(found[main], tuple(others))


def _class_order(hazard_class: str) -> tuple[int, ...]:
    """ "1.4" before "2.1" before "3" before "9", as numbers rather than as text."""
    return tuple(int(part) for part in hazard_class.split("."))


@dataclass(frozen=True)
class CategoryTotal:
    """One transport category of a load: its quantity (kg or litres, as 1.1.3.6.3 counts them)
    and its points (None for category 0, which no quantity makes exempt)."""

    category: int
    un_numbers: tuple[str, ...]
    quantity: Decimal
    multiplier: int | None
    points: Decimal | None


@dataclass(frozen=True)
class SmallLoad:
    """The ADR 1.1.3.6 calculation of one transport unit's load."""

    categories: tuple[CategoryTotal, ...]
    points: Decimal
    exempt: bool
    reason: str
    meaning: str
    limit: int = EXEMPTION_LIMIT


def small_load(items: Iterable[tuple[AdrEntry, Decimal]]) -> SmallLoad:
    """Sum the quantities per transport category, multiply (1.1.3.6.4) and compare with 1000:
    exempt at 1000 points or fewer, unless an entry is of transport category 0."""
    quantities: dict[int, Decimal] = defaultdict(Decimal)
    un_numbers: dict[int, set[str]] = defaultdict(set)
    for entry, quantity in items:
        quantities[entry.transport_category] += quantity
        un_numbers[entry.transport_category].add(entry.un_number)
    categories = tuple(
        _category_total(category, quantities[category], un_numbers[category])
        for category in sorted(quantities)
    )
    points = sum((total.points or Decimal("0") for total in categories), Decimal("0"))
    exempt, reason = _verdict(points, has_category_0=0 in quantities)
    return SmallLoad(
        categories=categories,
        points=points,
        exempt=exempt,
        reason=reason,
        meaning=EXEMPT_MEANING if exempt else FULL_ADR_MEANING,
    )


def _category_total(category: int, quantity: Decimal, un_numbers: set[str]) -> CategoryTotal:
    multiplier = MULTIPLIERS.get(category)
    return CategoryTotal(
        category=category,
        un_numbers=tuple(sorted(un_numbers)),
        quantity=quantity,
        multiplier=multiplier,
        points=None if multiplier is None else quantity * multiplier,
    )


def _verdict(points: Decimal, *, has_category_0: bool) -> tuple[bool, str]:
    if has_category_0:
        return False, "Goods of transport category 0 are on board: 1.1.3.6 never exempts them."
    if points > EXEMPTION_LIMIT:
        return False, f"{decimal_text(points)} points exceed the limit of {EXEMPTION_LIMIT}."
    return True, f"{decimal_text(points)} points, within the limit of {EXEMPTION_LIMIT}."


def decimal_text(value: Decimal) -> str:
    """A weight, volume or point count to the gram, without trailing zeros: 1000.000 -> "1000"."""
    text = f"{Decimal(value):.3f}".rstrip("0").rstrip(".")
    return text or "0"

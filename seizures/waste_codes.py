"""The European List of Waste (Commission Decision 2000/532/EC as amended by 2014/955/EU) and the
code a lot gets by default.

The list ships as data (``seizures/data/eu-list-of-waste.csv``: 842 entries, 408 hazardous) and is
read once per process. A code is written as the list writes it, "16 03 05*": three pairs of
digits, the asterisk marking a hazardous entry. People type "160305", "16 03 05" or "16-03-05*";
:func:`canonical_code` reads any of them, since the six digits alone identify an entry.
"""

from __future__ import annotations

import csv
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

LIST_OF_WASTE: Final[Path] = Path(__file__).resolve().parent / "data" / "eu-list-of-waste.csv"

# Hazardous properties of waste, WFD 2008/98/EC Annex III (as replaced by Reg. 1357/2014): a
# property recorded on a lot makes its waste hazardous whatever its code says.
HP_PROPERTIES: Final[tuple[tuple[str, str], ...]] = (
    ("HP1", "HP1 Explosive"),
    ("HP2", "HP2 Oxidising"),
    ("HP3", "HP3 Flammable"),
    ("HP4", "HP4 Irritant (skin irritation and eye damage)"),
    ("HP5", "HP5 Specific target organ toxicity / aspiration toxicity"),
    ("HP6", "HP6 Acute toxicity"),
    ("HP7", "HP7 Carcinogenic"),
    ("HP8", "HP8 Corrosive"),
    ("HP9", "HP9 Infectious"),
    ("HP10", "HP10 Toxic for reproduction"),
    ("HP11", "HP11 Mutagenic"),
    ("HP12", "HP12 Release of an acute toxic gas"),
    ("HP13", "HP13 Sensitising"),
    ("HP14", "HP14 Ecotoxic"),
    ("HP15", "HP15 Yielding a hazardous property not displayed by the original waste"),
)
HP_CODES: Final[frozenset[str]] = frozenset(code for code, _ in HP_PROPERTIES)


def ordered_hp_properties(values: Sequence[str]) -> list[str]:
    """Known HP codes, each once, in Annex III order (HP2 before HP10)."""
    return sorted({value for value in values if value in HP_CODES}, key=lambda hp: int(hp[2:]))


_DIGITS = re.compile(r"[\s\-.]+")


@dataclass(frozen=True)
class WasteCode:
    """One entry of the List of Waste."""

    code: str
    hazardous: bool
    entry_type: str  # "absolute" or "mirror" (a hazardous/non-hazardous pair)
    chapter_title: str
    sub_chapter: str
    description: str

    @property
    def chapter(self) -> str:
        """The two-digit chapter, "16" for "16 03 05*"."""
        return self.code[:2]

    def __str__(self) -> str:
        return f"{self.code} {self.description}"


@functools.cache
def waste_codes() -> dict[str, WasteCode]:
    """Every entry by its canonical code, in the list's order (read from the file once)."""
    with LIST_OF_WASTE.open(encoding="utf-8", newline="") as handle:
        return {
            row["code"]: WasteCode(
                code=row["code"],
                hazardous=row["hazardous"] == "yes",
                entry_type=row["entry_type"],
                chapter_title=row["chapter"],
                sub_chapter=row["sub_chapter"],
                description=row["description"],
            )
            for row in csv.DictReader(handle)
        }


@functools.cache
def _by_digits() -> dict[str, WasteCode]:
    return {entry.code.replace(" ", "").rstrip("*"): entry for entry in waste_codes().values()}


@functools.cache
def chapters() -> dict[str, str]:
    """Two-digit chapter -> its title, in the list's order."""
    return {entry.chapter: entry.chapter_title for entry in waste_codes().values()}


def lookup(text: str) -> WasteCode | None:
    """The entry a typed code names, None if none does. Spaces, dashes and dots between the
    digits do not matter; an asterisk on an entry the list does not mark hazardous is a wrong
    code, not a typing variant (the asterisk is what makes waste hazardous)."""
    text = _DIGITS.sub("", str(text or "").strip())
    starred = text.endswith("*")
    entry = _by_digits().get(text.rstrip("*"))
    if entry is None or (starred and not entry.hazardous):
        return None
    return entry


def canonical_code(text: str) -> str:
    """The list's spelling of a typed code ("160305" -> "16 03 05*"); ValueError if unknown."""
    entry = lookup(text)
    if entry is None:
        raise ValueError(f"{str(text).strip()!r} is not a code of the EU List of Waste.")
    return entry.code


def code_errors(codes: Sequence[str]) -> list[str]:
    """Messages for the codes of a list that the List of Waste does not know ([] when all are)."""
    unknown = [str(code) for code in codes if lookup(code) is None]
    if not unknown:
        return []
    return [f"Not codes of the EU List of Waste: {', '.join(unknown)} (e.g. 16 03 05*)."]


def is_hazardous_code(code: str) -> bool:
    entry = lookup(code)
    return entry is not None and entry.hazardous


def is_hazardous_waste(code: str, hp_properties: Sequence[str] = ()) -> bool:
    """Hazardous waste is decided by the List of Waste (the asterisk) or a recorded hazardous
    property (WFD Art. 3(2), Art. 7(1)-(2); Annex III), not by a transport hazard class."""
    return is_hazardous_code(code) or bool(hp_properties)


# --- the default code of a lot ----------------------------------------------------------------


@dataclass(frozen=True)
class DefaultCode:
    """One row of the defaults table: the first row whose conditions the lot meets gives its
    code. Empty conditions hold for every lot."""

    code: str
    waste_classes: frozenset[str] = frozenset()
    categories: frozenset[str] = frozenset()
    # The lot carries any of these UN hazard classes.
    hazard_classes: frozenset[str] = frozenset()
    # An intake flag the lot has ("cytotoxic", "contains_asbestos"), or "hazardous": any UN
    # hazard class or hazardous intake flag (the hazardous side of a mirror pair).
    flag: str = ""
    why: str = ""


def _row(code: str, classes: str = "", **conditions: object) -> DefaultCode:
    return DefaultCode(code, frozenset(classes.split()), **conditions)


# The goods flags that make a lot's waste hazardous when no hazard class says so.
HAZARDOUS_FLAGS: Final[tuple[str, ...]] = ("cytotoxic", "contains_asbestos")

# Source: Commission Decision 2000/532/EC (List of Waste), chapters 15, 16 and 20: seized goods
# are discarded products, "off-specification products" (16 03) unless a more specific entry
# describes them (WEEE 16 02, batteries 16 06, pressure containers 16 05, vehicle components
# 16 01, municipal fractions 20 01 for textiles, paper and medicines). Mirror pairs take their
# hazardous side when the lot carries a UN hazard class or a hazardous flag; a user may choose
# another code with a reason (e.g. alkaline batteries 16 06 04, pesticides 20 01 19*).
DEFAULT_CODES: Final[tuple[DefaultCode, ...]] = (
    _row("20 01 31*", "PHA", flag="cytotoxic", why="cytotoxic and cytostatic medicines"),
    _row("20 01 32", "PHA", why="other medicines"),
    _row("16 01 11*", "AUT", flag="contains_asbestos", why="brake pads containing asbestos"),
    _row("16 01 10*", "AUT", hazard_classes=frozenset({"1.4", "9"}), why="air bags"),
    _row("16 01 22", "AUT", why="vehicle components not otherwise specified"),
    _row("16 06 01*", "BAT", hazard_classes=frozenset({"8"}), why="lead(-acid) batteries"),
    _row("16 06 05", "BAT", why="other batteries and accumulators (lithium)"),
    _row("16 05 04*", hazard_classes=frozenset({"2.1"}), why="aerosols and lighters"),
    _row("16 05 05", hazard_classes=frozenset({"2.2"}), why="non-flammable gas containers"),
    _row("16 02 13*", "ELE", flag="hazardous", why="WEEE with hazardous components"),
    _row("16 02 14", "ELE", why="WEEE"),
    _row("16 02 13*", "WJ", categories=frozenset({"5c"}), flag="hazardous", why="smartwatches"),
    _row("16 02 14", "WJ", categories=frozenset({"5c"}), why="watches"),
    _row("20 01 11", "APP", why="textiles"),
    _row("20 01 01", "PRT", why="paper and cardboard"),
    _row("16 03 03*", "WJ", flag="hazardous", why="inorganic off-spec, hazardous"),
    _row("16 03 04", "WJ", why="inorganic off-specification products (jewellery)"),
    _row("16 03 05*", flag="hazardous", why="organic off-spec, hazardous"),
    _row("16 03 06", why="organic off-specification products"),
)


def _meets(
    row: DefaultCode, category: str, waste_class: str, classes: set[str], flags: set[str]
) -> bool:
    if row.waste_classes and waste_class not in row.waste_classes:
        return False
    if row.categories and category not in row.categories:
        return False
    if row.hazard_classes and not row.hazard_classes & classes:
        return False
    if row.flag == "hazardous":
        return bool(classes or flags)
    return not row.flag or row.flag in flags


def default_code(
    *,
    category: str,
    waste_class: str,
    hazard_classes: Sequence[str] = (),
    cytotoxic: bool = False,
    contains_asbestos: bool = False,
) -> str:
    """The List of Waste code a lot gets unless a user chooses another (DEFAULT_CODES)."""
    flags = {
        name
        for name, value in (("cytotoxic", cytotoxic), ("contains_asbestos", contains_asbestos))
        if value
    }
    classes = set(hazard_classes)
    # The table ends with a row without conditions, so every lot meets one.
    return next(
        row.code for row in DEFAULT_CODES if _meets(row, category, waste_class, classes, flags)
    )

"""The ADR entries (UN number, proper shipping name, class, packing group, tunnel code) that a
lot's waste class and UN hazard classes stand for, read from destruction/data/
adr-dangerous-goods.csv (each row names its source: ADR 2025, Table A of Chapter 3.2). A row
for the lot's waste class wins over the row for any waste class (`*`)."""

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data" / "adr-dangerous-goods.csv"
ANY_WASTE_CLASS = "*"


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
    note: str
    source: str

    def description(self, *, waste: bool = True) -> str:
        """The dangerous goods description of ADR 5.4.1.1.1 (a)-(d) and (k): "WASTE UN 3480
        LITHIUM ION BATTERIES, 9, (E)"; WASTE first for waste (5.4.1.1.3)."""
        parts = [f"UN {self.un_number} {self.proper_shipping_name}", self.adr_class]
        if self.packing_group:
            parts.append(f"PG {self.packing_group}")
        if self.tunnel_code and self.tunnel_code != "-":
            parts.append(f"({self.tunnel_code})")
        return ("WASTE " if waste else "") + ", ".join(parts)


@cache
def entries() -> dict[tuple[str, str], AdrEntry]:
    with DATA.open(newline="", encoding="utf-8") as handle:
        rows = [AdrEntry(**row) for row in csv.DictReader(handle)]
    table = {(row.waste_class, row.hazard_class): row for row in rows}
    if len(table) != len(rows):
        raise ValueError(f"{DATA.name}: a (waste class, hazard class) pair is listed twice.")
    return table


def entry_for(waste_class: str, hazard_class: str) -> AdrEntry | None:
    table = entries()
    return table.get((waste_class, hazard_class)) or table.get((ANY_WASTE_CLASS, hazard_class))

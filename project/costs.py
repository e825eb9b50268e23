"""What crosses the SEIZURE_COSTS hook: a seizure's costs, one line per lot and kind, as the
seizure page shows them (the cost ledger lives in destruction; seizures may not import it)."""

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class CostLine:
    lot: str
    kind: str
    amount: Decimal
    currency: str
    payer: str
    rule: str
    statement: str = ""  # the statement billing it; empty: not billed yet
    estimate: bool = False  # storage to date of a lot still stored: nothing is accrued yet

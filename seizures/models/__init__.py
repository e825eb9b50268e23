"""Seizures, their lots, the storage where lots wait, and the append-only custody chain.

One module per part: `reference` (offices, holidays, right holders), `inventory` (warehouses,
locations, seizures, lots), `custody` (the append-only record, lot photos), `batches` (CSV files
imported), `stocktakes` (counts of the stock), `access` (which offices or right holder a user sees),
`right_holder_acts` (what right holders answered on a case). Everything is importable from
`seizures.models`, as migrations and the other apps expect."""

from seizures.choices import (
    ActionType,
    CustomsProcedure,
    IPRType,
    JudgmentOutcome,
    LegalRoute,
    LotStatus,
    SamplePurpose,
    TrafficType,
    TransportMode,
    ZoneType,
)
from seizures.models.access import UserAccess
from seizures.models.batches import IntakeBatch
from seizures.models.custody import Amendment, CustodyEvent, CustodySeal, LotPhoto
from seizures.models.inventory import (
    CLASSIFICATION_FIELDS,
    COUNTERFEIT_OR_PIRATED,
    INTAKE_FLAGS,
    LOT_INTAKE_FLAGS,
    LOT_TRANSITIONS,
    Lot,
    Seizure,
    StorageLocation,
    Warehouse,
)
from seizures.models.reference import CertificateLanguage, CustomsOffice, Holiday, RightHolder
from seizures.models.right_holder_acts import RightHolderAct
from seizures.models.stocktakes import Stocktake, StocktakeLine, StocktakeLocation

__all__ = [
    "CLASSIFICATION_FIELDS",
    "COUNTERFEIT_OR_PIRATED",
    "INTAKE_FLAGS",
    "LOT_INTAKE_FLAGS",
    "LOT_TRANSITIONS",
    "ActionType",
    "Amendment",
    "CertificateLanguage",
    "CustodyEvent",
    "CustodySeal",
    "CustomsOffice",
    "CustomsProcedure",
    "Holiday",
    "IntakeBatch",
    "IPRType",
    "JudgmentOutcome",
    "LegalRoute",
    "Lot",
    "LotPhoto",
    "LotStatus",
    "RightHolder",
    "RightHolderAct",
    "SamplePurpose",
    "Seizure",
    "Stocktake",
    "StocktakeLine",
    "StocktakeLocation",
    "StorageLocation",
    "TrafficType",
    "TransportMode",
    "UserAccess",
    "Warehouse",
    "ZoneType",
]

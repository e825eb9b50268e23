"""Disposal facilities, destruction orders, execution records, facility receipts and
certificates of destruction: one module per part, everything importable from
`destruction.models` as migrations and the other apps expect."""

# Importing the cost ledger's module registers its models with this app.
from destruction.costs.models import Payer
from destruction.models.certificates import (
    CERTIFICATE_TRANSITIONS,
    Certificate,
    CertificateQuerySet,
    CertificateStatus,
)
from destruction.models.facilities import (
    Facility,
    FacilityPermit,
    FacilityQuerySet,
    certification_errors,
)
from destruction.models.orders import (
    FACILITY_VISIBLE_STATUSES,
    ORDER_TRANSITIONS,
    DestructionOrder,
    DestructionOrderQuerySet,
    FacilityOperator,
    LegalBasis,
    OrderLine,
    OrderStatus,
    WitnessRole,
    lines_of_right_holder,
    operated_facility_id,
)
from destruction.models.receipts import (
    Receipt,
    ReceiptDiscrepancy,
    ReceiptLine,
)
from destruction.models.records import (
    DecompositionState,
    DestructionRecord,
    EvidenceFile,
    EvidenceFileQuerySet,
    OutputFraction,
    OutputRoute,
    Witness,
    evidence_path,
)

__all__ = [
    "CERTIFICATE_TRANSITIONS",
    "Certificate",
    "CertificateQuerySet",
    "CertificateStatus",
    "DecompositionState",
    "DestructionOrder",
    "DestructionOrderQuerySet",
    "DestructionRecord",
    "EvidenceFile",
    "EvidenceFileQuerySet",
    "FACILITY_VISIBLE_STATUSES",
    "Facility",
    "FacilityOperator",
    "FacilityPermit",
    "FacilityQuerySet",
    "LegalBasis",
    "ORDER_TRANSITIONS",
    "OrderLine",
    "OrderStatus",
    "OutputFraction",
    "OutputRoute",
    "Payer",
    "Receipt",
    "ReceiptDiscrepancy",
    "ReceiptLine",
    "Witness",
    "WitnessRole",
    "certification_errors",
    "evidence_path",
    "lines_of_right_holder",
    "operated_facility_id",
]

"""Every write of the destruction app, by what it does: orders (planning, submit, approve,
dispatch, cancel), records (the execution record, its evidence, the mass balance) and
facilities. Callers import from here (`from destruction import services`); certificates have
their own services in `destruction.certificates.services`.

Bad input raises ``ValidationError({field: [messages]})``; a state conflict raises
``TransitionNotAllowed``; the four-eyes rule raises ``PermissionDenied``.
"""

from destruction.approval import Acknowledgement
from destruction.services._allocation import LINE_REFERENCES, MAX_REFERENCE, LineInput
from destruction.services.drafts import return_to_draft, update_draft
from destruction.services.facilities import (
    FACILITY_FIELDS,
    PermitInput,
    delete_facility,
    link_facility_operator,
    save_facility,
)
from destruction.services.orders import (
    add_lots,
    approve_order,
    cancel_order,
    create_order,
    create_orders,
    dispatch_order,
    remove_lots,
    submit_order,
    update_line_references,
)
from destruction.services.receipts import (
    ReceiptDiscrepancyInput,
    confirm_receipt,
    countersign_record,
    resolve_receipt,
)
from destruction.services.records import (
    MAX_ABSENCE_REASON,
    MAX_DESTINATION,
    MAX_JUSTIFICATION,
    MAX_OUTPUT_REFERENCE,
    MAX_TICKET,
    MISSING_TICKET,
    EvidenceInput,
    MassBalance,
    OutputInput,
    WitnessInput,
    add_evidence,
    mass_balance,
    record_destruction,
)

__all__ = [
    "Acknowledgement",
    "ReceiptDiscrepancyInput",
    "link_facility_operator",
    "confirm_receipt",
    "countersign_record",
    "resolve_receipt",
    "FACILITY_FIELDS",
    "LINE_REFERENCES",
    "MAX_ABSENCE_REASON",
    "MAX_DESTINATION",
    "MAX_JUSTIFICATION",
    "MAX_OUTPUT_REFERENCE",
    "MAX_REFERENCE",
    "MAX_TICKET",
    "MISSING_TICKET",
    "EvidenceInput",
    "LineInput",
    "MassBalance",
    "OutputInput",
    "PermitInput",
    "WitnessInput",
    "add_evidence",
    "add_lots",
    "approve_order",
    "cancel_order",
    "create_order",
    "create_orders",
    "delete_facility",
    "dispatch_order",
    "mass_balance",
    "record_destruction",
    "remove_lots",
    "return_to_draft",
    "save_facility",
    "submit_order",
    "update_draft",
    "update_line_references",
]

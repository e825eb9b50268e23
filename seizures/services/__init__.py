"""Every write of the seizures app. One public function = one durable transaction that writes its
custody events in the same transaction (digest X-CC-01). Views, the API, the CSV intake, commands
and the demo loader call these and never write models themselves.

Bad input raises ``ValidationError({field: [messages]})``; a state conflict raises
``TransitionNotAllowed``.

By what they do: ``intake`` (seizures and lots coming in), ``storage`` (placing and moving lots),
``lots`` (reclassify, record the condition, sample, release), ``holds`` (legal holds),
``amendments`` (legal facts and classification corrected after the goods left storage) and
``reference`` (reference data and the deadlines it moves), ``right_holders`` (what a
right holder answers on its cases).
"""

from seizures.services.amendments import amend_lot, amend_seizure
from seizures.services.holds import lift_hold, place_hold
from seizures.services.intake import add_lots, create_seizure, import_seizures, update_seizure
from seizures.services.lots import (
    reclassify_lot,
    record_lot_condition,
    release_lot,
    release_overdue_court_cases,
    take_sample,
)
from seizures.services.reference import delete_reference_record, save_reference_record
from seizures.services.right_holders import (
    agree_to_destruction,
    confirm_infringement,
    refuse_destruction,
    request_extension,
    request_samples,
)
from seizures.services.storage import (
    classification_of,
    is_own_warehouse,
    move_lot,
    place_lots_by_proposal,
    placement_options,
)

__all__ = [
    "add_lots",
    "agree_to_destruction",
    "amend_lot",
    "amend_seizure",
    "classification_of",
    "confirm_infringement",
    "create_seizure",
    "delete_reference_record",
    "import_seizures",
    "is_own_warehouse",
    "lift_hold",
    "move_lot",
    "place_hold",
    "place_lots_by_proposal",
    "placement_options",
    "reclassify_lot",
    "refuse_destruction",
    "record_lot_condition",
    "release_lot",
    "release_overdue_court_cases",
    "request_extension",
    "request_samples",
    "save_reference_record",
    "take_sample",
    "update_seizure",
]

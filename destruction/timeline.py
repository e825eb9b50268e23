"""The timeline of an order: its status steps and the custody events it wrote on its lots, one
entry per step (the events of one step on many lots are grouped), oldest first."""

import datetime
from dataclasses import dataclass, field

from destruction.models import DestructionOrder
from project.users import display_name
from seizures.models import CustodyEvent


@dataclass
class Entry:
    when: datetime.datetime
    title: str
    who: str = ""
    details: list[str] = field(default_factory=list)
    lots: list[str] = field(default_factory=list)
    kind: str = "status"  # status or custody


def order_timeline(order: DestructionOrder) -> list[Entry]:
    entries = [Entry(order.created_at, "Order prepared", display_name(order.prepared_by))]
    if order.submitted_at:
        entries.append(
            Entry(order.submitted_at, "Submitted for approval", display_name(order.submitted_by))
        )
    if order.approved_at:
        entries.append(Entry(order.approved_at, "Approved", display_name(order.approved_by)))
    if order.dispatched_at:
        entries.append(
            Entry(
                order.dispatched_at,
                "Dispatched",
                display_name(order.dispatched_by),
                [
                    f"{order.dispatch_weight_kg} kg",
                    f"seals {', '.join(order.seal_numbers) or '—'}",
                    f"{order.carrier_name} {order.vehicle}".strip(),
                ],
            )
        )
    record = getattr(order, "record", None)
    if record is not None:
        entries.append(
            Entry(
                record.recorded_at,
                "Destruction recorded",
                display_name(record.recorded_by),
                [f"{record.started_at:%Y-%m-%d %H:%M} to {record.ended_at:%Y-%m-%d %H:%M}"],
            )
        )
    if order.cancelled_at:
        entries.append(
            Entry(
                order.cancelled_at,
                "Cancelled",
                display_name(order.cancelled_by),
                [order.cancellation_reason],
            )
        )
    entries += custody_entries(order)
    # Custody entries of a step sort after the step itself.
    return sorted(entries, key=lambda e: (e.when, e.kind == "custody"))


def custody_entries(order: DestructionOrder) -> list[Entry]:
    events = (
        CustodyEvent.objects.filter(
            lot_id__in=order.lines.values("lot_id"), details__order=order.reference
        )
        .select_related("lot")
        .order_by("occurred_at", "kind", "lot__reference")
    )
    groups: dict[tuple, Entry] = {}
    for event in events:
        key = (event.occurred_at, event.kind, event.actor_name)
        entry = groups.get(key)
        if entry is None:
            details = [
                f"{label}: {event.details[key_]}"
                for key_, label in (("method", "method"), ("reason", "reason"))
                if event.details.get(key_)
            ]
            entry = groups[key] = Entry(
                event.occurred_at,
                f"Custody: {event.get_kind_display().lower()}",
                event.actor_name,
                details,
                kind="custody",
            )
        elif event.details.get("method") and f"method: {event.details['method']}" not in (
            entry.details
        ):
            entry.details.append(f"method: {event.details['method']}")
        entry.lots.append(f"{event.lot.reference} #{event.sequence}")
    return list(groups.values())

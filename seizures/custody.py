"""The chain of custody: appending hash-chained events and verifying chains.

`append_event` and `change_lot_status` are building blocks for services: they must run inside the
service's transaction, never on their own.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import groupby
from operator import attrgetter

from django.contrib.auth.models import User
from django.db import connection
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from project.bulk import append_objects
from project.transitions import change_status
from project.users import display_name
from seizures import occupancy
from seizures.models import LOT_TRANSITIONS, CustodyEvent, Lot, LotStatus, StorageLocation

# Lots per chain-head UPDATE (bound parameters stay far below every backend's limit).
HEAD_BATCH = 1000


def require_transaction() -> None:
    if not connection.in_atomic_block:
        raise RuntimeError("Custody changes run inside a service's transaction.")


def append_event(
    lot: Lot,
    kind: str,
    *,
    actor: User,
    from_location: StorageLocation | None = None,
    to_location: StorageLocation | None = None,
    quantity: int | None = None,
    details: dict | None = None,
) -> CustodyEvent:
    """Append one event to the lot's chain. The (lot, sequence) constraint turns a concurrent
    append on the same lot into an error instead of a fork of the chain."""
    require_transaction()
    last = (
        CustodyEvent.objects.filter(lot=lot)
        .order_by("-sequence")
        .values("sequence", "hash")
        .first()
    )
    event = CustodyEvent(
        lot=lot,
        sequence=(last["sequence"] + 1) if last else 1,
        kind=kind,
        occurred_at=timezone.now(),
        actor=actor,
        actor_name=display_name(actor),
        from_location=from_location,
        to_location=to_location,
        quantity=quantity,
        details=details or {},
        previous_hash=last["hash"] if last else "",
    )
    event.hash = event.compute_hash()
    event.save()
    # The new head is in hand: no need to read it back as record_heads does for batches.
    Lot.objects.filter(pk=lot.pk).update(custody_length=event.sequence, custody_head=event.hash)
    return event


def record_in_place(lot: Lot, kind: str, *, actor: User, details: dict) -> CustodyEvent:
    """Append an event about the lot where it stands (its location and article count), for what
    happens to it without moving it: a reclassification, a condition, a release, an amendment."""
    return append_event(
        lot,
        kind,
        actor=actor,
        from_location=lot.location,
        quantity=lot.articles,
        details=details,
    )


def append_events(
    lots: Iterable[Lot], kind: str, *, actor: User, details: dict | None = None
) -> list[CustodyEvent]:
    """Append the same event to many lots with one read of their chain heads."""
    require_transaction()
    lots = list(lots)
    heads = last_events_by_lot([lot.pk for lot in lots])
    now = timezone.now()
    actor_name = display_name(actor)
    events = []
    for lot in lots:
        last = heads.get(lot.pk)
        event = CustodyEvent(
            lot=lot,
            sequence=(last[0] + 1) if last else 1,
            kind=kind,
            occurred_at=now,
            actor=actor,
            actor_name=actor_name,
            from_location_id=lot.location_id,
            quantity=lot.articles,
            details=details or {},
            previous_hash=last[1] if last else "",
        )
        event.hash = event.compute_hash()
        events.append(event)
    created = CustodyEvent.objects.bulk_create(events)
    record_heads(created)
    return created


def start_chains(
    lots: Iterable[Lot],
    *,
    actor: User,
    details: dict | None = None,
    lot_details: Sequence[dict] = (),
) -> None:
    """The first event ("created") of newly created lots, in one insert: a new lot has no chain
    yet, so no chain head is read. A lot stored at intake names its location as `to_location`,
    so intake and placement are one link. `lot_details`, one per lot if given, adds to the
    shared details what concerns that lot alone (its photos). The events are appended without
    building them back from the database (project.bulk): `first_events` reads them when a
    caller needs their ids."""
    require_transaction()
    now = timezone.now()
    actor_name = display_name(actor)
    events = []
    for index, lot in enumerate(lots):
        event = CustodyEvent(
            lot=lot,
            sequence=1,
            kind=CustodyEvent.Kind.CREATED,
            occurred_at=now,
            actor=actor,
            actor_name=actor_name,
            to_location_id=lot.location_id,
            quantity=lot.articles,
            details={**(details or {}), **(lot_details[index] if lot_details else {})},
            previous_hash="",
        )
        event.hash = event.compute_hash()
        events.append(event)
    append_objects(events)
    record_heads(events)


def first_events(lots: Sequence[Lot]) -> list[CustodyEvent]:
    """The "created" event of each lot, in the order of the lots."""
    by_lot = {
        event.lot_id: event for event in CustodyEvent.objects.filter(lot__in=lots, sequence=1)
    }
    return [by_lot[lot.pk] for lot in lots]


def record_heads(events: Sequence[CustodyEvent]) -> None:
    """Store each lot's new chain head (sequence and hash of its newest event) on the lot, in the
    transaction that appended the events. One UPDATE per 1000 lots that reads the head from the
    events just written: far cheaper than a per-row CASE for an intake of thousands of lots."""
    lot_ids = sorted({event.lot_id for event in events})
    newest = CustodyEvent.objects.filter(lot=OuterRef("pk")).order_by("-sequence")
    for start in range(0, len(lot_ids), HEAD_BATCH):
        Lot.objects.filter(pk__in=lot_ids[start : start + HEAD_BATCH]).update(
            custody_length=Subquery(newest.values("sequence")[:1]),
            custody_head=Subquery(newest.values("hash")[:1]),
        )


def last_events_by_lot(lot_ids: list[int]) -> dict[int, tuple[int, str]]:
    """lot id -> (sequence, hash) of its newest event, from the chain head each lot stores (one
    row per lot, however long its chain); lots without events are left out."""
    rows = Lot.objects.filter(pk__in=lot_ids, custody_length__gt=0).values_list(
        "pk", "custody_length", "custody_head"
    )
    return {lot_id: (sequence, digest) for lot_id, sequence, digest in rows}


def change_lot_status(
    lot_ids: list[int], *, expected: LotStatus | Iterable[LotStatus], new: LotStatus, **changes
) -> None:
    """Guarded transition of every listed lot: all of them must be in an expected state, else
    nothing changes and TransitionNotAllowed is raised."""
    require_transaction()
    allowed = {expected} if isinstance(expected, str) else set(expected)
    lots = Lot.objects.filter(pk__in=lot_ids)
    with occupancy.tracking(lots):
        change_status(
            lots,
            table=LOT_TRANSITIONS,
            sources=allowed,
            target=new,
            count=len(set(lot_ids)),
            conflict=lambda: (
                f"Some lots are no longer {' or '.join(sorted(allowed))}; nothing was changed."
            ),
            not_allowed=lambda status: f"A lot cannot go from {status} to {new}.",
            updated_at=timezone.now(),
            **changes,
        )


@dataclass(frozen=True)
class BrokenLink:
    lot_reference: str
    # The event at fault; None when the fault is the chain as a whole (no events at all).
    sequence: int | None
    reason: str

    def __str__(self) -> str:
        where = f" event #{self.sequence}" if self.sequence is not None else ""
        return f"{self.lot_reference}{where}: {self.reason}"


# lot id -> {sealed chain length: (sealed head hash, seal id)}, from seizures.seals.check_seals
SealedHeads = dict[int, dict[int, tuple[str, int]]]


def verify_chains(
    lot_ids: Iterable[int] | None = None, sealed: SealedHeads | None = None
) -> list[BrokenLink]:
    """Walk every lot and its chain in order; report the first broken link of each broken
    chain. Walking the lots (not only the events) finds a lot whose events were all deleted,
    and the head stored on the lot finds a chain whose newest events were deleted. With the
    heads of the custody seals, an event at a sealed length must carry the sealed hash, which
    a chain rewritten and re-hashed does not; a sealed lot missing from the lots is reported
    too (deleted with its events)."""
    sealed = sealed or {}
    lots = Lot.objects.order_by("pk").only("pk", "reference", "custody_length", "custody_head")
    events = CustodyEvent.objects.order_by("lot_id", "sequence")
    if lot_ids is not None:
        ids = list(lot_ids)
        lots, events = lots.filter(pk__in=ids), events.filter(lot_id__in=ids)
    # Both streams are in lot id order, and every event has its lot (protected foreign key).
    chains = groupby(events.iterator(chunk_size=2000), key=attrgetter("lot_id"))
    chain = next(chains, None)
    broken: list[BrokenLink] = []
    seen: set[int] = set()
    for lot in lots.iterator(chunk_size=2000):
        seen.add(lot.pk)
        lot_events: list[CustodyEvent] = []
        if chain is not None and chain[0] == lot.pk:
            lot_events = list(chain[1])
            chain = next(chains, None)
        problem = chain_problem(lot, lot_events, sealed.get(lot.pk, {}))
        if problem:
            broken.append(problem)
    wanted = sealed.keys() if lot_ids is None else sealed.keys() & set(ids)
    for lot_id in sorted(wanted - seen):
        length, (_, seal_id) = max(sealed[lot_id].items())
        broken.append(
            BrokenLink(
                f"lot id {lot_id}",
                None,
                f"sealed with {length} events in seal #{seal_id} but the lot is gone "
                "(deleted with its events)",
            )
        )
    return broken


def chain_problem(
    lot: Lot, events: Sequence[CustodyEvent], sealed: dict[int, tuple[str, int]] | None = None
) -> BrokenLink | None:
    """The first broken link of one lot's chain (events in sequence order), or None. `sealed`:
    the lot's sealed chain lengths and their heads."""
    sealed = sealed or {}
    if not events:
        return BrokenLink(lot.reference, None, "no custody events (the chain was deleted)")
    previous_hash = ""
    for expected_sequence, event in enumerate(events, start=1):
        reason = link_problem(event, previous_hash, expected_sequence)
        if reason:
            return BrokenLink(lot.reference, event.sequence, reason)
        if event.sequence in sealed and sealed[event.sequence][0] != event.hash:
            return BrokenLink(
                lot.reference,
                event.sequence,
                f"differs from the hash sealed in seal #{sealed[event.sequence][1]} "
                "(chain rewritten since)",
            )
        previous_hash = event.hash
    if sealed and max(sealed) > events[-1].sequence:
        length, (_, seal_id) = max(sealed.items())
        return BrokenLink(
            lot.reference,
            events[-1].sequence,
            f"the chain ends here but seal #{seal_id} sealed {length} events",
        )
    last = events[-1]
    if (last.sequence, last.hash) != (lot.custody_length, lot.custody_head):
        return BrokenLink(
            lot.reference,
            last.sequence,
            f"the chain ends here but the lot recorded event #{lot.custody_length} as its "
            "newest (events deleted from the end, or the last one replaced)",
        )
    return None


def link_problem(event: CustodyEvent, previous_hash: str, expected_sequence: int) -> str:
    if event.sequence != expected_sequence:
        return f"sequence {event.sequence} where {expected_sequence} was expected (missing event)"
    if event.previous_hash != previous_hash:
        return "previous hash does not match the event before it"
    if event.compute_hash() != event.hash:
        return "content does not match its hash (event altered)"
    return ""

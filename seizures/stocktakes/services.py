"""Every write of a stocktake (digest X-CC-06). One public function = one durable transaction;
a change to a lot (moved to where it was found, declared lost) writes its custody event in that
transaction. Scanning changes no lot: it records what was found where.

Closing is constant in queries however many lots the count holds: the result is one aggregate
over the lines and "last counted" is one update of the counted locations.
"""

from collections.abc import Sequence

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone

from project import audit
from project.compliance import Severity
from project.errors import TransitionNotAllowed
from project.transitions import change_status
from seizures import custody, occupancy
from seizures.models import CustodyEvent, Lot, LotStatus, StorageLocation, Warehouse
from seizures.models.stocktakes import (
    RESOLUTIONS,
    STOCKTAKE_TRANSITIONS,
    Discrepancy,
    Resolution,
    Stocktake,
    StocktakeLine,
    StocktakeLocation,
    StocktakeStatus,
)
from seizures.services.storage import blocking_placement_findings
from seizures.storage import MOVABLE_STATUSES, OCCUPYING_STATUSES

Kind = CustodyEvent.Kind
# Locations per INSERT when a count opens.
LOCATION_BATCH = 2000
MAX_NOTE = 2000
MAX_SCANNED_LOTS = 500
# A missing lot can be declared lost only while it still stands in the warehouse's records.
LOSABLE_STATUSES = (LotStatus.IN_STORAGE, LotStatus.ON_HOLD)


def scope_location_ids(warehouse: Warehouse, zone: StorageLocation | None) -> list[int]:
    """The locations a count covers: the whole warehouse, or the zone and every location inside
    it (one query per level of the tree, which is a few levels deep)."""
    if zone is None:
        return list(
            StorageLocation.objects.filter(warehouse=warehouse).values_list("pk", flat=True)
        )
    ids = [zone.pk]
    level = [zone.pk]
    while level:
        level = list(
            StorageLocation.objects.filter(parent_id__in=level)
            .exclude(pk__in=ids)
            .values_list("pk", flat=True)
        )
        ids.extend(level)
    return ids


def open_stocktake(
    *, warehouse: Warehouse, actor: User, zone: StorageLocation | None = None, note: str = ""
) -> Stocktake:
    """Open a count of a warehouse or of one zone: the lots the records place in its locations
    are what the count expects to find. A location can be in one open count at a time."""
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise ValidationError({"note": [f"At most {MAX_NOTE} characters."]})
    if zone is not None and zone.warehouse_id != warehouse.pk:
        raise ValidationError({"zone": [f"{zone.code} is not in warehouse {warehouse.code}."]})
    with transaction.atomic(durable=True):
        location_ids = scope_location_ids(warehouse, zone)
        if not location_ids:
            raise ValidationError({"warehouse": [f"{warehouse.code} has no storage locations."]})
        busy = (
            StocktakeLocation.objects.filter(
                stocktake__status=StocktakeStatus.OPEN, location_id__in=location_ids
            )
            .values_list("stocktake_id", flat=True)
            .first()
        )
        if busy is not None:
            raise ValidationError(
                {"zone": [f"Stocktake {busy} is still open for some of these locations."]}
            )
        stocktake = Stocktake.objects.create(
            warehouse=warehouse, zone=zone, note=note, opened_by=actor, opened_at=timezone.now()
        )
        StocktakeLocation.objects.bulk_create(
            (StocktakeLocation(stocktake=stocktake, location_id=pk) for pk in location_ids),
            batch_size=LOCATION_BATCH,
        )
        _insert_expected_lines(stocktake)
        audit.record_created([stocktake], actor=actor)
    return stocktake


def _insert_expected_lines(stocktake: Stocktake) -> None:
    """One INSERT ... SELECT of a line per lot the records place in the count's locations: the
    opening of a count of 100,000 lots is one statement, not 100,000 rows through Python."""
    expected = Lot.objects.filter(
        location_id__in=StocktakeLocation.objects.filter(stocktake=stocktake).values("location_id"),
        status__in=OCCUPYING_STATUSES,
    ).values_list("pk", "location_id")
    select, params = expected.query.sql_with_params()
    line = StocktakeLine._meta
    columns = ", ".join(
        connection.ops.quote_name(line.get_field(name).column)
        for name in (
            "stocktake",
            "lot",
            "expected_location",
            "expected",
            "resolution",
            "resolution_note",
            "finding",
        )
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {connection.ops.quote_name(line.db_table)} ({columns}) "  # noqa: S608
            f"SELECT %s, lots.*, %s, '', '', '{{}}' FROM ({select}) AS lots",
            [stocktake.pk, True, *params],
        )


def record_scans(
    *,
    stocktake: Stocktake,
    location: StorageLocation,
    lot_references: Sequence[str],
    actor: User,
) -> list[StocktakeLine]:
    """Scanning a location's label counts it (an empty location is counted too); each lot
    scanned there is found there. A lot the count did not expect becomes an extra line. A later
    scan of the same lot elsewhere wins (the goods are where they were last seen)."""
    references = sorted({(ref or "").strip() for ref in lot_references} - {""})
    if len(references) > MAX_SCANNED_LOTS:
        raise ValidationError({"lots": [f"At most {MAX_SCANNED_LOTS} lots per scan."]})
    with transaction.atomic(durable=True):
        current = _locked_open(stocktake)
        now = timezone.now()
        counted = StocktakeLocation.objects.filter(stocktake=current, location=location).update(
            counted_at=now, counted_by=actor
        )
        if counted != 1:
            raise ValidationError(
                {"location": [f"{location.code} is not in the scope of this count."]}
            )
        if not references:
            return []
        lots = {
            lot.reference: lot
            for lot in Lot.objects.filter(reference__in=references).only(
                "pk", "reference", "status", "location_id"
            )
        }
        unknown = [ref for ref in references if ref not in lots]
        if unknown:
            raise ValidationError({"lots": [f"Unknown lot {', '.join(unknown)}."]})
        gone = [lot for lot in lots.values() if lot.status not in OCCUPYING_STATUSES]
        if gone:
            raise ValidationError(
                {
                    "lots": [
                        f"Lot {lot.reference} is {lot.get_status_display().lower()}; set it "
                        "aside and report it to an administrator."
                        for lot in gone
                    ]
                }
            )
        ids = [lot.pk for lot in lots.values()]
        lines = StocktakeLine.objects.filter(stocktake=current, lot_id__in=ids)
        known = set(lines.values_list("lot_id", flat=True))
        lines.filter(resolution="").update(found_location=location, found_at=now, found_by=actor)
        StocktakeLine.objects.bulk_create(
            StocktakeLine(
                stocktake=current,
                lot=lot,
                expected=False,
                expected_location_id=lot.location_id,
                found_location=location,
                found_at=now,
                found_by=actor,
            )
            for lot in lots.values()
            if lot.pk not in known
        )
    return list(
        StocktakeLine.objects.for_list()
        .with_discrepancy()
        .filter(stocktake=current, lot_id__in=ids)
    )


def resolve_discrepancy(
    *,
    stocktake: Stocktake,
    lot: Lot,
    resolution: str,
    note: str,
    actor: User,
    location: StorageLocation | None = None,
) -> StocktakeLine:
    """Settle one discrepancy with its reason. `moved` (extra, wrong location): the records
    follow the goods to where they were found. `found_elsewhere` (missing): the lot was found
    at `location` and the records follow. Both append a `moved` custody event naming the count.
    `lost` (missing): only with the permission to declare lots lost (administrators); the lot
    becomes lost with a `lost` custody event, and an X-CC-06 finding is raised on the line."""
    note = (note or "").strip()
    errors: dict[str, list[str]] = {}
    if not note:
        errors["note"] = ["Say what was found or done."]
    elif len(note) > MAX_NOTE:
        errors["note"] = [f"At most {MAX_NOTE} characters."]
    if resolution not in Resolution.values:
        errors["resolution"] = [f"Choose one of: {', '.join(Resolution.values)}."]
    if errors:
        raise ValidationError(errors)
    if resolution == Resolution.LOST and not actor.has_perm("seizures.declare_lot_lost"):
        raise PermissionDenied("Only an administrator can declare a lot lost.")
    with transaction.atomic(durable=True):
        current = _locked_open(stocktake)
        line = (
            StocktakeLine.objects.with_discrepancy()
            .select_for_update(of=("self",))
            .filter(stocktake=current, lot=lot)
            .first()
        )
        if line is None or line.discrepancy is None:
            raise ValidationError({"lot": [f"Lot {lot.reference} shows no discrepancy here."]})
        if line.resolution:
            raise ValidationError({"lot": [f"Lot {lot.reference} is already resolved."]})
        discrepancy = Discrepancy(line.discrepancy)
        if resolution not in RESOLUTIONS[discrepancy]:
            allowed = ", ".join(RESOLUTIONS[discrepancy])
            raise ValidationError(
                {"resolution": [f"A {discrepancy.label.lower()} lot is resolved as: {allowed}."]}
            )
        locked = Lot.objects.select_for_update(of=("self",)).select_related("location")
        current_lot = locked.get(pk=lot.pk)
        details = {"stocktake": current.pk, "resolution": resolution, "note": note}
        finding: dict = {}
        target = None
        if resolution == Resolution.LOST:
            finding = _lost_finding(current, current_lot, note)
            _declare_lost(current_lot, details={**details, "finding": finding}, actor=actor)
        else:
            target = line.found_location if resolution == Resolution.MOVED else location
            if target is None:
                raise ValidationError({"location": ["Say where the lot was found."]})
            _follow_goods(current_lot, target, details=details, actor=actor)
        StocktakeLine.objects.filter(pk=line.pk).update(
            resolution=resolution,
            resolution_note=note,
            resolved_location=target,
            resolved_by=actor,
            resolved_at=timezone.now(),
            finding=finding,
        )
    return StocktakeLine.objects.for_list().with_discrepancy().get(pk=line.pk)


def close_stocktake(*, stocktake: Stocktake, actor: User) -> Stocktake:
    """Record the count's result and set "last counted" on every location whose label was
    scanned (X-CC-06 reads it). Refused while a discrepancy is unresolved. A fixed number of
    queries whatever the number of lots."""
    with transaction.atomic(durable=True):
        current = _locked_open(stocktake)
        result = (
            StocktakeLine.objects.with_discrepancy()
            .filter(stocktake=current)
            .aggregate(
                expected=Count("pk", filter=Q(expected=True)),
                found=Count("pk", filter=Q(found_location__isnull=False)),
                missing=Count("pk", filter=Q(discrepancy=Discrepancy.MISSING)),
                extra=Count("pk", filter=Q(discrepancy=Discrepancy.EXTRA)),
                misplaced=Count("pk", filter=Q(discrepancy=Discrepancy.MISPLACED)),
                lost=Count("pk", filter=Q(resolution=Resolution.LOST)),
                unresolved=Count("pk", filter=Q(discrepancy__isnull=False, resolution="")),
            )
        )
        if result["unresolved"]:
            raise ValidationError(
                {
                    "discrepancies": [
                        "Give every discrepancy its reason before closing: "
                        f"{result['unresolved']} still open."
                    ]
                }
            )
        locations = StocktakeLocation.objects.filter(stocktake=current).aggregate(
            counted=Count("pk", filter=Q(counted_at__isnull=False)),
            uncounted=Count("pk", filter=Q(counted_at__isnull=True)),
        )
        today = timezone.localdate()
        StorageLocation.objects.filter(
            pk__in=StocktakeLocation.objects.filter(
                stocktake=current, counted_at__isnull=False
            ).values("location_id")
        ).update(last_stocktake_on=today)
        _change(
            current,
            StocktakeStatus.CLOSED,
            closed_by=actor,
            closed_at=timezone.now(),
            expected_lots=result["expected"],
            found_lots=result["found"],
            missing_lots=result["missing"],
            extra_lots=result["extra"],
            misplaced_lots=result["misplaced"],
            lost_lots=result["lost"],
            counted_locations=locations["counted"],
            uncounted_locations=locations["uncounted"],
        )
        audit.record_changed(
            Stocktake,
            current.pk,
            {"status": (StocktakeStatus.OPEN, StocktakeStatus.CLOSED)},
            object_repr=str(current),
        )
    return Stocktake.objects.for_list().get(pk=current.pk)


def cancel_stocktake(*, stocktake: Stocktake, reason: str, actor: User) -> Stocktake:
    """Abandon an open count: nothing is recorded on the locations. Discrepancies already
    resolved stay resolved (their custody events are history)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ["Give the reason for cancelling the count."]})
    with transaction.atomic(durable=True):
        current = _locked_open(stocktake)
        note = f"{current.note}\nCancelled: {reason}".strip()
        _change(
            current, StocktakeStatus.CANCELLED, closed_by=actor, closed_at=timezone.now(), note=note
        )
        audit.record_changed(
            Stocktake,
            current.pk,
            {"status": (StocktakeStatus.OPEN, StocktakeStatus.CANCELLED)},
            object_repr=str(current),
        )
    return Stocktake.objects.for_list().get(pk=current.pk)


def _locked_open(stocktake: Stocktake) -> Stocktake:
    """The count, locked: scans, resolutions and the closing run one after another, so nothing
    is scanned into a count after it closed."""
    current = Stocktake.objects.select_for_update(of=("self",)).select_related("warehouse", "zone")
    current = current.get(pk=stocktake.pk)
    if current.status != StocktakeStatus.OPEN:
        raise TransitionNotAllowed(f"Stocktake {current.pk} is {current.get_status_display()}.")
    return current


def _change(stocktake: Stocktake, target: StocktakeStatus, **changes: object) -> None:
    change_status(
        Stocktake.objects.filter(pk=stocktake.pk),
        table=STOCKTAKE_TRANSITIONS,
        sources={StocktakeStatus.OPEN},
        target=target,
        conflict=lambda: f"Stocktake {stocktake.pk} changed meanwhile; reload it.",
        **changes,
    )


def _follow_goods(lot: Lot, target: StorageLocation, *, details: dict, actor: User) -> None:
    """The records follow the goods to where they stand, with a `moved` event. The goods are
    there already, so the storage rules do not refuse: their blocking findings go into the
    event, telling where the lot must go next (as a recorded condition does)."""
    if lot.location_id == target.pk:
        # Someone moved the lot there with a scan since the count opened: nothing to correct.
        return
    if lot.status not in MOVABLE_STATUSES:
        raise TransitionNotAllowed(
            f"Lot {lot.reference} is {lot.get_status_display().lower()}; it cannot be moved."
        )
    now = timezone.now()
    with occupancy.tracking(Lot.objects.filter(pk=lot.pk)):
        updated = Lot.objects.filter(
            pk=lot.pk, status__in=MOVABLE_STATUSES, location_id=lot.location_id
        ).update(location=target, updated_at=now)
    if updated != 1:
        raise TransitionNotAllowed(f"Lot {lot.reference} changed meanwhile; reload and try again.")
    from_location = lot.location
    lot.location = target
    breaches = [
        finding
        for _, findings in blocking_placement_findings([(lot, target)], actor=actor)
        for finding in findings
    ]
    custody.append_event(
        lot,
        Kind.MOVED,
        actor=actor,
        from_location=from_location,
        to_location=target,
        quantity=lot.articles,
        details={**details, "storage_breaches": breaches},
    )


def _declare_lost(lot: Lot, *, details: dict, actor: User) -> None:
    if lot.status not in LOSABLE_STATUSES:
        raise TransitionNotAllowed(
            f"Lot {lot.reference} is {lot.get_status_display().lower()}; only a lot in storage "
            "or on hold can be declared lost (take an allocated lot off its order first)."
        )
    custody.change_lot_status(
        [lot.pk], expected=LOSABLE_STATUSES, new=LotStatus.LOST, location=None
    )
    custody.append_event(
        lot,
        Kind.LOST,
        actor=actor,
        from_location=lot.location,
        quantity=lot.articles,
        details=details,
    )


def _lost_finding(stocktake: Stocktake, lot: Lot, note: str) -> dict:
    """The X-CC-06 finding a lost lot raises (the shape of project.compliance.Finding)."""
    return {
        "rule": "X-CC-06",
        "severity": Severity.BLOCKING.value,
        "message": f"Lot {lot.reference} was missing at stocktake {stocktake.pk} "
        f"({stocktake.scope_label}) and is declared lost.",
        "detail": note,
        "lot": lot.reference,
    }

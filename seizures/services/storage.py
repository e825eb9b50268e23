"""Placing and moving lots, and the checks every placement passes: the storage rules (zone,
segregation, capacity) against what a location holds, then the optional placement hook."""

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Min
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.module_loading import import_string

from project.compliance import Finding
from project.errors import TransitionNotAllowed
from seizures import custody, occupancy
from seizures.models import CLASSIFICATION_FIELDS, CustodyEvent, Lot, StorageLocation, Warehouse
from seizures.storage import (
    MOVABLE_STATUSES,
    LocationFacts,
    LotFacts,
    Occupancy,
    Presence,
    Refusal,
    Severities,
    accepting_locations,
    placement_refusals,
    plan_placements,
    propose_placements,
)

Kind = CustodyEvent.Kind


def move_lot(*, lot: Lot, location: StorageLocation, actor: User) -> Lot:
    """Place a lot (first time) or move it to another location, if the storage rules allow it
    (X-CC-04 zone and segregation, BAT-S1, FOOD-S2, capacity) and the placement hook finds
    nothing blocking."""
    with transaction.atomic(durable=True):
        current = Lot.objects.select_related("seizure").get(pk=lot.pk)
        if current.status not in MOVABLE_STATUSES:
            raise TransitionNotAllowed(
                f"Lot {current.reference} is {current.get_status_display().lower()}; "
                "only lots in the warehouse can be placed or moved."
            )
        if current.location_id == location.pk:
            raise ValidationError({"location": [f"Lot {current.reference} is already there."]})
        # Lock the target before reading what is in it: two placements into the same location
        # run one after the other, so the second sees the first (capacity never exceeded).
        target = StorageLocation.objects.select_for_update().get(pk=location.pk)
        present = lots_present({target.pk}, exclude=[current.pk])
        refusals = placement_refusals(
            lot_facts(current),
            location_facts(target),
            present.get(target.pk, []),
            storage_rule_severities(),
        )
        if refusals:
            raise ValidationError({"location": [str(r) for r in refusals]})
        run_placement_checks([(current, target)], actor=actor)
        _place(current, target, actor=actor, now=timezone.now())
    current.refresh_from_db()
    return current


def _place(lot: Lot, target: StorageLocation, *, actor: User, now: datetime.datetime) -> None:
    """Write a checked placement or move with its custody event."""
    # Guarded update: the lot must still be where (and in the state, and of the
    # classification) we read and checked it, so two concurrent moves of one lot give one
    # move and one conflict, and a reclassification meanwhile is not moved past the rules.
    with occupancy.tracking(Lot.objects.filter(pk=lot.pk)):
        updated = Lot.objects.filter(
            pk=lot.pk,
            status__in=MOVABLE_STATUSES,
            location_id=lot.location_id,
            **classification_of(lot),
        ).update(location=target, stored_since=Coalesce(F("stored_since"), now), updated_at=now)
    if updated != 1:
        raise TransitionNotAllowed(
            f"Lot {lot.reference} was moved or changed meanwhile; reload and try again."
        )
    from_location = lot.location
    custody.append_event(
        lot,
        Kind.PLACED if from_location is None else Kind.MOVED,
        actor=actor,
        from_location=from_location,
        to_location=target,
        quantity=lot.articles,
        details={"to": target.code, **({"from": from_location.code} if from_location else {})},
    )


@dataclass
class ProposedPlacement:
    """A lot of a place-all: where it went, or why it stayed unplaced."""

    lot: Lot
    location: StorageLocation | None = None
    refusals: list[str] = field(default_factory=list)


def place_lots_by_proposal(*, lots: Iterable[Lot], actor: User) -> list[ProposedPlacement]:
    """Place every unplaced lot of `lots` still in the warehouse at the first location of its
    office's warehouses that accepts it by the storage rules (zone, segregation, capacity,
    counting the lots placed before it; see storage.propose_placements), in one transaction.
    A lot no location accepts, or whose proposal the placement hook blocks, stays unplaced
    with the reasons; the others are placed, each with its custody event. Lots already placed
    or no longer in the warehouse are left alone (not in the result)."""
    with transaction.atomic(durable=True):
        unplaced = list(
            Lot.objects.select_related("seizure__office")
            .filter(
                pk__in=[lot.pk for lot in lots],
                status__in=MOVABLE_STATUSES,
                location__isnull=True,
            )
            .order_by("reference")
        )
        # Locked in id order (as every batch placement does), so capacity read here holds.
        locations = list(
            StorageLocation.objects.select_for_update(of=("self",))
            .filter(active=True, warehouse__office__in={lot.seizure.office_id for lot in unplaced})
            .select_related("warehouse")
            .order_by("pk")
        )
        by_office: dict[int, list[StorageLocation]] = defaultdict(list)
        for location in locations:
            by_office[location.warehouse.office_id].append(location)
        by_code = {location.code: location for location in locations}
        present = lots_present(location.pk for location in locations)
        proposals = propose_placements(
            [
                (lot_facts(lot), [location_facts(loc) for loc in by_office[lot.seizure.office_id]])
                for lot in unplaced
            ],
            {location.code: present.get(location.pk, []) for location in locations},
            storage_rule_severities(),
        )
        results = [
            ProposedPlacement(lot, by_code[proposal.code])
            if proposal is not None
            else ProposedPlacement(lot, refusals=[_no_location(lot, by_office)])
            for lot, proposal in zip(unplaced, proposals, strict=True)
        ]
        _place_and_check(results, actor=actor)
    return results


def _no_location(lot: Lot, by_office: dict[int, list[StorageLocation]]) -> str:
    office = lot.seizure.office
    candidates = len(by_office[office.pk])
    if not candidates:
        return f"Office {office.code} has no warehouse location in use."
    return (
        f"None of the {candidates} locations of office {office.code}'s warehouses accepts it "
        "now (hazard classes accepted, segregation or capacity)."
    )


def _place_and_check(results: list[ProposedPlacement], *, actor: User) -> None:
    """Write the proposed placements, then run the placement hook on them: it judges what the
    locations hold with the batch's other lots in place, as at intake. A round the hook blocks
    is undone by its savepoint (its stored checks with it); the blocked lots are marked refused
    and the others written and checked again."""
    while placements := [(r.lot, r.location) for r in results if r.location is not None]:
        try:
            with transaction.atomic():
                now = timezone.now()
                for lot, location in placements:
                    _place(lot, location, actor=actor, now=now)
                blocked = blocking_placement_findings(placements, actor=actor)
                if blocked:
                    raise _HookRefused(blocked)
            return
        except _HookRefused as refused:
            findings_of = {lot.pk: findings for (lot, _), findings in refused.placements}
            for result in results:
                if result.lot.pk in findings_of:
                    result.location, result.refusals = None, findings_of[result.lot.pk]


class _HookRefused(Exception):
    """Rolls a round of place-all back to its savepoint, carrying what the hook blocked."""

    def __init__(self, placements: list[tuple[tuple[Lot, StorageLocation], list[str]]]):
        super().__init__()
        self.placements = placements


@dataclass(frozen=True)
class PlacementOption:
    """A warehouse's locations that accept a lot; `own`: the lot's own warehouse."""

    warehouse: Warehouse
    own: bool
    locations: list[StorageLocation]


def placement_options(lot: Lot, *, among=None) -> list[PlacementOption]:
    """The active locations (of `among`, a location QuerySet: the user's offices') that would
    accept `lot` now by the storage rules (zone, segregation, capacity), grouped by warehouse:
    the lot's own warehouse first (where it is stored, or its office's when unplaced), then the
    others; its current location left out."""
    locations = list(
        (StorageLocation.objects.all() if among is None else among)
        .filter(active=True)
        .exclude(pk=lot.location_id)
        .select_related("warehouse")
        .order_by("warehouse__code", "code")
    )
    present = lots_present((location.pk for location in locations), exclude=[lot.pk])
    accepted = {
        facts.code
        for facts in accepting_locations(
            lot_facts(lot),
            [location_facts(location) for location in locations],
            {location.code: Occupancy.of(present.get(location.pk, [])) for location in locations},
            storage_rule_severities(),
        )
    }
    groups: dict[Warehouse, list[StorageLocation]] = {}
    for location in locations:
        if location.code in accepted:
            groups.setdefault(location.warehouse, []).append(location)
    options = [
        PlacementOption(warehouse, is_own_warehouse(lot, warehouse), found)
        for warehouse, found in groups.items()
    ]
    return sorted(options, key=lambda option: not option.own)


def is_own_warehouse(lot: Lot, warehouse: Warehouse) -> bool:
    """The warehouse the lot is stored in; for a lot not placed yet, one of its office's."""
    if lot.location_id is not None:
        return lot.location.warehouse_id == warehouse.pk
    return lot.seizure.office_id == warehouse.office_id


def classification_of(lot: Lot) -> dict:
    return {name: getattr(lot, name) for name in CLASSIFICATION_FIELDS}


def lot_facts(lot: Lot) -> LotFacts:
    return LotFacts(lot.reference, lot.waste_class, tuple(lot.hazard_classes), lot.gross_weight_kg)


def location_facts(location: StorageLocation) -> LocationFacts:
    return LocationFacts(
        location.code,
        frozenset(location.accepted_hazard_classes or ()),
        location.capacity_kg,
        location.active,
    )


def lots_present(
    location_ids: Iterable[int], *, exclude: Iterable[int] = ()
) -> dict[int, list[Presence]]:
    """location id -> the storage profiles occupying it (lots grouped by waste class and hazard
    classes, with their weight), in one aggregate query however many lots a location holds."""
    present: dict[int, list[Presence]] = defaultdict(list)
    rows = (
        Lot.objects.occupying()
        .filter(location_id__in=list(location_ids))
        .exclude(pk__in=list(exclude))
        .values("location_id", "waste_class", "hazard_classes")
        .annotate(kg=models.Sum("gross_weight_kg"), lots=models.Count("id"), first=Min("reference"))
        .order_by()
    )
    for row in rows:
        present[row["location_id"]].append(
            Presence(
                row["waste_class"],
                tuple(row["hazard_classes"]),
                row["kg"],
                row["lots"],
                row["first"],
            )
        )
    return present


def placement_refusals_for_batch(
    requests: Sequence[tuple[LotFacts, StorageLocation]],
) -> list[list[Refusal]]:
    """Lock the target locations and check all placements of a batch together."""
    locations = {location.pk: location for _, location in requests}
    locked = {
        loc.pk: loc
        for loc in StorageLocation.objects.select_for_update()
        .filter(pk__in=sorted(locations))
        .order_by("pk")
    }
    present = lots_present(locked)
    by_code = {locked[pk].code: facts for pk, facts in present.items()}
    return plan_placements(
        [(facts, location_facts(locked[location.pk])) for facts, location in requests],
        by_code,
        storage_rule_severities(),
    )


def storage_rule_severities() -> Severities:
    """The rulebook's severity of each storage rule (settings.STORAGE_RULE_SEVERITIES, the
    compliance app): the storage rules above refuse only where their rule blocks. Unset: every
    refusal blocks."""
    if not settings.STORAGE_RULE_SEVERITIES:
        return {}
    return import_string(settings.STORAGE_RULE_SEVERITIES)()


def blocking_placement_findings(
    placements: Sequence[tuple[Lot, StorageLocation]], *, actor: User
) -> list[tuple[tuple[Lot, StorageLocation], list[str]]]:
    """The optional cross-app hook (settings.STORAGE_PLACEMENT_CHECK, e.g. the compliance
    rulebook's storage rules), called once for a batch of (lot, location) placements with the
    lots already saved: each placement with its blocking findings ("rule: message")."""
    if not settings.STORAGE_PLACEMENT_CHECK or not placements:
        return []
    check = import_string(settings.STORAGE_PLACEMENT_CHECK)
    results: Sequence[Sequence[Finding]] = check(placements, actor=actor)
    found = []
    for placement, findings in zip(placements, results, strict=True):
        blocking = [f"{found.rule}: {found.message}" for found in findings if found.blocking]
        if blocking:
            found.append((placement, blocking))
    return found


def run_placement_checks(placements: Sequence[tuple[Lot, StorageLocation]], *, actor: User) -> None:
    """The placement hook for a move or a seizure's lots: a blocking finding on any placement
    refuses the batch."""
    # A batch names the lot of each refusal; a single move needs no name.
    name_lots = len(placements) > 1
    blocking = [
        (f"{lot.reference}: " if name_lots else "") + finding
        for (lot, _), findings in blocking_placement_findings(placements, actor=actor)
        for finding in findings
    ]
    if blocking:
        raise ValidationError({"location": blocking})


def placed(lots: Iterable[Lot]) -> list[tuple[Lot, StorageLocation]]:
    return [(lot, lot.location) for lot in lots if lot.location is not None]

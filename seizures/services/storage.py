"""Placing and moving lots, and the checks every placement passes: the storage rules (zone,
segregation, capacity) against what a location holds, then the optional placement hook."""

from collections import defaultdict
from collections.abc import Iterable, Sequence

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
from seizures import custody
from seizures.models import CLASSIFICATION_FIELDS, CustodyEvent, Lot, StorageLocation
from seizures.storage import (
    MOVABLE_STATUSES,
    LocationFacts,
    LotFacts,
    Presence,
    Refusal,
    Severities,
    placement_refusals,
    plan_placements,
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
        now = timezone.now()
        # Guarded update: the lot must still be where (and in the state, and of the
        # classification) we read and checked it, so two concurrent moves of one lot give one
        # move and one conflict, and a reclassification meanwhile is not moved past the rules.
        updated = Lot.objects.filter(
            pk=current.pk,
            status__in=MOVABLE_STATUSES,
            location_id=current.location_id,
            **classification_of(current),
        ).update(location=target, stored_since=Coalesce(F("stored_since"), now), updated_at=now)
        if updated != 1:
            raise TransitionNotAllowed(
                f"Lot {current.reference} was moved or changed meanwhile; reload and try again."
            )
        from_location = current.location
        custody.append_event(
            current,
            Kind.PLACED if from_location is None else Kind.MOVED,
            actor=actor,
            from_location=from_location,
            to_location=target,
            quantity=current.articles,
            details={"to": target.code, **({"from": from_location.code} if from_location else {})},
        )
    current.refresh_from_db()
    return current


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

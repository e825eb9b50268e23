"""Every write of the seizures app. One public function = one durable transaction that writes its
custody events in the same transaction (digest X-CC-01). Views, the API, the CSV intake, commands
and the demo loader call these and never write models themselves.

Bad input raises ``ValidationError({field: [messages]})``; a state conflict raises
``TransitionNotAllowed``.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Max, Min, Q
from django.db.models.deletion import ProtectedError
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.module_loading import import_string

from project.errors import TransitionNotAllowed
from seizures import custody, deadlines
from seizures.categories import default_hazard_classes
from seizures.intake import (
    CASE_FIELDS,
    IntakeRejected,
    RowError,
    SeizurePlan,
    read_intake,
    sorted_errors,
)
from seizures.models import (
    CLASSIFICATION_FIELDS,
    INTAKE_FLAGS,
    CustodyEvent,
    CustomsOffice,
    Holiday,
    Lot,
    LotStatus,
    RightHolder,
    SamplePurpose,
    Seizure,
    StorageLocation,
    TrafficType,
)
from seizures.storage import (
    MOVABLE_STATUSES,
    OCCUPYING_STATUSES,
    RECLASSIFIABLE_STATUSES,
    SAMPLEABLE_STATUSES,
    LocationFacts,
    LotFacts,
    Presence,
    Refusal,
    classification_refusals,
    placement_refusals,
    plan_placements,
)
from seizures.validation import LotInput, classification_errors, lot_errors, seizure_errors

Kind = CustodyEvent.Kind
# Lots whose case is over: their seizure's deadlines are history, not to be recomputed.
CLOSED_STATUSES = (LotStatus.DESTROYED, LotStatus.RELEASED)

# Case fields a user may correct after intake. The office and the generated reference are the
# case's identity and never change.
EDITABLE_SEIZURE_FIELDS = frozenset(
    {
        *CASE_FIELDS,
        "right_holder_agreement_on",
        "declarant_agreement_on",
        "declarant_objected",
        "court_reference",
        "notes",
    }
)


# --- seizures and their lots ---------------------------------------------------------------


def create_seizure(
    *,
    actor: User,
    office: CustomsOffice,
    detained_on: datetime.date,
    transport_mode: str,
    provenance_country: str,
    ipr_type: str,
    customs_procedure: str,
    action_type: str,
    legal_route: str,
    lots: Sequence[LotInput],
    place_of_detention: str = "",
    traffic_type: str = TrafficType.FREIGHT,
    right_holder: RightHolder | None = None,
    declarant_name: str = "",
    consignment_number: str = "",
    notified_on: datetime.date | None = None,
    perishable: bool = False,
    notes: str = "",
) -> Seizure:
    """Log a seizure with its lots; each lot gets its first custody event, placed at intake when
    it names a location."""
    if not lots:
        raise ValidationError({"lots": ["A seizure has at least one lot."]})
    fields = {
        "detained_on": detained_on,
        "place_of_detention": place_of_detention,
        "transport_mode": transport_mode,
        "traffic_type": traffic_type,
        "provenance_country": provenance_country,
        "ipr_type": ipr_type,
        "customs_procedure": customs_procedure,
        "action_type": action_type,
        "right_holder": right_holder,
        "declarant_name": declarant_name,
        "consignment_number": consignment_number,
        "notified_on": notified_on,
        "legal_route": legal_route,
        "perishable": perishable,
        "notes": notes,
    }
    _raise_lot_errors(lots, first_line=1)
    _raise_case_errors(fields, lots)
    with transaction.atomic(durable=True):
        holidays = holiday_dates()
        sequence = next_sequences({(office.pk, detained_on.year): 1})[(office.pk, detained_on.year)]
        seizure = Seizure(office=office, year=detained_on.year, sequence=sequence, **fields)
        seizure.reference = seizure_reference(office.code, detained_on.year, sequence)
        seizure.created_by = actor
        set_deadlines(seizure, holidays)
        seizure.save()
        _create_lots(seizure, lots, actor=actor, first_line=1)
    return seizure


def add_lots(*, seizure: Seizure, lots: Sequence[LotInput], actor: User) -> list[Lot]:
    """Add goods lines to an existing seizure (found later, counted after unpacking)."""
    if not lots:
        raise ValidationError({"lots": ["Add at least one lot."]})
    with transaction.atomic(durable=True):
        # The row lock numbers lines one writer at a time.
        seizure = (
            Seizure.objects.select_for_update(of=("self",))
            .select_related("right_holder")
            .get(pk=seizure.pk)
        )
        existing = Lot.objects.filter(seizure=seizure, parent__isnull=True).aggregate(
            count=models.Count("id"),
            articles=Coalesce(models.Sum("seized_articles"), 0),
            kg=Coalesce(models.Sum("gross_weight_kg"), Decimal("0"), output_field=_decimal()),
        )
        first_line = existing["count"] + 1
        _raise_lot_errors(lots, first_line=first_line)
        fields = {name: getattr(seizure, name) for name in EDITABLE_SEIZURE_FIELDS}
        _raise_case_errors(
            fields, lots, extra_articles=existing["articles"], extra_kg=existing["kg"]
        )
        return _create_lots(seizure, lots, actor=actor, first_line=first_line)


def update_seizure(*, seizure: Seizure, actor: User, **changes) -> Seizure:
    """Correct or complete the case data (notification, agreements, court reference...); the
    statutory deadline is recomputed from the notification date."""
    unknown = set(changes) - EDITABLE_SEIZURE_FIELDS
    if unknown:
        raise ValidationError({name: ["This field cannot be changed."] for name in unknown})
    with transaction.atomic(durable=True):
        seizure = Seizure.objects.select_for_update().get(pk=seizure.pk)
        for name, value in changes.items():
            setattr(seizure, name, value)
        totals = Lot.objects.filter(seizure=seizure, parent__isnull=True).aggregate(
            articles=Coalesce(models.Sum("seized_articles"), 0),
            kg=Coalesce(models.Sum("gross_weight_kg"), Decimal("0"), output_field=_decimal()),
        )
        errors = seizure_errors(
            **_case_arguments(seizure),
            total_articles=totals["articles"],
            total_weight_kg=totals["kg"],
            today=timezone.localdate(),
        )
        if errors:
            raise ValidationError(errors)
        set_deadlines(seizure, holiday_dates())
        seizure.save()
    return seizure


def place_hold(*, seizure: Seizure, reason: str, actor: User) -> Seizure:
    """Legal hold: blocks any disposal of the seizure's goods until lifted. Lots in storage go on
    hold, each with a `held` custody event."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ["Give the reason for the legal hold."]})
    with transaction.atomic(durable=True):
        now = timezone.now()
        updated = Seizure.objects.filter(pk=seizure.pk, on_hold=False).update(
            on_hold=True, hold_reason=reason, hold_by=actor, hold_at=now
        )
        if updated != 1:
            raise TransitionNotAllowed(f"Seizure {seizure.reference} is already on hold.")
        lots = list(
            Lot.objects.select_for_update().filter(
                seizure_id=seizure.pk, status=LotStatus.IN_STORAGE
            )
        )
        if lots:
            custody.change_lot_status(
                [lot.pk for lot in lots], expected=LotStatus.IN_STORAGE, new=LotStatus.ON_HOLD
            )
            custody.append_events(lots, Kind.HELD, actor=actor, details={"reason": reason})
    seizure.refresh_from_db()
    return seizure


def lift_hold(*, seizure: Seizure, actor: User, reason: str = "") -> Seizure:
    """Lift the legal hold; lots on hold return to storage with a `hold_lifted` event."""
    with transaction.atomic(durable=True):
        current = Seizure.objects.select_for_update().get(pk=seizure.pk)
        if not current.on_hold:
            raise TransitionNotAllowed(f"Seizure {current.reference} is not on hold.")
        details = {
            "hold_reason": current.hold_reason,
            "held_by": current.hold_by_id,
            "held_at": current.hold_at.isoformat() if current.hold_at else None,
            "reason": (reason or "").strip(),
        }
        Seizure.objects.filter(pk=current.pk).update(
            on_hold=False, hold_reason="", hold_by=None, hold_at=None
        )
        lots = list(
            Lot.objects.select_for_update().filter(seizure_id=current.pk, status=LotStatus.ON_HOLD)
        )
        if lots:
            custody.change_lot_status(
                [lot.pk for lot in lots], expected=LotStatus.ON_HOLD, new=LotStatus.IN_STORAGE
            )
            custody.append_events(lots, Kind.HOLD_LIFTED, actor=actor, details=details)
    seizure.refresh_from_db()
    return seizure


def import_seizures(*, content: bytes | str, actor: User) -> list[Seizure]:
    """Bulk intake (small consignments): every row of the CSV file is checked first - reading,
    case rules, storage rules and the placement hook, each on every row it can judge - and the
    whole file is refused with one per-line, per-column report (IntakeRejected) if any row is
    wrong; otherwise all seizures, lots and first custody events are created in one
    transaction, with bulk inserts."""
    reading = read_intake(content)
    with transaction.atomic(durable=True):
        # Seizures need an office and a date for their reference, which lot messages name.
        plans = [plan for plan in reading.plans if plan.fields["office"] is not None]
        plans = [plan for plan in plans if plan.fields["detained_on"] is not None]
        seizures = _numbered_seizures(plans, actor=actor)
        errors = [*reading.errors, *_intake_placement_errors(plans, seizures)]
        # The placement hook judges saved lots: save the seizures without errors so far (the
        # rollback below removes them again when the file is refused).
        failed = {error.line for error in errors}
        clean = [
            (plan, seizure)
            for plan, seizure in zip(plans, seizures, strict=True)
            if failed.isdisjoint(plan.lines)
        ]
        lots, lines = _save_intake(clean)
        errors += _intake_hook_errors(lots, lines, actor=actor)
        if errors:
            raise IntakeRejected(sorted_errors(errors))
        custody.start_chains(lots, actor=actor, details={"intake": "csv"})
    return [seizure for _, seizure in clean]


def _numbered_seizures(plans: Sequence[SeizurePlan], *, actor: User) -> list[Seizure]:
    """Unsaved seizures with their reference (next free sequence per office and year) and
    deadlines, one per plan."""
    holidays = holiday_dates()
    counts: dict[tuple[int, int], int] = defaultdict(int)
    for plan in plans:
        counts[(plan.fields["office"].pk, plan.fields["detained_on"].year)] += 1
    next_free = next_sequences(counts)
    seizures = []
    for plan in plans:
        office, detained_on = plan.fields["office"], plan.fields["detained_on"]
        key = (office.pk, detained_on.year)
        seizure = Seizure(year=detained_on.year, sequence=next_free[key], **plan.fields)
        next_free[key] += 1
        seizure.reference = seizure_reference(office.code, seizure.year, seizure.sequence)
        seizure.created_by = actor
        set_deadlines(seizure, holidays)
        seizures.append(seizure)
    return seizures


def _intake_placement_errors(
    plans: Sequence[SeizurePlan], seizures: Sequence[Seizure]
) -> list[RowError]:
    """The storage rules (zone, segregation, capacity) for every lot of the file placed at
    intake, checked together as one batch."""
    requests, lines = [], []
    for plan, seizure in zip(plans, seizures, strict=True):
        for number, lot in enumerate(plan.lots, start=1):
            if lot.data.location is not None:
                facts = LotFacts(
                    lot_reference(seizure.reference, number),
                    lot.data.waste_class,
                    tuple(lot.data.resolved_hazard_classes),
                    lot.data.gross_weight_kg,
                )
                requests.append((facts, lot.data.location))
                lines.append(lot.line)
    if not requests:
        return []
    refusals = placement_refusals_for_batch(requests)
    return [
        RowError(line, "location", str(refusal))
        for line, found in zip(lines, refusals, strict=True)
        for refusal in found
    ]


def _save_intake(clean: Sequence[tuple[SeizurePlan, Seizure]]) -> tuple[list[Lot], list[int]]:
    """Insert the seizures and their lots; the lots with the file line of each."""
    Seizure.objects.bulk_create([seizure for _, seizure in clean], batch_size=1000)
    now = timezone.now()
    rows = [
        (build_lot(seizure, lot.data, line=number, status=LotStatus.IN_STORAGE, now=now), lot.line)
        for plan, seizure in clean
        for number, lot in enumerate(plan.lots, start=1)
    ]
    lots = Lot.objects.bulk_create([lot for lot, _ in rows], batch_size=1000)
    return lots, [line for _, line in rows]


def _intake_hook_errors(
    lots: Sequence[Lot], lines: Sequence[int], *, actor: User
) -> list[RowError]:
    """The placement hook's blocking findings, on the line of the lot they refuse."""
    line_of = {lot.pk: line for lot, line in zip(lots, lines, strict=True)}
    return [
        RowError(line_of[lot.pk], "location", finding)
        for (lot, _), findings in blocking_placement_findings(placed(lots), actor=actor)
        for finding in findings
    ]


# --- storage -------------------------------------------------------------------------------


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
            lot_facts(current), location_facts(target), present.get(target.pk, [])
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


def reclassify_lot(
    *,
    lot: Lot,
    actor: User,
    waste_class: str,
    hazard_classes: Sequence[str] | None,
    reason: str,
    controlled_substances: bool | None = None,
    cytotoxic: bool | None = None,
    contains_asbestos: bool | None = None,
    high_risk: bool | None = None,
) -> Lot:
    """Correct what a lot is after intake (a parcel of "toys" holds lithium batteries): its
    waste class, UN hazard classes (None: the digest B18 defaults of the waste class) and intake
    flags (None: keep the lot's, read under the lock). A placed lot must still meet the storage
    rules and the placement hook where it stands; the `reclassified` event keeps the values
    before and after, and the reason."""
    reason = (reason or "").strip()
    _raise_reclassification_errors(waste_class, hazard_classes, reason)
    flags = {
        "controlled_substances": controlled_substances,
        "cytotoxic": cytotoxic,
        "contains_asbestos": contains_asbestos,
        "high_risk": high_risk,
    }
    with transaction.atomic(durable=True):
        # Seizure, then lot (the order of place_hold and take_sample): a hold cannot slip in
        # between, and a concurrent move waits for the lot and then finds it changed.
        Seizure.objects.select_for_update().filter(pk=lot.seizure_id).first()
        current = (
            Lot.objects.select_for_update(of=("self",)).select_related("location").get(pk=lot.pk)
        )
        _refuse_reclassification_status(current)
        before = classification_of(current)
        after = {
            "waste_class": waste_class,
            "hazard_classes": _new_hazard_classes(current, waste_class, hazard_classes),
            **{
                name: getattr(current, name) if given is None else given
                for name, given in flags.items()
            },
        }
        if after == before:
            raise ValidationError(
                {"lot": [f"Nothing to change: lot {current.reference} is already so classified."]}
            )
        if current.location is not None:
            _refuse_storage_conflicts(current, after)
        Lot.objects.filter(pk=current.pk).update(**after, updated_at=timezone.now())
        for name, value in after.items():
            setattr(current, name, value)
        # The hook reads what the location holds from the database: it judges the saved lot,
        # and a blocking finding rolls the change back with the transaction.
        run_placement_checks(placed([current]), actor=actor)
        custody.append_event(
            current,
            Kind.RECLASSIFIED,
            actor=actor,
            from_location=current.location,
            quantity=current.articles,
            details={"before": before, "after": after, "reason": reason},
        )
    current.refresh_from_db()
    return current


def classification_of(lot: Lot) -> dict:
    return {name: getattr(lot, name) for name in CLASSIFICATION_FIELDS}


def _raise_reclassification_errors(
    waste_class: str, hazard_classes: Sequence[str] | None, reason: str
) -> None:
    errors = classification_errors(waste_class, hazard_classes or ())
    if not waste_class:
        errors["waste_class"] = ["Choose the waste class."]
    if not reason:
        errors["reason"] = ["Give the reason for the reclassification."]
    if errors:
        raise ValidationError(errors)


def _new_hazard_classes(
    lot: Lot, waste_class: str, hazard_classes: Sequence[str] | None
) -> list[str]:
    """The classes as given (each once), or the B18 defaults of the new waste class. The same
    classes in another order are no change: the lot keeps its order."""
    if hazard_classes is None:
        hazard_classes = default_hazard_classes(lot.category, waste_class)
    classes = list(dict.fromkeys(hazard_classes))
    return list(lot.hazard_classes) if set(classes) == set(lot.hazard_classes) else classes


def _refuse_reclassification_status(lot: Lot) -> None:
    if lot.status in RECLASSIFIABLE_STATUSES:
        return
    if lot.status == LotStatus.ALLOCATED:
        order = _allocating_order(lot) or "its destruction order"
        raise TransitionNotAllowed(
            f"Lot {lot.reference} is allocated to {order}; remove it from {order} first."
        )
    raise TransitionNotAllowed(
        f"Lot {lot.reference} is {lot.get_status_display().lower()}; only lots in storage or on "
        "hold can be reclassified."
    )


def _allocating_order(lot: Lot) -> str | None:
    """The reference of the destruction order holding the lot, from its `allocated` event (the
    seizures app does not reach into the destruction app's tables)."""
    return (
        CustodyEvent.objects.filter(lot=lot, kind=Kind.ALLOCATED)
        .order_by("-sequence")
        .values_list("details__order", flat=True)
        .first()
    )


def _refuse_storage_conflicts(lot: Lot, after: dict) -> None:
    """The rules on what the lot is, against the location it stands in and the lots it shares
    it with. Its weight and place do not change, so capacity and the location's use do not
    count."""
    # Lock the location before reading what is in it, as move_lot does: a lot moved in
    # meanwhile is seen, not slipped past.
    location = StorageLocation.objects.select_for_update().get(pk=lot.location_id)
    present = lots_present({location.pk}, exclude=[lot.pk])
    facts = LotFacts(
        lot.reference, after["waste_class"], tuple(after["hazard_classes"]), lot.gross_weight_kg
    )
    refusals = classification_refusals(
        facts, location_facts(location), present.get(location.pk, [])
    )
    if refusals:
        raise ValidationError({"location": [str(refusal) for refusal in refusals]})


def take_sample(
    *,
    lot: Lot,
    articles: int,
    purpose: str,
    holder: str,
    actor: User,
    gross_weight_kg: Decimal | None = None,
) -> Lot:
    """Take articles out of a lot into a child sample lot with its own custody chain. The
    parent's count drops; parent articles + samples' articles = parent's seized articles."""
    errors: dict[str, list[str]] = {}
    if not isinstance(articles, int) or articles < 1:
        errors["articles"] = ["Take at least one article."]
    if purpose not in SamplePurpose.values:
        errors["purpose"] = [f"Choose one of: {', '.join(SamplePurpose.values)}."]
    if not (holder or "").strip():
        errors["holder"] = ["Name who holds the sample (laboratory, court, academy)."]
    if gross_weight_kg is not None and gross_weight_kg < 0:
        errors["gross_weight_kg"] = ["The weight cannot be negative."]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic(durable=True):
        # Seizure, then lot: the order of place_hold and lift_hold, so they never deadlock. The
        # lot's row lock keeps a concurrent move from making its location stale.
        Seizure.objects.select_for_update().filter(pk=lot.seizure_id).first()
        parent = (
            Lot.objects.select_for_update(of=("self",)).select_related("location").get(pk=lot.pk)
        )
        if parent.parent_id is not None:
            raise ValidationError({"lot": ["Take samples from the lot, not from a sample."]})
        if parent.status not in SAMPLEABLE_STATUSES:
            raise TransitionNotAllowed(
                f"Lot {parent.reference} is {parent.get_status_display().lower()}; samples are "
                "taken from lots in storage or on hold."
            )
        if articles > parent.articles:
            raise ValidationError(
                {"articles": [f"Lot {parent.reference} holds only {parent.articles} articles."]}
            )
        weight = gross_weight_kg
        if weight is None:
            weight = (parent.gross_weight_kg * articles / parent.articles).quantize(
                Decimal("0.001"), rounding=ROUND_HALF_UP
            )
        _refuse_sample_weight(parent, articles, weight)
        # The sample carries its share of the value, so lot totals never count it twice.
        value = _share(parent.retail_value, articles, parent.articles)
        updated = Lot.objects.filter(
            pk=parent.pk,
            status=parent.status,
            articles=parent.articles,
            gross_weight_kg=parent.gross_weight_kg,
        ).update(
            articles=F("articles") - articles,
            gross_weight_kg=F("gross_weight_kg") - weight,
            retail_value=F("retail_value") - value,
            updated_at=timezone.now(),
        )
        if updated != 1:
            raise TransitionNotAllowed(
                f"Lot {parent.reference} changed meanwhile; reload and try again."
            )
        number = Lot.objects.filter(parent=parent).count() + 1
        sample = Lot.objects.create(
            seizure_id=parent.seizure_id,
            reference=f"{parent.reference}-S{number}",
            parent=parent,
            sample_purpose=purpose,
            sample_holder=holder.strip(),
            category=parent.category,
            waste_class=parent.waste_class,
            description=parent.description,
            brand=parent.brand,
            seized_articles=articles,
            articles=articles,
            gross_weight_kg=weight,
            retail_value=value,
            currency=parent.currency,
            hazard_classes=list(parent.hazard_classes),
            status=parent.status,
            location=parent.location,
            stored_since=parent.stored_since,
            # A sample is the same goods: it keeps the parent's intake classification.
            **{name: getattr(parent, name) for name in INTAKE_FLAGS},
        )
        details = {"purpose": purpose, "holder": sample.sample_holder}
        custody.append_event(
            parent,
            Kind.SAMPLED,
            actor=actor,
            from_location=parent.location,
            quantity=articles,
            details={
                **details,
                "sample": sample.reference,
                "articles_left": parent.articles - articles,
            },
        )
        custody.append_event(
            sample,
            Kind.SAMPLE_CREATED,
            actor=actor,
            to_location=parent.location,
            quantity=articles,
            details={**details, "parent": parent.reference},
        )
    return sample


def _refuse_sample_weight(parent: Lot, articles: int, weight: Decimal) -> None:
    """A sample weighs at most the lot; a part of the articles weighs less than the whole lot,
    or the articles left in it would weigh nothing."""
    if weight > parent.gross_weight_kg:
        raise ValidationError(
            {"gross_weight_kg": [f"The lot weighs only {parent.gross_weight_kg} kg."]}
        )
    if articles < parent.articles and weight >= parent.gross_weight_kg:
        raise ValidationError(
            {
                "gross_weight_kg": [
                    f"{articles} of the lot's {parent.articles} articles cannot weigh the whole "
                    f"lot ({parent.gross_weight_kg} kg): the {parent.articles - articles} "
                    "articles left would weigh nothing."
                ]
            }
        )


def release_lot(*, lot: Lot, reason: str, actor: User) -> Lot:
    """Release a lot from customs control (found genuine, right holder did not act): it leaves
    the warehouse. Refused while the seizure is under a legal hold."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ["Give the reason for the release."]})
    with transaction.atomic(durable=True):
        # Seizure, then lot (the order of place_hold): the hold cannot slip in between, and the
        # lot's row lock keeps a concurrent move from making its location stale.
        seizure = Seizure.objects.select_for_update().get(pk=lot.seizure_id)
        current = (
            Lot.objects.select_for_update(of=("self",)).select_related("location").get(pk=lot.pk)
        )
        if seizure.on_hold:
            raise TransitionNotAllowed(
                f"Seizure {seizure.reference} is under a legal hold; lift it before releasing."
            )
        if current.status != LotStatus.IN_STORAGE:
            raise TransitionNotAllowed(
                f"Lot {current.reference} is {current.get_status_display().lower()}; only lots in "
                "storage can be released."
            )
        custody.change_lot_status(
            [current.pk], expected=LotStatus.IN_STORAGE, new=LotStatus.RELEASED, location=None
        )
        custody.append_event(
            current,
            Kind.RELEASED,
            actor=actor,
            from_location=current.location,
            quantity=current.articles,
            details={"reason": reason},
        )
    current.refresh_from_db()
    return current


# --- reference data ------------------------------------------------------------------------


def save_reference_record(record: models.Model, *, actor: User) -> models.Model:
    """Create or change an office, warehouse, location, right holder or holiday after the
    model's own validation (a location keeps room and classes for the lots stored in it; a
    holiday moves the deadlines of the open seizures whose window it falls in)."""
    with transaction.atomic(durable=True):
        if isinstance(record, StorageLocation) and record.pk is not None:
            # Lock it: a placement running now must not slip past the capacity being lowered.
            StorageLocation.objects.select_for_update().filter(pk=record.pk).first()
        changed_days = set()
        if isinstance(record, Holiday):
            changed_days = {
                record.date,
                *Holiday.objects.filter(pk=record.pk).values_list("date", flat=True),
            }
        record.full_clean()
        record.save()
        recompute_deadlines(changed_days)
    return record


def delete_reference_record(record: models.Model, *, actor: User) -> None:
    try:
        with transaction.atomic(durable=True):
            record.delete()
            if isinstance(record, Holiday):
                recompute_deadlines({record.date})
    except ProtectedError as error:
        raise TransitionNotAllowed(
            f"{record} is still used ({len(error.protected_objects)} records refer to it); "
            "it cannot be deleted."
        ) from error


def recompute_deadlines(days: Iterable[datetime.date]) -> int:
    """After the holiday calendar changed on `days`: recompute the statutory deadline and the
    declarant notice date of the open seizures (goods not yet destroyed or released) whose
    working-day window covers one of them. Closed cases keep the dates they were decided on.
    Answers how many seizures were recomputed."""
    custody.require_transaction()
    covers = Q()
    for day in days:
        covers |= Q(notified_on__lte=day, deadline__gte=day)
        covers |= Q(detained_on__lte=day, declarant_notice_due_on__gte=day)
    if not covers:
        return 0
    open_cases = Lot.objects.exclude(status__in=CLOSED_STATUSES).values("seizure_id")
    seizures = list(
        Seizure.objects.select_for_update().filter(covers, pk__in=open_cases).order_by("pk")
    )
    holidays = holiday_dates()
    for seizure in seizures:
        set_deadlines(seizure, holidays)
    Seizure.objects.bulk_update(seizures, ["deadline", "declarant_notice_due_on"], batch_size=500)
    return len(seizures)


# --- building blocks (run inside a service's transaction) -----------------------------------


def holiday_dates() -> frozenset[datetime.date]:
    return frozenset(Holiday.objects.values_list("date", flat=True))


def set_deadlines(seizure: Seizure, holidays: frozenset[datetime.date]) -> None:
    seizure.deadline = deadlines.statutory_deadline(
        seizure.notified_on,
        perishable=seizure.perishable,
        legal_route=seizure.legal_route,
        holidays=holidays,
    )
    seizure.declarant_notice_due_on = deadlines.declarant_notice_due(
        seizure.detained_on, legal_route=seizure.legal_route, holidays=holidays
    )


def seizure_reference(office_code: str, year: int, sequence: int) -> str:
    return f"{office_code}-{year}-{sequence:05d}"


def next_sequences(counts: dict[tuple[int, int], int]) -> dict[tuple[int, int], int]:
    """(office id, year) -> first free sequence number, for `counts` new seizures each. Locks the
    offices' rows (in id order, so two writers never deadlock) until the transaction ends: two
    intakes at one office never draw the same number; the unique constraint backs this up."""
    custody.require_transaction()
    office_ids = sorted({office_id for office_id, _ in counts})
    list(CustomsOffice.objects.select_for_update().filter(pk__in=office_ids).order_by("pk"))
    highest = {
        (row["office_id"], row["year"]): row["top"]
        for row in Seizure.objects.filter(
            office_id__in=office_ids, year__in={year for _, year in counts}
        )
        .values("office_id", "year")
        .annotate(top=Max("sequence"))
    }
    return {key: (highest.get(key) or 0) + 1 for key in counts}


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
        Lot.objects.filter(location_id__in=list(location_ids), status__in=OCCUPYING_STATUSES)
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
        [(facts, location_facts(locked[location.pk])) for facts, location in requests], by_code
    )


def blocking_placement_findings(
    placements: Sequence[tuple[Lot, StorageLocation]], *, actor: User
) -> list[tuple[tuple[Lot, StorageLocation], list[str]]]:
    """The optional cross-app hook (settings.STORAGE_PLACEMENT_CHECK, e.g. the compliance
    rulebook's storage rules), called once for a batch of (lot, location) placements with the
    lots already saved: each placement with its blocking findings ("rule: message")."""
    if not settings.STORAGE_PLACEMENT_CHECK or not placements:
        return []
    check = import_string(settings.STORAGE_PLACEMENT_CHECK)
    results = check(placements, actor=actor)
    found = []
    for placement, findings in zip(placements, results, strict=True):
        blocking = [
            f"{finding.get('rule', '')}: {finding.get('message', '')}"
            for finding in findings or []
            if finding.get("severity") == "blocking"
        ]
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


def _create_lots(
    seizure: Seizure, inputs: Sequence[LotInput], *, actor: User, first_line: int
) -> list[Lot]:
    placements = [(index, lot) for index, lot in enumerate(inputs) if lot.location is not None]
    if placements:
        refusals = placement_refusals_for_batch(
            [
                (
                    LotFacts(
                        lot_reference(seizure.reference, first_line + index),
                        lot.waste_class,
                        tuple(lot.resolved_hazard_classes),
                        lot.gross_weight_kg,
                    ),
                    lot.location,
                )
                for index, lot in placements
            ]
        )
        errors = {
            f"lots[{first_line + index - 1}].location": [str(r) for r in found]
            for (index, _), found in zip(placements, refusals, strict=True)
            if found
        }
        if errors:
            raise ValidationError(errors)
    now = timezone.now()
    status = LotStatus.ON_HOLD if seizure.on_hold else LotStatus.IN_STORAGE
    lots = Lot.objects.bulk_create(
        [
            build_lot(seizure, data, line=first_line + index, status=status, now=now)
            for index, data in enumerate(inputs)
        ]
    )
    run_placement_checks(placed(lots), actor=actor)
    custody.start_chains(lots, actor=actor, details={"seizure": seizure.reference})
    return lots


def build_lot(
    seizure: Seizure, data: LotInput, *, line: int, status: str, now: datetime.datetime
) -> Lot:
    return Lot(
        seizure=seizure,
        reference=lot_reference(seizure.reference, line),
        category=data.category,
        waste_class=data.waste_class,
        description=data.description.strip(),
        brand=(data.brand or "").strip(),
        seized_articles=data.articles,
        articles=data.articles,
        gross_weight_kg=data.gross_weight_kg,
        retail_value=data.retail_value,
        currency=data.currency,
        hazard_classes=list(data.resolved_hazard_classes),
        status=status,
        location=data.location,
        stored_since=now if data.location is not None else None,
        **{name: getattr(data, name) for name in INTAKE_FLAGS},
    )


def lot_reference(seizure_reference: str, line: int) -> str:
    return f"{seizure_reference}-{line:02d}"


def _raise_lot_errors(lots: Sequence[LotInput], *, first_line: int) -> None:
    errors: dict[str, list[str]] = {}
    for index, lot in enumerate(lots):
        lot.resolve()
        for name, messages in lot_errors(lot).items():
            errors[f"lots[{first_line + index - 1}].{name}"] = messages
    if errors:
        raise ValidationError(errors)


def _raise_case_errors(
    fields: dict,
    lots: Sequence[LotInput],
    *,
    extra_articles: int = 0,
    extra_kg: Decimal = Decimal("0"),
) -> None:
    errors = seizure_errors(
        **{name: fields[name] for name in _CASE_ARGUMENTS},
        total_articles=extra_articles + sum(lot.articles for lot in lots),
        total_weight_kg=extra_kg + sum((lot.gross_weight_kg for lot in lots), Decimal("0")),
        today=timezone.localdate(),
    )
    if errors:
        raise ValidationError(errors)


_CASE_ARGUMENTS = (
    "traffic_type",
    "customs_procedure",
    "provenance_country",
    "detained_on",
    "notified_on",
    "legal_route",
    "transport_mode",
    "ipr_type",
    "action_type",
    "perishable",
    "right_holder",
)


def _case_arguments(seizure: Seizure) -> dict:
    return {name: getattr(seizure, name) for name in _CASE_ARGUMENTS}


def _share(value: Decimal, part: int, whole: int) -> Decimal:
    if not whole:
        return Decimal("0")
    return (value * part / whole).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _decimal() -> models.DecimalField:
    return models.DecimalField(max_digits=14, decimal_places=3)

"""Cases coming in: a seizure logged with its lots (by hand, via the API or from a CSV file),
lots added later, the case data corrected; the reference numbering of seizures and lots."""

import datetime
import hashlib
from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Max, Q
from django.db.models.fields.files import FieldFile
from django.db.models.functions import Coalesce
from django.utils import timezone

from project import audit, uploads
from project.bulk import insert_new
from project.statistics import rollup_change
from project.uploads import CheckedUpload
from seizures import custody, occupancy
from seizures.intake import (
    CASE_FIELDS,
    IntakeDuplicates,
    IntakeReading,
    IntakeRejected,
    RowError,
    SeizurePlan,
    read_intake,
    sorted_errors,
)
from seizures.models import (
    LOT_INTAKE_FLAGS,
    CustomsOffice,
    IntakeBatch,
    Lot,
    LotStatus,
    RightHolder,
    Seizure,
    StorageLocation,
    TrafficType,
)
from seizures.reminders import notify_detentions
from seizures.services.amendments import (
    AGREEMENT_DATES,
    raise_case_errors,
    refuse_legal_fact_edit,
)
from seizures.services.photos import check_photos, photo_details, store_photos
from seizures.services.reference import holiday_dates, set_deadlines
from seizures.services.storage import (
    blocking_placement_findings,
    placed,
    placement_refusals_for_batch,
    run_placement_checks,
)
from seizures.storage import LotFacts
from seizures.validation import (
    CASE_ARGUMENTS,
    COURT_FIELDS,
    LotInput,
    date_range_errors,
    lot_errors,
    seizure_errors,
    text_length_errors,
)
from seizures.waste_codes import ordered_hp_properties

# Case fields a user may correct after intake. The office and the generated reference are the
# case's identity and never change.
EDITABLE_SEIZURE_FIELDS = frozenset(
    {
        *CASE_FIELDS,
        "right_holder_agreement_on",
        "declarant_agreement_on",
        "declarant_objected",
        *COURT_FIELDS,
        "notes",
    }
)


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
    photos = _raise_lot_errors(lots, first_line=1)
    notes_errors = text_length_errors({"notes": notes})
    if notes_errors:
        raise ValidationError(notes_errors)
    _raise_case_errors(fields, lots)
    with uploads.discarded_on_failure() as stored, transaction.atomic(durable=True):
        holidays = holiday_dates()
        sequence = next_sequences({(office.pk, detained_on.year): 1})[(office.pk, detained_on.year)]
        seizure = Seizure(office=office, year=detained_on.year, sequence=sequence, **fields)
        seizure.reference = seizure_reference(office.code, detained_on.year, sequence)
        seizure.created_by = actor
        set_deadlines(seizure, holidays)
        seizure.save()
        _create_lots(seizure, lots, photos, actor=actor, first_line=1, stored=stored)
        with rollup_change() as change:
            change.add(seizures=[seizure.pk])
        notify_detentions([seizure])
    return seizure


def add_lots(*, seizure: Seizure, lots: Sequence[LotInput], actor: User) -> list[Lot]:
    """Add goods lines to an existing seizure (found later, counted after unpacking)."""
    if not lots:
        raise ValidationError({"lots": ["Add at least one lot."]})
    with uploads.discarded_on_failure() as stored, transaction.atomic(durable=True):
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
        photos = _raise_lot_errors(lots, first_line=first_line)
        fields = {name: getattr(seizure, name) for name in EDITABLE_SEIZURE_FIELDS}
        _raise_case_errors(
            fields, lots, extra_articles=existing["articles"], extra_kg=existing["kg"]
        )
        with rollup_change(seizures=[seizure.pk]):
            return _create_lots(
                seizure, lots, photos, actor=actor, first_line=first_line, stored=stored
            )


def update_seizure(*, seizure: Seizure, actor: User, **changes) -> Seizure:
    """Correct or complete the case data (notification, agreements, the court proceedings and
    judgment...); the statutory deadline and the last day to start proceedings are recomputed
    from the notification date."""
    check_seizure_changes(changes)
    with transaction.atomic(durable=True):
        seizure = apply_seizure_changes(seizure, changes)
    return seizure


def check_seizure_changes(changes: dict) -> None:
    """The checks of an edit that need no database: editable fields, plausible dates."""
    unknown = set(changes) - EDITABLE_SEIZURE_FIELDS
    if unknown:
        raise ValidationError({name: ["This field cannot be changed."] for name in unknown})
    errors = {
        **date_range_errors(
            {name: changes[name] for name in AGREEMENT_DATES if name in changes},
            today=timezone.localdate(),
        ),
        **text_length_errors({"notes": changes.get("notes")}),
    }
    if errors:
        raise ValidationError(errors)


def apply_seizure_changes(seizure: Seizure, changes: dict) -> Seizure:
    """Save checked changes inside the caller's transaction: the seizure row locked, the case
    rules applied and the deadlines recomputed. update_seizure and the right holder's answers
    (services.right_holders) share it, so an agreement is recorded alike by either."""
    seizure = Seizure.objects.select_for_update().get(pk=seizure.pk)
    refuse_legal_fact_edit(seizure, changes)
    for name, value in changes.items():
        setattr(seizure, name, value)
    raise_case_errors(seizure)
    set_deadlines(seizure, holiday_dates())
    with rollup_change(seizures=[seizure.pk]):
        seizure.save()
    return seizure


def import_seizures(
    *,
    content: bytes | str,
    actor: User,
    file_name: str = "",
    confirm_duplicates: bool = False,
    idempotency_key: str = "",
) -> IntakeBatch:
    """Bulk intake (small consignments): every row of the CSV file is checked first - reading,
    case rules, storage rules and the placement hook, each on every row it can judge - and the
    whole file is refused with one per-line, per-column report (IntakeRejected) if any row is
    wrong. A file imported before (same SHA-256) or rows whose consignment numbers are already
    recorded are refused as IntakeDuplicates unless `confirm_duplicates`. Otherwise all
    seizures, lots and first custody events are created in one transaction, with bulk inserts,
    and recorded as an IntakeBatch.

    The same `idempotency_key` from the same user answers the batch of the first submission
    (a double click, a retried request) instead of importing the file again."""
    raw = content.encode() if isinstance(content, str) else content
    checksum = hashlib.sha256(raw).hexdigest()
    replayed = _replayed_batch(actor, idempotency_key, checksum)
    if replayed is not None:
        return replayed
    reading = read_intake(content)
    _refuse_out_of_scope(reading, actor)
    try:
        with transaction.atomic(durable=True):
            # Inserted first: a concurrent submission with the same key waits here on the
            # unique constraint, then fails and answers this batch (below).
            batch = IntakeBatch.objects.create(
                checksum=checksum,
                file_name=file_name[:255],
                encoding=reading.encoding,
                delimiter=reading.delimiter,
                idempotency_key=idempotency_key,
                created_by=actor,
            )
            _import_reading(reading, batch, actor=actor, confirm=confirm_duplicates)
    except IntegrityError:
        replayed = _replayed_batch(actor, idempotency_key, checksum)
        if replayed is None:
            raise
        return replayed
    return batch


def _refuse_out_of_scope(reading: IntakeReading, actor: User) -> None:
    """Rows naming an office the importer does not work for, or a location they cannot see
    (seizures.scoping), are errors, as the single intake offers only those. Such a seizure is
    not numbered and such a lot not placed: numbering would lock the other office's row and the
    storage checks would report on its location."""
    offices = set(CustomsOffice.objects.visible_to(actor).values_list("pk", flat=True))
    locations = set(StorageLocation.objects.visible_to(actor).values_list("pk", flat=True))
    for plan in reading.plans:
        office = plan.fields["office"]
        if office is not None and office.pk not in offices:
            reading.errors.append(
                RowError(
                    plan.line,
                    "office",
                    f"Customs office {office.code} is not one of your offices: you cannot "
                    "log its seizures.",
                )
            )
            plan.fields["office"] = None
        kept = []
        for lot in plan.lots:
            location = lot.data.location
            if location is None or location.pk in locations:
                kept.append(lot)
            else:
                reading.errors.append(
                    RowError(lot.line, "location", f"Unknown location {location.code!r}.")
                )
        plan.lots = kept


def _import_reading(
    reading: IntakeReading, batch: IntakeBatch, *, actor: User, confirm: bool
) -> None:
    # Seizures need an office and a date for their reference, which lot messages name.
    plans = [plan for plan in reading.plans if plan.fields["office"] is not None]
    plans = [plan for plan in plans if plan.fields["detained_on"] is not None]
    # Numbering locks the file's offices: two imports of one file run one after the other, so
    # the second sees the first's batch and consignment numbers below.
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
    duplicates = _duplicate_errors(reading.plans, batch, actor=actor) if not errors else []
    if duplicates and not confirm:
        raise IntakeDuplicates(sorted_errors(duplicates))
    lots, lines = _save_intake(clean)
    errors += _intake_hook_errors(lots, lines, actor=actor)
    if errors:
        raise IntakeRejected(sorted_errors(errors))
    custody.start_chains(lots, actor=actor, details={"intake": "csv", "batch": batch.pk})
    created = [seizure for _, seizure in clean]
    with rollup_change() as change:
        change.add(seizures=[seizure.pk for seizure in created])
    if duplicates:
        batch.duplicates_confirmed = True
        batch.save(update_fields=["duplicates_confirmed"])
    IntakeBatch.seizures.through.objects.bulk_create(
        [
            IntakeBatch.seizures.through(intakebatch_id=batch.pk, seizure_id=seizure.pk)
            for seizure in created
        ],
        batch_size=1000,
    )
    # Bulk inserts send no signals: the audit trail is written here, in bulk too.
    audit.record_created(created, actor=actor)
    audit.record_created(lots, actor=actor)
    notify_detentions(created)


def _replayed_batch(actor: User, idempotency_key: str, checksum: str) -> IntakeBatch | None:
    """The batch a submission with this key already created, if any; a key reused for another
    file is refused rather than answered with the wrong batch."""
    if not idempotency_key:
        return None
    batch = IntakeBatch.objects.filter(created_by=actor, idempotency_key=idempotency_key).first()
    if batch is not None and batch.checksum != checksum:
        raise ValidationError(
            {
                "idempotency_key": [
                    f"This key was already used for another file (intake batch {batch.pk}); "
                    "send a new key with a new file."
                ]
            }
        )
    return batch


def _duplicate_errors(
    plans: Sequence[SeizurePlan], batch: IntakeBatch, *, actor: User
) -> list[RowError]:
    """What makes the file look imported already: an earlier batch with the same checksum, and
    consignment numbers already recorded or given to two seizures of the file. Duplicates in
    offices the importer does not see are flagged too, without naming their batch or case."""
    visible_batches = IntakeBatch.objects.visible_to(actor).values("pk")
    errors = [
        RowError(
            1,
            "file",
            f"This file was already imported on {earlier.created_at:%Y-%m-%d %H:%M} by "
            + (
                f"{earlier.created_by} (intake batch {earlier.pk})."
                if earlier.visible
                else "another office."
            ),
        )
        for earlier in IntakeBatch.objects.filter(checksum=batch.checksum)
        .exclude(pk=batch.pk)
        .annotate(visible=Q(pk__in=visible_batches))
        .select_related("created_by")
        .order_by("created_at")[:1]
    ]
    numbered = [plan for plan in plans if plan.fields["consignment_number"]]
    recorded: dict[str, list[str]] = defaultdict(list)
    for number, reference, visible in (
        Seizure.objects.filter(
            consignment_number__in={plan.fields["consignment_number"] for plan in numbered}
        )
        .annotate(visible=Q(pk__in=Seizure.objects.visible_to(actor).values("pk")))
        .order_by("reference")
        .values_list("consignment_number", "reference", "visible")
    ):
        recorded[number].append(
            f"seizure {reference}" if visible else "a seizure of another office"
        )
    first_line: dict[str, int] = {}
    for plan in numbered:
        number = plan.fields["consignment_number"]
        if recorded[number]:
            errors.append(
                RowError(
                    plan.line,
                    "consignment_number",
                    f"Consignment number {number} is already recorded: "
                    f"{', '.join(dict.fromkeys(recorded[number]))}.",
                )
            )
        if number in first_line:
            errors.append(
                RowError(
                    plan.line,
                    "consignment_number",
                    f"Consignment number {number} is also on line {first_line[number]}, "
                    "another seizure of this file.",
                )
            )
        first_line.setdefault(number, plan.line)
    return errors


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
    insert_new([seizure for _, seizure in clean])
    now = timezone.now()
    rows = [
        (build_lot(seizure, lot.data, line=number, status=LotStatus.IN_STORAGE, now=now), lot.line)
        for plan, seizure in clean
        for number, lot in enumerate(plan.lots, start=1)
    ]
    lots = [lot for lot, _ in rows]
    insert_new(lots)
    occupancy.count_in(lots)
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


def _create_lots(
    seizure: Seizure,
    inputs: Sequence[LotInput],
    photos: Sequence[Sequence[CheckedUpload]],
    *,
    actor: User,
    first_line: int,
    stored: list[FieldFile],
) -> list[Lot]:
    """The lots with their first custody event, naming the photos taken of each (one list per
    lot in `photos`), which are stored with it."""
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
    occupancy.count_in(lots)
    run_placement_checks(placed(lots), actor=actor)
    custody.start_chains(
        lots,
        actor=actor,
        details={"seizure": seizure.reference},
        lot_details=[photo_details(taken) for taken in photos],
    )
    if any(photos):
        events = custody.first_events(lots)
        for lot, event, taken in zip(lots, events, photos, strict=True):
            store_photos(lot, event, taken, actor=actor, stored=stored)
    audit.record_created(lots, actor=actor)
    return lots


def build_lot(
    seizure: Seizure, data: LotInput, *, line: int, status: str, now: datetime.datetime
) -> Lot:
    return Lot(
        seizure=seizure,
        office_id=seizure.office_id,
        reference=lot_reference(seizure.reference, line),
        category=data.category,
        waste_class=data.waste_class,
        description=data.description.strip(),
        brand=(data.brand or "").strip(),
        seized_articles=data.articles,
        articles=data.articles,
        gross_weight_kg=data.gross_weight_kg,
        net_weight_kg=data.net_weight_kg,
        volume_l=data.volume_l,
        retail_value=data.retail_value,
        currency=data.currency,
        hazard_classes=list(data.resolved_hazard_classes),
        ewc_code=data.resolved_ewc_code,
        ewc_reason=data.recorded_ewc_reason,
        hp_properties=ordered_hp_properties(data.hp_properties),
        status=status,
        location=data.location,
        stored_since=now if data.location is not None else None,
        **{name: getattr(data, name) for name in LOT_INTAKE_FLAGS},
    )


def lot_reference(seizure_reference: str, line: int) -> str:
    return f"{seizure_reference}-{line:02d}"


def _raise_lot_errors(lots: Sequence[LotInput], *, first_line: int) -> list[list[CheckedUpload]]:
    """Refuse the lines with every error at once, or answer each line's checked photos."""
    errors: dict[str, list[str]] = {}
    photos = []
    for index, lot in enumerate(lots):
        lot.resolve()
        prefix = f"lots[{first_line + index - 1}]."
        for name, messages in lot_errors(lot).items():
            errors[prefix + name] = messages
        try:
            photos.append(check_photos(lot.photos, field="photos"))
        except ValidationError as error:
            errors[prefix + "photos"] = error.message_dict["photos"]
    if errors:
        raise ValidationError(errors)
    return photos


def _raise_case_errors(
    fields: dict,
    lots: Sequence[LotInput],
    *,
    extra_articles: int = 0,
    extra_kg: Decimal = Decimal("0"),
) -> None:
    errors = seizure_errors(
        **{name: fields[name] for name in CASE_ARGUMENTS},
        total_articles=extra_articles + sum(lot.articles for lot in lots),
        total_weight_kg=extra_kg + sum((lot.gross_weight_kg for lot in lots), Decimal("0")),
        today=timezone.localdate(),
    )
    if errors:
        raise ValidationError(errors)


def _decimal() -> models.DecimalField:
    return models.DecimalField(max_digits=14, decimal_places=3)

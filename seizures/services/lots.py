"""Changes to a lot in the warehouse: reclassification, samples taken out of it, release from
customs control (one lot, or every lot whose court proceedings were not started in time)."""

import datetime
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from project import uploads
from project.errors import TransitionNotAllowed
from project.statistics import rollup_change
from seizures import custody, occupancy
from seizures.categories import default_hazard_classes
from seizures.models import (
    INTAKE_FLAGS,
    CustodyEvent,
    Lot,
    LotStatus,
    SamplePurpose,
    Seizure,
    StorageLocation,
)
from seizures.services.amendments import lot_amendment_url
from seizures.services.photos import check_photos, photo_details, store_photos
from seizures.services.storage import (
    blocking_placement_findings,
    classification_of,
    location_facts,
    lots_present,
    placed,
    run_placement_checks,
    storage_rule_severities,
)
from seizures.storage import (
    CONDITION_STATUSES,
    RECLASSIFIABLE_STATUSES,
    SAMPLEABLE_STATUSES,
    LotFacts,
    classification_refusals,
)
from seizures.validation import classification_errors, resolved_code, waste_code_errors
from seizures.waste_codes import default_code, ordered_hp_properties

Kind = CustodyEvent.Kind


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
    ewc_code: str | None = None,
    hp_properties: Sequence[str] | None = None,
) -> Lot:
    """Correct what a lot is after intake (a parcel of "toys" holds lithium batteries): its
    waste class, UN hazard classes (None: the digest B18 defaults of the waste class), intake
    flags (None: keep the lot's, read under the lock), List of Waste code (None or "": the
    default of the new classification; another one keeps the reason as its EWC reason) and
    hazardous properties (None: keep the lot's). A placed lot must still meet the storage rules
    and the placement hook where it stands; the `reclassified` event keeps the values before and
    after, and the reason."""
    reason = (reason or "").strip()
    _raise_reclassification_errors(waste_class, hazard_classes, reason)
    flags = {
        "controlled_substances": controlled_substances,
        "cytotoxic": cytotoxic,
        "contains_asbestos": contains_asbestos,
        "high_risk": high_risk,
    }
    with transaction.atomic(durable=True):
        _, current = _lock_case_and_lot(lot)
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
        after["hp_properties"] = (
            list(current.hp_properties)
            if hp_properties is None
            else ordered_hp_properties(hp_properties)
        )
        default = default_code(
            category=current.category,
            waste_class=waste_class,
            hazard_classes=after["hazard_classes"],
            cytotoxic=after["cytotoxic"],
            contains_asbestos=after["contains_asbestos"],
        )
        errors = waste_code_errors(
            ewc_code,
            default,
            reason,
            after["hp_properties"] if hp_properties is None else hp_properties,
        )
        if errors:
            raise ValidationError(errors)
        after["ewc_code"] = resolved_code(ewc_code, default)
        if after == before:
            raise ValidationError(
                {"lot": [f"Nothing to change: lot {current.reference} is already so classified."]}
            )
        if current.location is not None:
            _refuse_storage_conflicts(current, after)
        ewc_reason = "" if after["ewc_code"] == default else reason
        Lot.objects.filter(pk=current.pk).update(
            **after, ewc_reason=ewc_reason, updated_at=timezone.now()
        )
        for name, value in after.items():
            setattr(current, name, value)
        # The hook reads what the location holds from the database: it judges the saved lot,
        # and a blocking finding rolls the change back with the transaction.
        run_placement_checks(placed([current]), actor=actor)
        custody.record_in_place(
            current,
            Kind.RECLASSIFIED,
            actor=actor,
            details={"before": before, "after": after, "reason": reason},
        )
    current.refresh_from_db()
    return current


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
        "hold can be reclassified. Correct a lot that has left storage by an amendment with a "
        f"reason (POST {lot_amendment_url(lot.pk)})."
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
        facts, location_facts(location), present.get(location.pk, []), storage_rule_severities()
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
        _, parent = _lock_case_and_lot(lot)
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
        # The sample carries its share of the value, so lot totals never count it twice; the same
        # for the measures a certificate states (net weight, volume) where they were recorded.
        value = _share(parent.retail_value, articles, parent.articles)
        net_weight = _measure_share(parent.net_weight_kg, articles, parent.articles)
        volume = _measure_share(parent.volume_l, articles, parent.articles)
        family = Lot.objects.filter(Q(pk=parent.pk) | Q(parent_id=parent.pk))
        with rollup_change(seizures=[parent.seizure_id]), occupancy.tracking(family):
            updated = Lot.objects.filter(
                pk=parent.pk,
                status=parent.status,
                articles=parent.articles,
                gross_weight_kg=parent.gross_weight_kg,
            ).update(
                articles=F("articles") - articles,
                gross_weight_kg=F("gross_weight_kg") - weight,
                net_weight_kg=F("net_weight_kg") - (net_weight or 0),
                volume_l=F("volume_l") - (volume or 0),
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
                office_id=parent.office_id,
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
                net_weight_kg=net_weight,
                volume_l=volume,
                retail_value=value,
                currency=parent.currency,
                hazard_classes=list(parent.hazard_classes),
                ewc_code=parent.ewc_code,
                ewc_reason=parent.ewc_reason,
                hp_properties=list(parent.hp_properties),
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


def _share(value: Decimal, part: int, whole: int) -> Decimal:
    if not whole:
        return Decimal("0")
    return (value * part / whole).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _measure_share(value: Decimal | None, part: int, whole: int) -> Decimal | None:
    """A sample's share of a measure in kg or litres (None stays None: not measured)."""
    if value is None or not whole:
        return None
    return (value * part / whole).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)


def release_lot(*, lot: Lot, reason: str, actor: User) -> Lot:
    """Release a lot from customs control (found genuine, right holder did not act): it leaves
    the warehouse. Refused while the seizure is under a legal hold."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ["Give the reason for the release."]})
    with transaction.atomic(durable=True):
        seizure, current = _lock_case_and_lot(lot)
        if seizure.on_hold:
            raise TransitionNotAllowed(
                f"Seizure {seizure.reference} is under a legal hold; lift it before releasing."
            )
        if current.status != LotStatus.IN_STORAGE:
            raise TransitionNotAllowed(
                f"Lot {current.reference} is {current.get_status_display().lower()}; only lots in "
                "storage can be released."
            )
        with rollup_change(seizures=[current.seizure_id]):
            custody.change_lot_status(
                [current.pk], expected=LotStatus.IN_STORAGE, new=LotStatus.RELEASED, location=None
            )
            custody.record_in_place(
                current,
                Kind.RELEASED,
                actor=actor,
                details={"reason": reason},
            )
    current.refresh_from_db()
    return current


def record_lot_condition(
    *,
    lot: Lot,
    damaged: bool,
    note: str,
    actor: User,
    photos: Sequence[UploadedFile] = (),
) -> Lot:
    """Record that a lot is found damaged, swollen or leaking, or no longer so (X-CC-04, BAT-S2),
    with photos as evidence if given (their hashes in the event). What was found is recorded,
    not refused: where the lot stands it may now breach the storage rules (a damaged lot belongs
    in quarantine), so the placement hook runs and its blocking findings go into the
    `condition_recorded` event, telling where the lot must go."""
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": ["Say what was found (e.g. swollen cells, leaking drums)."]})
    if not isinstance(damaged, bool):
        raise ValidationError({"damaged": ["Give true or false."]})
    checked = check_photos(photos, field="photos")
    with uploads.discarded_on_failure() as stored, transaction.atomic(durable=True):
        current = _lock_lot(lot)
        if current.status not in CONDITION_STATUSES:
            raise TransitionNotAllowed(
                f"Lot {current.reference} is {current.get_status_display().lower()}; its "
                "condition can no longer be recorded."
            )
        if current.damaged == damaged:
            state = "damaged" if damaged else "not damaged"
            raise ValidationError({"damaged": [f"Lot {current.reference} is already {state}."]})
        Lot.objects.filter(pk=current.pk).update(damaged=damaged, updated_at=timezone.now())
        current.damaged = damaged
        breaches = [
            finding
            for _, findings in blocking_placement_findings(placed([current]), actor=actor)
            for finding in findings
        ]
        event = custody.record_in_place(
            current,
            Kind.CONDITION_RECORDED,
            actor=actor,
            details={
                "damaged": damaged,
                "note": note,
                "storage_breaches": breaches,
                **photo_details(checked),
            },
        )
        store_photos(current, event, checked, actor=actor, stored=stored)
    current.refresh_from_db()
    return current


def release_overdue_court_cases(*, actor: User, today: datetime.date | None = None) -> list[Lot]:
    """X-LB-05 (Reg. 608/2013 Art. 23(3)): the right holder did not start proceedings by the
    last day allowed, so the goods are released - the law leaves no choice, hence a daily run
    rather than a proposal. Releases every lot in storage of such seizures with a `released`
    custody event giving the reason; lots of a seizure under a legal hold stay, since the hold
    stops every disposal, release included. Answers the released lots."""
    today = today or timezone.localdate()
    with transaction.atomic(durable=True):
        # Seizures, then lots (the order of place_hold and release_lot).
        overdue = list(
            Seizure.objects.select_for_update()
            .filter(pk__in=Lot.objects.proceedings_overdue(today=today).values("seizure_id"))
            .order_by("pk")
        )
        lots = list(
            Lot.objects.select_for_update(of=("self",))
            .select_related("location")
            # Re-read under the seizure locks: a hold placed meanwhile keeps its lots.
            .filter(seizure__in=overdue, seizure__on_hold=False, status=LotStatus.IN_STORAGE)
            .order_by("pk")
        )
        if not lots:
            return []
        with rollup_change(seizures={lot.seizure_id for lot in lots}):
            custody.change_lot_status(
                [lot.pk for lot in lots],
                expected=LotStatus.IN_STORAGE,
                new=LotStatus.RELEASED,
                location=None,
            )
            seizures = {seizure.pk: seizure for seizure in overdue}
            for lot in lots:
                custody.record_in_place(
                    lot,
                    Kind.RELEASED,
                    actor=actor,
                    details={
                        "reason": _overdue_reason(seizures[lot.seizure_id]),
                        "rule": "X-LB-05",
                    },
                )
    return lots


def _overdue_reason(seizure: Seizure) -> str:
    due = f"{seizure.proceedings_due_on:%Y-%m-%d}"
    if seizure.proceedings_started_on is None:
        return f"X-LB-05: no court proceedings were started by {due} (Art. 23(3))."
    return (
        f"X-LB-05: the court proceedings started on {seizure.proceedings_started_on:%Y-%m-%d}, "
        f"after the last day {due} (Art. 23(3))."
    )


def _lock_case_and_lot(lot: Lot) -> tuple[Seizure, Lot]:
    """Lock the lot's seizure, then the lot: the order of place_hold and lift_hold, so they
    never deadlock and a hold cannot slip in between. The lot is re-read with its location,
    which its row lock keeps a concurrent move from making stale."""
    seizure = Seizure.objects.select_for_update().get(pk=lot.seizure_id)
    return seizure, _lock_lot(lot)


def _lock_lot(lot: Lot) -> Lot:
    return Lot.objects.select_for_update(of=("self",)).select_related("location").get(pk=lot.pk)

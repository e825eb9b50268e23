"""Amendments, not edits: once a case's goods have left storage (allocated, dispatched, destroyed
or released), its legal facts and its lots' classification are what a destruction or a release
was decided on. They change only through an amendment: who, when, a required reason, the values
before and after (an `Amendment` row) and an `amended` event on each affected lot's chain.

Certificates are not touched here (seizures does not know them): the review queue and the public
verification page read the `amended` events of a certificate's lots after its issue.
"""

import datetime

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models.functions import Coalesce
from django.utils import timezone

from project import audit
from project.errors import TransitionNotAllowed
from project.statistics import rollup_change
from project.users import display_name
from seizures import custody
from seizures.models import (
    CLASSIFICATION_FIELDS,
    Amendment,
    CustodyEvent,
    Lot,
    LotStatus,
    RightHolder,
    Seizure,
)
from seizures.services.reference import holiday_dates, set_deadlines
from seizures.validation import (
    CASE_ARGUMENTS,
    COURT_FIELDS,
    MAX_TEXT,
    classification_errors,
    court_case_errors,
    date_range_errors,
    seizure_errors,
)

# The statuses of a lot that has left storage: what was decided on it must not change silently.
LEFT_STORAGE = frozenset(
    {LotStatus.ALLOCATED, LotStatus.IN_TRANSIT, LotStatus.DESTROYED, LotStatus.RELEASED}
)
# A case's legal facts: the route, the agreements and their dates, the court data, the IP right,
# the provenance and the right holder.
LEGAL_FACTS = (
    "legal_route",
    "right_holder_agreement_on",
    "declarant_agreement_on",
    "declarant_objected",
    "court_reference",
    "ipr_type",
    "provenance_country",
    "right_holder",
)
AGREEMENT_DATES = ("right_holder_agreement_on", "declarant_agreement_on")


def seizure_amendment_url(seizure_id: int) -> str:
    return f"/api/v1/seizures/{seizure_id}/amend/"


def lot_amendment_url(lot_id: int) -> str:
    return f"/api/v1/lots/{lot_id}/amend/"


def has_left_storage(seizure: Seizure) -> bool:
    return Lot.objects.filter(seizure=seizure, status__in=LEFT_STORAGE).exists()


def refuse_legal_fact_edit(seizure: Seizure, changes: dict) -> None:
    """A plain edit that would change a legal fact of a case whose goods left storage is a
    conflict naming the amendment endpoint. Values given unchanged pass (a form sends them all)."""
    changed = [name for name in LEGAL_FACTS if name in changes and _differs(seizure, name, changes)]
    if changed and has_left_storage(seizure):
        raise TransitionNotAllowed(
            f"Goods of seizure {seizure.reference} have left storage: "
            f"{', '.join(changed)} change only by an amendment with a reason "
            f'(POST {seizure_amendment_url(seizure.pk)} with {{"changes": {{...}}, '
            '"reason": "..."}).'
        )


def amend_seizure(*, seizure: Seizure, actor: User, changes: dict, reason: str) -> Amendment:
    """Change legal facts of a case (see LEGAL_FACTS) with a reason. The case rules judge the
    result like any edit; the deadlines follow the new route. Every lot of the case gets an
    `amended` event: the facts apply to all its goods."""
    reason = _clean_reason(reason)
    errors = {name: ["This is not a legal fact of the case."] for name in changes}
    for name in LEGAL_FACTS:
        errors.pop(name, None)
    if not changes:
        errors["changes"] = ["Give at least one value to change."]
    errors.update(_agreement_date_errors(changes))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic(durable=True):
        current = (
            Seizure.objects.select_for_update(of=("self",))
            .select_related("right_holder")
            .get(pk=seizure.pk)
        )
        changed = [name for name in changes if _differs(current, name, changes)]
        if not changed:
            raise ValidationError({"changes": ["Nothing to change: the case already says so."]})
        before = {name: _stored(current, name) for name in changed}
        for name in changed:
            setattr(current, name, changes[name])
        raise_case_errors(current)
        set_deadlines(current, holiday_dates())
        with rollup_change(seizures=[current.pk]):
            current.save()
        after = {name: _stored(current, name) for name in changed}
        amendment = _record(
            seizure=current, lot=None, actor=actor, reason=reason, before=before, after=after
        )
        lots = list(Lot.objects.filter(seizure=current).order_by("pk"))
        custody.append_events(
            lots, CustodyEvent.Kind.AMENDED, actor=actor, details=_details(amendment)
        )
    return amendment


def amend_lot(*, lot: Lot, actor: User, changes: dict, reason: str) -> Amendment:
    """Correct the classification of a lot that has left storage (a lot in storage is
    reclassified instead, under the storage rules of where it stands)."""
    reason = _clean_reason(reason)
    errors = {name: ["This is not part of the lot's classification."] for name in changes}
    for name in CLASSIFICATION_FIELDS:
        errors.pop(name, None)
    if not changes:
        errors["changes"] = ["Give at least one value to change."]
    if "waste_class" in changes or "hazard_classes" in changes:
        hazard_classes = changes.get("hazard_classes") or []
        if not isinstance(hazard_classes, list):
            errors["hazard_classes"] = ["Give a list of UN hazard classes."]
        else:
            errors.update(classification_errors(changes.get("waste_class"), hazard_classes))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic(durable=True):
        current = Lot.objects.select_for_update().get(pk=lot.pk)
        if current.status not in LEFT_STORAGE:
            raise TransitionNotAllowed(
                f"Lot {current.reference} is {current.get_status_display().lower()}: reclassify "
                "it; amendments are for lots that have left storage."
            )
        changed = [name for name in changes if getattr(current, name) != changes[name]]
        if not changed:
            raise ValidationError({"changes": ["Nothing to change: the lot is already so."]})
        before = {name: getattr(current, name) for name in changed}
        after = {name: changes[name] for name in changed}
        with rollup_change(lots=[current.pk]):
            Lot.objects.filter(pk=current.pk).update(**after, updated_at=timezone.now())
        audit.record_changed(
            Lot,
            current.pk,
            {name: (before[name], after[name]) for name in changed},
            object_repr=current.reference,
        )
        amendment = _record(
            seizure_id=current.seizure_id,
            lot=current,
            actor=actor,
            reason=reason,
            before=before,
            after=after,
        )
        custody.append_event(
            current,
            CustodyEvent.Kind.AMENDED,
            actor=actor,
            quantity=current.articles,
            details=_details(amendment),
        )
    return amendment


def _record(*, actor: User, reason: str, before: dict, after: dict, **target) -> Amendment:
    amendment = Amendment(
        occurred_at=timezone.now(),
        actor=actor,
        actor_name=display_name(actor),
        reason=reason,
        before=before,
        after=after,
        **target,
    )
    amendment.save()
    return amendment


def _details(amendment: Amendment) -> dict:
    """What the custody event keeps: enough to read the change from the chain alone."""
    return {
        "amendment": amendment.pk,
        "reason": amendment.reason,
        "before": amendment.before,
        "after": amendment.after,
    }


def _clean_reason(reason: str | None) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ["Give the reason for the amendment."]})
    if len(reason) > MAX_TEXT:
        raise ValidationError({"reason": [f"Keep the reason under {MAX_TEXT:,} characters."]})
    return reason


def _agreement_date_errors(changes: dict) -> dict[str, list[str]]:
    dates = {name: changes[name] for name in AGREEMENT_DATES if name in changes}
    return date_range_errors(dates, today=timezone.localdate())


def raise_case_errors(seizure: Seizure) -> None:
    """The case rules on a seizure's (changed, unsaved) values with the totals of its lots: an
    edit and an amendment are judged alike."""
    totals = Lot.objects.filter(seizure=seizure, parent__isnull=True).aggregate(
        articles=Coalesce(models.Sum("seized_articles"), 0),
        kg=Coalesce(
            models.Sum("gross_weight_kg"),
            models.Value(0, output_field=models.DecimalField()),
            output_field=models.DecimalField(max_digits=14, decimal_places=3),
        ),
    )
    today = timezone.localdate()
    errors = seizure_errors(
        **{name: getattr(seizure, name) for name in CASE_ARGUMENTS},
        total_articles=totals["articles"],
        total_weight_kg=totals["kg"],
        today=today,
    )
    for name, messages in court_case_errors(
        **{name: getattr(seizure, name) for name in COURT_FIELDS},
        legal_route=seizure.legal_route,
        declarant_objected=seizure.declarant_objected,
        perishable=seizure.perishable,
        detained_on=seizure.detained_on,
        today=today,
    ).items():
        errors.setdefault(name, []).extend(messages)
    if errors:
        raise ValidationError(errors)


def _differs(seizure: Seizure, name: str, changes: dict) -> bool:
    return _comparable(getattr(seizure, name)) != _comparable(changes[name])


def _comparable(value: object) -> object:
    """Compare a stored value with a given one: a country object with its code, a right holder
    with its id."""
    if isinstance(value, RightHolder):
        return value.pk
    if hasattr(value, "code"):
        return value.code
    return value


def _stored(seizure: Seizure, name: str) -> object:
    """A value as the amendment keeps it (JSON): dates in ISO form, the right holder by id and
    name."""
    value = getattr(seizure, name)
    if isinstance(value, RightHolder):
        return {"id": value.pk, "name": value.name}
    if isinstance(value, datetime.date):
        return value.isoformat()
    if hasattr(value, "code"):
        return value.code
    return value

"""What a right holder's user answers on a case, through the portal or the API (Reg. 608/2013):
confirm the infringement, agree to or refuse destruction (Art. 23(1)(a)), ask for samples
(Art. 19), ask for more time to start proceedings (Art. 23(4)). Each answer is a RightHolderAct
and a `right_holder_act` custody event on every lot of the seizure, in one transaction; the
agreement is saved by the same code as an agreement entered by customs (apply_seizure_changes),
so the lots become eligible for destruction alike."""

import datetime

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from project.errors import TransitionNotAllowed
from project.users import display_name
from seizures import custody
from seizures.deadlines import MAX_PROCEEDINGS_EXTENSION_DAYS
from seizures.models import CustodyEvent, Lot, RightHolderAct, Seizure
from seizures.scoping import scope_of
from seizures.services.intake import apply_seizure_changes, check_seizure_changes
from seizures.validation import MAX_TEXT

Kind = RightHolderAct.Kind
MAX_SAMPLE_ARTICLES = 1000


def confirm_infringement(*, seizure: Seizure, actor: User, note: str = "") -> RightHolderAct:
    """The right holder confirms that the detained goods infringe its right."""
    note = _text(note, "note", required=False)
    with transaction.atomic(durable=True):
        current = _locked_case(seizure, actor)
        return _record(current, Kind.CONFIRMED_INFRINGEMENT, actor=actor, reason=note)


def agree_to_destruction(
    *, seizure: Seizure, actor: User, agreed_on: datetime.date
) -> RightHolderAct:
    """The right holder's agreement to destruction, with its date (Art. 23(1)(a)): saved on the
    seizure exactly as customs would record it."""
    if agreed_on is None:
        raise ValidationError({"agreed_on": ["Give the date of the agreement."]})
    changes = {"right_holder_agreement_on": agreed_on}
    try:
        check_seizure_changes(changes)
    except ValidationError as error:
        messages = error.message_dict["right_holder_agreement_on"]
        raise ValidationError({"agreed_on": messages}) from error
    with transaction.atomic(durable=True):
        current = _locked_case(seizure, actor)
        try:
            apply_seizure_changes(current, changes)
        except TransitionNotAllowed as conflict:
            # Goods already gone: only customs amend the legal facts, with a reason.
            raise TransitionNotAllowed(
                f"Goods of {current.reference} have left storage: ask customs to amend the "
                "agreement."
            ) from conflict
        return _record(current, Kind.AGREED_TO_DESTRUCTION, actor=actor, effective_on=agreed_on)


def refuse_destruction(*, seizure: Seizure, actor: User, reason: str) -> RightHolderAct:
    """The right holder does not agree to destruction. Once an agreement is recorded, only
    customs can withdraw it (it may already have made the goods eligible)."""
    reason = _text(reason, "reason")
    with transaction.atomic(durable=True):
        current = _locked_case(seizure, actor)
        if current.right_holder_agreement_on is not None:
            raise TransitionNotAllowed(
                f"The agreement to destroy the goods of {current.reference} is recorded "
                f"({current.right_holder_agreement_on:%d/%m/%Y}); ask customs to withdraw it."
            )
        return _record(current, Kind.REFUSED_DESTRUCTION, actor=actor, reason=reason)


def request_samples(*, seizure: Seizure, actor: User, articles: int, reason: str) -> RightHolderAct:
    """Samples asked for analysis (Art. 19); customs take them with the sample service."""
    errors: dict[str, list[str]] = {}
    if not isinstance(articles, int) or not 1 <= articles <= MAX_SAMPLE_ARTICLES:
        errors["articles"] = [f"Ask for 1 to {MAX_SAMPLE_ARTICLES} articles."]
    try:
        reason = _text(reason, "reason")
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic(durable=True):
        current = _locked_case(seizure, actor)
        return _record(
            current,
            Kind.REQUESTED_SAMPLES,
            actor=actor,
            reason=reason,
            articles_requested=articles,
        )


def request_extension(*, seizure: Seizure, actor: User, days: int, reason: str) -> RightHolderAct:
    """More time to start court proceedings, with the reason (Art. 23(4)): up to 10 working
    days; customs decide and record the extension on the court route."""
    errors: dict[str, list[str]] = {}
    if not isinstance(days, int) or not 1 <= days <= MAX_PROCEEDINGS_EXTENSION_DAYS:
        errors["days"] = [f"Ask for 1 to {MAX_PROCEEDINGS_EXTENSION_DAYS} working days."]
    try:
        reason = _text(reason, "reason")
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic(durable=True):
        current = _locked_case(seizure, actor)
        if not current.on_court_route:
            raise TransitionNotAllowed(
                f"Seizure {current.reference} is not on the court route: there is no deadline "
                "to start proceedings to extend."
            )
        return _record(
            current,
            Kind.REQUESTED_EXTENSION,
            actor=actor,
            reason=reason,
            extension_days_requested=days,
        )


def _text(value: str | None, field: str, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: ["This field is required."]})
    if len(value) > MAX_TEXT:
        raise ValidationError({field: [f"Keep this under {MAX_TEXT:,} characters."]})
    return value


def _locked_case(seizure: Seizure, actor: User) -> Seizure:
    """The seizure, locked, when the actor answers for its right holder."""
    right_holder_id = scope_of(actor).right_holder_id
    current = Seizure.objects.select_for_update().get(pk=seizure.pk)
    if right_holder_id is None or current.right_holder_id != right_holder_id:
        raise PermissionDenied("Only the right holder of this case can answer for it.")
    return current


def _record(seizure: Seizure, kind: str, *, actor: User, **fields) -> RightHolderAct:
    now = timezone.now()
    fields.setdefault("effective_on", timezone.localdate(now))
    act = RightHolderAct.objects.create(
        seizure=seizure,
        right_holder_id=seizure.right_holder_id,
        kind=kind,
        actor=actor,
        actor_name=display_name(actor),
        recorded_at=now,
        **fields,
    )
    lots = Lot.objects.select_for_update().filter(seizure_id=seizure.pk).order_by("pk")
    details = {
        "act": kind,
        "right_holder": seizure.right_holder_id,
        "effective_on": act.effective_on.isoformat(),
        **({"reason": act.reason} if act.reason else {}),
        **({"articles": act.articles_requested} if act.articles_requested else {}),
        **({"days": act.extension_days_requested} if act.extension_days_requested else {}),
    }
    custody.append_events(
        list(lots), CustodyEvent.Kind.RIGHT_HOLDER_ACT, actor=actor, details=details
    )
    return act

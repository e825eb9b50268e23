"""Proposals for planning destruction (issue 14, item 1), as the planner page and the API ask
for them: the lots are checked here (they exist, may be destroyed on the planned date: the
eligibility rule the order services apply), then settings.DESTRUCTION_PROPOSALS (the compliance
app, by dotted path: destruction never imports it) proposes a method and a facility per lot with
the rulebook's verdict and findings."""

import datetime
from collections.abc import Mapping, Sequence

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.module_loading import import_string

from destruction.eligibility import LotFacts, lot_refusals
from project.compliance import LineProposal, PlanChoice, PlanOption, Verdict
from seizures.models import Lot

MAX_PROPOSED_LOTS = 500


def propose(
    lot_ids: Sequence[int],
    *,
    planned_on: datetime.date | None,
    choices: Mapping[int, PlanChoice] | None = None,
) -> list[LineProposal]:
    """A proposal per lot, in the order given. ValidationError (keys `lots`, `planned_on`) for
    unknown lots, lots that may not be destroyed on that day, or a day in the past."""
    errors: dict[str, list[str]] = {}
    today = timezone.localdate()
    if planned_on is None or planned_on < today:
        errors["planned_on"] = ["Plan the destruction for today or a later day."]
    ids = list(dict.fromkeys(lot_ids))
    if not ids:
        errors["lots"] = ["Choose at least one lot."]
    elif len(ids) > MAX_PROPOSED_LOTS:
        errors["lots"] = [f"At most {MAX_PROPOSED_LOTS} lots at once."]
    if errors:
        raise ValidationError(errors)
    lots = {lot.pk: lot for lot in Lot.objects.select_related("seizure").filter(pk__in=ids)}
    missing = [str(pk) for pk in ids if pk not in lots]
    if missing:
        raise ValidationError({"lots": [f"Unknown lot id {', '.join(missing)}."]})
    refusals = [
        refusal.message
        for pk in ids
        for refusal in lot_refusals(LotFacts.of(lots[pk]), planned_date=planned_on, today=today)
    ]
    if refusals:
        raise ValidationError({"lots": refusals})
    ordered = [lots[pk] for pk in ids]
    if not settings.DESTRUCTION_PROPOSALS:
        return [_unchecked(lot, choices) for lot in ordered]
    hook = import_string(settings.DESTRUCTION_PROPOSALS)
    return hook(ordered, planned_on=planned_on, choices=choices or {})


def _unchecked(lot: Lot, choices: Mapping[int, PlanChoice] | None) -> LineProposal:
    """Without the hook nothing is proposed: the person's choice, or no method, unchecked."""
    choice = (choices or {}).get(lot.pk)
    option = PlanOption(
        method=choice.method if choice else "",
        facility=choice.facility if choice else None,
        verdict=Verdict.NEEDS_REVIEW,
    )
    return LineProposal(lot=lot.pk, option=option)

"""Helpers the order, record and allocation services share: the guarded status transition of
an order, reading an order and its lines (after locking their seizures), refusals as errors,
and the compliance hook (settings.DESTRUCTION_COMPLIANCE_CHECK, run inside the caller's
transaction)."""

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.module_loading import import_string

from destruction.eligibility import Refusal
from destruction.models import ORDER_TRANSITIONS, DestructionOrder, OrderLine, OrderStatus
from project import audit
from project.compliance import NO_TOLERANCE, MassTolerance, OrderCheck, Verdict
from project.errors import TransitionNotAllowed
from project.transitions import change_status
from seizures.models import CustodyEvent, Lot, Seizure

Kind = CustodyEvent.Kind
STATUS_LABELS = dict(OrderStatus.choices)
MAX_WITNESSES = 20
# A line's justification of a lower waste-hierarchy rank (X-MF-02).
MAX_LINE_JUSTIFICATION = 2000


def compliance_check(order: DestructionOrder, *, stage: str, actor: User) -> OrderCheck | None:
    """Run settings.DESTRUCTION_COMPLIANCE_CHECK (compliance app) if configured; it stores and
    returns the check. None when no check is configured."""
    if not settings.DESTRUCTION_COMPLIANCE_CHECK:
        return None
    check = import_string(settings.DESTRUCTION_COMPLIANCE_CHECK)
    return check(order, stage=stage, actor=actor)


def mass_tolerance() -> MassTolerance:
    """The X-QM-02 tolerance from settings.MASS_BALANCE_TOLERANCE (the compliance rulebook's
    parameters, so the refusal here and the rule's finding agree)."""
    if not settings.MASS_BALANCE_TOLERANCE:
        return NO_TOLERANCE
    return import_string(settings.MASS_BALANCE_TOLERANCE)()


def _refuse_non_compliant(order: DestructionOrder, *, stage: str, actor: User) -> None:
    result = compliance_check(order, stage=stage, actor=actor)
    if result is None or result.verdict != Verdict.NON_COMPLIANT:
        return
    blocking = [str(finding) for finding in result.blocking_findings()]
    raise ValidationError(
        {
            "compliance": [
                f"The compliance check refuses to {stage} order {order.reference}.",
                *(blocking or [f"Verdict {Verdict.NON_COMPLIANT}."]),
            ]
        }
    )


def _lock_seizures(lot_ids: Iterable[int]) -> None:
    """Lock the seizures of the lots before the lots are read or changed (as place_hold does:
    seizure, then lots), so a legal hold being placed is either seen by the caller or waits for
    it, never slips in between its check and its change."""
    seizure_ids = Lot.objects.filter(pk__in=list(lot_ids)).values("seizure_id")
    list(Seizure.objects.select_for_update().filter(pk__in=seizure_ids).order_by("pk"))


def _refuse(refusals: Sequence[Refusal]) -> None:
    """State conflicts (status, hold) are a 409; missing legal steps and permits a 400."""
    if any(r.conflict for r in refusals):
        raise TransitionNotAllowed(" ".join(r.message for r in refusals if r.conflict))
    if refusals:
        raise ValidationError({"lots": [r.message for r in refusals]})


def _transition(
    order: DestructionOrder,
    expected: OrderStatus,
    new: OrderStatus,
    *,
    guard: Mapping[str, Any] | None = None,
    **changes,
) -> None:
    """The guarded update of the order's status (one row, else TransitionNotAllowed)."""

    def conflict() -> str:
        status = DestructionOrder.objects.filter(pk=order.pk).values_list("status", flat=True)
        current = STATUS_LABELS.get(status.first() or "", "gone")
        return (
            f"Order {order.reference} is {current.lower()}, not "
            f"{STATUS_LABELS[expected].lower()}; it cannot become {STATUS_LABELS[new].lower()}."
        )

    change_status(
        DestructionOrder.objects.filter(pk=order.pk, **(guard or {})),
        table=ORDER_TRANSITIONS,
        sources={expected},
        target=new,
        conflict=conflict,
        not_allowed=lambda source: (
            f"Order {order.reference} is {STATUS_LABELS[source].lower()}; it cannot become "
            f"{STATUS_LABELS[new].lower()}."
        ),
        updated_at=timezone.now(),
        **changes,
    )
    audit.record_changed(
        DestructionOrder,
        order.pk,
        {"status": (expected, new), **{name: (None, value) for name, value in changes.items()}},
        object_repr=order.reference,
    )


def _fresh(order: DestructionOrder) -> DestructionOrder:
    return DestructionOrder.objects.select_related("facility", "office").get(pk=order.pk)


def _active_lines(order: DestructionOrder) -> list[OrderLine]:
    return list(
        order.lines.filter(active=True).select_related("lot", "lot__seizure").order_by("lot_id")
    )


def _locked_active_lines(order: DestructionOrder) -> list[OrderLine]:
    """The active lines, read after their seizures are locked (see _lock_seizures)."""
    _lock_seizures(order.lines.filter(active=True).values_list("lot_id", flat=True))
    return _active_lines(order)


def _too_long(limit: int, text: str) -> str:
    return f"At most {limit} characters ({len(text)} given)."

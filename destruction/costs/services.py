"""Cost services: accrue a lot's costs when it leaves storage (destroyed: in the record's
transaction; released: before a statement or by `accrue_costs`), issue a statement of the
unbilled costs a right holder pays, and record payments against it."""

import datetime
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, QuerySet, Sum
from django.utils import timezone

from destruction.costs.models import (
    STATEMENT_TRANSITIONS,
    Basis,
    CostEntry,
    CostKind,
    Payer,
    Payment,
    Statement,
    StatementStatus,
    Tariff,
    UnbilledCost,
)
from destruction.models import DestructionOrder, OrderLine
from project.costs import CostLine
from project.errors import TransitionNotAllowed
from project.statistics import rollup_change
from project.transitions import change_status
from seizures.models import CustodyEvent, Lot, LotStatus, RightHolder, StorageLocation

CENT = Decimal("0.01")
# Custody events that are handling work charged per event: placing, moving, sampling a lot.
HANDLING_KINDS = (CustodyEvent.Kind.PLACED, CustodyEvent.Kind.MOVED, CustodyEvent.Kind.SAMPLED)


def _money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


class TariffBook:
    """The tariffs valid on one day, read once per kind, and the most specific one for a cost:
    one naming the facility beats one naming the method or zone type, which beats a general
    one; among equals the latest `valid_from`."""

    def __init__(self, day: datetime.date) -> None:
        self.day = day
        self._by_kind: dict[str, list[Tariff]] = {}

    def find(
        self, kind: str, *, zone_type: str = "", method: str = "", facility_id: int | None = None
    ) -> Tariff | None:
        if kind not in self._by_kind:
            valid = Tariff.objects.valid_on(self.day).filter(kind=kind).select_related("facility")
            self._by_kind[kind] = list(valid)
        matching = [
            tariff
            for tariff in self._by_kind[kind]
            if tariff.zone_type in ("", zone_type)
            and tariff.method in ("", method)
            and tariff.facility_id in (None, facility_id)
        ]
        return max(
            matching,
            key=lambda t: (bool(t.facility_id), bool(t.method or t.zone_type), t.valid_from, t.pk),
            default=None,
        )


def tariff_for(kind: str, day: datetime.date, **scope) -> Tariff | None:
    return TariffBook(day).find(kind, **scope)


@dataclass(frozen=True)
class _LotCost:
    kind: str
    tariff: Tariff
    quantity: Decimal
    unit: str
    amount: Decimal
    rule: str


def _storage_cost(lot: Lot, zone_type: str, book: TariffBook) -> _LotCost | None:
    """Days from the day it was stored to the day it left (at least one)."""
    if lot.stored_since is None:
        return None
    tariff = book.find(CostKind.STORAGE, zone_type=zone_type)
    if tariff is None:
        return None
    days = max((book.day - timezone.localdate(lot.stored_since)).days, 1)
    return _LotCost(
        CostKind.STORAGE,
        tariff,
        Decimal(days),
        "days",
        _money(days * tariff.amount),
        f"{days} days × {tariff.amount.normalize():f} {tariff.currency} per day "
        f"({tariff.scope_text()} tariff from {tariff.valid_from:%Y-%m-%d})",
    )


def _handling_cost(events: int, book: TariffBook) -> _LotCost | None:
    tariff = book.find(CostKind.HANDLING)
    if tariff is None or not events:
        return None
    return _LotCost(
        CostKind.HANDLING,
        tariff,
        Decimal(events),
        "events",
        _money(events * tariff.amount),
        f"{events} handling events × {tariff.amount.normalize():f} {tariff.currency} "
        f"(tariff from {tariff.valid_from:%Y-%m-%d})",
    )


def _weight_costs(
    kind: str, weights: dict[int, Decimal], book: TariffBook, *, method: str, facility_id: int
) -> dict[int, _LotCost]:
    """Per kg: each lot's own weight; flat: the sum shared by weight, the last lot taking the
    rounding rest so the shares add up to the tariff."""
    tariff = book.find(kind, method=method, facility_id=facility_id)
    if tariff is None or not weights:
        return {}
    label = f"{tariff.get_kind_display().lower()} tariff ({tariff.scope_text()})"
    if tariff.basis == Basis.PER_KG:
        return {
            lot_id: _LotCost(
                kind,
                tariff,
                kg,
                "kg",
                _money(kg * tariff.amount),
                f"{kg.normalize():f} kg × {tariff.amount.normalize():f} {tariff.currency} per kg, "
                f"{label}",
            )
            for lot_id, kg in weights.items()
        }
    total_kg = sum(weights.values(), Decimal("0"))
    flat = _money(tariff.amount)
    costs, given = {}, Decimal("0")
    for index, (lot_id, kg) in enumerate(sorted(weights.items())):
        share = kg / total_kg if total_kg else Decimal(1) / len(weights)
        last = index == len(weights) - 1
        amount = flat - given if last else _money(flat * share)
        given += amount
        costs[lot_id] = _LotCost(
            kind,
            tariff,
            share.quantize(Decimal("0.001")),
            "share",
            amount,
            f"{share:.1%} by weight of {flat} {tariff.currency} flat, {label}",
        )
    return costs


def accrue_order_costs(
    order: DestructionOrder, lines: Sequence[OrderLine], *, methods: Mapping[int, str]
) -> list[CostEntry]:
    """The costs of the lots an order destroyed (inside the record's transaction, before the
    lots leave their locations): storage to the dispatch day, handling events, the order's
    transport and destruction by the method used (`methods`: lot id -> method); the order's
    payer pays them all. The record's statistics change names the lots' seizures, so the cost
    statistics gain these entries with it."""
    day = timezone.localdate(order.dispatched_at)
    book = TariffBook(day)
    lots = [line.lot for line in lines]
    zones = _zone_types(lots)
    events = _handling_events(lots)
    weights = {line.lot_id: line.dispatch_weight_kg or line.lot.gross_weight_kg for line in lines}
    costs: dict[int, list[_LotCost]] = {lot.pk: [] for lot in lots}
    for lot in lots:
        for cost in (
            _storage_cost(lot, zones.get(lot.location_id, ""), book),
            _handling_cost(events[lot.pk], book),
        ):
            if cost:
                costs[lot.pk].append(cost)
    for lot_id, cost in _weight_costs(
        CostKind.TRANSPORT, weights, book, method="", facility_id=order.facility_id
    ).items():
        costs[lot_id].append(cost)
    by_method: dict[str, dict[int, Decimal]] = {}
    for line in lines:
        by_method.setdefault(methods.get(line.lot_id, line.method), {})[line.lot_id] = weights[
            line.lot_id
        ]
    for method, method_weights in by_method.items():
        for lot_id, cost in _weight_costs(
            CostKind.DESTRUCTION, method_weights, book, method=method, facility_id=order.facility_id
        ).items():
            costs[lot_id].append(cost)
    return _write(costs, payer=order.payer, day=day, order=order)


def accrue_released_costs(lots: Sequence[Lot] | None = None) -> list[CostEntry]:
    """Storage and handling of released lots not yet accrued (the right holder pays by default,
    Art. 29). Idempotent: a lot's cost of each kind is written once."""
    released = Lot.objects.filter(status=LotStatus.RELEASED, stored_since__isnull=False).exclude(
        costs__kind=CostKind.STORAGE
    )
    if lots is not None:
        released = released.filter(pk__in=[lot.pk for lot in lots])
    with transaction.atomic():
        lots = list(released.select_for_update(of=("self",)).order_by("pk"))
        with rollup_change(seizures={lot.seizure_id for lot in lots}):
            return _accrue_released(lots)


def _accrue_released(lots: list[Lot]) -> list[CostEntry]:
    """Storage to the day each lot was released, at that day's tariffs, and its handling."""
    left = _left_storage(lots)
    events = _handling_events(lots)
    books: dict[datetime.date, TariffBook] = {}
    costs: dict[int, list[_LotCost]] = {}
    for lot in lots:
        day, zone_type = left[lot.pk]
        book = books.setdefault(day, TariffBook(day))
        found = [_storage_cost(lot, zone_type, book), _handling_cost(events[lot.pk], book)]
        costs[lot.pk] = [cost for cost in found if cost]
    return [
        entry
        for lot in lots
        for entry in _write({lot.pk: costs[lot.pk]}, payer=Payer.RIGHT_HOLDER, day=left[lot.pk][0])
    ]


def _write(
    costs: dict[int, list[_LotCost]],
    *,
    payer: str,
    day: datetime.date,
    order: DestructionOrder | None = None,
) -> list[CostEntry]:
    entries = CostEntry.objects.bulk_create(
        CostEntry(
            lot_id=lot_id,
            order=order,
            kind=cost.kind,
            quantity=cost.quantity,
            unit=cost.unit,
            tariff=cost.tariff,
            amount=cost.amount,
            currency=cost.tariff.currency,
            payer=payer,
            rule=cost.rule[:300],
            incurred_on=day,
        )
        for lot_id, lot_costs in costs.items()
        for cost in lot_costs
    )
    count_unbilled(CostEntry.objects.filter(pk__in=[entry.pk for entry in entries]), sign=1)
    return entries


def count_unbilled(entries: QuerySet[CostEntry], *, sign: int) -> None:
    """Add (sign 1: written) or take (sign -1: billed) these unbilled entries to the offices'
    running totals, with F() so concurrent writers add up; call it inside the transaction that
    writes or bills them, before billing them. Every write of a cost entry goes through here."""
    for office_id, currency, amount, count in _unbilled_by_office(entries):
        # In office order, so two writers lock the counter rows in the same order.
        UnbilledCost.objects.get_or_create(office_id=office_id, currency=currency)
        UnbilledCost.objects.filter(office_id=office_id, currency=currency).update(
            amount=F("amount") + sign * amount, entries=F("entries") + sign * count
        )


def _unbilled_by_office(entries: QuerySet[CostEntry]) -> list[tuple[int, str, Decimal, int]]:
    return list(
        entries.unbilled()
        .order_by("lot__office_id", "currency")
        .values("lot__office_id", "currency")
        .annotate(amount=Sum("amount"), count=Count("id"))
        .values_list("lot__office_id", "currency", "amount", "count")
    )


def rebuild_unbilled_costs() -> int:
    """Recount every office's running total from the unbilled entries (after a bulk load, or to
    repair it); the number of counter rows written."""
    with transaction.atomic():
        UnbilledCost.objects.all().delete()
        rows = UnbilledCost.objects.bulk_create(
            UnbilledCost(office_id=office_id, currency=currency, amount=amount, entries=count)
            for office_id, currency, amount, count in _unbilled_by_office(CostEntry.objects.all())
        )
    return len(rows)


def _zone_types(lots: Sequence[Lot]) -> dict[int, str]:
    ids = {lot.location_id for lot in lots if lot.location_id}
    return dict(StorageLocation.objects.filter(pk__in=ids).values_list("pk", "zone_type"))


def _handling_events(lots: Sequence[Lot]) -> Counter:
    return Counter(
        CustodyEvent.objects.filter(
            lot__in=[lot.pk for lot in lots], kind__in=HANDLING_KINDS
        ).values_list("lot_id", flat=True)
    )


def _left_storage(lots: Sequence[Lot]) -> dict[int, tuple[datetime.date, str]]:
    """lot id -> (day of release, zone type of the location it left), from its `released`
    custody event."""
    rows = (
        CustodyEvent.objects.filter(
            lot__in=[lot.pk for lot in lots], kind=CustodyEvent.Kind.RELEASED
        )
        .order_by("lot_id", "sequence")
        .values_list("lot_id", "occurred_at", "from_location__zone_type")
    )
    left = {lot_id: (timezone.localdate(at), zone or "") for lot_id, at, zone in rows}
    today = timezone.localdate()
    return {lot.pk: left.get(lot.pk, (today, "")) for lot in lots}


def seizure_costs(seizure_id: int) -> list[CostLine]:
    """The seizure's accrued costs, and for each lot still stored the storage it has cost so
    far (an estimate at today's tariff: storage accrues when the lot leaves)."""
    accrued = [
        CostLine(
            lot=entry.lot.reference,
            kind=entry.get_kind_display(),
            amount=entry.amount,
            currency=entry.currency,
            payer=entry.get_payer_display(),
            rule=entry.rule,
            statement=entry.statement.number if entry.statement_id else "",
        )
        for entry in CostEntry.objects.filter(lot__seizure_id=seizure_id)
        .in_statement_order()
        .select_related("statement")
    ]
    stored = Lot.objects.filter(
        seizure_id=seizure_id, status__in=(LotStatus.IN_STORAGE, LotStatus.ON_HOLD)
    ).select_related("location")
    book = TariffBook(timezone.localdate())
    estimates = [
        CostLine(
            lot=lot.reference,
            kind=cost.tariff.get_kind_display(),
            amount=cost.amount,
            currency=cost.tariff.currency,
            payer=Payer.RIGHT_HOLDER.label,
            rule=cost.rule,
            estimate=True,
        )
        for lot in stored.order_by("reference")
        if (cost := _storage_cost(lot, lot.location.zone_type if lot.location else "", book))
    ]
    return accrued + estimates


# --- statements ---------------------------------------------------------------------------------


def issue_statement(
    *,
    right_holder: RightHolder,
    period_from: datetime.date,
    period_to: datetime.date,
    actor: User,
    seizure_id: int | None = None,
) -> Statement:
    """A statement of the unbilled costs the right holder pays, incurred in the period (on one
    seizure if given); its entries are billed by it alone. Refused when there is nothing to
    bill or the costs are in several currencies."""
    if period_to < period_from:
        raise ValidationError({"period_to": ["The period cannot end before it starts."]})
    with transaction.atomic(durable=True):
        holder = RightHolder.objects.select_for_update().get(pk=right_holder.pk)
        lots = Lot.objects.filter(seizure__right_holder=holder)
        if seizure_id is not None:
            lots = lots.filter(seizure_id=seizure_id)
        accrue_released_costs(list(lots.filter(status=LotStatus.RELEASED)))
        entries = CostEntry.objects.unbilled().filter(
            lot__in=lots,
            payer=Payer.RIGHT_HOLDER,
            incurred_on__gte=period_from,
            incurred_on__lte=period_to,
        )
        currencies = set(entries.values_list("currency", flat=True))
        if not currencies:
            raise ValidationError(
                {"period_from": [f"{holder.name} has no unbilled costs in this period."]}
            )
        if len(currencies) > 1:
            raise ValidationError(
                {
                    "period_from": [
                        f"Costs in several currencies ({', '.join(sorted(currencies))}):"
                        " issue one statement per currency."
                    ]
                }
            )
        now = timezone.now()
        statement = Statement.objects.create(
            number=_next_number(holder, timezone.localdate(now).year),
            right_holder=holder,
            seizure_id=seizure_id,
            period_from=period_from,
            period_to=period_to,
            currency=currencies.pop(),
            total=entries.total(),
            issued_at=now,
            issued_by=actor,
            due_on=timezone.localdate(now)
            + datetime.timedelta(days=settings.STATEMENT_PAYMENT_DAYS),
        )
        count_unbilled(entries, sign=-1)
        entries.update(statement=statement)
    return statement


def _next_number(holder: RightHolder, year: int) -> str:
    """CS-<year>-<right holder>-<n>; the caller holds the right holder's row lock."""
    prefix = f"CS-{year}-{holder.pk:04d}-"
    count = Statement.objects.filter(number__startswith=prefix).count()
    return f"{prefix}{count + 1:03d}"


def record_payment(
    *,
    statement: Statement,
    amount: Decimal,
    paid_on: datetime.date,
    actor: User,
    reference: str = "",
) -> Statement:
    """A payment against the statement: part-paid until the total is reached, then paid."""
    errors = {}
    if amount is None or amount <= 0:
        errors["amount"] = ["Give the amount paid (more than zero)."]
    if paid_on is None:
        errors["paid_on"] = ["Give the day of the payment."]
    elif paid_on > timezone.localdate():
        errors["paid_on"] = ["A payment cannot be dated in the future."]
    if errors:
        raise ValidationError(errors)
    amount = _money(amount)
    with transaction.atomic(durable=True):
        current = Statement.objects.select_for_update().get(pk=statement.pk)
        if current.status == StatementStatus.PAID:
            raise TransitionNotAllowed(f"Statement {current.number} is already paid.")
        if amount > current.outstanding:
            raise ValidationError(
                {"amount": [f"Only {current.outstanding} {current.currency} is outstanding."]}
            )
        target = (
            StatementStatus.PAID if amount == current.outstanding else StatementStatus.PART_PAID
        )
        change_status(
            Statement.objects.filter(pk=current.pk),
            table=STATEMENT_TRANSITIONS,
            sources=[current.status],
            target=target,
            conflict=lambda: f"Statement {current.number} changed meanwhile; try again.",
            paid_amount=F("paid_amount") + amount,
        )
        Payment.objects.create(
            statement=current,
            amount=amount,
            paid_on=paid_on,
            reference=(reference or "").strip()[:80],
            recorded_by=actor,
        )
    current.refresh_from_db()
    return current

"""The statistics rollups (compliance.models.*Rollup) and how they are kept up to date.

A seizure and its lots contribute to the enforcement, retail-value and stock rollups, and the
cost entries of its lots to the cost rollup; an order with its record, output fractions,
certificates and their reviews contributes to the destruction, output, delay and event
rollups. A service that changes any of them runs inside `track_change(...)`
(settings.STATISTICS_ROLLUP_CHANGE, through project.statistics): the contribution of the
seizures and orders it names is read before the change and again after it, and the difference
is added to the rollups by `INSERT ... ON CONFLICT DO UPDATE SET x = x + ...` in the service's
own transaction. Rows are added in key order, so two writers never wait on
each other's rows in opposite orders.

`rebuild()` computes the same contributions for everything (the `rebuild_statistics` command);
the figures read from the rollups are checked against a full recount by `verify_statistics`.
"""

import datetime
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from functools import partial
from typing import Any

from django.db import connection, transaction
from django.db.models import Case, DateTimeField, Max, Model, OuterRef, Subquery, When
from django.utils import timezone

from compliance.models import (
    CertificateReview,
    CostRollup,
    DestructionDelayRollup,
    DestructionRollup,
    EnforcementRollup,
    EventRollup,
    OutputRollup,
    RetailValueRollup,
    StockRollup,
)
from compliance.statistics.dictionary import Outcome
from compliance.statistics.expressions import cost_method_expression
from destruction.costs.models import CostEntry
from destruction.models import Certificate, OrderLine, OutputFraction
from seizures.categories import ProductCategory, main_category
from seizures.models import CustodyEvent, LegalRoute, Lot, LotStatus

ROLLUPS: tuple[type[Model], ...] = (
    EnforcementRollup,
    RetailValueRollup,
    StockRollup,
    DestructionRollup,
    OutputRollup,
    DestructionDelayRollup,
    EventRollup,
    CostRollup,
)
# The measures of each rollup, in the order a contribution lists them.
MEASURES: dict[type[Model], tuple[str, ...]] = {
    EnforcementRollup: ("cases", "lots", "articles"),
    RetailValueRollup: ("lots", "retail_value"),
    StockRollup: ("lots", "kg"),
    DestructionRollup: ("lots", "articles", "kg"),
    OutputRollup: ("fractions", "kg"),
    DestructionDelayRollup: ("lots",),
    EventRollup: ("count",),
    CostRollup: ("entries", "amount"),
}
# Lots under customs control: not (yet) destroyed or released (as figures.OPEN_STATUSES).
OPEN_STATUSES = frozenset(
    {LotStatus.IN_STORAGE, LotStatus.ON_HOLD, LotStatus.ALLOCATED, LotStatus.IN_TRANSIT}
)
# The breakdowns of the enforcement section read from a seizure field.
SEIZURE_DIMENSIONS = (
    "provenance_country",
    "transport_mode",
    "traffic_type",
    "ipr_type",
    "customs_procedure",
    "action_type",
    "legal_route",
)
DESTROYED_BY_ROUTE = {
    LegalRoute.STANDARD: Outcome.DESTROYED_STANDARD,
    LegalRoute.SMALL_CONSIGNMENT: Outcome.DESTROYED_SMALL_CONSIGNMENT,
    LegalRoute.ABANDONMENT: Outcome.DESTROYED_ABANDONMENT,
}
ORDERS, ISSUED, REVOKED, FLAGGED = (
    "orders",
    "certificates_issued",
    "certificates_revoked",
    "certificates_flagged",
)
SUBCATEGORIES = frozenset(ProductCategory.values)
CHUNK = 2000

Key = tuple
Sums = dict[type[Model], dict[Key, list]]


# --- dates ------------------------------------------------------------------------------------


def local_date(moment: datetime.datetime) -> datetime.date:
    """The date in the statistics calendar (settings.TIME_ZONE), as the figures' year bounds."""
    return timezone.localtime(moment, timezone.get_default_timezone()).date()


def month_of(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


# --- contributions ----------------------------------------------------------------------------


class Contribution:
    """Sums per rollup and key."""

    def __init__(self) -> None:
        self.sums: Sums = {model: {} for model in ROLLUPS}

    def add(self, model: type[Model], key: Key, *values: Any) -> None:
        row = self.sums[model].get(key)
        if row is None:
            self.sums[model][key] = list(values)
        else:
            for n, value in enumerate(values):
                row[n] += value


def outcome(lot: dict) -> str:
    """Digest D1 item 8, as figures.outcome_expression: a sample has its parent's outcome."""
    status = lot["parent__status"] or lot["status"]
    route = lot["seizure__legal_route"]
    if status == LotStatus.RELEASED:
        return Outcome.RELEASED
    if route == LegalRoute.COURT:
        return Outcome.COURT
    if status == LotStatus.DESTROYED and route in DESTROYED_BY_ROUTE:
        return DESTROYED_BY_ROUTE[route]
    return Outcome.PENDING


def lot_values(lot: dict) -> tuple[tuple[str, str], ...]:
    """The lot's own breakdown values (the seizure's are its seizure's)."""
    category = lot["category"] or ""
    return (
        ("category", main_category(category) if category in SUBCATEGORIES else ""),
        ("subcategory", category),
        ("outcome", str(outcome(lot))),
        ("currency", lot["currency"] or ""),
    )


def left_control_on(lot: dict) -> datetime.date | None | bool:
    """The day a lot left customs control; None while it is under control; False when it does
    not count in the stock at all (as figures.storage_at_year_end)."""
    status = lot["status"]
    if status in OPEN_STATUSES:
        return None
    moment = None
    if status == LotStatus.DESTROYED:
        moment = lot["destroyed_at"]
    elif status == LotStatus.RELEASED:
        moment = lot["released_at"]
    if moment is None:
        return False
    return local_date(moment)


def lot_rows(seizure_ids: Iterable[int] | None) -> Iterator[dict]:
    # In seizure order: a case is counted once its last lot has been read.
    lots = Lot.objects.order_by("seizure_id")
    if seizure_ids is not None:
        lots = lots.filter(seizure_id__in=list(seizure_ids))
    destroyed_at = OrderLine.objects.filter(
        lot=OuterRef("pk"), active=True, order__record__isnull=False
    ).values("order__record__ended_at")[:1]
    released_at = (
        CustodyEvent.objects.filter(lot=OuterRef("pk"), kind=CustodyEvent.Kind.RELEASED)
        .order_by()
        .values("lot")
        .annotate(last=Max("occurred_at"))
        .values("last")
    )
    # Each subquery runs only for the lots of its status.
    lots = lots.annotate(
        destroyed_at=Case(
            When(status=LotStatus.DESTROYED, then=Subquery(destroyed_at)),
            output_field=DateTimeField(),
        ),
        released_at=Case(
            When(status=LotStatus.RELEASED, then=Subquery(released_at)),
            output_field=DateTimeField(),
        ),
    ).values(
        "seizure_id",
        "seizure__detained_on",
        "seizure__office_id",
        *(f"seizure__{dimension}" for dimension in SEIZURE_DIMENSIONS),
        "parent_id",
        "parent__status",
        "status",
        "category",
        "currency",
        "seized_articles",
        "retail_value",
        "gross_weight_kg",
        "destroyed_at",
        "released_at",
    )
    return lots.iterator(chunk_size=CHUNK)


def add_seizures(contribution: Contribution, seizure_ids: Iterable[int] | None) -> None:
    """The lots come in seizure order: each seizure's lots are summed by breakdown value first,
    then added once per value (with its one case)."""
    seizure, lots = None, []
    for lot in lot_rows(seizure_ids):
        if lot["seizure_id"] != seizure and lots:
            add_seizure(contribution, lots)
            lots = []
        seizure = lot["seizure_id"]
        lots.append(lot)
        add_stock(contribution, lot)
    if lots:
        add_seizure(contribution, lots)


def add_seizure(contribution: Contribution, lots: list[dict]) -> None:
    first = lots[0]
    month, office = month_of(first["seizure__detained_on"]), first["seizure__office_id"]
    # {(dimension, value): {currency: [lots, articles, retail value]}}
    sums: dict[tuple[str, str], dict[str, list]] = {}
    seizure_values = [("office", str(office))] + [
        (dimension, str(first[f"seizure__{dimension}"] or "")) for dimension in SEIZURE_DIMENSIONS
    ]
    for lot in lots:
        root = 1 if lot["parent_id"] is None else 0
        currency = lot["currency"] or ""
        figures = (root, lot["seized_articles"] * root, lot["retail_value"] or Decimal("0"))
        for dimension_value in (*seizure_values, *lot_values(lot)):
            by_currency = sums.setdefault(dimension_value, {})
            row = by_currency.get(currency)
            if row is None:
                by_currency[currency] = list(figures)
            else:
                row[0] += figures[0]
                row[1] += figures[1]
                row[2] += figures[2]
    for (dimension, value), by_currency in sums.items():
        key = (month, office, dimension, value)
        count = sum(row[0] for row in by_currency.values())
        articles = sum(row[1] for row in by_currency.values())
        contribution.add(EnforcementRollup, key, 1, count, articles)
        for currency, row in by_currency.items():
            contribution.add(RetailValueRollup, (*key, currency), row[0], row[2])


def add_stock(contribution: Contribution, lot: dict) -> None:
    detained_on = lot["seizure__detained_on"]
    left_on = left_control_on(lot)
    if left_on is False or (left_on is not None and left_on <= detained_on):
        return
    root = 1 if lot["parent_id"] is None else 0
    kg = lot["gross_weight_kg"] or Decimal("0")
    office = lot["seizure__office_id"]
    contribution.add(StockRollup, (detained_on, office), root, kg)
    if left_on is not None:
        contribution.add(StockRollup, (left_on, office), -root, -kg)


def cost_rows(seizure_ids: Iterable[int] | None) -> Iterator[dict]:
    """The cost entries of the seizures' lots, each with the method that destroyed its lot."""
    costs = CostEntry.objects.order_by()
    if seizure_ids is not None:
        costs = costs.filter(lot__seizure_id__in=list(seizure_ids))
    costs = costs.annotate(method=cost_method_expression()).values(
        "incurred_on", "lot__office_id", "method", "payer", "kind", "currency", "amount"
    )
    return costs.iterator(chunk_size=CHUNK)


# The breakdowns of the costs; the office and currency come with every row.
COST_DIMENSIONS = ("method", "payer", "kind")


def add_costs(contribution: Contribution, seizure_ids: Iterable[int] | None) -> None:
    """A cost entry never changes once written: its seizure's contribution gains it when it is
    accrued (record of the destruction, accrual of a released lot), in that transaction."""
    for cost in cost_rows(seizure_ids):
        month, office = month_of(cost["incurred_on"]), cost["lot__office_id"]
        for dimension in COST_DIMENSIONS:
            key = (month, office, dimension, cost[dimension] or "", cost["currency"])
            contribution.add(CostRollup, key, 1, cost["amount"])


def add_orders(contribution: Contribution, order_ids: Iterable[int] | None) -> None:
    ids = None if order_ids is None else list(order_ids)

    def of_orders(queryset, field: str = "order_id"):
        queryset = queryset.order_by()
        return queryset if ids is None else queryset.filter(**{f"{field}__in": ids})

    lines = of_orders(OrderLine.objects.filter(active=True, order__record__isnull=False)).values(
        "order_id",
        "order__office_id",
        "order__record__ended_at",
        "method",
        "actual_method",
        "dispatch_weight_kg",
        "lot__gross_weight_kg",
        "lot__articles",
        "lot__ewc_code",
        "lot__hp_properties",
        "lot__seizure__detained_on",
    )
    orders: set[tuple[int, datetime.date, int]] = set()
    for line in lines.iterator(chunk_size=CHUNK):
        ended_on = local_date(line["order__record__ended_at"])
        month, office = month_of(ended_on), line["order__office_id"]
        ewc_code = line["lot__ewc_code"] or ""
        # Hazardous waste by its EWC asterisk or an HP property (seizures.querysets).
        hazardous = ewc_code.endswith("*") or bool(line["lot__hp_properties"])
        weight = line["dispatch_weight_kg"]
        if weight is None:
            weight = line["lot__gross_weight_kg"] or Decimal("0")
        method = line["actual_method"] or line["method"]
        contribution.add(
            DestructionRollup,
            (month, office, method, hazardous, ewc_code[:2]),
            1,
            line["lot__articles"] or 0,
            weight,
        )
        days = (ended_on - line["lot__seizure__detained_on"]).days
        contribution.add(DestructionDelayRollup, (month, office, days), 1)
        orders.add((line["order_id"], month, office))
    for _, month, office in orders:
        contribution.add(EventRollup, (month, office, ORDERS), 1)
    outputs = of_orders(OutputFraction.objects, "record__order_id").values(
        "record__ended_at", "record__order__office_id", "route", "weight_kg"
    )
    for output in outputs.iterator(chunk_size=CHUNK):
        month = month_of(local_date(output["record__ended_at"]))
        key = (month, output["record__order__office_id"], output["route"])
        contribution.add(OutputRollup, key, 1, output["weight_kg"] or Decimal("0"))
    certificates = of_orders(Certificate.objects).values("office_id", "issued_at", "revoked_at")
    for certificate in certificates.iterator(chunk_size=CHUNK):
        office = certificate["office_id"]
        issued = month_of(local_date(certificate["issued_at"]))
        contribution.add(EventRollup, (issued, office, ISSUED), 1)
        if certificate["revoked_at"] is not None:
            revoked = month_of(local_date(certificate["revoked_at"]))
            contribution.add(EventRollup, (revoked, office, REVOKED), 1)
    reviews = of_orders(
        CertificateReview.objects.filter(decision=CertificateReview.Decision.FLAGGED),
        "certificate__order_id",
    ).values("certificate__office_id", "decided_at")
    for review in reviews.iterator(chunk_size=CHUNK):
        month = month_of(local_date(review["decided_at"]))
        contribution.add(EventRollup, (month, review["certificate__office_id"], FLAGGED), 1)


def contribution_of(
    seizure_ids: Iterable[int] | None = (), order_ids: Iterable[int] | None = ()
) -> Sums:
    """What the seizures and orders add to each rollup (None: all of them). `cases` are
    counted here, by seizure: this is why a change names whole seizures, not lots."""
    contribution = Contribution()
    if seizure_ids is None or seizure_ids:
        add_seizures(contribution, seizure_ids)
        add_costs(contribution, seizure_ids)
    if order_ids is None or order_ids:
        add_orders(contribution, order_ids)
    return contribution.sums


# --- writing ----------------------------------------------------------------------------------


def difference(after: Sums, before: Sums) -> Sums:
    changes: Sums = {}
    for model in ROLLUPS:
        rows: dict[Key, list] = {}
        for key in after[model].keys() | before[model].keys():
            new, old = after[model].get(key), before[model].get(key)
            if new is None:
                delta = [-value for value in old]
            elif old is None:
                delta = list(new)
            else:
                delta = [a - b for a, b in zip(new, old, strict=True)]
            if any(delta):
                rows[key] = delta
        changes[model] = rows
    return changes


def _adapters(model: type[Model]) -> list[Callable[[Any], Any]]:
    """How each column's value goes into a raw query, in KEY + MEASURES order."""
    adapters = []
    for name in (*model.KEY, *MEASURES[model]):
        field = model._meta.get_field(name)
        internal = field.get_internal_type()
        if internal == "DateField":
            adapters.append(connection.ops.adapt_datefield_value)
        elif internal == "DecimalField":
            adapters.append(
                partial(
                    connection.ops.adapt_decimalfield_value,
                    max_digits=field.max_digits,
                    decimal_places=field.decimal_places,
                )
            )
        else:
            adapters.append(lambda value: value)
    return adapters


def add_to_rollups(changes: Sums) -> None:
    """Add each row's change to its stored row, creating it when missing, in key order."""
    with connection.cursor() as cursor:
        for model in ROLLUPS:
            rows = changes[model]
            if not rows:
                continue
            keys = [model._meta.get_field(name).column for name in model.KEY]
            measures = MEASURES[model]
            table = connection.ops.quote_name(model._meta.db_table)
            columns = ", ".join(connection.ops.quote_name(c) for c in (*keys, *measures))
            placeholders = ", ".join(["%s"] * (len(keys) + len(measures)))
            updates = ", ".join(
                f"{quoted} = {table}.{quoted} + excluded.{quoted}"
                for quoted in map(connection.ops.quote_name, measures)
            )
            conflict = ", ".join(connection.ops.quote_name(c) for c in keys)
            # Identifiers from the models' metadata, every value a parameter.
            sql = (
                f"INSERT INTO {table} ({columns}) VALUES ({placeholders}) "  # noqa: S608
                f"ON CONFLICT ({conflict}) DO UPDATE SET {updates}"
            )
            adapters = _adapters(model)
            params = [
                [adapt(value) for adapt, value in zip(adapters, (*key, *delta), strict=True)]
                for key, delta in sorted(rows.items(), key=lambda item: _sort_key(item[0]))
            ]
            cursor.executemany(sql, params)


def _sort_key(key: Key) -> tuple:
    return tuple(str(part) for part in key)


class ChangeTracker:
    """The seizures and orders a service changes; `add` names the ones it creates."""

    def __init__(self, seizure_ids: set[int], order_ids: set[int]) -> None:
        self.seizure_ids = seizure_ids
        self.order_ids = order_ids
        self.before = contribution_of(seizure_ids, order_ids)

    def add(self, *, seizures: Iterable[int] = (), orders: Iterable[int] = ()) -> None:
        """Seizures or orders created in the change: they contributed nothing before it."""
        self.seizure_ids.update(seizures)
        self.order_ids.update(orders)

    def apply(self) -> None:
        after = contribution_of(self.seizure_ids, self.order_ids)
        add_to_rollups(difference(after, self.before))


@contextmanager
def track_change(
    *, seizures: Iterable[int] = (), lots: Iterable[int] = (), orders: Iterable[int] = ()
) -> Iterator[ChangeTracker]:
    """settings.STATISTICS_ROLLUP_CHANGE: run inside the service's transaction around the change
    of these seizures, lots (their seizures, and the executed orders that hold them) and orders.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("A rollup change runs inside the service's transaction.")
    seizure_ids, order_ids = set(seizures), set(orders)
    lot_ids = list(lots)
    if lot_ids:
        seizure_ids.update(
            Lot.objects.filter(pk__in=lot_ids).values_list("seizure_id", flat=True).distinct()
        )
        order_ids.update(
            OrderLine.objects.filter(
                lot_id__in=lot_ids, active=True, order__record__isnull=False
            ).values_list("order_id", flat=True)
        )
    tracker = ChangeTracker(seizure_ids, order_ids)
    yield tracker
    tracker.apply()


def rebuild() -> dict[str, int]:
    """Recount every rollup from the base tables (one transaction); the rows written per table."""
    sums = contribution_of(None, None)
    with transaction.atomic():
        for model in ROLLUPS:
            model.objects.all().delete()
            fields = [model._meta.get_field(name).attname for name in model.KEY]
            model.objects.bulk_create(
                (
                    model(
                        **dict(zip(fields, key, strict=True)),
                        **dict(zip(MEASURES[model], values, strict=True)),
                    )
                    for key, values in sums[model].items()
                    if any(values)
                ),
                batch_size=5000,
            )
    return {model._meta.model_name: len(sums[model]) for model in ROLLUPS}

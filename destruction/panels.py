"""Dashboard panel of destruction orders (listed in destruction/dashboard.py)."""

from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils import timezone

from destruction.costs.models import CostEntry, Statement, StatementStatus, UnbilledCost
from destruction.filtersets import ELIGIBLE_COUNT_CAP, eligible_lots
from destruction.models import DestructionOrder, OrderStatus
from project.pagination import capped_counts
from seizures.scoping import scope_of

CENT = Decimal("0.01")


def orders_summary(request) -> dict:
    """Orders by step (one query) and the lots ready to be planned (one query), each counted up
    to a cap ("10,000+", "1,000+"): orders and eligible lots accumulate with the history."""
    orders = DestructionOrder.objects.visible_to(request.user)
    counts = capped_counts(
        {
            status: orders.filter(status=status)
            for status in (
                OrderStatus.DRAFT,
                OrderStatus.SUBMITTED,
                OrderStatus.APPROVED,
                OrderStatus.DISPATCHED,
                OrderStatus.EXECUTED,
            )
        }
    )
    eligible = capped_counts(
        {"eligible": eligible_lots().visible_to(request.user)}, ELIGIBLE_COUNT_CAP
    )
    return {**counts, **eligible}


def costs_summary(request) -> dict:
    """Statements open and overdue (one query), and the costs not yet billed to anyone."""
    today = timezone.localdate()
    unpaid = ~Q(status=StatementStatus.PAID)
    counts = Statement.objects.visible_to(request.user).aggregate(
        open=Count("id", filter=unpaid),
        overdue=Count("id", filter=unpaid & Q(due_on__lt=today)),
    )
    return {**counts, "unbilled": _unbilled_by_currency(request.user)}


def _unbilled_by_currency(user) -> list[dict]:
    """One row per currency, as the panel lists them (amounts of two currencies never add up):
    customs staff read the offices' running totals, a few rows however many entries there are;
    a right holder's users sum their own unbilled entries (the totals are kept per office)."""
    if scope_of(user).right_holder_id is not None:
        rows = CostEntry.objects.visible_to(user).unbilled().values("currency")
    else:
        rows = UnbilledCost.objects.visible_to(user).filter(entries__gt=0).values("currency")
    # In cents on every database (SQLite hands a sum of decimals back unscaled: 462, not 462.00).
    return [
        {**row, "total": row["total"].quantize(CENT)}
        for row in rows.annotate(total=Sum("amount")).order_by("currency")
    ]

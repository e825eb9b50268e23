"""Dashboard panel of destruction orders (listed in destruction/dashboard.py)."""

from django.db.models import Count, Q, Sum
from django.utils import timezone

from destruction.costs.models import CostEntry, Statement, StatementStatus
from destruction.filtersets import ELIGIBLE_COUNT_CAP, eligible_lots
from destruction.models import DestructionOrder, OrderStatus
from project.pagination import capped_counts


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
    # One row per currency, as the panel lists them (amounts of two currencies never add up).
    unbilled = (
        CostEntry.objects.visible_to(request.user)
        .unbilled()
        .values("currency")
        .annotate(total=Sum("amount"))
        .order_by("currency")
    )
    return {**counts, "unbilled": list(unbilled)}

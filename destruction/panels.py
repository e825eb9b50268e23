"""Dashboard panel of destruction orders (listed in destruction/dashboard.py)."""

from django.db.models import Count, Q

from destruction.filtersets import eligible_lots
from destruction.models import DestructionOrder, OrderStatus


def orders_summary(request) -> dict:
    """Orders by step, in one query, and the lots ready to be planned."""
    counts = DestructionOrder.objects.visible_to(request.user).aggregate(
        **{
            status: Count("id", filter=Q(status=status))
            for status in (
                OrderStatus.DRAFT,
                OrderStatus.SUBMITTED,
                OrderStatus.APPROVED,
                OrderStatus.DISPATCHED,
                OrderStatus.EXECUTED,
            )
        }
    )
    return {**counts, "eligible": eligible_lots().visible_to(request.user).count()}

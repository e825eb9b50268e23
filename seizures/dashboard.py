"""Dashboard panels of this app (collected by project.dashboard)."""

from django.db.models import Count, Q

from project.dashboard import Panel
from seizures.models import Lot, LotStatus
from seizures.querysets import long_stay_query, past_deadline_query


def storage_summary(request) -> dict:
    """Counts for the storage panel, in one query."""
    return Lot.objects.visible_to(request.user).aggregate(
        in_storage=Count("id", filter=Q(status=LotStatus.IN_STORAGE)),
        on_hold=Count("id", filter=Q(status=LotStatus.ON_HOLD)),
        past_deadline=Count("id", filter=past_deadline_query()),
        long_stay=Count("id", filter=long_stay_query()),
        unplaced=Count("id", filter=Q(status=LotStatus.IN_STORAGE, location__isnull=True)),
    )


PANELS: tuple = (
    Panel("Storage", "seizures/panels/storage.html", "seizures.view_lot", storage_summary),
)

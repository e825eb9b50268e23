"""Dashboard panels of this app (collected by project.dashboard)."""

from project.dashboard import Panel
from project.pagination import capped_counts
from seizures.models import Lot, LotStatus
from seizures.querysets import long_stay_query, past_deadline_query
from seizures.storage import OCCUPYING_STATUSES


def storage_summary(request) -> dict:
    """Counts for the storage panel, in one query over the lots in the warehouse (every count is
    of occupying lots), each up to the lists' cap ("10,000+" links to the list holding them
    all): the stock grows with the history, the panel's cost does not."""
    occupying = Lot.objects.visible_to(request.user).filter(status__in=OCCUPYING_STATUSES)
    return capped_counts(
        {
            "in_storage": occupying.filter(status=LotStatus.IN_STORAGE),
            "on_hold": occupying.filter(status=LotStatus.ON_HOLD),
            "past_deadline": occupying.filter(past_deadline_query()),
            "long_stay": occupying.filter(long_stay_query()),
            "unplaced": occupying.filter(status=LotStatus.IN_STORAGE, location__isnull=True),
        }
    )


PANELS: tuple = (
    Panel("Storage", "seizures/panels/storage.html", "seizures.view_lot", storage_summary),
)

"""What each storage location holds, kept as counters (issue #16).

`StorageLocation.stored_lots` and `stored_kg` count and weigh the lots occupying the location
(in storage, on hold or allocated), so the warehouse list, occupancy and locations pages read one
row per location instead of summing every lot. Every write that changes a lot's location, its
status across the occupying set, or its weight runs inside `tracking(lots)`: the counters move by
the difference, with F() updates in the same transaction (the location row stays locked until
it commits, so concurrent writers add up). `rebuild` recounts them from the lots;
`mismatches` lists where they differ (`manage.py rebuild_location_stock`).
"""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from decimal import Decimal

from django.db import models, transaction
from django.db.models import F

from seizures.models import Lot, StorageLocation
from seizures.storage import OCCUPYING_STATUSES

# location id -> (lots, kg) of the lots occupying it
Occupancy = dict[int, tuple[int, Decimal]]


def occupancy_of(lots: models.QuerySet) -> Occupancy:
    """What the occupying lots among `lots` count and weigh, per location."""
    rows = (
        lots.filter(status__in=OCCUPYING_STATUSES, location__isnull=False)
        .order_by()
        .values("location_id")
        .annotate(lots=models.Count("pk"), kg=models.Sum("gross_weight_kg"))
        .values_list("location_id", "lots", "kg")
    )
    return {location_id: (count, kg or Decimal("0")) for location_id, count, kg in rows}


def shift(deltas: Occupancy, *, sign: int = 1) -> None:
    """Move each location's counters by its (lots, kg), in location order so two writers
    lock the same rows in the same order."""
    for location_id in sorted(deltas):
        count, kg = deltas[location_id]
        if count or kg:
            StorageLocation.objects.filter(pk=location_id).update(
                stored_lots=F("stored_lots") + sign * count, stored_kg=F("stored_kg") + sign * kg
            )


@contextmanager
def tracking(lots: models.QuerySet) -> Iterator[None]:
    """Around a write to `lots` (a queryset read again afterwards, so it must select the same
    rows, new ones included): move the counters by what the write changed."""
    before = occupancy_of(lots)
    yield
    after = occupancy_of(lots)
    shift(
        {
            pk: (
                after.get(pk, (0, 0))[0] - before.get(pk, (0, 0))[0],
                after.get(pk, (0, 0))[1] - before.get(pk, (0, 0))[1],
            )
            for pk in before.keys() | after.keys()
        }
    )


def count_in(created: Iterable[Lot]) -> None:
    """Add lots just inserted (bulk intake) to the counters of the locations they occupy,
    from the rows in hand rather than a read back."""
    deltas: Occupancy = {}
    for lot in created:
        if lot.status in OCCUPYING_STATUSES and lot.location_id is not None:
            count, kg = deltas.get(lot.location_id, (0, Decimal("0")))
            deltas[lot.location_id] = (count + 1, kg + Decimal(lot.gross_weight_kg))
    shift(deltas)


def mismatches() -> list[tuple[str, tuple[int, Decimal], tuple[int, Decimal]]]:
    """(location code, counters, recount) of every location whose counters are wrong."""
    recount = occupancy_of(Lot.objects.all())
    rows = StorageLocation.objects.order_by("code").values_list(
        "pk", "code", "stored_lots", "stored_kg"
    )
    return [
        (code, (count, kg), recount.get(pk, (0, Decimal("0"))))
        for pk, code, count, kg in rows
        if (count, kg) != recount.get(pk, (0, Decimal("0")))
    ]


def rebuild() -> int:
    """Recount every location's counters from the lots; returns how many were wrong."""
    with transaction.atomic():
        # Lock the locations first: a write in flight waits and then adds to the recount.
        list(StorageLocation.objects.select_for_update().order_by("pk").values_list("pk"))
        wrong = mismatches()
        StorageLocation.objects.update(stored_lots=0, stored_kg=Decimal("0"))
        shift(occupancy_of(Lot.objects.all()))
    return len(wrong)

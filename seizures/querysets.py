"""The reusable reads of the seizures models: what lists, pages, the API and the services select
and annotate, one home for each (the FilterSets call these)."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from project.subqueries import count_of, earliest_of
from seizures.choices import LotStatus
from seizures.scoping import ScopedQuerySet, scope_of
from seizures.storage import OCCUPYING_STATUSES


def past_deadline_query() -> Q:
    """Goods still held after the statutory deadline (digest X-CC-05 a)."""
    return Q(status__in=OCCUPYING_STATUSES, seizure__deadline__lt=timezone.localdate())


def long_stay_query() -> Q:
    """Goods stored longer than the configured alarm (digest X-CC-05 d)."""
    since = timezone.now() - datetime.timedelta(days=settings.LONG_STAY_ALARM_DAYS)
    return Q(status__in=OCCUPYING_STATUSES, stored_since__lt=since)


def proceedings_overdue_query(*, today: datetime.date, prefix: str = "") -> Q:
    """Court route: the right holder did not start proceedings by the last day allowed (none
    recorded and the day has passed, or recorded as started after it), so the goods are to be
    released (Art. 23(3), digest X-LB-05). Seizures (prefix "") or lots ("seizure__"); only
    court-route seizures have a `proceedings_due_on`."""
    due = f"{prefix}proceedings_due_on"
    started = f"{prefix}proceedings_started_on"
    return Q(**{f"{due}__lt": today, f"{started}__isnull": True}) | Q(
        **{f"{started}__gt": models.F(due)}
    )


def hazardous_waste_query(prefix: str = "") -> Q:
    """Hazardous waste: a List of Waste code with its asterisk or a recorded HP property (WFD
    Annex III), not a UN hazard class. `prefix` reaches the lot through a relation ("lot__")."""
    return Q(**{f"{prefix}ewc_code__endswith": "*"}) | ~Q(**{f"{prefix}hp_properties": []})


class CustomsOfficeQuerySet(ScopedQuerySet):
    """Reference data every user reads; `visible_to` gives the offices a user works for (a
    seizure is logged for one of them)."""

    office_lookup = "pk"


class WarehouseQuerySet(ScopedQuerySet):
    office_lookup = "office"


class RightHolderQuerySet(ScopedQuerySet):
    """Reference data every office shares; a right holder's user sees its own record only."""

    def visible_to(self, user):
        right_holder_id = scope_of(user).right_holder_id
        return self if right_holder_id is None else self.filter(pk=right_holder_id)


class StorageLocationQuerySet(ScopedQuerySet):
    office_lookup = "warehouse__office"

    def with_occupancy(self) -> "StorageLocationQuerySet":
        """Annotate used_kg, lot_count (the location's stock counters, seizures.occupancy) and
        oldest_stored_since over the lots occupying each location (in storage, on hold or
        allocated): one index seek per row, so a page of locations reads only its own."""
        lots = self.model._meta.get_field("lots").related_model.objects.filter(
            location=models.OuterRef("pk"), status__in=OCCUPYING_STATUSES
        )
        return (
            self.select_related("warehouse", "parent")
            .annotate(
                used_kg=models.F("stored_kg"),
                lot_count=models.F("stored_lots"),
                oldest_stored_since=earliest_of(lots, "stored_since"),
            )
            .order_by("code")
        )


class SeizureQuerySet(ScopedQuerySet):
    office_lookup = "office"
    right_holder_lookup = "right_holder"

    def with_related(self) -> "SeizureQuerySet":
        """With office, right holder and the number of lots (samples not counted), counted per
        row: a page of seizures reads only its own lots."""
        lots = self.model._meta.get_field("lots").related_model.objects.filter(
            seizure=models.OuterRef("pk"), parent__isnull=True
        )
        return self.select_related("office", "right_holder").annotate(lot_count=count_of(lots))


class LotQuerySet(ScopedQuerySet):
    # A lot belongs to its seizure's office (copied on the lot), wherever it is stored.
    office_lookup = "office"
    right_holder_lookup = "seizure__right_holder"

    def with_related(self) -> "LotQuerySet":
        return self.select_related("seizure", "seizure__office", "location", "parent")

    def in_storage(self) -> "LotQuerySet":
        return self.filter(status=LotStatus.IN_STORAGE)

    def proceedings_overdue(self, *, today: datetime.date) -> "LotQuerySet":
        """Lots to release because their court proceedings were not started in time (X-LB-05):
        in storage, of seizures not under a legal hold (a hold stops every disposal)."""
        return self.in_storage().filter(
            proceedings_overdue_query(today=today, prefix="seizure__"), seizure__on_hold=False
        )

    def occupying(self) -> "LotQuerySet":
        """Lots physically in a warehouse location (counted for capacity and segregation)."""
        return self.filter(status__in=OCCUPYING_STATUSES, location__isnull=False)

    def past_deadline(self, matching: bool = True) -> "LotQuerySet":
        """Lots past their statutory deadline (or, not matching, all the others)."""
        return self._matching(past_deadline_query(), matching)

    def long_stay(self, matching: bool = True) -> "LotQuerySet":
        """Lots stored longer than the long-stay alarm (or, not matching, all the others)."""
        return self._matching(long_stay_query(), matching)

    def ageing(self, matching: bool = True) -> "LotQuerySet":
        """Lots past their deadline or stored too long (digest X-CC-05)."""
        return self._matching(past_deadline_query() | long_stay_query(), matching)

    def _matching(self, query: Q, matching: bool) -> "LotQuerySet":
        return self.filter(query) if matching else self.exclude(query)


class LotPhotoQuerySet(ScopedQuerySet):
    """Append-only (seizures.models.LotPhoto), scoped as their lot is."""

    office_lookup = "lot__office"
    right_holder_lookup = "lot__seizure__right_holder"


class CustodyEventQuerySet(ScopedQuerySet):
    """Append-only: bulk updates and deletes are refused (and by a trigger on PostgreSQL)."""

    office_lookup = "lot__office"
    right_holder_lookup = "lot__seizure__right_holder"

    def update(self, **kwargs):
        raise PermissionError("Custody events are append-only.")

    def delete(self):
        raise PermissionError("Custody events are append-only.")


class CustodySealQuerySet(models.QuerySet):
    """Append-only like the events the seals anchor (and a trigger on PostgreSQL)."""

    def update(self, **kwargs):
        raise PermissionError("Custody seals are append-only.")

    def delete(self):
        raise PermissionError("Custody seals are append-only.")

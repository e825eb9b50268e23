"""What a user may see: the one place that turns a user into a filter. Every list, detail page,
API viewset, export, label sheet and statistic reads its records through a QuerySet's
`visible_to(user)`, which asks `scope_of(user)` here.

- A user linked to a right holder (UserAccess.right_holder) sees that right holder's cases.
- A superuser, a user marked `national`, and auditors and administrators with no office listed
  see every office.
- Everyone else (warehouse staff) sees the records of their offices; with no office, nothing.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from project.notifications.services import Recipient
from project.roles import ADMINISTRATOR, ENVIRONMENTAL_AUDITOR

# Roles that are national unless offices are listed for the user ("limited").
NATIONAL_ROLES = (ENVIRONMENTAL_AUDITOR, ADMINISTRATOR)
NOTHING = Q(pk__in=[])


@dataclass(frozen=True)
class Scope:
    national: bool = False
    office_ids: frozenset[int] = frozenset()
    right_holder_id: int | None = None

    def condition(
        self,
        *,
        office: str | Callable[[list[int]], Q] | None,
        right_holder: str | Callable[[int], Q] | None,
    ) -> Q:
        """The filter for a model that reaches its office by the lookup `office` and its right
        holder by the lookup (or the condition built by) `right_holder`; None: not reachable,
        so the model shows nothing to that kind of scope."""
        if self.right_holder_id is not None:
            if right_holder is None:
                return NOTHING
            if callable(right_holder):
                return right_holder(self.right_holder_id)
            return Q(**{right_holder: self.right_holder_id})
        if self.national:
            return Q()
        if office is None or not self.office_ids:
            return NOTHING
        if callable(office):
            return office(sorted(self.office_ids))
        return Q(**{f"{office}__in": sorted(self.office_ids)})


NO_SCOPE = Scope()
EVERYTHING = Scope(national=True)


def scope_of(user) -> Scope:
    """The user's scope, read once per user object (so once per request): two queries."""
    if user is None or not user.is_authenticated:
        return NO_SCOPE
    cached = getattr(user, "_record_scope", None)
    if cached is not None:
        return cached
    scope = _read_scope(user)
    user._record_scope = scope
    return scope


def _read_scope(user) -> Scope:
    from seizures.models import UserAccess

    rows = list(
        UserAccess.objects.filter(user_id=user.pk).values_list(
            "national", "right_holder_id", "offices"
        )
    )
    right_holder_id = rows[0][1] if rows else None
    if right_holder_id is not None:
        return Scope(right_holder_id=right_holder_id)
    if user.is_superuser or (rows and rows[0][0]):
        return EVERYTHING
    office_ids = frozenset(office for _, _, office in rows if office is not None)
    if not office_ids and user.groups.filter(name__in=NATIONAL_ROLES).exists():
        return EVERYTHING
    return Scope(office_ids=office_ids)


def record_condition(user, *, office: str | None, right_holder: str | None) -> Q:
    """The user's filter on a model below this app (settings.RECORD_SCOPE_CONDITION), which
    names its office and right holder by these lookups."""
    return scope_of(user).condition(office=office, right_holder=right_holder)


def forget_scope(user) -> None:
    """Drop the cached scope (after the user's access changed)."""
    user.__dict__.pop("_record_scope", None)


class ScopedQuerySet(models.QuerySet):
    """A QuerySet whose records belong to an office (`office_lookup`) and, for right holders'
    users, to a right holder (`right_holder_lookup`, or `right_holder_condition()` where the
    way there is many-valued)."""

    office_lookup: str | None = None
    right_holder_lookup: str | None = None

    def office_condition(self, office_ids: list[int]) -> Q:
        if self.office_lookup is None:
            return NOTHING
        return Q(**{f"{self.office_lookup}__in": office_ids})

    def right_holder_condition(self, right_holder_id: int) -> Q:
        if self.right_holder_lookup is None:
            return NOTHING
        return Q(**{self.right_holder_lookup: right_holder_id})

    def visible_to(self, user):
        """The records this user may see and act on."""
        return self.filter(
            scope_of(user).condition(
                office=self.office_condition, right_holder=self.right_holder_condition
            )
        )


def visible(model) -> Callable:
    """A FilterSet choice's queryset: the records of `model` the requesting user may see (the
    FilterSet passes its request; without one, nothing)."""
    return lambda request: model._default_manager.visible_to(getattr(request, "user", None))


def refuse_invisible(user, records, *, field: str) -> None:
    """Refuse records the user may not see as if they did not exist: a ValidationError on
    `field` naming them (for inputs that name records by id or reference)."""
    records = list(records)
    if not records:
        return
    model = type(records[0])
    visible = set(
        model._default_manager.visible_to(user)
        .filter(pk__in=[record.pk for record in records])
        .values_list("pk", flat=True)
    )
    unknown = [str(record) for record in records if record.pk not in visible]
    if unknown:
        raise ValidationError(
            {field: [f"Unknown {model._meta.verbose_name}: {', '.join(unknown)}."]}
        )


def readers(
    records: models.QuerySet, recipients: Sequence[Recipient]
) -> dict[int, list[Recipient]]:
    """Record id -> the users among `recipients` who may see that record, in their order: a
    reminder about a record goes to them only. One query per distinct scope (users of the same
    offices share one), however many records and users."""
    by_scope: dict[Scope, list[Recipient]] = {}
    for recipient in recipients:
        by_scope.setdefault(scope_of(recipient.user), []).append(recipient)
    seen_by = {
        scope: set(records.visible_to(members[0].user).values_list("pk", flat=True))
        for scope, members in by_scope.items()
    }
    found: dict[int, list[Recipient]] = {}
    for recipient in recipients:
        for pk in seen_by[scope_of(recipient.user)]:
            found.setdefault(pk, []).append(recipient)
    return found

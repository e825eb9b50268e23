"""The guarded status transition that orders, certificates and lots share.

A transition table maps each status to the statuses it may become
(`ORDER_TRANSITIONS`, `CERTIFICATE_TRANSITIONS`, `LOT_TRANSITIONS`). A transition is a
conditional update, `filter(status__in=sources).update(status=target)`, that must change exactly
the rows expected, else `TransitionNotAllowed`: the same on SQLite and PostgreSQL, and a second
writer racing the first changes nothing.
"""

from collections.abc import Callable, Collection, Mapping

from django.db.models import QuerySet

from project.errors import TransitionNotAllowed

TransitionTable = Mapping[str, Collection[str]]


def change_status(
    rows: QuerySet,
    *,
    table: TransitionTable,
    sources: Collection[str],
    target: str,
    conflict: Callable[[], str],
    not_allowed: Callable[[str], str] | None = None,
    count: int = 1,
    **changes: object,
) -> None:
    """Move `count` rows of `rows` from one of `sources` to `target`, setting `changes` too.

    Every source must allow `target` in `table`, else TransitionNotAllowed with
    `not_allowed(source)` (default: `conflict()`) and nothing is written. Then the update must
    change exactly `count` rows, else TransitionNotAllowed with `conflict()` (built only then,
    so it may read the row's current state); with several rows the caller's transaction rolls
    back the part that was changed."""
    for source in sources:
        if target not in table.get(source, ()):
            raise TransitionNotAllowed(not_allowed(source) if not_allowed else conflict())
    updated = rows.filter(status__in=list(sources)).update(status=target, **changes)
    if updated != count:
        raise TransitionNotAllowed(conflict())

"""The statistics hook (settings.STATISTICS_ROLLUP_CHANGE): the seizures and destruction
services wrap a change that moves an annual statistics figure in `rollup_change(...)`, inside
their transaction, so the compliance app's rollups follow it without being imported here."""

from collections.abc import Iterable
from contextlib import AbstractContextManager, nullcontext
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string


class RollupChange(Protocol):
    """What the context manager yields: `add` names seizures or orders created in the change."""

    def add(self, *, seizures: Iterable[int] = (), orders: Iterable[int] = ()) -> None: ...


class NoRollups:
    def add(self, *, seizures: Iterable[int] = (), orders: Iterable[int] = ()) -> None:
        return None


def rollup_change(
    *, seizures: Iterable[int] = (), lots: Iterable[int] = (), orders: Iterable[int] = ()
) -> AbstractContextManager[RollupChange]:
    """Around a change of these seizures, lots or orders (ids); a no-op when the setting is
    empty."""
    if not settings.STATISTICS_ROLLUP_CHANGE:
        return nullcontext(NoRollups())
    track = import_string(settings.STATISTICS_ROLLUP_CHANGE)
    return track(seizures=seizures, lots=lots, orders=orders)

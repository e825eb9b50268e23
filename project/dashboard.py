"""Dashboard panels: each app contributes small summaries; a panel shows only to users who hold
its permission."""

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from django.http import HttpRequest
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class Panel:
    title: str
    template: str
    permission: str | None
    context: Callable[[HttpRequest], dict]


APPS_WITH_PANELS = ("seizures", "destruction", "compliance")


@cache
def all_panels() -> tuple[Panel, ...]:
    panels: list[Panel] = []
    for app in APPS_WITH_PANELS:
        panels.extend(import_string(f"{app}.dashboard.PANELS"))
    return tuple(panels)


def panels_for(request: HttpRequest) -> list[dict]:
    user = request.user
    return [
        {"title": p.title, "template": p.template, **p.context(request)}
        for p in all_panels()
        if p.permission is None or user.has_perm(p.permission)
    ]

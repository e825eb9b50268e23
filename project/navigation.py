"""The navigation each role sees: an entry shows only to users holding its permission."""

from dataclasses import dataclass
from functools import cache

from django.urls import reverse
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class NavEntry:
    label: str
    url_name: str
    permission: str | None  # None: any logged-in user


HOME = (
    "Home",
    (
        NavEntry("Dashboard", "dashboard", None),
        NavEntry("My notifications", "notifications:list", None),
        NavEntry("Letters to post", "notifications:letters", "project.view_notification"),
        NavEntry("Audit log", "audit-log", "project.view_auditevent"),
    ),
)

# Each app lists its own sections in <app>/navigation.py; apps in the order a seized lot travels.
APPS_WITH_NAVIGATION = ("seizures", "destruction", "compliance")


@cache
def all_sections() -> tuple[tuple[str, tuple[NavEntry, ...]], ...]:
    sections = [HOME]
    for app in APPS_WITH_NAVIGATION:
        sections.extend(import_string(f"{app}.navigation.SECTIONS"))
    return tuple(sections)


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"navigation": []}
    sections = []
    for title, entries in all_sections():
        links = [
            {"label": e.label, "url": reverse(e.url_name)}
            for e in entries
            if e.permission is None or user.has_perm(e.permission)
        ]
        if links:
            sections.append({"title": title, "links": links})
    return {"navigation": sections}

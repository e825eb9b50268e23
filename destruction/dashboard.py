"""Dashboard panels of this app (collected by project.dashboard)."""

from project.dashboard import Panel  # noqa: F401

PANELS: tuple = ()

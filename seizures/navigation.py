"""Navigation entries of this app (collected by project.navigation)."""

from project.navigation import NavEntry  # noqa: F401

SECTIONS: tuple = ()

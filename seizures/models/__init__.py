"""Seizures, their lots, the storage where lots wait, and the append-only custody chain."""

from seizures.models.inventory import *  # noqa: F403 (moved here in one commit; split next)
from seizures.models.inventory import CLASSIFICATION_FIELDS, COUNTERFEIT_OR_PIRATED  # noqa: F401

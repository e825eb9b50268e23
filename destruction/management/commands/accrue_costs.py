"""Accrue the storage and handling costs of released lots (destroyed lots accrue theirs when the
destruction is recorded). Idempotent: run it daily from cron."""

from django.core.management.base import BaseCommand

from destruction.costs.services import accrue_released_costs


class Command(BaseCommand):
    help = "Accrue the storage and handling costs of lots released since the last run."

    def handle(self, *args, **options):
        entries = accrue_released_costs()
        lots = len({entry.lot_id for entry in entries})
        self.stdout.write(f"{len(entries)} cost entries accrued for {lots} released lots.")

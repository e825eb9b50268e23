"""Recount the running totals of unbilled costs the dashboard reads (after a bulk load that
bypassed the cost services, or to repair them)."""

from django.core.management.base import BaseCommand

from destruction.costs.services import rebuild_unbilled_costs


class Command(BaseCommand):
    help = "Recount each office's running total of unbilled costs from the cost entries."

    def handle(self, *args, **options):
        rows = rebuild_unbilled_costs()
        self.stdout.write(f"{rows} unbilled cost totals recounted.")

import time

from django.core.management.base import BaseCommand

from compliance.statistics import rollups


class Command(BaseCommand):
    help = (
        "Recount the annual statistics rollups from the base tables (after a bulk load that "
        "bypassed the services, a change of TIME_ZONE, or a difference `verify_statistics` "
        "reported). One transaction: the statistics read the old rollups until it commits."
    )

    def handle(self, *args, **options):
        started = time.perf_counter()
        rows = rollups.rebuild()
        listed = ", ".join(f"{name} {count:,}" for name, count in rows.items())
        self.stdout.write(
            self.style.SUCCESS(
                f"Rollups rebuilt in {time.perf_counter() - started:.1f} s: {listed} rows."
            )
        )

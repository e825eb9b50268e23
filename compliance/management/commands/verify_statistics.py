from django.core.management.base import BaseCommand, CommandError

from compliance.statistics.verification import differences, years_with_data


class Command(BaseCommand):
    help = (
        "Compare every annual statistics figure read from the rollups with a full recount from "
        "the base tables, for every year with data (all offices and each office); print each "
        "figure that differs and exit with status 1 if any does."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, action="append", help="Only this year (repeat).")
        parser.add_argument(
            "--all-offices-only", action="store_true", help="Skip the per-office figures."
        )

    def handle(self, *args, **options):
        years = options["year"] or years_with_data()
        problems = differences(years, each_office=not options["all_offices_only"])
        for problem in problems:
            self.stdout.write(problem)
        if problems:
            raise CommandError(
                f"{len(problems)} figure(s) differ from a full recount: run rebuild_statistics."
            )
        listed = ", ".join(map(str, years)) or "none"
        self.stdout.write(
            self.style.SUCCESS(f"Every figure equals a full recount (years: {listed}).")
        )

from django.core.management.base import BaseCommand, CommandError

from seizures import occupancy


class Command(BaseCommand):
    help = (
        "Recount each storage location's stock counters (lots occupying it, their kg) from the "
        "lots; with --check, only report the locations whose counters differ and fail if any do."
    )

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Report, change nothing.")

    def handle(self, *args, check: bool, **options):
        if check:
            wrong = occupancy.mismatches()
            for code, counters, recount in wrong:
                self.stderr.write(f"{code}: counters {counters}, lots {recount}")
            if wrong:
                raise CommandError(f"{len(wrong)} location(s) with wrong stock counters.")
            self.stdout.write(self.style.SUCCESS("Every location's stock counters match."))
            return
        fixed = occupancy.rebuild()
        self.stdout.write(self.style.SUCCESS(f"Stock counters recounted; {fixed} were wrong."))

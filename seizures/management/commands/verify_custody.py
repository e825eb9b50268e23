from django.core.management.base import BaseCommand, CommandError

from seizures.custody import verify_chains
from seizures.models import Lot


class Command(BaseCommand):
    help = "Walk every lot's custody chain and report the first broken link of each."

    def handle(self, *args, **options):
        broken = verify_chains()
        if broken:
            for link in broken:
                self.stderr.write(str(link))
            raise CommandError(f"{len(broken)} custody chain(s) broken.")
        self.stdout.write(self.style.SUCCESS(f"All {Lot.objects.count()} custody chains verify."))

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from seizures.models import Lot
from seizures.services import release_overdue_court_cases


class Command(BaseCommand):
    help = (
        "Release the lots whose court proceedings were not started within 10 (+10) working days "
        "of the notification (Reg. 608/2013 Art. 23(3), rule X-LB-05). Run it daily (cron)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--actor", required=True, help="Username recorded on the custody events."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="List the lots that would be released."
        )

    def handle(self, *args, actor: str, dry_run: bool, **options):
        if dry_run:
            lots = Lot.objects.proceedings_overdue(today=timezone.localdate())
            for lot in lots.order_by("reference"):
                self.stdout.write(f"would release {lot.reference}")
            return
        user = get_user_model().objects.filter(username=actor, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {actor!r}.")
        released = release_overdue_court_cases(actor=user)
        for lot in released:
            self.stdout.write(f"released {lot.reference}")
        self.stdout.write(self.style.SUCCESS(f"{len(released)} lot(s) released (X-LB-05)."))

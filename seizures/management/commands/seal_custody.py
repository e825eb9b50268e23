from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from project.errors import TransitionNotAllowed
from seizures.seals import seal_custody


class Command(BaseCommand):
    help = (
        "Sign a Merkle root over every lot's custody chain head with the key in CUSTODY_SEAL_KEY "
        "and store it as the newest custody seal (run it from cron, e.g. hourly)."
    )

    def handle(self, *args, **options):
        try:
            seal = seal_custody()
        except (ImproperlyConfigured, TransitionNotAllowed) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Seal #{seal.pk}: {seal.tree_size} lots, root {seal.root}, "
                f"key {seal.key_fingerprint}."
            )
        )

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError

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
        except IntegrityError as error:
            # Two runs sealed onto the same previous seal: the other one won.
            message = "Another seal_custody ran at the same time; nothing sealed."
            raise CommandError(message) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Seal #{seal.pk}: {seal.tree_size} lots, root {seal.root}, "
                f"key {seal.key_fingerprint}."
            )
        )

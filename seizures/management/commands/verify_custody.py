from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.module_loading import import_string

from seizures.custody import verify_chains
from seizures.models import CustodySeal, Lot
from seizures.seals import check_seals, trusted_keys


class Command(BaseCommand):
    help = (
        "Walk every lot's custody chain and report the first broken link of each; check every "
        "custody seal (signature, trusted key, root, consistency with the seals before it) and "
        "that each chain still holds the hashes sealed and those frozen in certificates "
        "(settings.CUSTODY_VERIFICATION_CHECKS)."
    )

    def handle(self, *args, **options):
        seals = CustodySeal.objects.count()
        trusted = trusted_keys()
        if seals and not trusted:
            raise CommandError(
                "The custody seals cannot be checked without a trusted public key: set "
                "CUSTODY_SEAL_KEY or CUSTODY_SEAL_TRUSTED_KEYS."
            )
        seal_problems, sealed = check_seals(trusted)
        problems = [*seal_problems, *map(str, verify_chains(sealed=sealed))]
        for dotted in settings.CUSTODY_VERIFICATION_CHECKS:
            problems.extend(map(str, import_string(dotted)()))
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError(f"{len(problems)} custody chain(s) broken.")
        anchored = f"; all match the {seals} custody seal(s)" if seals else "; no custody seal yet"
        self.stdout.write(
            self.style.SUCCESS(f"All {Lot.objects.count()} custody chains verify{anchored}.")
        )

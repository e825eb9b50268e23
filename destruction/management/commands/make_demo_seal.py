from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from destruction.certificates.seal import DEMO_SEAL_PASSWORD, demo_seal_path, make_seal_bundle


class Command(BaseCommand):
    help = (
        "Create a demo CA and seal certificate (EC P-256) under the var directory, used to seal "
        "certificates while debug is on and CERTIFICATE_SEAL_P12 is unset. Never for production."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--replace", action="store_true", help="Make a new one even if one exists."
        )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "A demo seal is used only with DJANGO_DEBUG on; in production configure "
                "CERTIFICATE_SEAL_P12 with the administration's seal."
            )
        path = demo_seal_path()
        if path.exists() and not options["replace"]:
            self.stdout.write(f"Demo seal present: {path}")
            return
        p12, ca_pem = make_seal_bundle(
            path.parent, organisation="Demo Customs Administration", password=DEMO_SEAL_PASSWORD
        )
        self.stdout.write(self.style.SUCCESS(f"Demo seal created: {p12} (CA: {ca_pem})"))

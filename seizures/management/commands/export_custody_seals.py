import json

from django.core.management.base import BaseCommand

from seizures.api.serializers import CustodySealSerializer
from seizures.models import CustodySeal
from seizures.seals import SEAL_FORMAT, public_hex, public_pem, signing_key


class Command(BaseCommand):
    help = (
        "Print every custody seal and the public keys that signed them as JSON, for a third "
        "party to keep and check (the same data as GET /api/v1/custody-seals/)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--public-key",
            action="store_true",
            help="Print only the PEM public key of CUSTODY_SEAL_KEY (to publish before sealing).",
        )

    def handle(self, *args, **options):
        if options["public_key"]:
            self.stdout.write(public_pem(public_hex(signing_key().public_key())))
            return
        seals = CustodySeal.objects.select_related("previous").defer("leaves", "previous__leaves")
        rows = CustodySealSerializer(seals.order_by("id"), many=True).data
        keys = {row["key_fingerprint"]: row["public_key"] for row in rows}
        document = {
            "format": SEAL_FORMAT,
            "public_keys": [
                {"fingerprint": fp, "public_key": key, "pem": public_pem(key)}
                for fp, key in sorted(keys.items())
            ],
            "seals": rows,
        }
        self.stdout.write(json.dumps(document, indent=2))

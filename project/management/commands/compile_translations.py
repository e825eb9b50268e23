from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Compile the .po files under LOCALE_PATHS into .mo files. Pure Python (polib), so a clean "
        "clone compiles without GNU gettext; `make install` runs it."
    )

    def handle(self, *args, **options):
        compiled = 0
        for root in settings.LOCALE_PATHS:
            for po_path in sorted(Path(root).glob("*/LC_MESSAGES/*.po")):
                catalogue = polib.pofile(str(po_path))
                untranslated = len(catalogue.untranslated_entries())
                catalogue.save_as_mofile(str(po_path.with_suffix(".mo")))
                compiled += 1
                if options["verbosity"] > 0:
                    note = f" ({untranslated} untranslated)" if untranslated else ""
                    self.stdout.write(f"  {po_path}{note}")
        if options["verbosity"] > 0:
            self.stdout.write(self.style.SUCCESS(f"{compiled} catalogue(s) compiled."))

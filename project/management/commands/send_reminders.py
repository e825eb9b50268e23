"""Run every app's reminders (settings.REMINDERS) for today: deadlines due, long-stay lots,
permits expiring, statements overdue, certificates waiting for review. Each reminder fires once
(dedupe keys), so running it twice a day, or again after a failure, sends nothing twice. The
e-mails go out through the task worker (`manage.py db_worker`)."""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string


class Command(BaseCommand):
    help = "Create today's reminders (run daily from cron)."

    def add_arguments(self, parser):
        parser.add_argument("--date", type=datetime.date.fromisoformat, help="As if on this day.")

    def handle(self, *args, **options):
        today = options["date"] or timezone.localdate()
        for path in settings.REMINDERS:
            with transaction.atomic():
                count = import_string(path)(today=today)
            self.stdout.write(f"{path.rsplit('.', 1)[-1]}: {count} notifications")

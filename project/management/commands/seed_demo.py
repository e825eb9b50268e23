import os
import secrets

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils.module_loading import import_string

from project.roles import (
    ADMINISTRATOR,
    ENVIRONMENTAL_AUDITOR,
    FACILITY_OPERATOR,
    RIGHT_HOLDER,
    WAREHOUSE_STAFF,
)

# Which offices or right holder each demo user sees is set by the seizures demo loader.
DEMO_USERS = (
    ("warehouse", "Wanda", "Warehouse", WAREHOUSE_STAFF),
    ("auditor", "Arno", "Auditor", ENVIRONMENTAL_AUDITOR),
    ("admin", "Ada", "Administrator", ADMINISTRATOR),
    # Linked by destruction.demo to the facility the demo's dispatched order goes to.
    ("facility", "Fatima", "Facility", FACILITY_OPERATOR),
    ("rightholder", "Rita", "Rightholder", RIGHT_HOLDER),
)

# Each app's demo loader, lowest app first; each takes the demo users by username.
DEMO_LOADERS = (
    "seizures.demo.load",
    "destruction.costs.demo.load_tariffs",
    "destruction.demo.load",
    "destruction.costs.demo.load_statement",
    "compliance.demo.load",
    "compliance.statistics.demo.load",
    # After the orders: the count expects the lots still stored.
    "seizures.demo.count_stock",
    # Last: the first custody seal covers all the demo chains.
    "seizures.demo.seal",
)
# Writes a demo custody seal key where CUSTODY_SEAL_KEY points when no key is there yet.
DEMO_SEAL_KEY = "seizures.seals.ensure_demo_key"


class Command(BaseCommand):
    help = (
        "Create the demo users warehouse, auditor, admin, facility and rightholder (password "
        "from DEMO_PASSWORD, else a random one, printed) and load demo data when the database "
        "holds no seizures yet."
    )

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run even with debug off.")

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError("Refusing to load demo data with DJANGO_DEBUG off; use --force.")
        password = os.environ.get("DEMO_PASSWORD") or secrets.token_urlsafe(9)
        users = self.create_users(password)
        if settings.DEBUG and not settings.CERTIFICATE_SEAL_P12:
            # The demo certificates are sealed like real ones, with a demo seal of their own
            # (with debug off, --force, the configured seal is used; none refuses to issue).
            call_command("make_demo_seal", stdout=self.stdout)
        import_string(DEMO_SEAL_KEY)(stdout=self.stdout)
        self.load_data(users)
        self.stdout.write("Demo logins (username / password):")
        for username, _, _, role in DEMO_USERS:
            self.stdout.write(f"  {username:<12} {password}   ({role})")

    def create_users(self, password: str) -> dict:
        users = {}
        for username, first, last, role in DEMO_USERS:
            user, _ = get_user_model().objects.get_or_create(
                username=username, defaults={"first_name": first, "last_name": last}
            )
            user.set_password(password)
            user.is_staff = role == ADMINISTRATOR
            user.save()
            user.groups.set([Group.objects.get(name=role)])
            users[username] = user
        return users

    def load_data(self, users: dict) -> None:
        # Looked up by name, as the loaders are: project/ imports none of the apps.
        if apps.get_model("seizures", "Seizure").objects.exists():
            self.stdout.write("Demo data already present; left as it is.")
            return
        for dotted in DEMO_LOADERS:
            loader = import_string(dotted)
            # Loaders call services, each its own durable transaction: no outer atomic here.
            loader(users=users, stdout=self.stdout)
        # Today's reminders, so each demo user finds something under "My notifications".
        call_command("send_reminders", stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))

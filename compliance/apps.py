from django.apps import AppConfig
from django.conf import settings


class ComplianceConfig(AppConfig):
    name = "compliance"

    def ready(self) -> None:
        # Load (and validate) the rulebook at start-up: a broken rulebook file or an unknown
        # COMPLIANCE_PARAMETERS key stops the server here, not at the first check.
        from compliance.rulebook import load_rulebook

        load_rulebook(parameters=settings.COMPLIANCE_PARAMETERS)

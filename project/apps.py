from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ProjectConfig(AppConfig):
    """Project plumbing: roles, navigation, base templates, static files, demo data, the audit
    trail."""

    name = "project"
    verbose_name = "Infringing Goods Tracker"

    def ready(self) -> None:
        from project import audit
        from project.roles import sync_role_permissions

        audit.connect()
        # The sync is idempotent; its last run sees every app's permissions.
        post_migrate.connect(sync_role_permissions, dispatch_uid="sync_role_permissions")

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ProjectConfig(AppConfig):
    """Project plumbing: roles, navigation, base templates, static files, demo data."""

    name = "project"
    verbose_name = "Infringing Goods Tracker"

    def ready(self) -> None:
        from project.roles import sync_role_permissions

        # No sender: the sync runs after each app's migrations (it is idempotent), so its last
        # run sees every app's permissions.
        post_migrate.connect(sync_role_permissions, dispatch_uid="sync_role_permissions")

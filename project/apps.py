from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_migrate


class ProjectConfig(AppConfig):
    """Project plumbing: roles, navigation, base templates, static files, demo data, the audit
    trail."""

    name = "project"
    verbose_name = "Infringing Goods Tracker"

    def ready(self) -> None:
        from project import audit
        from project.middleware import stamp_new_session
        from project.roles import sync_role_permissions

        audit.connect()
        # No sender: the sync runs after each app's migrations (it is idempotent), so its last
        # run sees every app's permissions.
        post_migrate.connect(sync_role_permissions, dispatch_uid="sync_role_permissions")
        user_logged_in.connect(stamp_new_session, dispatch_uid="stamp_new_session")

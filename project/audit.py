"""Writing the audit trail (project.models.AuditEvent).

Records are written in the transaction of the change they describe, so a rolled-back change
leaves no trail and a committed one always has it:
- saves and deletes of the models named in settings.AUDITED_MODELS, by model signals (this is
  plumbing, not business logic: whatever path saves a record - a service, the admin, a command -
  is audited the same way); a user's groups through their m2m signal;
- the writes that bypass signals call this module: bulk inserts (`record_created`) and guarded
  `update()` transitions (`record_changed`);
- sign-in, failed sign-in and sign-out by Django's auth signals; API tokens issued and revoked;
  downloads (`record_download`).

The request's origin (actor, address, user agent, path) comes from AuditContextMiddleware; outside
a request (commands, the demo loader) the actor is whoever the caller names, or none.
"""

import contextvars
import datetime
import decimal
import functools
import hashlib
import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth import user_logged_in, user_logged_out, user_login_failed
from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.http import HttpRequest
from django.utils import timezone

from project.bulk import append_rows
from project.models import AuditEvent

Action = AuditEvent.Action

_request: contextvars.ContextVar[HttpRequest | None] = contextvars.ContextVar(
    "audit_request", default=None
)
# Never copied into the trail: secrets, and values that change on every sign-in (the sign-in
# event itself is recorded).
SECRET_FIELDS = frozenset({"password"})
SKIPPED_FIELDS = frozenset({"last_login"})


class AuditContextMiddleware:
    """Makes the current request (and so its user, address, agent and path) known to the audit
    records written while it is handled."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request.set(request)
        try:
            return self.get_response(request)
        finally:
            _request.reset(token)


def origin(actor: Any = None) -> dict[str, Any]:
    """Actor, address, user agent and path of the current request (all empty outside one). An
    API request's user is known once DRF has authenticated it: DRF sets it on the request."""
    request = _request.get()
    if actor is None and request is not None:
        user = getattr(request, "user", None)
        actor = user if user is not None and user.is_authenticated else None
    fields: dict[str, Any] = {
        "actor": actor,
        "actor_name": actor.get_username() if actor is not None else "",
    }
    if request is not None:
        fields.update(
            ip=request.META.get("REMOTE_ADDR") or None,
            user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
            path=request.path[:300],
        )
    return fields


def record(
    action: str,
    *,
    instance: models.Model | None = None,
    changes: dict | None = None,
    actor: Any = None,
    object_repr: str = "",
    object_type: str = "",
    object_id: str = "",
) -> AuditEvent:
    if instance is not None:
        object_type = instance._meta.label_lower
        object_id = str(instance.pk)
        object_repr = object_repr or str(instance)
    event = AuditEvent(
        occurred_at=timezone.now(),
        action=action,
        changes=changes or {},
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr[:200],
        **origin(actor),
    )
    event.save()
    return event


def record_created(objects: Sequence[models.Model], *, actor: Any = None) -> None:
    """The creation of bulk-inserted records (bulk_create sends no signals), in bulk too: an
    intake of thousands of lots appends their trail at once (project.bulk)."""
    fields = origin(actor)
    now = timezone.now()
    append_rows(
        AuditEvent,
        (
            {
                "occurred_at": now,
                "action": Action.CREATED,
                "object_type": obj._meta.label_lower,
                "object_id": str(obj.pk),
                "object_repr": str(obj)[:200],
                "changes": creation(snapshot(obj)),
                **fields,
            }
            for obj in objects
        ),
    )


def record_changed(
    model: type[models.Model], pk: Any, changes: dict[str, Any], *, object_repr: str = ""
) -> AuditEvent:
    """A change written by a guarded `update()` (no signal): changes are {field: (before,
    after)}."""
    return record(
        Action.CHANGED,
        changes={name: [jsonable(a), jsonable(b)] for name, (a, b) in changes.items()},
        object_type=model._meta.label_lower,
        object_id=str(pk),
        object_repr=object_repr,
    )


def record_download(instance: models.Model, *, what: str) -> AuditEvent:
    return record(Action.DOWNLOADED, instance=instance, changes={"file": [None, what]})


JSON_NATIVE = frozenset({type(None), bool, int, float, str})


def jsonable(value: Any) -> Any:
    """A field value as the trail keeps it (JSON)."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime.date | datetime.datetime | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple):
        return [jsonable(item) for item in value]
    if isinstance(value, dict):
        return {str(key): jsonable(item) for key, item in value.items()}
    if hasattr(value, "code"):  # a django-countries Country
        return value.code
    if hasattr(value, "name") and hasattr(value, "storage"):  # a stored file
        return value.name
    return str(value)


def snapshot(instance: models.Model) -> dict[str, Any]:
    """The record's stored values by field (foreign keys by id), without binary content."""
    values = {}
    for attname, secret in _snapshot_fields(type(instance)):
        value = getattr(instance, attname)
        if secret:
            value = _fingerprint(value)
        elif type(value) not in JSON_NATIVE:  # most values are: no call for them
            value = jsonable(value)
        values[attname] = value
    return values


@functools.cache
def _snapshot_fields(model: type[models.Model]) -> tuple[tuple[str, bool], ...]:
    """(attname, is a secret) of each field a snapshot keeps, once per model."""
    return tuple(
        (field.attname, field.name in SECRET_FIELDS)
        for field in model._meta.concrete_fields
        if not isinstance(field, models.BinaryField) and field.name not in SKIPPED_FIELDS
    )


def _fingerprint(secret: str) -> str:
    """Tells that a password hash changed without keeping anything of it worth attacking."""
    return "sha256:" + hashlib.sha256((secret or "").encode()).hexdigest()[:12]


def creation(after: dict[str, Any]) -> dict[str, list]:
    """A creation's changes: each field given a value, from nothing (a None is no change)."""
    return {name: [None, value] for name, value in after.items() if value is not None}


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list]:
    return {
        name: [before.get(name), value]
        for name, value in after.items()
        if before.get(name) != value
    }


# --- signal receivers ------------------------------------------------------------------------


def _remember_before(sender, instance, raw=False, **kwargs) -> None:
    if raw or instance.pk is None:
        return
    # Binary content (a certificate's PDF) is not compared: not read either.
    binary = [f.name for f in sender._meta.concrete_fields if isinstance(f, models.BinaryField)]
    stored = sender._base_manager.defer(*binary).filter(pk=instance.pk).first()
    instance._audit_before = snapshot(stored) if stored is not None else None


def _saved(sender, instance, created, raw=False, **kwargs) -> None:
    if raw:
        return
    after = snapshot(instance)
    before = None if created else getattr(instance, "_audit_before", None)
    if before is None:
        record(Action.CREATED, instance=instance, changes=creation(after))
        return
    changes = diff(before, after)
    if changes:
        record(Action.CHANGED, instance=instance, changes=changes)


def _deleted(sender, instance, **kwargs) -> None:
    record(
        Action.DELETED,
        instance=instance,
        changes={name: [value, None] for name, value in snapshot(instance).items()},
    )


def _groups_changed(sender, instance, action, pk_set, model, **kwargs) -> None:
    if action not in ("post_add", "post_remove", "post_clear") or not isinstance(
        instance, apps.get_model(settings.AUTH_USER_MODEL)
    ):
        return
    after = sorted(instance.groups.values_list("name", flat=True))
    changed = sorted(model.objects.filter(pk__in=pk_set or ()).values_list("name", flat=True))
    before = sorted(set(after) - set(changed)) if action == "post_add" else after + changed
    record(Action.CHANGED, instance=instance, changes={"groups": [sorted(before), after]})


def _logged_in(sender, request, user, **kwargs) -> None:
    record(Action.LOGIN, instance=user, actor=user)


def _logged_out(sender, request, user, **kwargs) -> None:
    if user is not None:
        record(Action.LOGOUT, instance=user, actor=user)


def _login_failed(sender, credentials, request=None, **kwargs) -> None:
    # The name tried, never the password; there may be no such user.
    record(Action.LOGIN_FAILED, object_repr=str(credentials.get("username", "")))


def _token_saved(sender, instance, created, **kwargs) -> None:
    # The token's key is its primary key: the trail names its user, never the key.
    if created:
        record(Action.TOKEN_ISSUED, instance=instance.user, actor=instance.user)


def _token_deleted(sender, instance, **kwargs) -> None:
    record(Action.TOKEN_REVOKED, instance=instance.user)


def audited_models() -> Iterable[type[models.Model]]:
    return [apps.get_model(label) for label in settings.AUDITED_MODELS]


def connect() -> None:
    """Called once from ProjectConfig.ready()."""
    for model in audited_models():
        uid = f"audit:{model._meta.label_lower}"
        pre_save.connect(_remember_before, sender=model, dispatch_uid=f"{uid}:pre")
        post_save.connect(_saved, sender=model, dispatch_uid=f"{uid}:save")
        post_delete.connect(_deleted, sender=model, dispatch_uid=f"{uid}:delete")
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    m2m_changed.connect(
        _groups_changed, sender=user_model.groups.through, dispatch_uid="audit:groups"
    )
    user_logged_in.connect(_logged_in, dispatch_uid="audit:login")
    user_logged_out.connect(_logged_out, dispatch_uid="audit:logout")
    user_login_failed.connect(_login_failed, dispatch_uid="audit:login_failed")
    token = apps.get_model(settings.AUDIT_TOKEN_MODEL)
    post_save.connect(_token_saved, sender=token, dispatch_uid="audit:token_saved")
    post_delete.connect(_token_deleted, sender=token, dispatch_uid="audit:token_deleted")

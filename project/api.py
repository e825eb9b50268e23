"""API plumbing shared by every app: one error shape, pagination, action permissions and the
JSON parser."""

import json
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from drf_spectacular.utils import inline_serializer
from rest_framework import exceptions, pagination, parsers, permissions, serializers, status
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.response import Response

from project.errors import TransitionNotAllowed

READ_ACTIONS = frozenset({"list", "retrieve", "metadata"})

# The error shape of exception_handler, for the schema's error responses: always both keys;
# `errors` is empty when the refusal concerns no field (401, 403, 404, 405, 409, 429).
ERROR = inline_serializer(
    "ApiError",
    {
        "detail": serializers.CharField(help_text="One line for clients showing one message."),
        "errors": serializers.DictField(
            help_text="Messages by field (non_field_errors: the body as a whole)."
        ),
    },
)

# No request body of this API nests deeper than a few levels; a limit well above them refuses
# crafted bodies before the serializers or the error summary (both recursive) walk them.
MAX_JSON_DEPTH = 32


class BoundedJSONParser(parsers.JSONParser):
    """JSON bodies, refused with 400 when nested deeper than MAX_JSON_DEPTH.

    Python's json module raises RecursionError (not a ValueError, so DRF answers 500) for
    about a thousand nested brackets; shallower nesting would still reach the recursive code
    after parsing.
    """

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise exceptions.ParseError("JSON parse error - nested too deeply.") from None
        if json_depth(data) > MAX_JSON_DEPTH:
            raise exceptions.ParseError(
                f"JSON parse error - nested deeper than {MAX_JSON_DEPTH} levels."
            )
        return data


def json_object_part(value: str, *, what: str) -> dict:
    """A JSON object sent as text in one part of a multipart request (the body a JSON request
    would carry, beside files), read as the JSON parser reads a body: deep nesting is refused
    with a field error, never a 500."""
    try:
        data = json.loads(value)
    except (ValueError, RecursionError):
        raise serializers.ValidationError("Not valid JSON.") from None
    if not isinstance(data, dict) or json_depth(data) > MAX_JSON_DEPTH:
        raise serializers.ValidationError(f"Give {what} as a JSON object.")
    return data


def json_depth(data: Any) -> int:
    """Nesting depth of parsed JSON, counted without recursion."""
    deepest = 0
    pending = [(data, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, dict):
            value = list(value.values())
        if isinstance(value, list):
            deepest = max(deepest, depth)
            pending.extend((item, depth + 1) for item in value)
    return deepest


class FileNegotiation(DefaultContentNegotiation):
    """File endpoints (PDFs, labels, CSV exports, statistics, evidence) answer a success with
    their own bytes and media type, whatever the renderers know: a client asking for that type
    (Accept: application/pdf) gets the file, not a 406. Errors always answer in JSON."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class Pagination(pagination.PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 500


class NewestFirstPagination(pagination.CursorPagination):
    """Keyset pagination for long, growing lists (custody events): `?cursor=` points into the
    ordering (newest first, or oldest first with `?ordering=<first field>`), so page 10,000
    costs what page 1 costs; no total count (it would read the whole table). The answer is
    `{"next", "previous", "results"}`."""

    ordering = ("-occurred_at", "-id")
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    def get_ordering(self, request, queryset, view) -> tuple[str, ...]:
        if request.query_params.get("ordering") == self.ordering[0].lstrip("-"):
            return tuple(field.lstrip("-") for field in self.ordering)
        return self.ordering

    def decode_cursor(self, request):
        try:
            return super().decode_cursor(request)
        except exceptions.NotFound as error:
            raise exceptions.ValidationError({self.cursor_query_param: [error.detail]}) from None


class ActionPermission(permissions.BasePermission):
    """Grants each viewset action by a Django permission.

    A view names the permission of each action in ``permission_map`` (action -> "app.codename",
    or None for "any logged-in user"); list and retrieve default to the model's view permission.
    An action missing from the map is refused, so a new action is closed until granted.
    """

    def has_permission(self, request, view) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        required = required_permission(view)
        if required is _REFUSED:
            return False
        return required is None or request.user.has_perm(required)


_REFUSED = object()


def required_permission(view) -> Any:
    action = getattr(view, "action", None) or request_method_action(view)
    mapping: dict[str, str | None] = getattr(view, "permission_map", {})
    if action in mapping:
        return mapping[action]
    if action in READ_ACTIONS:
        model = view.get_queryset().model
        return f"{model._meta.app_label}.view_{model._meta.model_name}"
    return _REFUSED


def request_method_action(view) -> str:
    """Plain APIViews have no action: name it after the HTTP method."""
    return view.request.method.lower() if getattr(view, "request", None) else ""


def validation_errors(error: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {
            field: [str(m) for e in errs for m in e.messages]
            for field, errs in error.error_dict.items()
        }
    return {"non_field_errors": [str(m) for m in error.messages]}


def error_body(detail: str, errors: dict[str, Any] | None = None) -> dict[str, Any]:
    """The one error shape: `detail` and `errors`, both always present (the README's promise)."""
    return {"detail": detail, "errors": errors or {}}


BODY_ERRORS = (exceptions.ParseError, exceptions.UnsupportedMediaType)


def exception_handler(exc, context):
    """Map every error to one JSON shape: {"detail": "...", "errors": {field: [messages]}}."""
    if isinstance(exc, DjangoValidationError):
        errors = validation_errors(exc)
        return Response(
            error_body(first_message(errors), errors), status=status.HTTP_400_BAD_REQUEST
        )
    if isinstance(exc, TransitionNotAllowed):
        return Response(error_body(exc.message), status=status.HTTP_409_CONFLICT)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    # Imported here: rest_framework.views imports this module's permission class at start-up.
    from rest_framework.views import exception_handler as drf_exception_handler

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        response.data = error_body(first_message(errors), errors)
    elif isinstance(exc, BODY_ERRORS):
        # A body that cannot be read (malformed JSON, an unsupported content type) is bad input
        # of the body as a whole, so its message is also a non-field error.
        response.data = error_body(str(exc.detail), {"non_field_errors": [str(exc.detail)]})
    else:
        response.data = error_body(str(getattr(exc, "detail", response.data)))
    return response


def first_message(errors: Any) -> str:
    """A one-line summary for clients that show a single message."""
    if isinstance(errors, dict):
        for field, value in errors.items():
            message = first_message(value)
            return message if field == "non_field_errors" else f"{field}: {message}"
    if isinstance(errors, list) and errors:
        return first_message(errors[0])
    return str(errors) if errors else "Invalid input."


# Error responses every operation can give, documented by `document_errors` where a view did
# not: the schema then states the one error shape for each of them.
GENERIC_ERRORS = {
    "400": "Bad input: malformed body or filters, or field errors.",
    "401": "Not authenticated (no, invalid or expired token or session).",
    "403": "Authenticated, but without the permission for this operation.",
    "404": "No such object, or no such page of a list.",
    "415": "The body's media type is not one this operation reads.",
    "429": "Too many requests: retry after the seconds in Retry-After.",
}


def document_errors(result: dict[str, Any], generator, request, public) -> dict[str, Any]:
    """drf-spectacular post-processing hook: every 4xx response of every operation carries the
    ApiError schema, and each operation documents the generic errors it can give (400 when it
    takes a body or parameters, 401 and 403 when it needs a login, 404 when its path names an
    object or it lists pages, 415 when it takes a body, 429 when it is rate-limited)."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault(
        "ApiError",
        {
            "type": "object",
            "properties": {"detail": {"type": "string"}, "errors": {"type": "object"}},
            "required": ["detail", "errors"],
        },
    )
    content = {"application/json": {"schema": {"$ref": "#/components/schemas/ApiError"}}}
    throttled = {
        (path, method.lower())
        for path, _, method, view in getattr(generator, "endpoints", None) or ()
        if getattr(view.cls, "throttle_classes", ())
    }
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            secured = any(requirement for requirement in operation.get("security", [{}]))
            parameters = operation.get("parameters", [])
            wanted = {
                "400": "requestBody" in operation or any(p["in"] == "query" for p in parameters),
                "401": secured,
                "403": secured,
                "404": "{" in path or any(p["name"] == "page" for p in parameters),
                "415": "requestBody" in operation,
                "429": (path, method) in throttled,
            }
            for code, needed in wanted.items():
                if needed and code not in responses:
                    responses[code] = {"description": GENERIC_ERRORS[code]}
            for code, response in responses.items():
                if str(code).startswith("4") and "content" not in response:
                    response["content"] = content
    return result

"""The API router, shared by every app's api/urls.py."""

from rest_framework.routers import SimpleRouter

# A database id in a URL: at most 18 digits, so that a longer number is a 404 rather than an
# integer the database cannot take as a parameter (bigint holds 18 digits and a bit).
ID_PATTERN = "[0-9]{1,18}"


class Router(SimpleRouter):
    """The API router: a viewset looked up by its primary key matches ids only (ID_PATTERN);
    one with another lookup field keeps its own `lookup_value_regex`."""

    def get_lookup_regex(self, viewset, lookup_prefix: str = "") -> str:
        field = getattr(viewset, "lookup_field", "pk")
        kwarg = getattr(viewset, "lookup_url_kwarg", None) or field
        default = ID_PATTERN if field in ("pk", "id") else "[^/.]+"
        value = getattr(viewset, "lookup_value_regex", default)
        return f"(?P<{lookup_prefix}{kwarg}>{value})"

"""No 500 for anything a client can send, on the pages: every page URL of the app, on the demo
data, with existing and unknown path values and malformed query strings (GET), and with an
empty and a malformed form (POST), as the administrator, who may open every page. The API has
its own property-based test."""

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver

from destruction.models import Certificate

pytestmark = pytest.mark.django_db

# Prefixes with their own tests or not pages of this app.
SKIPPED = ("admin/", "api/", "login/", "logout/")
JUNK_QUERY = {
    "page": "x",
    "year": "20x6",
    "office": "ZZZ",
    "status": "nope",
    "ordering": "-nope",
    "detained_after": "31/31/2026",
    "order": "DO-nope",
    "format": "exe",
    "q": "' OR 1=1 --",
}
JUNK_FORM = {
    "reason": "x" * 5000,
    "articles": "-1",
    "location": "nope",
    "lot": "abc",
    # Not an id, and an all-digit value beyond any database integer.
    "lots": ["nope", "9" * 23],
    "total_weight_kg": "1e999",
    "decision": "maybe",
    "order": "DO-nope",
    "form-TOTAL_FORMS": "x",
    "lots-TOTAL_FORMS": "9999999",
}


def page_patterns(resolver=None, prefix: str = "") -> list[str]:
    """Every page route as a string with its <converter:name> parts."""
    found: list[str] = []
    for entry in (resolver or get_resolver()).url_patterns:
        route = prefix + str(entry.pattern)
        if route.startswith(SKIPPED):
            continue
        if isinstance(entry, URLResolver):
            found.extend(page_patterns(entry, route))
        elif isinstance(entry, URLPattern):
            found.append(route)
    return found


def fill(route: str, values: dict[str, str]) -> str:
    def value(match: re.Match) -> str:
        return values.get(match.group(2), values[match.group(1) or "str"])

    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", value, route)


@pytest.fixture
def demo(monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "demo-password")
    call_command("seed_demo", "--force", stdout=io.StringIO())


def urls_to_try() -> list[str]:
    certificate = Certificate.objects.order_by("pk").first()
    known = {
        "int": "1",
        "str": "nope",
        "slug": "adr",
        "number": certificate.number,
        "code": certificate.verification_code,
    }
    unknown = {
        "int": "99999999999999999999",
        "str": "nope",
        "slug": "nope",
        "number": "CD-1999-99999",
        "code": "x" * 43,
    }
    urls = set()
    for route in page_patterns():
        urls.add(fill(route, known))
        urls.add(fill(route, unknown))
    return sorted(urls)


def test_no_page_answers_with_a_server_error(client, demo):
    client.force_login(get_user_model().objects.get(username="admin"))
    failures = []
    for url in urls_to_try():
        for method, data in (("get", JUNK_QUERY), ("post", {}), ("post", JUNK_FORM)):
            response = getattr(client, method)(url, data)
            if response.status_code >= 500:
                failures.append(f"{method.upper()} {url} -> {response.status_code}")
    assert not failures, "\n".join(failures)

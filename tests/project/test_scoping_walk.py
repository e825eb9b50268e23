"""Need-to-know: every page and API endpoint, walked from the URL patterns, as a user of another
office and as the user of another right holder. A detail of the other side's record answers as
an id that does not exist (404, or the 403 a missing permission gives either way); a list, an
export or a form never names the other side's records. A new route that takes an id and is
neither mapped to a record kind below nor exempted with its reason fails the test."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from tests.scoping_world import office_world

pytestmark = pytest.mark.django_db

# Not pages or endpoints of the records scoped by office.
SKIPPED_PREFIXES = ("admin/", "login/", "logout/", "api/schema/", "api/docs/")
# Routes taking an id whose records are not scoped by office, and why.
EXEMPT = {
    r"^audit/": "the audit trail: auditors and administrators only, national",
    r"^api/v1/audit-events/": "the audit trail: auditors and administrators only, national",
    r"^facilities/|^api/v1/facilities/": "disposal facilities serve every office",
    r"^compliance/rules/|^api/v1/rules/": "the rulebook is the same for all",
    r"^verify/|^api/v1/verify/": "public verification by a certificate's secret code",
    r"^api/v1/custody-seals/": "public seals: counts and hashes only",
    r"^api/v1/(customs-offices|holidays|right-holders)/": "reference data (tested on its own)",
    r"^statistics/|^api/v1/statistics/": "statistics take an office (tested on their own)",
}
# Route prefix -> the kind of record its id names (CHILD_IDS: records inside it).
KINDS = {
    r"^stocktakes/|^api/v1/stocktakes/": "stocktake",
    r"^seizures/imports/|^api/v1/intake-batches/": "batch",
    r"^seizures/|^api/v1/seizures/|^right-holder/cases/": "seizure",
    r"^lots/|^api/v1/lots/": "lot",
    r"^storage/warehouses/|^api/v1/warehouses/": "warehouse",
    r"^api/v1/locations/": "location",
    r"^api/v1/custody-events/": "custody_event",
    r"^orders/|^api/v1/destruction-orders/": "order",
    r"^evidence/": "evidence",
    r"^compliance/checks/|^api/v1/compliance-checks/": "check",
    r"^certificates/|^reviews/|^api/v1/certificates/": "certificate",
    r"^api/v1/right-holder-acts/": "act",
    r"^statements/|^api/v1/statements/": "statement",
    r"^notifications/letters/": "letter",
}
ID_OF = {"certificate": lambda world: world.certificate.number}
# A record inside another one, by its parameter: the order's evidence, the lot's photo.
CHILD_IDS = {"evidence_pk": "evidence", "photo_pk": "photo"}
UNKNOWN = {"certificate": "CD-1999-99999"}
GROUP = re.compile(r"\(\?P<(\w+)>[^)]*\)|<(?:\w+:)?(\w+)>")


def routes(resolver=None, prefix: str = "") -> list[str]:
    found: list[str] = []
    for entry in (resolver or get_resolver()).url_patterns:
        route = prefix + str(entry.pattern).replace("^", "").replace("$", "")
        if route.startswith(SKIPPED_PREFIXES):
            continue
        if isinstance(entry, URLResolver):
            found.extend(routes(entry, route))
        elif isinstance(entry, URLPattern):
            found.append(route)
    return found


def parameters(route: str) -> list[str]:
    return [a or b for a, b in GROUP.findall(route)]


def kind_of(route: str) -> str | None:
    for pattern, kind in KINDS.items():
        if re.search(pattern, route):
            return kind
    return None


def exempt(route: str) -> bool:
    return any(re.search(pattern, route) for pattern in EXEMPT)


def url_for(route: str, world, *, unknown: bool = False) -> str:
    kind = kind_of(route)

    def value(match: re.Match) -> str:
        name = match.group(1) or match.group(2)
        if name in CHILD_IDS:
            return "99999999" if unknown else str(getattr(world, CHILD_IDS[name]).pk)
        if unknown:
            return UNKNOWN.get(kind, "99999999")
        return str(ID_OF.get(kind, lambda w: getattr(w, kind).pk)(world))

    return "/" + GROUP.sub(value, route)


@pytest.fixture
def worlds(admin_user, auditor_user):
    return office_world("AAA", issuer=admin_user, auditor=auditor_user), office_world(
        "BBB", issuer=admin_user, auditor=auditor_user
    )


def client_of(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


def test_every_route_taking_an_id_is_mapped_or_exempted():
    unmapped = [
        route
        for route in routes()
        if parameters(route) and not exempt(route) and kind_of(route) is None
    ]
    assert not unmapped, "Map these routes to a record kind in KINDS, or exempt them: " + str(
        unmapped
    )


@pytest.mark.parametrize("who", ["staff", "right_holder_user"])
def test_another_sides_records_answer_as_if_they_did_not_exist(worlds, who):
    theirs, mine = worlds
    client = client_of(getattr(mine, who))
    leaks = []
    checked = 0
    for route in routes():
        if not parameters(route) or exempt(route):
            continue
        for method in ("get", "post"):
            foreign = getattr(client, method)(url_for(route, theirs))
            missing = getattr(client, method)(url_for(route, theirs, unknown=True))
            checked += 1
            if foreign.status_code != missing.status_code or foreign.status_code not in (
                403,
                404,
                405,
            ):
                leaks.append(
                    f"{method.upper()} {url_for(route, theirs)}: {foreign.status_code} "
                    f"(unknown id: {missing.status_code})"
                )
    assert checked > 100
    assert not leaks, "\n".join(leaks)


@pytest.mark.parametrize("who", ["staff", "right_holder_user"])
def test_lists_exports_and_forms_never_name_another_sides_records(worlds, who):
    theirs, mine = worlds
    client = client_of(getattr(mine, who))
    markers = theirs.markers() + ([theirs.right_holder.name] if who != "staff" else [])
    leaks = []
    for route in routes():
        if parameters(route):
            continue
        for query in ("", "?export=csv"):
            response = client.get(f"/{route}{query}")
            content = body(response)
            leaks += [f"/{route}{query} names {m}" for m in markers if m in content]
    assert not leaks, "\n".join(leaks)


@pytest.mark.parametrize(
    ("who", "url"),
    [
        ("staff", "/seizures/"),
        ("staff", "/lots/"),
        ("staff", "/storage/locations/"),
        ("staff", "/orders/"),
        ("staff", "/certificates/"),
        ("staff", "/statements/"),
        ("staff", "/notifications/letters/"),
        ("staff", "/api/v1/lots/"),
        ("staff", "/api/v1/destruction-orders/"),
        ("right_holder_user", "/right-holder/"),
        ("right_holder_user", "/api/v1/seizures/"),
        ("right_holder_user", "/api/v1/certificates/"),
        ("right_holder_user", "/api/v1/statements/"),
    ],
)
def test_the_own_sides_records_are_listed(worlds, who, url):
    """The walk above is not vacuous: the same lists name the user's own records."""
    _, mine = worlds
    content = body(client_of(getattr(mine, who)).get(url))
    assert any(marker in content for marker in mine.markers())


def test_own_details_open(worlds):
    _, mine = worlds
    staff, holder = client_of(mine.staff), client_of(mine.right_holder_user)
    assert staff.get(f"/seizures/{mine.seizure.pk}/").status_code == 200
    assert staff.get(f"/api/v1/lots/{mine.lot.pk}/").status_code == 200
    assert staff.get(f"/orders/{mine.order.pk}/").status_code == 200
    assert staff.get(f"/notifications/letters/{mine.letter.pk}/").status_code == 200
    assert holder.get(f"/right-holder/cases/{mine.seizure.pk}/").status_code == 200
    assert holder.get(f"/certificates/{mine.certificate.number}/pdf/").status_code == 200
    assert holder.get(f"/api/v1/seizures/{mine.seizure.pk}/").status_code == 200

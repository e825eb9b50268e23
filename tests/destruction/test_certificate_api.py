import hashlib
import io

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DecodedStreamObject, NameObject

from compliance.models import CertificateReview
from destruction.certificates.api.views import VerifyThrottle
from destruction.certificates.services import (
    issue_certificate,
    reissue_certificate,
    revoke_certificate,
)
from destruction.methods import Method
from destruction.models import Certificate, CertificateStatus, OrderStatus
from project.roles import ADMINISTRATOR
from seizures.models import CustodyEvent
from tests.conftest import user_in_role
from tests.destruction.certificate_factories import (
    executed_order,
)

pytestmark = pytest.mark.django_db

LIST = "/api/v1/certificates/"


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def certificate(admin_user):
    return issue_certificate(order=executed_order(lots=2), actor=admin_user)


def verify_url(certificate) -> str:
    return f"/api/v1/verify/{certificate.verification_code}/"


# --- permissions: every action, every role ------------------------------------------------

ROLES = ("admin_user", "auditor_user", "warehouse_user", "roleless_user", "anonymous")
# The status each role gets, in the order of ROLES. An administrator who took no part in the
# order may review it; the certificate is issued by another administrator.
EXPECTED_STATUS = {
    "list": (200, 200, 200, 403, 401),
    "retrieve": (200, 200, 200, 403, 401),
    "pdf": (200, 200, 200, 403, 401),
    "review": (201, 201, 403, 403, 401),
    "revoke": (200, 403, 403, 403, 401),
    "reissue": (201, 403, 403, 403, 401),
}


def call(action: str, client, certificate):
    detail = f"{LIST}{certificate.number}/"
    if action == "list":
        return client.get(LIST)
    if action == "retrieve":
        return client.get(detail)
    if action == "pdf":
        return client.get(f"{detail}pdf/")
    if action == "review":
        return client.post(f"{detail}review/", {"decision": "approved"}, format="json")
    if action == "revoke":
        return client.post(f"{detail}revoke/", {"reason": "Wrong permit"}, format="json")
    return client.post(f"{detail}reissue/", {"note": "Permit fixed"}, format="json")


def state() -> dict:
    """What any certificate action could change."""
    return {
        "certificates": list(
            Certificate.objects.order_by("id").values_list("number", "status", "supersedes")
        ),
        "reviews": list(CertificateReview.objects.values_list("decision", "reviewer__username")),
        "custody_events": CustodyEvent.objects.count(),
    }


def expected_change(action: str, before: dict, username: str, certificate) -> dict:
    """The state after an allowed action: reads change nothing."""
    after = {**before}
    if action == "review":
        after["reviews"] = [("approved", username)]
    elif action == "revoke":
        after["certificates"] = [(certificate.number, "revoked", None)]
        after["custody_events"] += 1  # one lot
    elif action == "reissue":
        new = Certificate.objects.get(supersedes=certificate)
        after["certificates"] = [
            (certificate.number, "superseded", None),
            (new.number, "valid", certificate.pk),
        ]
        after["custody_events"] += 1
    return after


@pytest.mark.parametrize(
    ("action", "role", "status"),
    [
        (action, role, status)
        for action, statuses in EXPECTED_STATUS.items()
        for role, status in zip(ROLES, statuses, strict=True)
    ],
)
def test_each_certificate_action_answers_each_role(request, api, action, role, status):
    issuer = user_in_role(ADMINISTRATOR, username="issuer")
    certificate = issue_certificate(order=executed_order(), actor=issuer)
    if action == "reissue":
        revoke_certificate(certificate=certificate, reason="Wrong permit", actor=issuer)
    user = None if role == "anonymous" else request.getfixturevalue(role)
    before = state()

    response = call(action, api(user), certificate)

    assert response.status_code == status
    if status >= 400:
        assert state() == before
    else:
        assert state() == expected_change(action, before, user.username, certificate)


# --- list and filters ---------------------------------------------------------------------


@pytest.mark.parametrize("role", ["admin_user", "auditor_user", "warehouse_user"])
def test_each_role_lists_certificates_with_their_totals(request, api, certificate, role):
    response = api(request.getfixturevalue(role)).get(LIST)

    assert response.status_code == 200
    [row] = response.json()["results"]
    assert row["number"] == certificate.number
    assert row["status"] == "valid"
    assert row["order"] == certificate.order.reference
    assert row["totals"] == {
        "lots": 2,
        "articles": 200,
        "weight_kg": "25.000",
        "methods": ["RECYCLE_SHRED"],
    }
    assert row["sha256"] == certificate.sha256
    assert row["verdict"] == ""
    assert row["review"] is None


def test_the_certificate_list_filters_by_office_facility_method_waste_class_and_review(
    api, admin_user, auditor_user
):
    shoes = issue_certificate(order=executed_order(methods=("RECOVER_WTE",)), actor=admin_user)
    shirts = issue_certificate(order=executed_order(), actor=admin_user)
    CertificateReview.objects.create(
        certificate=shoes, decision="flagged", reviewer=auditor_user, findings=[]
    )
    client = api(admin_user)

    def numbers(query: str) -> list[str]:
        response = client.get(LIST + query)
        assert response.status_code == 200, response.json()
        return [row["number"] for row in response.json()["results"]]

    assert numbers(f"?office={shoes.office.code}") == [shoes.number]
    assert numbers(f"?facility={shirts.order.facility_id}") == [shirts.number]
    assert numbers("?method=RECOVER_WTE") == [shoes.number]
    assert numbers("?waste_class=APP") == [shirts.number, shoes.number]
    assert numbers("?waste_class=BAT") == []
    assert numbers("?review=flagged") == [shoes.number]
    assert numbers("?review=none") == [shirts.number]
    assert numbers("?verdict=unchecked&status=valid") == [shirts.number, shoes.number]
    assert numbers("?verdict=compliant") == []
    assert numbers(f"?issued_after={shoes.issued_at.date()}") == [shirts.number, shoes.number]
    assert numbers("?issued_before=2000-01-01") == []


def test_malformed_certificate_filters_give_400_with_field_errors(api, admin_user):
    response = api(admin_user).get(
        LIST + "?issued_after=yesterday&facility=abc&method=BURN_IT&verdict=maybe"
    )

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"issued_after", "facility", "method", "verdict"}


def test_the_certificate_list_runs_the_same_queries_for_one_and_many_rows(api, admin_user):
    client = api(admin_user)
    issue_certificate(order=executed_order(), actor=admin_user)
    client.get(LIST)  # warm caches (content types, permissions)
    with CaptureQueriesContext(connection) as one:
        assert client.get(LIST).status_code == 200
    for _ in range(4):
        issue_certificate(order=executed_order(), actor=admin_user)
    with CaptureQueriesContext(connection) as many:
        response = client.get(LIST)
    assert response.json()["count"] == 5
    assert len(many) == len(one)


def test_retrieve_returns_the_frozen_snapshot(api, auditor_user, certificate):
    response = api(auditor_user).get(f"{LIST}{certificate.number}/")

    assert response.status_code == 200
    assert response.json()["snapshot"] == certificate.snapshot


# --- issue --------------------------------------------------------------------------------


def test_an_administrator_issues_a_certificate_through_the_api(api, admin_user):
    order = executed_order(lots=2)

    response = api(admin_user).post(LIST, {"order": order.reference}, format="json")

    assert response.status_code == 201, response.json()
    certificate = Certificate.objects.get(order=order)
    assert response.json()["number"] == certificate.number
    assert response.json()["sha256"] == certificate.sha256
    order.refresh_from_db()
    assert order.status == OrderStatus.CERTIFIED
    assert CustodyEvent.objects.filter(kind="certified").count() == 2


@pytest.mark.parametrize("role", ["auditor_user", "warehouse_user", "roleless_user"])
def test_only_an_administrator_issues_certificates(request, api, role):
    order = executed_order()

    response = api(request.getfixturevalue(role)).post(
        LIST, {"order": order.reference}, format="json"
    )

    assert response.status_code == 403
    assert not Certificate.objects.exists()


def test_issuing_with_an_unknown_or_missing_order_gives_400(api, admin_user):
    client = api(admin_user)

    unknown = client.post(LIST, {"order": "DO-1999-0001"}, format="json")
    missing = client.post(LIST, {}, format="json")

    assert unknown.status_code == 400
    assert "order" in unknown.json()["errors"]
    assert missing.status_code == 400
    assert "order" in missing.json()["errors"]


def test_issuing_twice_through_the_api_gives_409(api, admin_user, certificate):
    response = api(admin_user).post(LIST, {"order": certificate.order.reference}, format="json")

    assert response.status_code == 409
    assert "executed" in response.json()["detail"]
    assert Certificate.objects.count() == 1


# --- pdf ----------------------------------------------------------------------------------


def test_the_served_pdf_hashes_to_the_stored_sha256(api, warehouse_user, certificate):
    response = api(warehouse_user).get(f"{LIST}{certificate.number}/pdf/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert hashlib.sha256(response.content).hexdigest() == certificate.sha256
    assert response["X-Content-SHA256"] == certificate.sha256


def test_the_pdf_of_an_unknown_certificate_is_404(api, admin_user):
    assert api(admin_user).get(f"{LIST}CD-2026-99999/pdf/").status_code == 404


# --- revoke and reissue -------------------------------------------------------------------


def test_an_administrator_revokes_a_certificate(api, admin_user, certificate):
    response = api(admin_user).post(
        f"{LIST}{certificate.number}/revoke/", {"reason": "Wrong permit"}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["status"] == "revoked"
    assert response.json()["revocation_reason"] == "Wrong permit"
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.REVOKED
    assert CustodyEvent.objects.filter(kind="certificate_revoked").count() == 2


def test_revoking_without_a_reason_gives_400(api, admin_user, certificate):
    response = api(admin_user).post(f"{LIST}{certificate.number}/revoke/", {}, format="json")

    assert response.status_code == 400
    assert "reason" in response.json()["errors"]


def test_revoking_twice_gives_409(api, admin_user, certificate):
    client = api(admin_user)
    client.post(f"{LIST}{certificate.number}/revoke/", {"reason": "Typo"}, format="json")

    again = client.post(f"{LIST}{certificate.number}/revoke/", {"reason": "Typo"}, format="json")

    assert again.status_code == 409


def test_an_administrator_reissues_a_revoked_certificate(api, admin_user, certificate):
    client = api(admin_user)
    client.post(f"{LIST}{certificate.number}/revoke/", {"reason": "Typo"}, format="json")

    response = client.post(
        f"{LIST}{certificate.number}/reissue/", {"note": "Typo fixed"}, format="json"
    )

    assert response.status_code == 201
    body = response.json()
    assert body["supersedes"] == certificate.number
    assert body["status"] == "valid"
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.SUPERSEDED
    assert certificate.superseded_by.number == body["number"]


def test_reissuing_a_valid_certificate_gives_409(api, admin_user, certificate):
    response = api(admin_user).post(f"{LIST}{certificate.number}/reissue/", {}, format="json")

    assert response.status_code == 409
    assert Certificate.objects.count() == 1


def test_a_too_long_correction_note_gives_400(api, admin_user, certificate):
    revoke_certificate(certificate=certificate, reason="Typo", actor=admin_user)

    response = api(admin_user).post(
        f"{LIST}{certificate.number}/reissue/", {"note": "x" * 1001}, format="json"
    )

    assert response.status_code == 400
    assert "note" in response.json()["errors"]


# --- public verification ------------------------------------------------------------------


def test_the_public_verification_needs_no_login_and_shows_only_public_fields(api, certificate):
    response = api().get(verify_url(certificate))

    assert response.status_code == 200
    body = response.json()
    seal = body.pop("seal")
    assert seal["present"] is True and seal["valid"] is True
    assert seal["signer"] == "Test Customs certificate seal"
    assert seal["signed_at"].startswith(certificate.issued_at.astimezone().strftime("%Y-%m-%d"))
    assert body == {
        "number": certificate.number,
        "status": "valid",
        "issue_date": certificate.snapshot["issue_date"],
        "issuing_office": f"{certificate.office.code} {certificate.office.name}",
        "totals": {"lots": 2, "articles": 200, "weight_kg": "25.000", "methods": ["RECYCLE_SHRED"]},
        "sha256": certificate.sha256,
        "supersedes": None,
        "superseded_by": None,
        "revocation_reason": "",
        "methods": [{"code": "RECYCLE_SHRED", "label": Method.RECYCLE_SHRED.label}],
        "decisions": [],
    }


def test_an_unknown_verification_code_is_404(api):
    assert api().get("/api/v1/verify/not-a-real-code/").status_code == 404


def test_the_public_verification_shows_revocation_review_and_replacement(
    api, admin_user, auditor_user, certificate
):
    CertificateReview.objects.create(
        certificate=certificate, decision="flagged", reviewer=auditor_user, findings=[]
    )
    revoke_certificate(certificate=certificate, reason="Wrong permit", actor=admin_user)
    new = reissue_certificate(certificate=certificate, actor=admin_user)

    old_body = api().get(verify_url(certificate)).json()
    new_body = api().get(verify_url(new)).json()

    assert old_body["status"] == "superseded"
    assert old_body["superseded_by"] == new.number
    assert [(d["kind"], d["decision"]) for d in old_body["decisions"]] == [
        ("review", "flagged"),
        ("revocation", "revoked"),
    ]
    assert old_body["decisions"][1]["reason"] == "Wrong permit"
    assert auditor_user.first_name not in str(old_body)
    assert new_body["status"] == "valid"
    assert new_body["supersedes"] == certificate.number


def test_uploading_the_genuine_pdf_matches(api, certificate):
    upload = SimpleUploadedFile("cert.pdf", bytes(certificate.pdf), "application/pdf")

    response = api().post(verify_url(certificate), {"file": upload}, format="multipart")

    assert response.status_code == 200
    body = response.json()
    assert (body["match"], body["genuine"], body["matches"]) == ("identical", True, True)
    assert body["uploaded_sha256"] == certificate.sha256
    assert body["seal"]["valid"] is True


def forged_copy(certificate) -> bytes:
    """The genuine PDF opened and saved again with one metadata field changed."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(bytes(certificate.pdf))))
    writer.add_metadata({"/Title": "Certificate of destruction (corrected)"})
    buffer = io.BytesIO()
    writer.write(buffer)
    forged = buffer.getvalue()
    assert forged != bytes(certificate.pdf)
    return forged


def test_uploading_a_modified_pdf_does_not_match_and_says_its_seal_is_broken(api, certificate):
    tampered = forged_copy(certificate)
    upload = SimpleUploadedFile("cert.pdf", tampered, "application/pdf")

    response = api().post(verify_url(certificate), {"file": upload}, format="multipart")

    assert response.status_code == 200
    body = response.json()
    assert (body["match"], body["genuine"], body["matches"]) == ("broken_seal", False, False)
    assert body["seal"]["present"] is True and body["seal"]["valid"] is False
    assert body["uploaded_sha256"] == hashlib.sha256(tampered).hexdigest()


def test_a_copy_saved_again_incrementally_with_its_seal_intact_is_genuine(api, certificate):
    writer = PdfWriter(io.BytesIO(bytes(certificate.pdf)), incremental=True)
    writer.add_metadata({"/Subject": "Filed by the right holder"})
    buffer = io.BytesIO()
    writer.write(buffer)
    upload = SimpleUploadedFile("cert.pdf", buffer.getvalue(), "application/pdf")

    body = api().post(verify_url(certificate), {"file": upload}, format="multipart").json()

    assert (body["match"], body["genuine"], body["matches"]) == ("sealed_copy", True, False)
    assert body["seal"]["valid"] is True


def test_an_incremental_update_that_lays_new_text_over_the_page_breaks_the_seal(api, certificate):
    """The shadow attack: an appended revision adds a content stream to the sealed page. The
    signed bytes are untouched, but pyHanko's difference analysis refuses the change."""
    writer = PdfWriter(io.BytesIO(bytes(certificate.pdf)), incremental=True)
    overlay = DecodedStreamObject()
    overlay.set_data(b"BT /F1 30 Tf 100 700 Td (999 lots) Tj ET")
    page = writer.pages[0]
    page[NameObject("/Contents")] = ArrayObject(
        [page.raw_get("/Contents"), writer._add_object(overlay)]
    )
    buffer = io.BytesIO()
    writer.write(buffer)
    upload = SimpleUploadedFile("cert.pdf", buffer.getvalue(), "application/pdf")

    body = api().post(verify_url(certificate), {"file": upload}, format="multipart").json()

    assert (body["match"], body["genuine"]) == ("broken_seal", False)


def test_a_sealed_certificate_uploaded_to_another_code_is_another_document(
    api, certificate, admin_user
):
    other = issue_certificate(order=executed_order(), actor=admin_user)
    upload = SimpleUploadedFile("cert.pdf", bytes(other.pdf), "application/pdf")

    body = api().post(verify_url(certificate), {"file": upload}, format="multipart").json()

    assert (body["match"], body["genuine"]) == ("other_document", False)


def test_an_unsealed_unrelated_file_is_different(api, certificate):
    upload = SimpleUploadedFile("cert.pdf", b"%PDF-1.4 not a certificate", "application/pdf")

    body = api().post(verify_url(certificate), {"file": upload}, format="multipart").json()

    assert (body["match"], body["genuine"]) == ("different", False)
    assert body["seal"] == {"present": False, "valid": False, "signer": "", "signed_at": None}


def test_uploading_nothing_gives_400(api, certificate):
    response = api().post(verify_url(certificate), {}, format="multipart")

    assert response.status_code == 400
    assert "file" in response.json()["errors"]


def test_the_public_verification_is_rate_limited(api, certificate, monkeypatch):
    monkeypatch.setattr(VerifyThrottle, "rate", "3/minute", raising=False)
    client = api()

    statuses = [client.get(f"/api/v1/verify/guess-number-{n}/").status_code for n in range(3)]
    blocked = client.get(verify_url(certificate))
    spoofed = client.get(verify_url(certificate), HTTP_X_FORWARDED_FOR="10.9.8.7")

    assert statuses == [404, 404, 404]
    assert blocked.status_code == 429
    # A client-chosen X-Forwarded-For does not buy a fresh budget.
    assert spoofed.status_code == 429


def test_the_openapi_schema_describes_the_certificate_endpoints(api, admin_user):
    response = api(admin_user).get("/api/schema/", {"format": "json"})

    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in (
        "/api/v1/certificates/",
        "/api/v1/certificates/{number}/pdf/",
        "/api/v1/certificates/{number}/revoke/",
        "/api/v1/certificates/{number}/reissue/",
        "/api/v1/certificates/{number}/review/",
        "/api/v1/verify/{code}/",
    ):
        assert path in paths

import hashlib

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from compliance.models import ComplianceCheck
from destruction.certificates.api.views import VerifyThrottle
from destruction.certificates.services import (
    issue_certificate,
    reissue_certificate,
    revoke_certificate,
)
from destruction.models import Certificate, CertificateStatus, OrderStatus
from tests.destruction.certificate_factories import executed_order

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def certificate(admin_user):
    return issue_certificate(order=executed_order(lots=2), actor=admin_user)


def page_as(client, user):
    client.force_login(user)
    return client


def test_order_page_leads_from_executed_order_to_its_certificate(client, admin_user):
    order = executed_order()
    page = page_as(client, admin_user).get(f"/orders/{order.pk}/").text
    assert f'href="/certificates/issue/?order={order.reference}"' in page
    certificate = issue_certificate(order=order, actor=admin_user)
    page = client.get(f"/orders/{order.pk}/").text
    assert f'href="/certificates/{certificate.number}/"' in page
    assert "/certificates/issue/" not in page.split("Next step")[1].split("</section>")[0]


# --- list, detail, pdf ------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["admin_user", "auditor_user", "warehouse_user"])
def test_each_role_sees_the_certificate_list(request, client, certificate, role):
    response = page_as(client, request.getfixturevalue(role)).get("/certificates/")

    assert response.status_code == 200
    assert certificate.number in response.content.decode()


def test_the_certificate_list_needs_a_role_and_a_login(client, roleless_user, certificate):
    assert client.get("/certificates/").status_code == 302
    assert page_as(client, roleless_user).get("/certificates/").status_code == 403


def test_the_certificate_list_filters_and_shows_malformed_filters_as_form_errors(
    client, admin_user, certificate
):
    client = page_as(client, admin_user)

    matching = client.get("/certificates/", {"office": certificate.office.code})
    other = client.get("/certificates/", {"status": "revoked"})
    malformed = client.get("/certificates/", {"issued_after": "soon", "facility": "x"})

    assert certificate.number in matching.content.decode()
    assert certificate.number not in other.content.decode()
    assert malformed.status_code == 200
    assert "Enter a valid date." in malformed.content.decode()
    assert certificate.number not in malformed.content.decode()


def test_the_certificate_list_page_runs_the_same_queries_for_one_and_many_rows(client, admin_user):
    client = page_as(client, admin_user)
    issue_certificate(order=executed_order(), actor=admin_user)
    client.get("/certificates/")
    with CaptureQueriesContext(connection) as one:
        client.get("/certificates/")
    for _ in range(4):
        issue_certificate(order=executed_order(), actor=admin_user)
    with CaptureQueriesContext(connection) as many:
        response = client.get("/certificates/")
    assert response.content.decode().count("CD-") >= 5
    assert len(many) == len(one)


def test_the_detail_page_shows_the_certificate_and_the_correction_form_to_administrators(
    client, admin_user, auditor_user, certificate
):
    admin_page = page_as(client, admin_user).get(f"/certificates/{certificate.number}/")
    body = admin_page.content.decode()
    assert certificate.number in body
    assert certificate.sha256 in body
    assert "Revoke certificate" in body

    auditor_page = page_as(client, auditor_user).get(f"/certificates/{certificate.number}/")
    assert auditor_page.status_code == 200
    assert "Revoke certificate" not in auditor_page.content.decode()


def test_the_pdf_page_serves_the_stored_bytes(client, warehouse_user, certificate):
    response = page_as(client, warehouse_user).get(f"/certificates/{certificate.number}/pdf/")

    assert response.status_code == 200
    assert hashlib.sha256(response.content).hexdigest() == certificate.sha256


# --- issue, revoke, reissue -------------------------------------------------------------------


def test_an_administrator_issues_a_certificate_from_the_page(client, admin_user):
    order = executed_order()
    client = page_as(client, admin_user)

    form = client.get("/certificates/issue/", {"order": order.reference})
    response = client.post("/certificates/issue/", {"order": order.reference})

    assert form.status_code == 200
    assert f'value="{order.reference}" selected' in form.content.decode()
    certificate = Certificate.objects.get(order=order)
    assert response.status_code == 302
    assert response["Location"] == f"/certificates/{certificate.number}/"
    order.refresh_from_db()
    assert order.status == OrderStatus.CERTIFIED


def test_a_blocking_finding_shows_on_the_issue_form(client, admin_user):
    order = executed_order()
    ComplianceCheck.objects.create(
        stage="record",
        order=order,
        rulebook_version="2026.1",
        verdict="non_compliant",
        findings=[{"rule": "X-MF-03", "severity": "blocking", "message": "Permit lacks R3"}],
        checked_by=admin_user,
    )

    response = page_as(client, admin_user).post("/certificates/issue/", {"order": order.reference})

    assert response.status_code == 200
    assert "X-MF-03" in response.content.decode()
    assert not Certificate.objects.exists()


@pytest.mark.parametrize("role", ["auditor_user", "warehouse_user"])
def test_only_administrators_open_the_issue_revoke_and_reissue_pages(
    request, client, certificate, role
):
    client = page_as(client, request.getfixturevalue(role))

    assert client.get("/certificates/issue/").status_code == 403
    assert (
        client.post(f"/certificates/{certificate.number}/revoke/", {"reason": "x"}).status_code
        == 403
    )
    assert client.post(f"/certificates/{certificate.number}/reissue/").status_code == 403
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.VALID


def test_an_administrator_revokes_then_reissues_from_the_pages(client, admin_user, certificate):
    client = page_as(client, admin_user)

    empty = client.post(f"/certificates/{certificate.number}/revoke/", {"reason": ""})
    revoked = client.post(f"/certificates/{certificate.number}/revoke/", {"reason": "Typo"})
    reissued = client.post(f"/certificates/{certificate.number}/reissue/", {"note": "Fixed"})

    assert empty.status_code == 200
    assert "This field is required." in empty.content.decode()
    assert revoked.status_code == 302
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.SUPERSEDED
    new = certificate.superseded_by
    assert reissued["Location"] == f"/certificates/{new.number}/"
    assert new.snapshot["supersedes"]["note"] == "Fixed"


def test_reissuing_a_valid_certificate_shows_a_form_error(client, admin_user, certificate):
    response = page_as(client, admin_user).post(f"/certificates/{certificate.number}/reissue/")

    assert response.status_code == 200
    assert "revoke" in response.content.decode()
    assert Certificate.objects.count() == 1


# --- public verification ----------------------------------------------------------------------


def test_the_public_page_shows_status_and_totals_without_login(client, certificate):
    response = client.get(f"/verify/{certificate.verification_code}/")

    body = response.content.decode()
    assert response.status_code == 200
    assert certificate.number in body
    assert 'data-status="valid">Valid<' in body
    assert certificate.sha256 in body
    assert "25 kg" in body
    assert certificate.issued_by.first_name not in body


def test_the_public_page_of_an_unknown_code_is_404(client):
    assert client.get("/verify/no-such-code/").status_code == 404


def test_the_public_page_shows_a_revocation_with_its_reason(client, admin_user, certificate):
    revoke_certificate(certificate=certificate, reason="Permit misprinted", actor=admin_user)

    body = client.get(f"/verify/{certificate.verification_code}/").content.decode()

    assert 'data-status="revoked">Revoked<' in body
    assert "Permit misprinted" in body


def test_the_public_page_checks_an_uploaded_pdf_and_its_seal(client, certificate):
    url = f"/verify/{certificate.verification_code}/"
    pdf = bytes(certificate.pdf)
    flipped = bytearray(pdf)
    flipped[len(pdf) // 4] ^= 0x01

    def upload(data: bytes) -> str:
        file = SimpleUploadedFile("c.pdf", data, "application/pdf")
        return client.post(url, {"file": file}).content.decode()

    same = upload(pdf)
    # A comment after the end of the file: not the same bytes, the sealed content unchanged.
    appended = upload(pdf + b"\n% filed on 2026-12-01")
    tampered = upload(bytes(flipped))
    empty = client.post(url, {})

    assert 'data-match="identical"' in same and "Genuine copy" in same
    assert 'data-match="sealed_copy"' in appended and "Genuine, sealed copy" in appended
    assert 'data-match="broken_seal"' in tampered and "Seal broken" in tampered
    assert "Genuine" not in tampered
    assert empty.status_code == 400


def test_the_public_page_shows_the_seal_and_offers_its_ca_certificate(
    client, certificate, certificate_seal
):
    body = client.get(f"/verify/{certificate.verification_code}/").content.decode()
    pem = client.get("/verify/seal-ca.pem")

    assert "Sealed by Test Customs certificate seal on" in body
    assert "the seal is valid" in body
    assert 'href="/verify/seal-ca.pem"' in body
    assert pem.status_code == 200
    assert pem.content == certificate_seal.read_bytes()


def test_the_ca_certificate_is_404_when_no_seal_is_configured(client, settings, tmp_path):
    settings.DEBUG = True
    settings.CERTIFICATE_SEAL_P12 = ""
    settings.VAR_DIR = tmp_path
    assert client.get("/verify/seal-ca.pem").status_code == 404


def test_a_superseded_certificate_links_to_its_replacement(client, admin_user, certificate):
    revoke_certificate(certificate=certificate, reason="Permit misprinted", actor=admin_user)
    new = reissue_certificate(certificate=certificate, actor=admin_user)

    old_page = client.get(f"/verify/{certificate.verification_code}/").content.decode()
    new_page = client.get(f"/verify/{new.verification_code}/").content.decode()

    assert 'data-status="superseded">Superseded<' in old_page
    assert f'href="/verify/{new.verification_code}/" data-testid="superseded-by">{new.number}' in (
        old_page
    )
    assert 'data-status="valid">Valid<' in new_page
    assert (
        f'It amends and replaces certificate <strong data-testid="supersedes">{certificate.number}'
        in new_page
    )


def test_the_public_page_is_rate_limited(client, certificate, monkeypatch):
    monkeypatch.setattr(VerifyThrottle, "rate", "2/minute", raising=False)
    url = f"/verify/{certificate.verification_code}/"

    first, second, third = client.get(url), client.get(url), client.get(url)

    assert [first.status_code, second.status_code] == [200, 200]
    assert third.status_code == 429
    assert "Too many checks" in third.content.decode()


def test_the_lookup_page_takes_a_code_to_its_verification_page(client, certificate):
    response = client.get("/verify/", {"code": certificate.verification_code})

    assert response.status_code == 302
    assert response["Location"] == f"/verify/{certificate.verification_code}/"
    assert client.get("/verify/").status_code == 200


ONLY_CODE_CHARACTERS = "A verification code has only letters, digits, - and _"


@pytest.mark.parametrize(
    ("code", "error"),
    [
        ("a/b", ONLY_CODE_CHARACTERS),
        ("../../admin", ONLY_CODE_CHARACTERS),
        ("two words", ONLY_CODE_CHARACTERS),
        ("code?with=query", ONLY_CODE_CHARACTERS),
        ("abc\x00def", "Null characters are not allowed."),
        ("x" * 1000, "Ensure this value has at most 64 characters (it has 1000)."),
    ],
)
def test_the_lookup_page_answers_a_malformed_code_with_a_form_error(client, code, error):
    response = client.get("/verify/", {"code": code})

    assert response.status_code == 400
    assert f'<p class="field-error" role="alert">{error}' in response.content.decode()
    assert "Location" not in response


def test_the_lookup_page_ignores_spaces_around_a_pasted_code(client, certificate):
    response = client.get("/verify/", {"code": f"  {certificate.verification_code} "})

    assert response.status_code == 302
    assert response["Location"] == f"/verify/{certificate.verification_code}/"


def test_the_certificate_page_shows_its_seal(client, admin_user, certificate):
    client.force_login(admin_user)
    body = client.get(f"/certificates/{certificate.number}/").content.decode()
    assert 'data-testid="seal">valid: Test Customs certificate seal, ' in body

"""The PAdES seal on certificates and on the statistics report, checked with pyHanko's own
validator against the test CA (tests/conftest.py `certificate_seal`)."""

import hashlib
import io

import pytest
from cryptography.hazmat.primitives import serialization
from django.core.management import CommandError, call_command
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader, PdfWriter

from destruction.certificates.seal import (
    DEMO_CA_FILE,
    DEMO_SEAL_FILE,
    make_seal_bundle,
    validate_seal,
)
from destruction.certificates.services import (
    issue_certificate,
    reissue_certificate,
    revoke_certificate,
)
from destruction.models import Certificate, CertificateStatus, OrderStatus
from project.errors import TransitionNotAllowed
from tests.destruction.certificate_factories import executed_order
from tests.destruction.tsa_server import TimestampServer

pytestmark = pytest.mark.django_db


def pyhanko_status(pdf: bytes, ca_pem):
    """pyHanko's validation of the only signature, trusting the CA alone."""
    reader = PdfFileReader(io.BytesIO(pdf))
    assert len(reader.embedded_signatures) == 1
    context = ValidationContext(trust_roots=[load_cert_from_pemder(str(ca_pem))])
    return validate_pdf_signature(reader.embedded_signatures[0], context)


def incremental_update_by_pypdf(pdf: bytes) -> bytes:
    """What another tool does when it saves a sealed PDF with a change of its own: pypdf
    appends an incremental revision with new document information."""
    writer = PdfWriter(io.BytesIO(pdf), incremental=True)
    writer.add_metadata({"/Subject": "Saved again by another tool"})
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


@pytest.fixture
def certificate(admin_user):
    return issue_certificate(order=executed_order(lots=2), actor=admin_user)


def test_an_issued_certificate_carries_a_valid_pades_seal_of_the_administration(
    certificate, certificate_seal
):
    pdf = bytes(certificate.pdf)
    status = pyhanko_status(pdf, certificate_seal)
    assert status.bottom_line
    assert status.intact and status.valid and status.trusted
    assert status.signing_cert.subject.native["common_name"] == "Test Customs certificate seal"
    assert b"/ETSI.CAdES.detached" in pdf
    # The stored SHA-256 is of the sealed bytes.
    assert certificate.sha256 == hashlib.sha256(pdf).hexdigest()


def test_the_seal_names_the_issuing_office_and_the_signing_time(certificate):
    reader = PdfFileReader(io.BytesIO(bytes(certificate.pdf)))
    signature = reader.embedded_signatures[0]
    office = certificate.office
    assert signature.sig_object["/Location"] == f"{office.code} {office.name}"
    assert signature.sig_object["/Reason"] == f"Certificate of destruction {certificate.number}"
    assert signature.self_reported_timestamp is not None
    assert abs((signature.self_reported_timestamp - certificate.issued_at).total_seconds()) < 60
    # The visible block is a widget with an appearance on the last page.
    widget = signature.sig_field
    assert widget["/Rect"] and widget["/AP"]


def test_one_flipped_byte_breaks_the_seal(certificate, certificate_seal):
    pdf = bytearray(certificate.pdf)
    # A byte of the page content, inside the signed range.
    pdf[len(pdf) // 4] ^= 0x01
    status = pyhanko_status(bytes(pdf), certificate_seal)
    assert not status.intact
    assert not status.bottom_line
    assert validate_seal(bytes(pdf)).valid is False


def test_an_incremental_update_by_another_tool_keeps_the_seal_and_its_content(
    certificate, certificate_seal
):
    resaved = incremental_update_by_pypdf(bytes(certificate.pdf))
    assert resaved != bytes(certificate.pdf)
    status = pyhanko_status(resaved, certificate_seal)
    assert status.intact and status.trusted
    seal = validate_seal(resaved)
    assert seal.valid and not seal.covers_whole_file
    assert seal.signed_revision_sha256 == certificate.sha256


def test_reissue_seals_the_new_certificate_and_the_old_keeps_its_seal(
    certificate, admin_user, certificate_seal
):
    old_pdf = bytes(certificate.pdf)
    revoked = revoke_certificate(certificate=certificate, reason="Wrong facility", actor=admin_user)
    new = reissue_certificate(certificate=revoked, actor=admin_user)
    old = Certificate.objects.get(pk=certificate.pk)
    assert old.status == CertificateStatus.SUPERSEDED
    assert bytes(old.pdf) == old_pdf
    assert pyhanko_status(old_pdf, certificate_seal).bottom_line
    assert pyhanko_status(bytes(new.pdf), certificate_seal).bottom_line
    assert new.sha256 == hashlib.sha256(bytes(new.pdf)).hexdigest()


def test_production_without_a_seal_refuses_to_issue(admin_user, settings):
    settings.DEBUG = False
    settings.CERTIFICATE_SEAL_P12 = ""
    order = executed_order()
    with pytest.raises(TransitionNotAllowed, match="No certificate seal is configured"):
        issue_certificate(order=order, actor=admin_user)
    order.refresh_from_db()
    assert order.status == OrderStatus.EXECUTED
    assert not Certificate.objects.exists()


def test_debug_without_a_seal_issues_an_unsealed_certificate(admin_user, settings, tmp_path):
    settings.DEBUG = True
    settings.CERTIFICATE_SEAL_P12 = ""
    settings.VAR_DIR = tmp_path  # no demo seal there
    certificate = issue_certificate(order=executed_order(), actor=admin_user)
    assert PdfFileReader(io.BytesIO(bytes(certificate.pdf))).embedded_signatures == []
    assert validate_seal(bytes(certificate.pdf)).present is False


def test_a_wrong_passphrase_refuses_with_a_clear_message(admin_user, settings):
    settings.CERTIFICATE_SEAL_PASSWORD = "not the passphrase"
    with pytest.raises(TransitionNotAllowed, match="cannot be read.*CERTIFICATE_SEAL_PASSWORD"):
        issue_certificate(order=executed_order(), actor=admin_user)


def test_an_unreachable_timestamp_authority_refuses_the_issue(admin_user, settings):
    settings.CERTIFICATE_TSA_URL = "http://127.0.0.1:9/tsa"
    with pytest.raises(TransitionNotAllowed, match="timestamp authority"):
        issue_certificate(order=executed_order(), actor=admin_user)
    assert not Certificate.objects.exists()


def test_a_seal_of_another_authority_is_intact_but_not_valid(certificate, tmp_path, settings):
    other_p12, _ = make_seal_bundle(tmp_path, organisation="Forger", password="x")
    settings.CERTIFICATE_SEAL_P12 = str(other_p12)
    settings.CERTIFICATE_SEAL_PASSWORD = "x"
    seal = validate_seal(bytes(certificate.pdf))
    assert seal.present and seal.intact
    assert not seal.trusted and not seal.valid


def test_make_demo_seal_creates_a_ca_and_a_seal_under_the_var_dir(settings, tmp_path):
    settings.DEBUG = True
    settings.VAR_DIR = tmp_path
    call_command("make_demo_seal", stdout=io.StringIO())
    assert (tmp_path / "demo-seal" / DEMO_SEAL_FILE).exists()
    assert (tmp_path / "demo-seal" / DEMO_CA_FILE).read_bytes().startswith(b"-----BEGIN")


def test_debug_uses_the_demo_seal_when_none_is_configured(admin_user, settings, tmp_path):
    settings.DEBUG = True
    settings.VAR_DIR = tmp_path
    settings.CERTIFICATE_SEAL_P12 = ""
    call_command("make_demo_seal", stdout=io.StringIO())
    certificate = issue_certificate(order=executed_order(), actor=admin_user)
    status = pyhanko_status(bytes(certificate.pdf), tmp_path / "demo-seal" / DEMO_CA_FILE)
    assert status.bottom_line


def test_make_demo_seal_refuses_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="only with DJANGO_DEBUG on"):
        call_command("make_demo_seal")


def test_the_annual_statistics_report_is_sealed(client, admin_user, certificate_seal):
    client.force_login(admin_user)
    response = client.get("/statistics/2025/report.pdf")
    assert response.status_code == 200
    assert pyhanko_status(response.content, certificate_seal).bottom_line
    assert (
        "Annual statistics 2025" in PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    )


def test_the_statistics_report_without_a_seal_in_production_is_refused_not_a_500(
    client, admin_user, settings
):
    settings.DEBUG = False
    settings.CERTIFICATE_SEAL_P12 = ""
    client.force_login(admin_user)
    response = client.get("/statistics/2025/report.pdf")
    assert response.status_code == 503
    assert b"No certificate seal is configured" in response.content


@pytest.fixture
def timestamp_authority(settings, tmp_path):
    """A local RFC 3161 timestamp authority, configured and trusted."""
    tsa = TimestampServer()
    settings.CERTIFICATE_TSA_URL = tsa.start()
    trust = tmp_path / "tsa.pem"
    trust.write_bytes(tsa.certificate.public_bytes(serialization.Encoding.PEM))
    settings.CERTIFICATE_TSA_TRUST = str(trust)
    yield tsa
    tsa.stop()


def test_with_a_timestamp_authority_the_seal_is_pades_b_t(
    admin_user, timestamp_authority, certificate_seal, settings
):
    certificate = issue_certificate(order=executed_order(), actor=admin_user)
    pdf = bytes(certificate.pdf)

    # pyHanko asks once more to size the signature before the real request.
    assert timestamp_authority.requests >= 1
    reader = PdfFileReader(io.BytesIO(pdf))
    context = ValidationContext(
        trust_roots=[
            load_cert_from_pemder(str(certificate_seal)),
            load_cert_from_pemder(settings.CERTIFICATE_TSA_TRUST),
        ]
    )
    status = validate_pdf_signature(reader.embedded_signatures[0], context)
    assert status.bottom_line
    assert status.timestamp_validity is not None and status.timestamp_validity.trusted
    seal = validate_seal(pdf)
    assert seal.valid and seal.timestamped
    assert seal.signed_at == status.timestamp_validity.timestamp

import io
import re

import pytest
from pypdf import PdfReader

from compliance.models import ComplianceCheck
from destruction.certificates import header_block, render_pdf, styles
from destruction.certification import issue_certificate
from seizures.models import CustodyEvent
from tests.destruction.certificate_factories import (
    executed_order,
)

pytestmark = pytest.mark.django_db


def pdf_text(data: bytes) -> tuple[int, list[str]]:
    reader = PdfReader(io.BytesIO(bytes(data)))
    return len(reader.pages), [page.extract_text() for page in reader.pages]


def flat(texts: list[str]) -> str:
    """Page texts joined, with line breaks inside wrapped cells turned into spaces."""
    return re.sub(r"\s+", " ", " ".join(texts))


@pytest.fixture
def certificate(admin_user, settings):
    settings.PUBLIC_BASE_URL = "https://igt.customs.example"
    order = executed_order(
        lots=3,
        methods=("RECYCLE_SHRED", "RECOVER_WTE"),
        consignment_note_number="CMR-778899",
    )
    line = order.lines.order_by("lot__reference").first()
    line.justification = "No recycler takes printed polyester"
    line.save()
    ComplianceCheck.objects.create(
        stage=ComplianceCheck.Stage.RECORD,
        order=order,
        rulebook_version="2026.1",
        verdict="needs_review",
        findings=[{"rule": "X-MF-02", "severity": "warning", "message": "Lower-rank method"}],
        checked_by=admin_user,
    )
    return issue_certificate(order=order, actor=admin_user)


def test_the_pdf_states_number_lots_methods_weights_and_the_verification_url(certificate):
    pages, texts = pdf_text(certificate.pdf)
    text = flat(texts)
    snapshot = certificate.snapshot

    assert certificate.number in text
    assert snapshot["verification_url"] in text
    assert snapshot["verification_url"].startswith("https://igt.customs.example/verify/")
    for lot in snapshot["lots"]:
        assert lot["reference"] in text
        assert lot["weight_kg"] == "12.500"
    assert "RECYCLE_SHRED" in text and "R3/R4/R5" in text
    assert "RECOVER_WTE" in text and "R1" in text
    assert "37.500" in text  # total weight of three 12.5 kg lots
    assert f"Page 1 of {pages}" in texts[0]


def test_the_pdf_holds_every_c8_field_the_system_records(certificate):
    _, texts = pdf_text(certificate.pdf)
    text = flat(texts)
    order = certificate.order
    lot = order.lines.first().lot
    seizure = lot.seizure
    permit = order.facility.permits.get()
    record = order.record
    evidence = record.evidence.get()

    expected = [
        certificate.snapshot["issue_date"],  # 1 issue date
        order.office.name,  # 1 issuing office
        "Reg. 608/2013 Art. 23",  # 2 legal basis
        seizure.right_holder.name,  # 2 right holder
        seizure.right_holder.application_reference,  # 2 application ref
        seizure.reference,  # 3 seizure reference
        "Counterfeit sneakers batch 0",  # 4 description
        "Famous Brand",  # 4 brand
        order.facility.name,  # 7 facility
        permit.number,  # 7 permit
        permit.authority,
        "2028-12-31",  # 7 permit validity
        "SafeHaul BV",  # 8 carrier
        "WASTE-CARRIER-123",  # 8 registration
        "1-ABC-234",  # 8 vehicle
        "SEAL-0001, SEAL-0002",  # 8 seals
        "CMR-778899",  # 8 consignment note
        "2026-04-15 10:00",  # 9 start (Brussels time)
        "2026-04-15 13:30",  # 9 end
        "Textile Recycling Gent",  # 10 output destination
        "Olga Officer",  # 11 witness
        "Rita Rightholder",
        evidence.original_name,  # 12 evidence name
        evidence.sha256,  # 12 evidence hash
        "needs_review",  # compliance verdict
        "rulebook 2026.1",
        "X-MF-02",  # warning
        "No recycler takes printed polyester",  # 13 justification
    ]
    missing = [value for value in expected if value not in text]
    assert missing == []


def test_the_pdf_prints_each_lots_last_custody_hash_before_certification(certificate):
    _, texts = pdf_text(certificate.pdf)
    text = flat(texts)
    for lot in certificate.order.lines.values_list("lot", flat=True):
        destroyed = CustodyEvent.objects.get(lot_id=lot, kind=CustodyEvent.Kind.DESTROYED)
        assert destroyed.hash in text


def test_the_pdf_is_rendered_from_the_stored_snapshot_alone(certificate):
    """Rendering the frozen snapshot again gives the very bytes that were stored."""
    assert render_pdf(certificate.snapshot) == bytes(certificate.pdf)


def test_the_qr_code_encodes_the_verification_url(certificate):
    table = header_block(certificate.snapshot, styles())[0]
    qr_code = table._cellvalues[0][1]
    assert qr_code.value == certificate.snapshot["verification_url"]


def test_a_certificate_without_compliance_check_says_so_on_the_pdf(admin_user):
    certificate = issue_certificate(order=executed_order(), actor=admin_user)
    _, texts = pdf_text(certificate.pdf)
    assert "No compliance check recorded" in flat(texts)


def test_a_reissued_certificate_names_the_one_it_replaces(admin_user):
    from destruction.certification import reissue_certificate, revoke_certificate

    old = issue_certificate(order=executed_order(), actor=admin_user)
    revoke_certificate(certificate=old, reason="Permit number misprinted", actor=admin_user)
    new = reissue_certificate(certificate=old, note="Permit number fixed", actor=admin_user)

    text = flat(pdf_text(new.pdf)[1])
    assert f"Replaces certificate {old.number}" in text
    assert "Permit number misprinted" in text
    assert "Permit number fixed" in text


def test_a_certificate_of_1000_lots_lists_every_lot_on_numbered_pages(admin_user):
    order = executed_order(lots=1000, methods=("RECYCLE_SHRED", "RECOVER_WTE", "INCIN_HAZ_HT"))

    certificate = issue_certificate(order=order, actor=admin_user)

    pages, texts = pdf_text(certificate.pdf)
    text = flat(texts)
    assert pages > 20
    references = list(order.lines.values_list("lot__reference", flat=True))
    assert len(references) == 1000
    assert [r for r in references if r not in text] == []
    assert all(f"of {pages}" in page for page in texts)
    assert f"Page {pages} of {pages}" in texts[-1]
    # The lot table's header row repeats on each page the table spans.
    assert sum("Lot reference" in page for page in texts) > 10
    assert "1000 lots" in text and "12500.000" in text
    assert "INCIN_HAZ_HT" in text and "D10" in text

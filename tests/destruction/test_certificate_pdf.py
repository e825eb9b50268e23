import datetime
import io
import re

import pytest
from pypdf import PdfReader

from compliance.models import ComplianceCheck
from destruction.certificates.pdf import header_block, render_pdf, styles
from destruction.certificates.services import (
    issue_certificate,
    reissue_certificate,
    revoke_certificate,
)
from destruction.models import DestructionRecord, Facility, FacilityPermit, OrderLine
from project.users import display_name
from seizures.models import CustodyEvent, Lot
from tests.destruction.certificate_factories import (
    executed_order,
)

pytestmark = pytest.mark.django_db

# The lot table's header row as pypdf reads it (one cell after the other).
LOT_HEADER = (
    "Lot reference Référence du lot Cat. Waste Déchet UN class Classe ONU Description Brand "
    "Marque Articles Weight kg Poids kg Method / Méthode R/D code / Code R/D"
)
# The R/D codes the factory permit (R1, R3-R5, R12, D10) lists for each method.
OPERATIONS = {"RECYCLE_SHRED": "R3/R4/R5", "RECOVER_WTE": "R1", "INCIN_HAZ_HT": "D10"}


def pdf_text(data: bytes) -> tuple[int, list[str]]:
    reader = PdfReader(io.BytesIO(bytes(data)))
    return len(reader.pages), [page.extract_text() for page in reader.pages]


# The footer each page ends with: the document title and "Page x of y" in both languages.
FOOTER = re.compile(r"Certificate of destruction[^\n]*CD-\d{4}-\d{5}\s+Page \d+ of \d+[^\n]*$")


def flat(texts: list[str]) -> str:
    """Page texts joined without their footers, with line breaks inside wrapped cells turned
    into spaces (a text running over a page break reads on)."""
    return re.sub(r"\s+", " ", " ".join(FOOTER.sub("", page.rstrip()) for page in texts))


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
    Lot.objects.filter(pk=line.lot_id).update(hazard_classes=["9", "4.1"])
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
    # Each lot's row as printed: reference, classes, goods, articles, weight, method, R/D codes.
    lines = certificate.order.lines.select_related("lot").order_by("lot__reference")
    rows = [
        f"{line.lot.reference} 3a APP {', '.join(line.lot.hazard_classes) or '-'} "
        f"{line.lot.description} Famous Brand 100 12.500 {line.method} {OPERATIONS[line.method]}"
        for line in lines
    ]
    assert [row for row in rows if row not in text] == []
    assert [line.method for line in lines] == ["RECYCLE_SHRED", "RECOVER_WTE", "RECYCLE_SHRED"]
    assert "RECYCLE_SHRED" in text and "R3/R4/R5" in text
    assert "RECOVER_WTE" in text and "R1" in text
    assert "37.500" in text  # total weight of three 12.5 kg lots
    assert f"Page 1 of {pages}" in texts[0]


def test_the_pdf_holds_every_c8_field_the_system_records(certificate):
    _, texts = pdf_text(certificate.pdf)
    text = flat(texts)
    order = certificate.order
    lot = order.lines.order_by("lot__reference").first().lot
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
        # The verdict in words, in both languages.
        "Compliant, with the warnings listed below / Conforme, avec les avertissements ci-dessous",
        "rulebook / règlement 2026.1",
        "X-MF-02",  # warning
        "No recycler takes printed polyester",  # 13 justification
        f"{lot.reference} 3a APP 9, 4.1 Counterfeit sneakers",  # 4 waste and hazard classes
        "APP Apparel and textiles",  # 4 the waste class spelled out
        # 3 detention and notification dates, 4 IPR type and legal route, in both languages
        f"{seizure.office.name} 2026-03-02 2026-03-03 EU trade mark / Marque de l'Union "
        "européenne Standard procedure (Art. 23) / Procédure standard (art. 23)",
        "- 2028-12-31, operations / opérations R1, R3, R4, R5, R12, D10; valid on the destruction "
        "date / valable à la date de destruction",
        "Customs officer present / Agent des douanes présent: yes / oui",  # 11
    ]
    missing = [value for value in expected if value not in text]
    assert missing == []
    assert "not valid on the destruction date" not in text
    assert "needs_review" not in text


def test_a_permit_not_valid_on_the_destruction_date_is_printed_with_a_warning(admin_user):
    order = executed_order()
    FacilityPermit.objects.filter(facility=order.facility).update(
        valid_until=datetime.date(2026, 4, 14)  # the day before the destruction
    )

    certificate = issue_certificate(order=order, actor=admin_user)

    text = flat(pdf_text(certificate.pdf)[1])
    permit = order.facility.permits.get()
    assert (
        f"Warning / Avertissement: {permit.number}: this permit was not valid on the destruction "
        "date; no permit of the facility on record covered that date. / ce permis n'était pas "
        "valable à la date de destruction" in text
    )
    assert "; valid on the destruction date" not in text


def test_an_absent_customs_officer_is_printed_with_the_documented_reason(admin_user):
    order = executed_order()
    DestructionRecord.objects.filter(order=order).update(
        customs_officer_present=False, officer_absence_reason="Risk-based: low-value textiles"
    )

    certificate = issue_certificate(order=order, actor=admin_user)

    text = flat(pdf_text(certificate.pdf)[1])
    assert (
        "Customs officer present / Agent des douanes présent: no / non. The documented reason "
        "is under Deviations and justifications." in text
    )
    assert "Customs officer absent / Agent des douanes absent Risk-based: low-value textiles" in (
        text
    )


# Numbered clauses of 43 characters: 480 of them make a free text of over 20,000 characters.
CLAUSES = 480


def long_text(marker: str) -> str:
    """About 20,000 characters of numbered clauses ending in `marker`: a page and more of free
    text in one field."""
    clauses = " ".join(f"Clause {n:04d} explains the choice once more." for n in range(CLAUSES))
    text = f"{clauses} {marker}"
    assert len(text) > 20_000
    return text


def clause_numbers(text: str) -> list[str]:
    # A clause may run over a page break, where the footer and the repeated table header come
    # between its words: its number is enough.
    return re.findall(r"Clause (\d{4})\b", text)


def long_line_justification(order, text: str) -> None:
    OrderLine.objects.filter(order=order).update(justification=text)


def long_deviation_justification(order, text: str) -> None:
    DestructionRecord.objects.filter(order=order).update(
        mass_balance_deviation=True, deviation_justification=text
    )


def long_officer_absence_reason(order, text: str) -> None:
    DestructionRecord.objects.filter(order=order).update(
        customs_officer_present=False, officer_absence_reason=text
    )


def long_facility_address(order, text: str) -> None:
    Facility.objects.filter(pk=order.facility_id).update(address=text)


@pytest.mark.parametrize(
    "make_long",
    [
        long_line_justification,
        long_deviation_justification,
        long_officer_absence_reason,
        long_facility_address,
    ],
)
def test_a_free_text_of_20000_characters_is_printed_in_full(admin_user, make_long):
    order = executed_order()
    make_long(order, long_text("END-OF-THE-FREE-TEXT"))

    certificate = issue_certificate(order=order, actor=admin_user)

    pages, texts = pdf_text(certificate.pdf)
    text = flat(texts)
    assert pages > 3
    assert "END-OF-THE-FREE-TEXT" in text
    # Every clause printed, none lost at a page break (the address prints twice: Address and
    # Location).
    assert sorted(set(clause_numbers(text))) == [f"{n:04d}" for n in range(CLAUSES)]


def test_a_revocation_reason_of_20000_characters_is_printed_in_full_on_the_reissue(admin_user):
    old = issue_certificate(order=executed_order(), actor=admin_user)
    revoke_certificate(certificate=old, reason=long_text("END-OF-THE-REASON"), actor=admin_user)

    new = reissue_certificate(certificate=old, note="Permit number fixed", actor=admin_user)

    text = flat(pdf_text(new.pdf)[1])
    assert "END-OF-THE-REASON. Correction: Permit number fixed" in text
    assert clause_numbers(text) == [f"{n:04d}" for n in range(CLAUSES)]


def test_the_pdf_prints_each_lots_last_custody_hash_before_certification(certificate):
    _, texts = pdf_text(certificate.pdf)
    text = flat(texts)
    for lot in certificate.order.lines.values_list("lot", flat=True):
        destroyed = CustodyEvent.objects.get(lot_id=lot, kind=CustodyEvent.Kind.DESTROYED)
        assert destroyed.hash in text


def test_the_pdf_is_rendered_from_the_stored_snapshot_alone(certificate):
    """Rendering the frozen snapshot again gives the very bytes that were sealed: the stored PDF
    is that rendering followed by the seal's incremental revision."""
    rendered = render_pdf(certificate.snapshot)
    stored = bytes(certificate.pdf)
    assert stored.startswith(rendered)
    assert len(stored) > len(rendered)


def test_the_qr_code_encodes_the_verification_url(certificate):
    table = header_block(certificate.snapshot, styles())[0]
    qr_code = table._cellvalues[0][1]
    assert qr_code.value == certificate.snapshot["verification_url"]


def test_a_certificate_without_compliance_check_says_so_on_the_pdf(admin_user):
    certificate = issue_certificate(order=executed_order(), actor=admin_user)
    _, texts = pdf_text(certificate.pdf)
    assert "No compliance check recorded" in flat(texts)


def test_a_reissued_certificate_names_the_one_it_replaces(admin_user):
    from destruction.certificates.services import reissue_certificate, revoke_certificate

    old = issue_certificate(order=executed_order(), actor=admin_user)
    revoke_certificate(certificate=old, reason="Permit number misprinted", actor=admin_user)
    new = reissue_certificate(certificate=old, note="Permit number fixed", actor=admin_user)

    text = flat(pdf_text(new.pdf)[1])
    assert f"Replaces certificate / Remplace le certificat {old.number}" in text
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
    # The lot table's header row repeats on each page the table spans: the pages holding a lot
    # row (the custody table lists the references too, without the goods).
    lot_row = re.compile(r"LOT-\d{5} 3a APP - Counterfeit sneakers batch")
    lot_pages = [flat([page]) for page in texts if lot_row.search(flat([page]))]
    assert len(lot_pages) > 10
    assert [page[:200] for page in lot_pages if LOT_HEADER not in page] == []
    assert "1000 lots" in text and "12500.000" in text
    assert "1 lots" not in text
    assert "INCIN_HAZ_HT" in text and "D10" in text


def page_streams(data: bytes) -> list[bytes]:
    """Each page's drawing operators, where a printed string shows as "(text) Tj": much quicker
    to read than extracted text, for a test that renders forty documents."""
    return [page.get_contents().get_data() for page in PdfReader(io.BytesIO(data)).pages]


def test_the_witnesses_heading_stays_on_the_page_of_its_table(certificate):
    """However far the lot table pushes the later sections, the page that shows "Witnesses"
    also shows the first witness. One lot row more at a time (a page holds about 36) moves the
    heading across a page end at some count."""
    snapshot = certificate.snapshot
    lot = snapshot["lots"][0]
    for lots in range(1, 41):
        pages = page_streams(render_pdf({**snapshot, "lots": [lot] * lots}))
        [page] = [page for page in pages if b"(Witnesses / T\\351moins) Tj" in page]
        assert b"(Olga Officer) Tj" in page, f"{lots} lots: the heading and its table parted"


def test_the_warnings_acknowledged_at_approval_are_printed_with_their_justification(
    admin_user,
):
    order = executed_order(approved_by=admin_user)
    lot = order.lines.get().lot
    type(order).objects.filter(pk=order.pk).update(
        approval_acknowledgements=[
            {
                "rule": "X-MF-02",
                "lot": lot.reference,
                "message": "Use the highest feasible rank of the waste hierarchy.",
                "detail": "",
                "justification": "The shredder is booked out until next year",
            },
            {"rule": "PHA-S3", "lot": "", "message": "Retain samples.", "justification": ""},
        ]
    )

    certificate = issue_certificate(order=order, actor=admin_user)

    approval = certificate.snapshot["approval"]
    assert approval["approved_by"] == display_name(admin_user)
    assert [a["rule"] for a in approval["acknowledgements"]] == ["X-MF-02", "PHA-S3"]
    text = flat(pdf_text(certificate.pdf)[1])
    assert "Warnings acknowledged at approval / Avertissements reconnus à l'approbation" in text
    assert f"Approved by / Approuvé par {display_name(admin_user)}" in text
    assert (
        f"X-MF-02 {lot.reference}: Use the highest feasible rank of the waste hierarchy. "
        "The shredder is booked out until next year" in text
    )
    assert "PHA-S3 Retain samples. -" in text


def test_a_certificate_without_acknowledged_warnings_prints_no_approval_section(certificate):
    text = flat(pdf_text(certificate.pdf)[1])
    assert "Warnings acknowledged at approval" not in text

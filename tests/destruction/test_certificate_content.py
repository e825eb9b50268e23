"""What an environmental auditor reads on the certificate (issue 15 point 3), read back from the
PDF text with pypdf in each second language, and the labels' translations."""

import io
import re
from decimal import Decimal
from pathlib import Path

import polib
import pytest
from django.conf import settings as django_settings
from pypdf import PdfReader

from compliance.models import ComplianceCheck
from destruction.certificates import labels
from destruction.certificates.pdf import render_pdf
from destruction.certificates.services import issue_certificate
from destruction.models import DestructionRecord, OrderLine
from project.errors import TransitionNotAllowed
from seizures.models import CertificateLanguage, CustomsOffice, Lot
from tests.destruction.certificate_factories import executed_order
from tests.seizures.factories import LotFactory

pytestmark = pytest.mark.django_db

# Labels in each second language (the .po files), as printed beside the English.
SECOND = {
    "fr": {
        "title": "Certificate of destruction / Certificat de destruction",
        "parameters": "Process parameters / Paramètres du procédé",
        "temperature": "Combustion temperature / Température de combustion",
        "batteries": "Batteries removed before treatment / Batteries retirées avant traitement",
        "yes": "yes / oui",
        "no": "no / non",
        "not_recorded": "not recorded / non enregistré",
        "reconciliation": "Quantities and reconciliation / Quantités et rapprochement",
        "verdict": "Compliant, with the warnings listed below / Conforme, avec les "
        "avertissements ci-dessous",
        "deemed": "declarant consent deemed (no objection by the deadline) / accord du "
        "déclarant présumé (pas d'opposition dans le délai) 2026-03-17",
        "one_lot": "1 lot",
        "lots": "2 lots",
        "articles": "200 articles",
        "page": "Page 1 of {pages} / Page 1 sur {pages}",
    },
    "nl": {
        "title": "Certificate of destruction / Vernietigingscertificaat",
        "parameters": "Process parameters / Procesparameters",
        "temperature": "Combustion temperature / Verbrandingstemperatuur",
        "batteries": "Batteries removed before treatment / Batterijen verwijderd vóór verwerking",
        "yes": "yes / ja",
        "no": "no / nee",
        "not_recorded": "not recorded / niet geregistreerd",
        "reconciliation": "Quantities and reconciliation / Hoeveelheden en aansluiting",
        "verdict": "Compliant, with the warnings listed below / Conform, met de hieronder "
        "vermelde waarschuwingen",
        "deemed": "declarant consent deemed (no objection by the deadline) / akkoord aangever "
        "verondersteld (geen bezwaar binnen de termijn) 2026-03-17",
        "one_lot": "1 lot / 1 partij",
        "lots": "2 lots / 2 partijen",
        "articles": "200 articles / 200 artikelen",
        "page": "Page 1 of {pages} / Pagina 1 van {pages}",
    },
}


def pdf_text(data: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(bytes(data)))
    return len(reader.pages), re.sub(
        r"\s+", " ", " ".join(page.extract_text() for page in reader.pages)
    )


def audited_order(language: str):
    """Two lots, one with a sample taken; every process parameter recorded; a warning whose lot
    has a justification; the declarant's consent deemed (factory seizure: deadline 2026-03-17,
    no agreement, no objection)."""
    order = executed_order(lots=2)
    CustomsOffice.objects.filter(pk=order.office_id).update(certificate_language=language)
    DestructionRecord.objects.filter(order=order).update(
        temperature_c=1150,
        residence_time_s=Decimal("2.50"),
        particle_size_mm=Decimal("25.0"),
        halogenated_over_1pct=None,
        batteries_removed=True,
        aerosols_degassed=False,
    )
    lines = list(order.lines.select_related("lot").order_by("lot__reference"))
    first = lines[0].lot
    # 3 of the 103 articles seized went to the right holder as samples.
    Lot.objects.filter(pk=first.pk).update(seized_articles=103)
    LotFactory(
        seizure=first.seizure,
        parent=first,
        articles=3,
        seized_articles=3,
        sample_purpose="analysis",
        location=None,
    )
    OrderLine.objects.filter(pk=lines[1].pk).update(
        justification="No recycler nearby takes printed polyester"
    )
    ComplianceCheck.objects.create(
        stage=ComplianceCheck.Stage.RECORD,
        order=order,
        rulebook_version="2026.2",
        verdict="needs_review",
        findings=[
            {
                "rule": "X-MF-02",
                "severity": "warning",
                "message": "A higher-ranked method was available",
                "lot": lines[1].lot.reference,
            }
        ],
        checked_by=order.prepared_by,
    )
    return order, [line.lot for line in lines]


@pytest.mark.parametrize("language", ["fr", "nl"])
def test_the_certificate_states_what_an_auditor_needs_in_english_and_the_office_language(
    admin_user, language
):
    order, (first, second) = audited_order(language)
    certificate = issue_certificate(order=order, actor=admin_user)
    pages, text = pdf_text(certificate.pdf)
    words = SECOND[language]
    expected = [
        words["title"],
        words["page"].format(pages=pages),
        # Totals counted in words.
        f"{words['lots']}, {words['articles']}",
        # Method with its R/D code, per lot.
        f"{first.reference} 3a APP",
        "RECYCLE_SHRED R3/R4/R5",
        # Every process parameter with its unit, recorded or not.
        words["parameters"],
        f"{words['temperature']} 1150 °C",
        "2.50 s",
        "25.0 mm",
        f"{words['batteries']} {words['yes']}",
        words["not_recorded"],  # the halogen flag left blank
        words["no"],
        # Per lot: seized = destroyed + sampled + released, gross and weighed kg.
        words["reconciliation"],
        f"{first.reference} 103 100 3 0 {words['yes']} 12.500",
        f"{second.reference} 100 100 0 0 {words['yes']} 12.500",
        # Legal dates: detention, notification, right holder's agreement, deemed consent.
        "2026-03-02 2026-03-03",
        "2026-03-10",
        words["deemed"],
        # The verdict in words, the warning with its lot and the justification recorded.
        words["verdict"],
        f"{second.reference}: A higher-ranked method was available No recycler nearby takes "
        "printed polyester",
        # Output fraction with its destination.
        "Textile Recycling Gent (permit OVAM-778)",
    ]
    assert [value for value in expected if value not in text] == []
    assert "needs_review" not in text
    assert not re.search(r"\b1 lots\b", text)
    snapshot = certificate.snapshot
    assert snapshot["language"] == language
    assert snapshot["lots"][0]["reconciliation"] == {
        "seized": 103,
        "destroyed": 100,
        "sampled": 3,
        "released": 0,
        "balanced": True,
    }


def test_a_single_lot_is_one_lot_not_one_lots(admin_user):
    order = executed_order(lots=1)
    CustomsOffice.objects.filter(pk=order.office_id).update(certificate_language="nl")
    certificate = issue_certificate(order=order, actor=admin_user)
    _, text = pdf_text(certificate.pdf)
    assert "1 lot / 1 partij, 100 articles / 100 artikelen" in text
    assert "1 lots" not in text


def test_a_lot_that_does_not_reconcile_says_so(admin_user):
    order = executed_order(lots=1)
    lot = order.lines.get().lot
    Lot.objects.filter(pk=lot.pk).update(seized_articles=110)
    certificate = issue_certificate(order=order, actor=admin_user)
    _, text = pdf_text(certificate.pdf)
    assert f"{lot.reference} 110 100 0 0 no / non" in text
    assert certificate.snapshot["lots"][0]["reconciliation"]["balanced"] is False


def test_every_label_printed_has_a_translation_in_every_language(admin_user, monkeypatch):
    """Render a certificate with every optional section and record each label asked for: each
    has a translation in every .po file (a missing one would print English alone)."""
    asked: set[str] = set()
    translate = labels.Bilingual.translate

    def record(self, text: str) -> str:
        asked.add(text)
        return translate(self, text)

    monkeypatch.setattr(labels.Bilingual, "translate", record)
    order, _ = audited_order("fr")
    DestructionRecord.objects.filter(order=order).update(
        customs_officer_present=False,
        officer_absence_reason="Risk-based",
        mass_balance_deviation=True,
        deviation_justification="Moisture",
    )
    certificate = issue_certificate(order=order, actor=admin_user)
    render_pdf({**certificate.snapshot, "supersedes": {"number": "X", "reason": "r", "note": "n"}})
    assert len(asked) > 100
    for language, _label in CertificateLanguage.choices:
        po = polib.pofile(
            str(Path(django_settings.BASE_DIR) / "locale" / language / "LC_MESSAGES" / "django.po")
        )
        translated = {entry.msgid for entry in po if entry.msgstr}
        assert sorted(asked - translated) == [], language


def test_issuing_refuses_a_localhost_verification_address_in_production(admin_user, settings):
    settings.DEBUG = False
    settings.PUBLIC_BASE_URL = "http://127.0.0.1:8000"
    order = executed_order()
    with pytest.raises(TransitionNotAllowed, match="PUBLIC_BASE_URL .* local address"):
        issue_certificate(order=order, actor=admin_user)
    settings.PUBLIC_BASE_URL = "http://localhost:8000"
    with pytest.raises(TransitionNotAllowed, match="local address"):
        issue_certificate(order=order, actor=admin_user)


def test_a_localhost_verification_address_is_accepted_with_debug_on(admin_user, settings):
    settings.DEBUG = True
    settings.PUBLIC_BASE_URL = "http://127.0.0.1:8000"
    certificate = issue_certificate(order=executed_order(), actor=admin_user)
    assert certificate.snapshot["verification_url"].startswith("http://127.0.0.1:8000/verify/")


@pytest.mark.parametrize("language", ["fr", "nl"])
def test_each_lot_prints_its_waste_code_and_the_legend_names_it(admin_user, language):
    order, _ = audited_order(language)
    lot = Lot.objects.filter(order_lines__order=order).order_by("reference").first()
    Lot.objects.filter(pk=lot.pk).update(ewc_code="16 05 04*")

    certificate = issue_certificate(order=order, actor=admin_user)
    _pages, text = pdf_text(certificate.pdf)

    [entry] = [row for row in certificate.snapshot["lots"] if row["reference"] == lot.reference]
    assert entry["ewc_code"] == "16 05 04*"
    assert entry["hazardous_waste"] is True
    assert "16 05 04*" in text
    hazardous = {"fr": "yes / oui", "nl": "yes / ja"}[language]
    assert (
        f"{lot.reference} 16 05 04* {hazardous} Gases in pressure containers (including halons) "
        "containing hazardous substances"
    ) in text
    assert {"fr": "Codes déchets", "nl": "Afvalcodes"}[language] in text

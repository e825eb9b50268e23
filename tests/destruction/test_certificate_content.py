"""What an environmental auditor reads on the certificate (issue 15 point 3), read back from the
PDF text with pypdf in each second language, and the labels' translations."""

import datetime
import hashlib
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
from destruction.models import DestructionRecord, OrderLine, OutputFraction
from project.errors import TransitionNotAllowed
from seizures.models import CertificateLanguage, CustomsOffice, Lot, Seizure
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


# The second language of each label the full-content test reads, as printed after " / ".
FULL = {
    "fr": {
        "court": "court / tribunal Tribunal de première instance de Bruxelles",
        "proceedings": "proceedings started / procédure engagée 2026-03-12",
        "judgment": "judgment / jugement 2026-04-02 (Destruction ordered / Destruction ordonnée)",
        "final": "final since / définitif depuis 2026-05-04",
        "un": "9 Miscellaneous (lithium batteries) / 9 Matières diverses (piles au lithium)",
        "r3": "R3 Recycling or reclamation of organic substances not used as solvents / "
        "Recyclage ou récupération des substances organiques qui ne sont pas utilisées comme "
        "solvants",
        "route": "Recycled / Recyclé",
        "volume": "Liquid volume destroyed / Volume de liquide détruit 40.500 l",
        "food": "State of food goods when destroyed / État des denrées alimentaires à la "
        "destruction Intact",
        "hazardous": "yes / oui",
        "no": "no / non",
        "totals": "Total",
        "shipment": "Shipment reference Référence d'expédition",
        # Choice labels, stacked in narrow cells or after " / " in wide ones.
        "evidence": "photo-0001.jpg Photo",
        "role": "Olga Officer Customs Customs officer Agent des douanes",
        "method": "Shredding or granulating, then material recycling / Broyage ou granulation, "
        "puis recyclage des matières",
        "basis": "Reg. 608/2013 Art. 23 (standard procedure) / Règl. 608/2013 art. 23 "
        "(procédure standard)",
    },
    "nl": {
        "court": "court / rechtbank Tribunal de première instance de Bruxelles",
        "proceedings": "proceedings started / procedure ingesteld 2026-03-12",
        "judgment": "judgment / vonnis 2026-04-02 (Destruction ordered / Vernietiging bevolen)",
        "final": "final since / definitief sinds 2026-05-04",
        "un": "9 Miscellaneous (lithium batteries) / 9 Diverse stoffen (lithiumbatterijen)",
        "r3": "R3 Recycling or reclamation of organic substances not used as solvents / "
        "Recycling of terugwinning van organische stoffen die niet als oplosmiddel worden "
        "gebruikt",
        "route": "Recycled / Gerecycleerd",
        "volume": "Liquid volume destroyed / Vernietigd vloeistofvolume 40.500 l",
        "food": "State of food goods when destroyed / Toestand van de levensmiddelen bij "
        "vernietiging Intact",
        "hazardous": "yes / ja",
        "no": "no / nee",
        "totals": "Total / Totaal",
        "shipment": "Shipment reference Referentie van de zending",
        "evidence": "photo-0001.jpg Photo Foto",
        "role": "Olga Officer Customs Customs officer Douanebeambte",
        "method": "Shredding or granulating, then material recycling / Versnipperen of "
        "granuleren, daarna materiaalrecycling",
        "basis": "Reg. 608/2013 Art. 23 (standard procedure) / Verord. 608/2013 art. 23 "
        "(standaardprocedure)",
    },
}


def fully_recorded_order(language: str):
    """The audited order with everything point 3 of issue 15 asks for on record: a hazardous
    lot with UN classes, net weight and volume; the court route to a final judgment; an output
    fraction with its R/D code, EWC code, permit and shipment; liquid volume and food state."""
    order, (first, second) = audited_order(language)
    Lot.objects.filter(pk=first.pk).update(
        ewc_code="16 06 05",
        hazard_classes=["9"],
        net_weight_kg=Decimal("10.250"),
        volume_l=Decimal("8.000"),
    )
    Lot.objects.filter(pk=second.pk).update(ewc_code="16 06 01*")
    Seizure.objects.filter(pk=first.seizure_id).update(
        court_name="Tribunal de première instance de Bruxelles",
        court_reference="RG 26/123",
        proceedings_started_on=datetime.date(2026, 3, 12),
        judgment_on=datetime.date(2026, 4, 2),
        judgment_outcome="destruction",
        judgment_final_since=datetime.date(2026, 5, 4),
    )
    OutputFraction.objects.filter(record__order=order).update(
        operation_code="R3",
        ewc_code="19 12 08",
        destination_permit="IT-PO-1044",
        shipment_reference="CMR-2026-7301",
    )
    DestructionRecord.objects.filter(order=order).update(
        liquid_volume_l=Decimal("40.500"), decomposition_state="intact"
    )
    first.refresh_from_db()
    second.refresh_from_db()
    return order, (first, second)


@pytest.mark.parametrize("language", ["fr", "nl"])
def test_every_field_of_point_3_reads_back_from_the_pdf_in_both_languages(admin_user, language):
    order, (first, second) = fully_recorded_order(language)
    certificate = issue_certificate(order=order, actor=admin_user)
    _pages, text = pdf_text(certificate.pdf)
    words = {**SECOND[language], **FULL[language]}
    photo_sha = hashlib.sha256(b"photo of the shredder").hexdigest()
    expected = [
        # Per lot: EWC code and hazardous status, UN classes named, method with its R/D codes.
        f"{first.reference} 16 06 05 {words['no']} Other batteries and accumulators",
        f"{second.reference} 16 06 01* {words['hazardous']} Lead batteries",
        f"{first.reference} 3a APP 9 Counterfeit sneakers batch 0",
        words["un"],
        "RECYCLE_SHRED R3/R4/R5",
        words["r3"],
        # Per lot quantities in every unit: seized = destroyed + sampled + released, gross kg,
        # net kg, litres, kg weighed at dispatch; and the totals over the certificate.
        f"{first.reference} 103 100 3 0 {words['yes']} 12.500 10.250 8.000 -",
        f"{second.reference} 100 100 0 0 {words['yes']} 12.500 - - -",
        f"{words['totals']} 203 200 3 0 {words['yes']} 25.000 10.250 8.000 -",
        # Every process parameter with its unit, the new ones included.
        words["volume"],
        words["food"],
        f"{words['temperature']} 1150 °C",
        # Per output fraction: route, weight, R/D code, EWC code with its name, destination,
        # its permit, the shipment reference.
        words["shipment"],
        f"{words['route']} 25.000 R3 19 12 08 Textiles Textile Recycling Gent (permit OVAM-778) "
        "IT-PO-1044 CMR-2026-7301",
        # Legal dates: detention, notification, agreements or deemed consent, the court route.
        "2026-03-02 2026-03-03",
        words["deemed"],
        words["court"],
        words["proceedings"],
        words["judgment"],
        words["final"],
        # Witnesses, evidence with its hash, verdict in words with the warning's justification.
        words["role"],
        "Rita Rightholder Brand Owner SA",
        f"{words['evidence']} {photo_sha}",
        # Choice labels in both languages: the method, the legal basis.
        words["method"],
        words["basis"],
        words["verdict"],
        "No recycler nearby takes printed polyester",
        # The last custody hash of each lot.
        *(
            f"{lot['reference']} {lot['custody_sequence']} {lot['custody_hash']}"
            for lot in certificate.snapshot["lots"]
        ),
    ]
    assert [value for value in expected if value not in text] == []
    assert all(lot["custody_hash"] for lot in certificate.snapshot["lots"])
    assert "needs_review" not in text


def test_a_record_wide_warning_prints_the_justification_recorded_for_it(admin_user):
    order = executed_order()
    DestructionRecord.objects.filter(order=order).update(
        mass_balance_deviation=True, deviation_justification="Pallets weighed with the goods"
    )
    ComplianceCheck.objects.create(
        stage=ComplianceCheck.Stage.RECORD,
        order=order,
        rulebook_version="2026.3",
        verdict="needs_review",
        findings=[{"rule": "X-QM-02", "severity": "warning", "message": "Mass balance off by 4 %"}],
        checked_by=order.prepared_by,
    )

    certificate = issue_certificate(order=order, actor=admin_user)

    [finding] = certificate.snapshot["compliance"]["findings"]
    assert finding["justification"] == "Pallets weighed with the goods"
    _pages, text = pdf_text(certificate.pdf)
    assert "Mass balance off by 4 % Pallets weighed with the goods" in text

"""Benchmark the certificate renderer: a 1-lot and a 1,000-lot certificate against a bare reportlab
document holding the same lot table (same columns, rows and repeated header), and the sealed
certificate (render + PAdES seal with a throwaway EC P-256 seal) against the unsealed one, in the
same run.

Run: .venv/bin/python bench/certificate_bench.py [repeats]. The renderer is pure (snapshot dict in,
PDF bytes out), so no database is needed; Django is set up only for the model imports.
"""

import io
import os
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from pypdf import PdfReader  # noqa: E402
from reportlab.lib.pagesizes import A4  # noqa: E402
from reportlab.platypus import SimpleDocTemplate  # noqa: E402

from destruction.certificates.labels import Bilingual  # noqa: E402
from destruction.certificates.pdf import MARGIN, lot_table, render, render_pdf  # noqa: E402
from destruction.certificates.seal import make_seal_bundle, seal_pdf  # noqa: E402
from destruction.certificates.snapshot import (  # noqa: E402
    PROCESS_PARAMETERS,
    code_names,
    quantity_totals,
)

METHODS = ("RECYCLE_SHRED", "RECOVER_WTE", "INCIN_HAZ_HT")
OPERATIONS = {"RECYCLE_SHRED": ["R3", "R4", "R5"], "RECOVER_WTE": ["R1"], "INCIN_HAZ_HT": ["D10"]}


def snapshot(lots: int) -> dict:
    """A realistic snapshot: every section filled, `lots` lots over three methods."""
    rows = [
        {
            "reference": f"BRU-2026-{n:05d}-01",
            "seizure": f"BRU-2026-{n // 50:05d}",
            "category": "3a",
            "category_label": "3a Clothing (ready to wear)",
            "waste_class": "APP",
            "waste_class_label": "Apparel and textiles",
            "description": f"Counterfeit sports shirts with printed logos, batch {n}",
            "brand": "Famous Brand",
            "hazard_classes": ["9"] if n % 10 == 0 else [],
            "ewc_code": "20 01 11",
            "ewc_description": "Textiles",
            "hazardous_waste": False,
            "articles": 120,
            "weight_kg": "18.250",
            "gross_weight_kg": "18.400",
            "net_weight_kg": "16.900",
            "volume_l": "",
            "weighed_kg": "18.250",
            "reconciliation": {
                "seized": 122,
                "destroyed": 120,
                "sampled": 2,
                "released": 0,
                "balanced": True,
            },
            "method": METHODS[n % 3],
            "method_label": METHODS[n % 3],
            "operations": OPERATIONS[METHODS[n % 3]],
            "legal_basis": "art23",
            "legal_basis_label": "Reg. 608/2013 Art. 23 (standard procedure)",
            "custody_sequence": 6,
            "custody_hash": f"{n:064x}",
        }
        for n in range(lots)
    ]
    outputs = [
        {
            "route": "recycled",
            "route_label": "Recycled",
            "weight_kg": "18240.000",
            "destination": "Textile Recycling Gent",
            "operation_code": "R3",
            "ewc_code": "19 12 08",
            "ewc_description": "Textiles",
            "hazardous_waste": False,
            "destination_permit": "OVAM-ENV-0412",
            "shipment_reference": "CMR-2026-7301",
        }
    ]
    permit = {
        "number": "OVAM-2024-778",
        "authority": "OVAM",
        "valid_from": "2024-01-01",
        "valid_until": "2028-12-31",
        "operations": ["R1", "R3", "R4", "R5", "D10"],
        "valid_on_destruction_date": True,
    }
    return {
        "schema": 3,
        "language": "fr",
        "number": "CD-2026-00042",
        "issued_at": "2026-11-28 10:00 CET",
        "issue_date": "2026-11-28",
        "issued_by": "Ada Administrator",
        "verification_url": "https://igt.customs.example/verify/" + "x" * 43 + "/",
        "supersedes": None,
        "office": {"code": "BRU", "name": "Brussels Airport", "country": "BE", "address": ""},
        "order": {"reference": "DO-2026-0042", "planned_date": "2026-11-20", "payer": "Right"},
        "legal_bases": [{"code": "art23", "label": "Reg. 608/2013 Art. 23 (standard procedure)"}],
        "right_holders": [{"name": "Famous Brand SA", "application_reference": "AFA-EU-00012"}],
        "seizures": [
            {
                "reference": f"BRU-2026-{s:05d}",
                "office": "BRU Brussels Airport",
                "consignment_number": f"AWB-{s:08d}",
                "detained_on": "2026-09-01",
                "notified_on": "2026-09-02",
                "legal_route": "Standard procedure (Art. 23)",
                "ipr_type": "EU trade mark",
                "right_holder": "Famous Brand SA",
                "application_reference": "AFA-EU-00012",
                "right_holder_agreement_on": "2026-09-10",
                "declarant_agreement_on": "",
                "deemed_consent_on": "2026-09-16",
                "court_reference": "",
                "court_name": "",
                "proceedings_started_on": "",
                "judgment_on": "",
                "judgment_outcome": "",
                "judgment_final_since": "",
            }
            for s in range(max(1, lots // 50))
        ],
        "lots": rows,
        "samples": [],
        "methods": [
            {
                "code": m,
                "label": m,
                "rank": 3,
                "operations": OPERATIONS[m],
                "lots": 1,
                "articles": 1,
                "weight_kg": "1.000",
            }
            for m in METHODS
        ],
        "facility": {
            "name": "EcoTreat Antwerp",
            "operator": "EcoTreat NV",
            "address": "Industrieweg 1, 2030 Antwerpen",
            "country": "BE",
            "permit": permit,
        },
        "transport": {
            "carrier": "SafeHaul BV",
            "registration": "WC-123",
            "vehicle": "1-ABC-234",
            "seals": ["SEAL-1", "SEAL-2"],
            "consignment_note": "CMR-778899",
        },
        "execution": {
            "started_at": "2026-11-20 08:00 CET",
            "ended_at": "2026-11-20 12:00 CET",
            "location": "Industrieweg 1, 2030 Antwerpen",
            "temperature_c": 1100,
            "residence_time_s": "2.0",
            "debranded": True,
            "customs_officer_present": True,
            "parameters": [
                {"key": key, "label": label, "unit": unit, "value": "1" if unit else False}
                for key, label, unit in PROCESS_PARAMETERS
            ],
        },
        "mass_balance": {
            "dispatch_weight_kg": "18250.000",
            "gate_weight_kg": "18240.000",
            "weighbridge_ticket": "WB-1",
            "output_total_kg": "18240.000",
            "outputs": outputs,
            "deviation": False,
        },
        "witnesses": [
            {"name": "Olga Officer", "organisation": "Customs", "role": "Customs officer"}
        ],
        "evidence": [{"name": "photo-1.jpg", "kind": "Photo", "sha256": "ab" * 32}],
        "compliance": {
            "recorded": True,
            "verdict": "compliant",
            "verdict_label": "Compliant",
            "rulebook_version": "2026.1",
            "checked_at": "2026-11-20 13:00 CET",
            "note": "",
            "findings": [],
        },
        "justifications": [],
        "code_names": code_names(rows, outputs, permit),
        "quantity_totals": quantity_totals(rows),
        "totals": {
            "lots": lots,
            "articles": 120 * lots,
            "weight_kg": "0",
            "methods": list(METHODS),
        },
    }


def bare_table_pdf(data: dict) -> bytes:
    """Only the lot table, in a plain SimpleDocTemplate: the floor any certificate must pay."""
    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN)
    document.build([lot_table(data["lots"], Bilingual(data["language"]))])
    return buffer.getvalue()


def timed(function, data: dict, repeats: int) -> tuple[float, bytes]:
    times, output = [], b""
    for _ in range(repeats):
        start = time.perf_counter()
        output = function(data)
        times.append(time.perf_counter() - start)
    return statistics.median(times), output


def pages(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def sealed_pdf(data: dict) -> bytes:
    """What issuing stores: the rendered certificate with the PAdES seal (B-B) added."""
    pdf, box = render(data)
    return seal_pdf(pdf, office="BRU Brussels Airport", reason="bench", box=box)


def main() -> None:
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    with tempfile.TemporaryDirectory() as directory:
        passphrase = secrets.token_urlsafe(12)
        p12, _ = make_seal_bundle(Path(directory), organisation="Bench", password=passphrase)
        settings.CERTIFICATE_SEAL_P12, settings.CERTIFICATE_SEAL_PASSWORD = str(p12), passphrase
        settings.CERTIFICATE_TSA_URL = ""
        sealed_pdf(snapshot(1))  # warm imports, font caches and the loaded seal
        print(f"median of {repeats} runs per figure")
        print(
            f"{'lots':>6} {'certificate':>13} {'bare table':>12} {'ratio':>7} "
            f"{'sealed':>11} {'seal ratio':>10} {'pages':>11} {'size':>9}"
        )
        for lots in (1, 1000):
            data = snapshot(lots)
            full, full_pdf = timed(render_pdf, data, repeats)
            bare, bare_pdf = timed(bare_table_pdf, data, repeats)
            sealed, sealed_bytes = timed(sealed_pdf, data, repeats)
            print(
                f"{lots:>6} {full * 1000:>10.1f} ms {bare * 1000:>9.1f} ms {full / bare:>6.2f}x "
                f"{sealed * 1000:>8.1f} ms {sealed / full:>9.2f}x "
                f"{pages(full_pdf):>4} / {pages(bare_pdf):<4} "
                f"{len(sealed_bytes) / 1024:>6.0f} KB"
            )


if __name__ == "__main__":
    main()

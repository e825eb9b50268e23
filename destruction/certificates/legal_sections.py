"""The certificate's heading (number, office, issue, the certificate it supersedes) and its legal
part: the cases, their legal bases and dates (detention, notification, agreements or deemed
consent, the court route)."""

from __future__ import annotations

from typing import Any

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle
from reportlab.platypus.flowables import Flowable

from destruction.certificates.labels import Bilingual, article_count, labels_of, lot_count
from project.pdf import (
    data_table,
    esc,
    facts_table,
    qr_code,
)


def header_block(snapshot: dict[str, Any], s: dict[str, ParagraphStyle]) -> list[Flowable]:
    _ = labels_of(snapshot)
    office = snapshot["office"]
    totals = snapshot["totals"]
    left = [
        Paragraph(esc(_("Certificate of destruction")), s["title"]),
        Paragraph(f"<b>{esc(_('Number'))}:</b> {esc(snapshot['number'])}", s["body"]),
        Paragraph(f"<b>{esc(_('Issue date'))}:</b> {esc(snapshot['issue_date'])}", s["body"]),
        Paragraph(
            f"<b>{esc(_('Issuing office'))}:</b> {esc(office['code'])} {esc(office['name'])} "
            f"({esc(office['country'])})",
            s["body"],
        ),
        Paragraph(
            f"<b>{esc(_('Destruction order'))}:</b> {esc(snapshot['order']['reference'])}",
            s["body"],
        ),
        Paragraph(
            f"<b>{esc(_('Totals'))}:</b> {esc(lot_count(_, totals['lots']))}, "
            f"{esc(article_count(_, totals['articles']))}, {esc(totals['weight_kg'])} kg",
            s["body"],
        ),
    ]
    table = Table([[left, qr_code(snapshot["verification_url"])]], colWidths=[145 * mm, 35 * mm])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return [
        table,
        *supersedes_note(snapshot, s),
        Spacer(1, 2 * mm),
        Paragraph(esc(_("Check that this certificate is genuine and still valid at")), s["small"]),
        Paragraph(esc(snapshot["verification_url"]), s["mono"]),
    ]


def supersedes_note(snapshot: dict[str, Any], s) -> list[Flowable]:
    """The certificate this one replaces, with the revocation reason and correction note: free
    texts of any length, so a paragraph of its own (it may run over pages), not a cell of the
    header table beside the QR code (which cannot split)."""
    _ = labels_of(snapshot)
    old = snapshot.get("supersedes")
    if not old:
        return []
    text = (
        f"<b>{esc(_('Replaces certificate'))} {esc(old['number'])}</b>. "
        f"{esc(_('Revoked'))}: {esc(old['reason'])}"
    )
    if old.get("note"):
        text += f". {esc(_('Correction'))}: {esc(old['note'])}"
    return [Paragraph(text, s["body"])]


def legal_dates(z: dict[str, Any], _: Bilingual) -> str:
    """The decisions that made destruction lawful, each with its date."""
    parts = [
        z["right_holder_agreement_on"]
        and f"{_('right holder agreed')} {z['right_holder_agreement_on']}",
        z["declarant_agreement_on"] and f"{_('declarant agreed')} {z['declarant_agreement_on']}",
        z.get("deemed_consent_on")
        and f"{_('declarant consent deemed (no objection by the deadline)')} "
        f"{z['deemed_consent_on']}",
        z["court_reference"] and f"{_('court decision')} {z['court_reference']}",
        *judgment_dates(z, _),
    ]
    return "; ".join(part for part in parts if part) or "-"


def judgment_dates(z: dict[str, Any], _: Bilingual) -> list[str]:
    """The court route's dates (snapshot schema 3): court, proceedings, judgment and outcome,
    final since."""
    judgment = z.get("judgment_on") and " ".join(
        part
        for part in (
            _("judgment"),
            z["judgment_on"],
            z.get("judgment_outcome") and f"({_(z['judgment_outcome'])})",
        )
        if part
    )
    return [
        z.get("court_name") and f"{_('court')} {z['court_name']}",
        z.get("proceedings_started_on")
        and f"{_('proceedings started')} {z['proceedings_started_on']}",
        judgment,
        z.get("judgment_final_since") and f"{_('final since')} {z['judgment_final_since']}",
    ]


def legal_section(snapshot: dict[str, Any], s) -> list[Flowable]:
    _ = labels_of(snapshot)
    bases = ", ".join(_(b["label"]) for b in snapshot["legal_bases"]) or "-"
    holders = (
        "; ".join(
            f"{h['name']} ({_('application')} {h['application_reference'] or _('none')})"
            for h in snapshot["right_holders"]
        )
        or "-"
    )
    seizure_rows = [
        [
            z["reference"],
            Paragraph(esc(z["office"]), s["cell"]),
            Paragraph(esc(z["consignment_number"]), s["cell"]),
            z["detained_on"],
            z["notified_on"] or "-",
            Paragraph(esc(_(z["ipr_type"])), s["cell"]),
            Paragraph(esc(_(z["legal_route"])), s["cell"]),
            Paragraph(esc(legal_dates(z, _)), s["cell"]),
        ]
        for z in snapshot["seizures"]
    ]
    return [
        Paragraph(esc(_("Legal basis and right holder")), s["h2"]),
        facts_table([(_("Legal basis"), bases), (_("Right holder"), holders)], s),
        Paragraph(esc(_("Seizures")), s["h2"]),
        data_table(
            [
                _.stacked("Seizure"),
                _.stacked("Office"),
                _.stacked("Consignment"),
                _.stacked("Detained"),
                _.stacked("Notified"),
                _.stacked("IPR type"),
                _.stacked("Legal route"),
                _.stacked("Decisions"),
            ],
            seizure_rows,
            [25 * mm, 22 * mm, 20 * mm, 16 * mm, 16 * mm, 20 * mm, 23 * mm, 38 * mm],
        ),
    ]

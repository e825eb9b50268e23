"""The certificate's tables of the goods: lots with their method and codes, waste codes with
their hazardous status, and quantities with the reconciliation per lot."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_noop
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Table, TableStyle

from destruction.certificates.labels import Bilingual, yes_no
from project.pdf import (
    data_table,
    esc,
    wrapped,
)

# Category over waste class, and method over R/D codes, share a column: rows are two lines high
# for the description anyway, and the description keeps the width it needs.
# Sentences too long for a line of code, marked for makemessages and translated where printed.
EWC_LEGEND = gettext_noop(
    "the lot's code in the European List of Waste (Decision 2000/532/EC); an asterisk marks "
    "hazardous waste."
)
RD_LEGEND = gettext_noop(
    "recovery or disposal operations (Directive 2008/98/EC, Annexes I and II) of the facility "
    "permit."
)
WEIGHT_LEGEND = gettext_noop("weighed at dispatch, else the gross weight at seizure.")
LOT_WIDTHS = (27 * mm, 12 * mm, 13 * mm, 44 * mm, 23 * mm, 14 * mm, 16 * mm, 31 * mm)


def lot_table(lots: list[dict[str, Any]], _: Bilingual) -> Table:
    widths = LOT_WIDTHS
    rows = [
        [
            lot["reference"],
            f"{lot['category']}\n{lot['waste_class']}",
            wrapped(", ".join(lot["hazard_classes"]) or "-", widths[2]),
            wrapped(lot["description"], widths[3]),
            wrapped(lot["brand"], widths[4]),
            str(lot["articles"]),
            lot["weight_kg"],
            f"{lot['method']}\n{'/'.join(lot['operations'])}",
        ]
        for lot in lots
    ]
    header = [
        _.stacked("Lot reference"),
        f"{_.stacked('Cat.')}\n{_.stacked('Waste')}",
        _.stacked("UN class"),
        _.stacked("Description"),
        _.stacked("Brand"),
        _.stacked("Articles"),
        _.stacked("Weight kg"),
        f"{_('Method')}\n{_('R/D code')}",
    ]
    return data_table(header, rows, list(widths), right=(5, 6))


def lot_legend(snapshot: dict[str, Any], s: dict[str, ParagraphStyle], _: Bilingual) -> Paragraph:
    """The names of the codes in the table, once below it rather than in each row."""
    lots = snapshot["lots"]
    classes = sorted({(lot["waste_class"], lot["waste_class_label"]) for lot in lots})
    categories = sorted({(lot["category"], lot["category_label"]) for lot in lots})
    names = "; ".join(f"{esc(code)} {esc(_(label))}" for code, label in classes) or "-"
    cats = "; ".join(f"{esc(_(label))}" for _code, label in categories) or "-"
    return Paragraph(
        f"{esc(_('Cat.'))}: {cats}. {esc(_('Waste'))}: {names}. "
        f"{esc(_('UN class'))}: {esc(_('UN dangerous-goods classes, - for none.'))}"
        f"{code_names(snapshot, 'hazard_classes', _)} "
        f"{esc(_('R/D code'))}: {esc(_(RD_LEGEND))}{code_names(snapshot, 'operations', _)} "
        f"{esc(_('Weight kg'))}: {esc(_(WEIGHT_LEGEND))}",
        s["small"],
    )


def code_names(snapshot: dict[str, Any], kind: str, _: Bilingual) -> str:
    """ " 9 Miscellaneous (lithium batteries); 3 Flammable liquids." for the UN classes, the same
    for the R/D codes: each code the certificate prints with its name (none before schema 3)."""
    if kind == "hazard_classes":
        names = [_(entry["label"]) for entry in snapshot.get("code_names", {}).get(kind, [])]
    else:
        names = [
            f"{entry['code']} {_(entry['name'])}" if entry["name"] else entry["code"]
            for entry in snapshot.get("code_names", {}).get(kind, [])
        ]
    return f" {esc('; '.join(names))}." if names else ""


def waste_code_table(lots: list[dict[str, Any]], _: Bilingual) -> Table:
    """Per lot: its code in the List of Waste, hazardous or not, and the entry's description."""
    rows = [
        [
            lot["reference"],
            lot["ewc_code"] or "-",
            yes_no(_, lot["hazardous_waste"]),
            wrapped(lot["ewc_description"], 110 * mm),
        ]
        for lot in lots
    ]
    return data_table(
        [_.stacked("Lot"), _.stacked("EWC code"), _.stacked("Hazardous waste"), _("Description")],
        rows,
        [30 * mm, 22 * mm, 28 * mm, 100 * mm],
    )


def quantity_row(label: str, r: dict[str, Any], measures: dict[str, Any], _: Bilingual) -> list:
    """Articles seized = destroyed + sampled + released (X-QM-01), then each measure in its unit
    ("-" where not measured; snapshots before schema 3 hold no net weight or volume)."""
    return [
        label,
        str(r["seized"]),
        str(r["destroyed"]),
        str(r["sampled"]),
        str(r["released"]),
        yes_no(_, r["balanced"]),
        measures["gross_weight_kg"] or "-",
        measures.get("net_weight_kg") or "-",
        measures.get("volume_l") or "-",
        measures["weighed_kg"] or "-",
    ]


def quantity_table(snapshot: dict[str, Any], _: Bilingual) -> Table:
    """Per lot, and summed over the certificate: the reconciliation and every measure."""
    lots = snapshot["lots"]
    rows = [quantity_row(lot["reference"], lot["reconciliation"], lot, _) for lot in lots]
    totals = snapshot.get("quantity_totals")
    if totals:
        rows.append(quantity_row(_("Total"), totals, totals, _))
    table = data_table(
        [
            _.stacked("Lot"),
            _.stacked("Articles seized"),
            _.stacked("Destroyed"),
            _.stacked("Sampled"),
            _.stacked("Released"),
            _.stacked("Balanced"),
            _.stacked("Gross kg at seizure"),
            _.stacked("Net kg"),
            _.stacked("Litres"),
            _.stacked("Kg weighed at dispatch"),
        ],
        rows,
        [28 * mm, 17 * mm, 17 * mm, 17 * mm, 17 * mm, 16 * mm, 20 * mm, 16 * mm, 16 * mm, 16 * mm],
        right=(1, 2, 3, 4, 6, 7, 8, 9),
    )
    if totals:
        table.setStyle(TableStyle([("FONT", (0, -1), (-1, -1), "Helvetica-Bold", 7.5)]))
    return table

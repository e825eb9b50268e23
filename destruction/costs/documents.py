"""A statement as PDF (reportlab, the house style of project.pdf) and as CSV: the same lines,
each naming the seizure and lot it was incurred for (X-CO-02) and the rule that set it."""

import csv
import io
from decimal import Decimal

from django.db.models import QuerySet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from destruction.costs.models import CostEntry, Statement
from project.pdf import (
    CONTENT_WIDTH,
    MARGIN,
    NumberedCanvas,
    data_table,
    esc,
    facts_table,
    styles,
    wrapped,
)

HEADER = ["Seizure", "Lot", "Cost", "Quantity", "How it was set", "Incurred on", "Amount"]


def statement_lines(statement: Statement) -> QuerySet[CostEntry]:
    return statement.entries.in_statement_order()


def _quantity(entry: CostEntry) -> str:
    return f"{entry.quantity.normalize():f} {entry.unit}"


def _row(entry: CostEntry) -> list[str]:
    return [
        entry.lot.seizure.reference,
        entry.lot.reference,
        entry.get_kind_display(),
        _quantity(entry),
        entry.rule,
        f"{entry.incurred_on:%Y-%m-%d}",
        f"{entry.amount:,.2f}",
    ]


def statement_csv(statement: Statement) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([*HEADER[:-1], "Payer", f"Amount ({statement.currency})"])
    for entry in statement_lines(statement):
        row = _row(entry)
        writer.writerow([*row[:-1], entry.get_payer_display(), f"{entry.amount:.2f}"])
    writer.writerow(["", "", "", "", "", "", "Total", f"{statement.total:.2f}"])
    return buffer.getvalue().encode("utf-8-sig")  # the BOM lets spreadsheets read UTF-8


def statement_pdf(statement: Statement) -> bytes:
    s = styles()
    holder = statement.right_holder
    facts = [
        ("Statement", statement.number),
        ("Right holder", holder.name),
        ("Address", holder.address),
        ("Application (AFA)", holder.application_reference),
        ("Seizure", statement.seizure.reference if statement.seizure_id else "All seizures"),
        ("Period", f"{statement.period_from:%Y-%m-%d} to {statement.period_to:%Y-%m-%d}"),
        ("Issued", f"{statement.issued_at:%Y-%m-%d}"),
        ("Due", f"{statement.due_on:%Y-%m-%d}"),
        ("Legal basis", "Reg. (EU) No 608/2013 Art. 29: costs borne by the decision holder"),
    ]
    widths = [24 * mm, 28 * mm, 18 * mm, 18 * mm, 0, 18 * mm, 22 * mm]
    widths[4] = CONTENT_WIDTH - sum(widths)
    rows = [
        [*cells[:4], wrapped(cells[4], widths[4], 7.5), *cells[5:]]
        for cells in (_row(entry) for entry in statement_lines(statement))
    ]
    total = Decimal(statement.total)
    rows.append(["", "", "", "", f"Total ({statement.currency})", "", f"{total:,.2f}"])
    story = [
        Paragraph("Statement of costs", s["title"]),
        Paragraph(
            esc(
                "Storage, handling, transport and destruction of goods detained under "
                "Reg. (EU) No 608/2013, per lot."
            ),
            s["body"],
        ),
        Spacer(1, 4 * mm),
        facts_table(facts, s),
        Spacer(1, 4 * mm),
        data_table(HEADER[:-1] + [f"Amount ({statement.currency})"], rows, widths, right=(6,)),
        Spacer(1, 4 * mm),
        Paragraph(
            esc(
                f"Paid so far: {statement.paid_amount:,.2f} {statement.currency}. "
                f"Outstanding: {statement.outstanding:,.2f} {statement.currency}."
            ),
            s["body"],
        ),
    ]
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=18 * mm,
        title=f"Statement {statement.number}",
    )
    footer = f"Statement {statement.number} - {holder.name}"
    document.build(story, canvasmaker=lambda *a, **k: NumberedCanvas(*a, footer=footer, **k))
    return buffer.getvalue()

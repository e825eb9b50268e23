"""The annual statistics as a PDF report (reportlab): totals with the year-on-year change, the
charts of the page, one table per breakdown and the data dictionary."""

import io
from html import escape

from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas as pdf_canvas
from reportlab.platypus import (
    CondPageBreak,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from compliance.statistics import AnnualStatistics, Comparison
from compliance.statistics.charts import all_charts
from compliance.statistics.dictionary import BREAKDOWNS, DEFINITIONS, MEASURES, Section
from compliance.statistics.display import change_text, figure_text
from destruction.certificates.seal import SealPlace, seal_pdf

STYLES = getSampleStyleSheet()
SMALL = STYLES["BodyText"].clone("Small", fontSize=8, leading=10)
# Paragraphs align by their style, not by the table's ALIGN.
NUMBER = SMALL.clone("Number", alignment=TA_RIGHT)
TABLE_STYLE = TableStyle(
    [
        ("FONT", (0, 0), (-1, -1), "Helvetica", 8),
        ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 8),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e6ebf1")),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#d5dbe3")),
        ("ALIGN", (2, 0), (-1, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
)


class NumberedCanvas(pdf_canvas.Canvas):
    """Defers each page so the footer can say 'page x of y'."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._pages: list[dict] = []

    def showPage(self):  # noqa: N802 - reportlab's name
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._pages)
        for page in self._pages:
            self.__dict__.update(page)
            self.setFont("Helvetica", 8)
            self.drawRightString(A4[0] - 15 * mm, 10 * mm, f"Page {self._pageNumber} of {total}")
            super().showPage()
        super().save()


def totals_table(stats: AnnualStatistics, section: str) -> Table:
    rows = [["Measure", "Unit", str(stats.year), str(stats.previous_year), "Change"]]
    # An edition closed before a section existed (costs) has none.
    for measure, comparison in stats.totals().get(section, {}).items():
        info = MEASURES[measure]
        rows.append(
            [
                Paragraph(escape(info.label), SMALL),
                Paragraph(escape(info.unit), SMALL),
                figure_text(measure, comparison.figure),
                figure_text(measure, comparison.previous),
                change_text(measure, comparison),
            ]
        )
    table = Table(rows, colWidths=[60 * mm, 30 * mm, 25 * mm, 25 * mm, 35 * mm], repeatRows=1)
    table.setStyle(TABLE_STYLE)
    return table


def compared_cell(measure: str, comparison: Comparison | None, bold: bool = False) -> Paragraph:
    """The figure, the previous year's and the change stacked in one cell, as on the page:
    three columns per measure would not fit the width of A4."""
    if comparison is None:
        return Paragraph("", NUMBER)
    figure = escape(figure_text(measure, comparison.figure))
    lines = [
        f"<b>{figure}</b>" if bold else figure,
        escape(figure_text(measure, comparison.previous)),
        escape(change_text(measure, comparison)),
    ]
    return Paragraph("<br/>".join(lines), NUMBER)


def breakdown_table(stats: AnnualStatistics, key: str) -> Table:
    info = BREAKDOWNS[key]
    measures = [m for m in info.measures if m != "rate"]
    # The header reads like the cells below it: the year, the previous year, the change.
    legend = f"{stats.year}<br/>{stats.previous_year}<br/>change"
    header = [Paragraph("<b>Value</b>", SMALL)] + [
        Paragraph(f"<b>{escape(MEASURES[m].label)}</b><br/>{legend}", NUMBER) for m in measures
    ]
    rows = [header]
    for row in stats.breakdown(key):
        rows.append(
            [Paragraph(escape(row.label), SMALL)]
            + [compared_cell(m, row.figures[m]) for m in measures]
        )
    rows.append(
        [Paragraph("<b>Total</b>", SMALL)]
        + [compared_cell(m, stats.total(m), bold=True) for m in measures]
    )
    value_width = 50 * mm
    other = (180 * mm - value_width) / len(measures)
    table = Table(rows, colWidths=[value_width] + [other] * len(measures), repeatRows=1)
    table.setStyle(TABLE_STYLE)
    return table


def render_report(stats: AnnualStatistics) -> bytes:
    """The report as PDF bytes, sealed like a certificate (seal.seal_pdf raises SealUnavailable
    where a seal is required and none is usable)."""
    buffer = io.BytesIO()
    seal_place = SealPlace()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=18 * mm,
        title=stats.title,
        author="Infringing Goods Tracker",
    )
    story: list = [
        Paragraph(escape(stats.title), STYLES["Title"]),
        Paragraph(
            f"Compared with {stats.previous_year}. Values in {stats.reporting_currency}. "
            f"Generated {timezone.localtime():%Y-%m-%d %H:%M}.",
            STYLES["BodyText"],
        ),
    ]
    unconverted = stats.unconverted()
    if unconverted:
        listed = escape(
            ", ".join(
                f"{u['currency']} {figure_text('retail_value', u['retail_value'])}"
                for u in unconverted
            )
        )
        story.append(
            Paragraph(
                f"Not converted (no rate for {stats.year}): {listed}. These values are not in "
                "the converted retail value.",
                STYLES["BodyText"],
            )
        )
    for section, label in Section.choices:
        story += [Paragraph(escape(label), STYLES["Heading2"]), totals_table(stats, section)]
    story.append(PageBreak())
    story.append(Paragraph("Charts", STYLES["Heading2"]))
    for chart in all_charts(stats):
        story.append(
            KeepTogether([Paragraph(escape(chart.title), STYLES["Heading4"]), chart.drawing])
        )
    story.append(PageBreak())
    for key, info in BREAKDOWNS.items():
        story += [
            CondPageBreak(40 * mm),
            Paragraph(escape(info.label), STYLES["Heading3"]),
            Paragraph(escape(info.description), SMALL),
            Spacer(1, 2 * mm),
            breakdown_table(stats, key),
        ]
    story += [PageBreak(), Paragraph("Definitions", STYLES["Heading2"])]
    for text in DEFINITIONS.values():
        story.append(Paragraph(escape(text), SMALL))
    story.append(Paragraph("Measures", STYLES["Heading3"]))
    for measure in MEASURES.values():
        story.append(
            Paragraph(
                f"<b>{escape(measure.label)}</b> ({escape(measure.unit)}): "
                f"{escape(measure.description)}",
                SMALL,
            )
        )
    story += [Spacer(1, 4 * mm), seal_place]
    document.build(story, canvasmaker=NumberedCanvas)
    issuer = (
        f"{stats.office.code} {stats.office.name}" if stats.office else "Customs administration"
    )
    return seal_pdf(buffer.getvalue(), office=issuer, reason=stats.title, box=seal_place.box)

"""The house style of every PDF the product prints (certificates, statements, transport
documents): A4 with 15 mm margins, a footer with "page x of y", grid tables whose header row
repeats, label/value tables, and text broken to fit a column."""

from __future__ import annotations

from typing import Any

from reportlab.graphics.barcode.qr import QrCode
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, Table, TableStyle

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 15 * mm
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN
GRID = colors.HexColor("#9aa5b1")
HEAD = colors.HexColor("#e6ebf1")


class NumberedCanvas(Canvas):
    """Defers each page until the end so that every footer can say "page x of y"."""

    def __init__(
        self, *args, footer: str = "", page_label: str = "Page %(page)s of %(total)s", **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict] = []
        self._footer = footer
        self._page_label = page_label

    def showPage(self) -> None:  # noqa: N802 - reportlab's name
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self.setFont("Helvetica", 7.5)
            self.setFillColor(colors.HexColor("#3b4755"))
            self.drawString(MARGIN, 9 * mm, self._footer)
            self.drawRightString(
                PAGE_WIDTH - MARGIN,
                9 * mm,
                self._page_label % {"page": self._pageNumber, "total": total},
            )
            super().showPage()
        super().save()


def styles() -> dict[str, ParagraphStyle]:
    base = getSampleStyleSheet()
    body = ParagraphStyle("body", parent=base["BodyText"], fontSize=8.5, leading=10.5)
    return {
        "title": ParagraphStyle("title", parent=base["Title"], fontSize=16, spaceAfter=2),
        "h2": ParagraphStyle(
            "h2", parent=base["Heading2"], fontSize=10.5, spaceBefore=8, spaceAfter=3
        ),
        "body": body,
        "small": ParagraphStyle("small", parent=body, fontSize=7, leading=8.5),
        "mono": ParagraphStyle("mono", parent=body, fontName="Courier", fontSize=8, leading=10),
        "cell": ParagraphStyle("cell", parent=body, fontSize=7, leading=8.2),
        "warning": ParagraphStyle(
            "warning", parent=body, fontName="Helvetica-Bold", textColor=colors.HexColor("#a61b1b")
        ),
    }


def esc(value: object) -> str:
    text = "" if value is None else str(value)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def grid_style(*, header: bool = True, font_size: float = 7.5) -> TableStyle:
    commands = [
        ("FONT", (0, 0), (-1, -1), "Helvetica", font_size),
        ("GRID", (0, 0), (-1, -1), 0.3, GRID),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
        ("LEFTPADDING", (0, 0), (-1, -1), 2.5),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2.5),
    ]
    if header:
        commands += [
            ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", font_size),
            ("BACKGROUND", (0, 0), (-1, 0), HEAD),
        ]
    return TableStyle(commands)


def data_table(
    header: list[str], rows: list[list[Any]], widths: list[float], *, right: tuple[int, ...] = ()
) -> Table:
    """A grid whose header row repeats on every page it spans. reportlab splits it between rows
    first and splits a row itself only when no whole row fits, so a justification or reason
    longer than a page runs on over pages instead of failing the issue with a LayoutError.
    Header labels wrap to their column (two languages make them long)."""
    header = [
        header_cell(label, width) if isinstance(label, str) else label
        for label, width in zip(header, widths, strict=True)
    ]
    table = Table([header, *rows], colWidths=widths, repeatRows=1, splitInRow=1)
    style = grid_style()
    for column in right:
        style.add("ALIGN", (column, 0), (column, -1), "RIGHT")
    table.setStyle(style)
    return table


def header_cell(label: str, width: float, font_size: float = 7.5) -> str:
    """Each line of a header label broken to fit the column, in the header's bold font."""
    return "\n".join(
        part
        for line in label.split("\n")
        for part in simpleSplit(line, "Helvetica-Bold", font_size, width - 5) or [""]
    )


def facts_table(pairs: list[tuple[str, Any]], s: dict[str, ParagraphStyle]) -> Table:
    """Label/value pairs in two columns; labels and values wrap, and a value longer than a page
    (a free-text address) splits across pages."""
    rows = [
        [Paragraph(f"<b>{esc(label)}</b>", s["cell"]), Paragraph(esc(value) or "-", s["cell"])]
        for label, value in pairs
    ]
    table = Table(rows, colWidths=[55 * mm, CONTENT_WIDTH - 55 * mm], splitInRow=1)
    style = grid_style(header=False)
    style.add("FONT", (0, 0), (0, -1), "Helvetica-Bold", 7.5)
    style.add("BACKGROUND", (0, 0), (0, -1), HEAD)
    table.setStyle(style)
    return table


def qr_code(url: str, size: float = 30 * mm) -> QrCode:
    """The verification URL as a QR code flowable; it encodes once, when drawn."""
    return QrCode(url, width=size, height=size, qrLevel="M")


def wrapped(text: str, width: float, font_size: float = 7.5) -> str:
    """Plain text broken into lines that fit the column: a thousand Paragraph cells would cost
    several times the whole table."""
    return "\n".join(simpleSplit(text or "", "Helvetica", font_size, width - 5))

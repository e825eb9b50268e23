"""Label sheets (PDF) for lots and storage locations: each label carries the reference as a
Code 128 barcode (handheld and keyboard-wedge scanners) and as a QR code (phones), plus a
readable text line, so a label still works when a code is damaged.

A4 portrait, 2 x 5 labels of 95 x 52 mm (common self-adhesive sheet layout).
"""

import io
from collections.abc import Iterable
from dataclasses import dataclass

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.code128 import Code128
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from seizures.models import Lot, StorageLocation

COLUMNS, ROWS = 2, 5
LABEL_WIDTH, LABEL_HEIGHT = 95 * mm, 52 * mm
PADDING = 4 * mm
QR_SIZE = 30 * mm
# Narrowest bar that common scanners still read (about 7.5 mil).
MIN_BAR_WIDTH = 0.19 * mm


@dataclass(frozen=True)
class Label:
    code: str
    title: str
    lines: tuple[str, ...]


def lot_labels_pdf(lots: Iterable[Lot]) -> bytes:
    return labels_pdf(
        [
            Label(
                lot.reference,
                lot.reference,
                (
                    f"{lot.description} · {lot.brand}" if lot.brand else lot.description,
                    f"{lot.articles} art. · {lot.gross_weight_kg} kg · {lot.waste_class}"
                    f" · UN {', '.join(lot.hazard_classes) or '-'}",
                    f"Seizure {lot.seizure.reference}",
                ),
            )
            for lot in lots
        ],
        title="Lot labels",
    )


def location_labels_pdf(locations: Iterable[StorageLocation]) -> bytes:
    return labels_pdf(
        [
            Label(
                location.code,
                location.code,
                (
                    location.name,
                    f"{location.get_zone_type_display()} · UN "
                    f"{', '.join(location.accepted_hazard_classes) or '-'}",
                    f"Warehouse {location.warehouse.code}"
                    + (f" · max {location.capacity_kg} kg" if location.capacity_kg else ""),
                ),
            )
            for location in locations
        ],
        title="Location labels",
    )


def labels_pdf(labels: list[Label], *, title: str) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    canvas.setTitle(title)
    canvas.setAuthor("Infringing Goods Tracker")
    page_width, page_height = A4
    margin_x = (page_width - COLUMNS * LABEL_WIDTH) / 2
    margin_y = (page_height - ROWS * LABEL_HEIGHT) / 2
    per_page = COLUMNS * ROWS
    for index, label in enumerate(labels):
        if index and index % per_page == 0:
            canvas.showPage()
        slot = index % per_page
        x = margin_x + (slot % COLUMNS) * LABEL_WIDTH
        y = page_height - margin_y - (slot // COLUMNS + 1) * LABEL_HEIGHT
        _draw_label(canvas, label, x, y)
    canvas.save()
    return buffer.getvalue()


def _draw_label(canvas: Canvas, label: Label, x: float, y: float) -> None:
    canvas.setLineWidth(0.3)
    canvas.setStrokeGray(0.75)
    canvas.rect(x, y, LABEL_WIDTH, LABEL_HEIGHT)
    # QR code, top right.
    widget = QrCodeWidget(label.code, barLevel="M")
    left, bottom, right, top = widget.getBounds()
    drawing = Drawing(
        QR_SIZE, QR_SIZE, transform=[QR_SIZE / (right - left), 0, 0, QR_SIZE / (top - bottom), 0, 0]
    )
    drawing.add(widget)
    renderPDF.draw(
        drawing, canvas, x + LABEL_WIDTH - PADDING - QR_SIZE, y + LABEL_HEIGHT - PADDING - QR_SIZE
    )
    # Readable reference, large.
    text_width = LABEL_WIDTH - 3 * PADDING - QR_SIZE
    canvas.setFillGray(0)
    canvas.setFont("Helvetica-Bold", _fit_font(canvas, label.title, text_width, 14))
    canvas.drawString(x + PADDING, y + LABEL_HEIGHT - PADDING - 12, label.title)
    canvas.setFont("Helvetica", 7.5)
    for number, line in enumerate(label.lines):
        canvas.drawString(
            x + PADDING,
            y + LABEL_HEIGHT - PADDING - 24 - number * 9.5,
            _truncate(canvas, line, text_width, 7.5),
        )
    # Code 128 across the bottom, narrowed to fit the label.
    available = LABEL_WIDTH - 2 * PADDING
    barcode = Code128(label.code, barWidth=0.33 * mm, barHeight=12 * mm, humanReadable=False)
    if barcode.width > available:
        barcode = Code128(
            label.code,
            barWidth=max(MIN_BAR_WIDTH, 0.33 * mm * available / barcode.width),
            barHeight=12 * mm,
            humanReadable=False,
        )
    barcode.drawOn(canvas, x + (LABEL_WIDTH - barcode.width) / 2, y + PADDING)


def _fit_font(canvas: Canvas, text: str, width: float, size: float) -> float:
    while size > 7 and canvas.stringWidth(text, "Helvetica-Bold", size) > width:
        size -= 0.5
    return size


def _truncate(canvas: Canvas, text: str, width: float, size: float) -> str:
    if canvas.stringWidth(text, "Helvetica", size) <= width:
        return text
    while text and canvas.stringWidth(text + "…", "Helvetica", size) > width:
        text = text[:-1]
    return text + "…"

"""The transport documents of a dispatched order, as PDF (reportlab):

- the ADR transport document (ADR 5.4.1) for the lots with UN classes: UN number, proper shipping
  name, class, packing group and tunnel code from destruction/data/adr-dangerous-goods.csv, the
  quantities, consignor and consignee, and the consignor's declaration;
- the waste consignment note (WFD Art. 35, hazardous waste: Art. 17-19): EWC codes, quantities,
  the planned R/D operation, the carrier and its registration, the facility's permits;
- the Annex VII information (Reg. (EU) 2024/1157, Art. 18 and Annex VII; submitted through
  DIWASS from 21 May 2026) when the facility is in another country than the dispatching office.
"""

import io
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from functools import partial

from django.utils import timezone
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table

from destruction.methods import METHODS
from destruction.models import DestructionOrder, OrderLine, OrderStatus
from destruction.transport.adr import AdrEntry, entry_for
from project import pdf
from seizures.models import Lot

ADR = "adr"
CONSIGNMENT_NOTE = "consignment-note"
ANNEX_VII = "annex-vii"
DOCUMENTS = {
    ADR: "ADR transport document",
    CONSIGNMENT_NOTE: "Waste consignment note",
    ANNEX_VII: "Annex VII information (Reg. (EU) 2024/1157)",
}
# Documents exist from the dispatch on: the goods travel under them.
DOCUMENT_STATUSES = (OrderStatus.DISPATCHED, OrderStatus.EXECUTED, OrderStatus.CERTIFIED)
CONSIGNOR_DECLARATION = (
    "I hereby declare that the contents of this consignment are fully and accurately described "
    "above by the proper shipping name, and are classified, packaged, marked and labelled and "
    "are in all respects in proper condition for transport according to the applicable "
    "international and national governmental regulations (ADR 5.4.1)."
)
ANNEX_VII_DECLARATION = (
    "I hereby declare that the above information is complete and correct to my best knowledge. "
    "I also declare that effective written contractual obligations have been entered into with "
    "the consignee (Art. 18(2) of Regulation (EU) 2024/1157)."
)


@dataclass(frozen=True)
class DangerousLine:
    lot: Lot
    entry: AdrEntry


def available(order: DestructionOrder) -> list[str]:
    """The documents this order travels under (keys of DOCUMENTS)."""
    if order.status not in DOCUMENT_STATUSES:
        return []
    kinds = [CONSIGNMENT_NOTE]
    if dangerous_lines(order):
        kinds.insert(0, ADR)
    if cross_border(order):
        kinds.append(ANNEX_VII)
    return kinds


def render(order: DestructionOrder, kind: str) -> bytes:
    return {ADR: adr_pdf, CONSIGNMENT_NOTE: consignment_note_pdf, ANNEX_VII: annex_vii_pdf}[kind](
        order
    )


def lines_of(order: DestructionOrder) -> list[OrderLine]:
    lines = getattr(order, "active_lines", None)
    if lines is None:
        lines = list(
            order.lines.filter(active=True)
            .select_related("lot", "lot__seizure")
            .order_by("lot__reference")
        )
    return lines


def dangerous_lines(order: DestructionOrder) -> list[DangerousLine]:
    """One line per (lot, UN entry): a lot of several UN classes is described under each."""
    found = []
    for line in lines_of(order):
        for hazard_class in line.lot.hazard_classes or []:
            entry = entry_for(line.lot.waste_class, hazard_class)
            if entry is not None:
                found.append(DangerousLine(line.lot, entry))
    return found


def cross_border(order: DestructionOrder) -> bool:
    return bool(order.facility.country) and order.facility.country != order.office.country


def adr_pdf(order: DestructionOrder) -> bytes:
    goods = dangerous_lines(order)
    story = _heading(order, DOCUMENTS[ADR])
    story += _parties(order)
    rows = [["Lot", "Dangerous goods description", "Packages", "Quantity (gross)"]]
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for item in goods:
        rows.append(
            [
                item.lot.reference,
                _cell(item.entry.description()),
                f"{item.lot.articles} articles",
                f"{_kg(item.lot.gross_weight_kg)} kg",
            ]
        )
        totals[item.entry.un_number] += item.lot.gross_weight_kg
    story.append(_table(rows, widths=(38 * mm, 85 * mm, 25 * mm, 30 * mm)))
    story.append(Spacer(1, 3 * mm))
    story.append(
        _paragraph(
            "Total quantity per UN number: "
            + "; ".join(f"UN {un} {_kg(kg)} kg" for un, kg in sorted(totals.items()))
        )
    )
    story.append(_paragraph(f"Source of the entries: {goods[0].entry.source.split(' UN')[0]}."))
    story.append(Spacer(1, 4 * mm))
    story.append(_paragraph("<b>Consignor's declaration</b>"))
    story.append(_paragraph(CONSIGNOR_DECLARATION))
    story.append(_cell(f"For the consignor: {order.office.name}. Signature: ____________"))
    return _build(story, DOCUMENTS[ADR])


def consignment_note_pdf(order: DestructionOrder) -> bytes:
    story = _heading(order, DOCUMENTS[CONSIGNMENT_NOTE])
    story += _parties(order)
    rows = [["Lot", "Goods", "EWC code", "Hazardous", "Quantity", "Operation"]]
    total = Decimal("0")
    for line in lines_of(order):
        lot = line.lot
        code = lot.waste_code
        rows.append(
            [
                lot.reference,
                _cell(lot.description),
                _cell(f"{lot.ewc_code}" + (f" {code.description}" if code else "")),
                "yes" if lot.hazardous_waste else "no",
                f"{_kg(lot.gross_weight_kg)} kg",
                ", ".join(sorted(METHODS[line.method].operations)),
            ]
        )
        total += lot.gross_weight_kg
    story.append(_table(rows, widths=(32 * mm, 38 * mm, 52 * mm, 18 * mm, 22 * mm, 18 * mm)))
    story.append(Spacer(1, 3 * mm))
    story.append(_paragraph(f"Total quantity: {_kg(total)} kg."))
    story.append(_paragraph("<b>Facility's permits</b>"))
    permits = [["Number", "Authority", "Valid", "Operations"]]
    for permit in order.facility.permits.all().order_by("valid_from"):
        permits.append(
            [
                permit.number,
                _cell(permit.authority),
                f"{permit.valid_from:%Y-%m-%d} to {permit.valid_until:%Y-%m-%d}",
                ", ".join(permit.operations),
            ]
        )
    story.append(_table(permits, widths=(40 * mm, 60 * mm, 45 * mm, 35 * mm)))
    return _build(story, DOCUMENTS[CONSIGNMENT_NOTE])


def annex_vii_pdf(order: DestructionOrder) -> bytes:
    """The blocks of Annex VII, numbered as the form (the fields DIWASS asks)."""
    lines = lines_of(order)
    total = sum((line.lot.gross_weight_kg for line in lines), Decimal("0"))
    codes = sorted({line.lot.ewc_code for line in lines})
    descriptions = {line.lot.description for line in lines}
    operations = sorted({op for line in lines for op in METHODS[line.method].operations})
    office, facility = order.office, order.facility
    dispatched = timezone.localtime(order.dispatched_at) if order.dispatched_at else None
    blocks = [
        ("1. Person who arranges the shipment", _where(office.name, office)),
        ("2. Importer / consignee", _where(facility.operator, facility)),
        ("3. Actual quantity", f"{_kg(total / 1000)} tonnes ({_kg(total)} kg)"),
        ("4. Actual date of shipment", f"{dispatched:%Y-%m-%d}" if dispatched else "—"),
        (
            "5. Carrier",
            f"{order.carrier_name or '—'}, registration {order.carrier_registration or '—'}; "
            f"road, vehicle {order.vehicle or '—'}",
        ),
        ("6. Waste producer", f"{office.name} (goods seized under Reg. (EU) 608/2013)"),
        ("7. Recovery facility", _where(facility.name, facility)),
        ("8. Recovery operation", ", ".join(operations)),
        ("9. Usual description of the waste", "; ".join(sorted(descriptions))),
        ("10. Waste identification (EU list of wastes)", ", ".join(codes)),
        (
            "11. Countries concerned",
            f"dispatch {office.country.name}; destination {facility.country.name}",
        ),
        ("12. Declaration of the person who arranges the shipment", ANNEX_VII_DECLARATION),
        ("13. Signature upon receipt by the consignee", SIGNATURE),
        ("14. Signature upon receipt at the recovery facility", SIGNATURE),
    ]
    story = _heading(order, DOCUMENTS[ANNEX_VII])
    story.append(pdf.facts_table(blocks, STYLES))
    return _build(story, DOCUMENTS[ANNEX_VII])


STYLES = pdf.styles()
SIGNATURE = "Name: ____________ Date: ________"


def _where(name: str, place) -> str:
    """A party with its address and country (an office or a facility)."""
    return f"{name}, {place.address}, {place.country.name}"


def _paragraph(text: str) -> Paragraph:
    """Markup written here (bold headings); text typed by people goes through _cell."""
    return Paragraph(text, STYLES["body"])


def _cell(text: str) -> Paragraph:
    """Text that wraps, escaped (descriptions and names are typed by people, and reportlab
    reads markup)."""
    return Paragraph(pdf.esc(text), STYLES["cell"])


def _heading(order: DestructionOrder, title: str) -> list:
    dispatched = timezone.localtime(order.dispatched_at) if order.dispatched_at else None
    return [
        Paragraph(title, STYLES["title"]),
        _cell(
            f"Destruction order {order.reference}"
            + (f" · consignment note {note}" if (note := order.consignment_note_number) else "")
            + (f" · dispatched {dispatched:%Y-%m-%d %H:%M}" if dispatched else "")
        ),
        Spacer(1, 3 * mm),
    ]


def _parties(order: DestructionOrder) -> list:
    office, facility = order.office, order.facility
    pairs = [
        ("Consignor", _where(office.name, office)),
        ("Consignee", _where(f"{facility.name}, {facility.operator}", facility)),
        (
            "Carrier",
            f"{order.carrier_name or '-'}, registration {order.carrier_registration or '-'}, "
            f"vehicle {order.vehicle or '-'}, seals {', '.join(order.seal_numbers) or '-'}",
        ),
    ]
    return [pdf.facts_table(pairs, STYLES), Spacer(1, 4 * mm)]


def _table(rows: list, *, widths) -> Table:
    """A grid in the house style; its header row repeats on every page it spans."""
    return pdf.data_table(rows[0], rows[1:], list(widths))


def _build(story: list, title: str) -> bytes:
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=title,
        leftMargin=pdf.MARGIN,
        rightMargin=pdf.MARGIN,
        topMargin=pdf.MARGIN,
        bottomMargin=pdf.MARGIN + 5 * mm,
    )
    document.build(story, canvasmaker=partial(pdf.NumberedCanvas, footer=title))
    return buffer.getvalue()


def _kg(value: Decimal) -> str:
    text = f"{Decimal(value):.3f}".rstrip("0").rstrip(".")
    return text or "0"

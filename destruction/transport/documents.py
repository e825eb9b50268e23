"""The transport documents of a dispatched order, as PDF (reportlab):

- the ADR transport document (ADR 5.4.1) for the lots with UN classes: UN number, proper shipping
  name, class, packing group and tunnel code from destruction/data/adr-dangerous-goods.csv, the
  quantities, consignor and consignee, and the consignor's declaration; a damaged lithium
  battery lot as DAMAGED/DEFECTIVE with its packing instruction (SP 376, adr-damaged-batteries.csv);
- the waste consignment note (WFD Art. 35, hazardous waste: Art. 17-19): EWC codes, quantities,
  the planned R/D operation, the carrier and its registration, the facility's permits;
- the Annex VII information (Reg. (EU) 2024/1157, Art. 18 and Annex VII; submitted through
  DIWASS from 21 May 2026) when the facility is in another country than the dispatching office,
  printed from the record `annex_vii` builds (which is also the JSON export).
"""

import io
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from functools import partial

from django.core.exceptions import ValidationError
from django.utils import timezone
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table

from destruction.methods import METHODS
from destruction.models import DestructionOrder, OrderLine, OrderStatus
from destruction.transport import annex_vii
from destruction.transport.adr import AdrEntry, SmallLoad, decimal_text, lot_entry, small_load
from destruction.transport.annex_vii import cross_border
from project import pdf
from project.errors import TransitionNotAllowed
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


@dataclass(frozen=True)
class DangerousLine:
    """A lot under the one entry it is carried under (adr.lot_entry), with its other UN classes
    as subsidiary hazards."""

    lot: Lot
    entry: AdrEntry
    subsidiary: tuple[str, ...] = ()

    def description(self) -> str:
        return self.entry.description(subsidiary=self.subsidiary)

    @property
    def quantity(self) -> Decimal:
        """What ADR 1.1.3.6.3 counts: the litres of a liquid lot whose volume is recorded, else
        the gross weight in kg (the mass it counts for articles, and never less than the net
        mass it counts for solids, so the points are never understated)."""
        return self.lot.volume_l if self.lot.volume_l is not None else self.lot.gross_weight_kg


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


@dataclass(frozen=True)
class Overview:
    """What an order travels under, for its transport page and the API: the documents, the dangerous
    goods (as the ADR document describes them), the ADR 1.1.3.6 calculation (None without
    dangerous goods), and for a cross-border order what the
    Annex VII record still misses ({} when complete; None for a domestic order)."""

    documents: list[str]
    goods: list[DangerousLine]
    exemption: SmallLoad | None
    annex_vii_missing: dict[str, list[str]] | None


def overview(order: DestructionOrder) -> Overview:
    kinds = available(order)
    goods = dangerous_lines(order) if ADR in kinds else []
    return Overview(
        documents=kinds,
        goods=goods,
        exemption=load_exemption(goods),
        annex_vii_missing=(
            annex_vii.missing_fields(order, lines_of(order)) if ANNEX_VII in kinds else None
        ),
    )


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
    """One line per lot with UN classes: a lot of several is carried under its strictest entry
    with the others as subsidiary hazards, its quantity once (adr.lot_entry); a damaged lot as
    damaged or defective goods (SP 376)."""
    found = []
    for line in lines_of(order):
        lot = line.lot
        carried = lot_entry(lot.waste_class, lot.hazard_classes or [], damaged=lot.damaged)
        if carried is not None:
            found.append(DangerousLine(lot, carried.entry, carried.subsidiary))
    return found


def load_exemption(goods: list[DangerousLine]) -> SmallLoad | None:
    """The ADR 1.1.3.6 calculation of an order's load (one transport unit) from its dangerous
    lines; None without dangerous goods."""
    if not goods:
        return None
    return small_load((item.entry, item.quantity) for item in goods)


def annex_vii_export(order: DestructionOrder) -> dict:
    """The complete Annex VII record of a dispatched cross-border order. TransitionNotAllowed
    (409) when the order has none (not dispatched yet, or domestic); ValidationError (400)
    naming each missing mandatory field rather than an incomplete record."""
    if order.status not in DOCUMENT_STATUSES:
        raise TransitionNotAllowed("The Annex VII information exists once the order is dispatched.")
    if not cross_border(order):
        raise TransitionNotAllowed(
            "This is a domestic shipment (the facility is in the dispatching office's country): "
            "Annex VII of Reg. (EU) 2024/1157 applies only to shipments between countries."
        )
    lines = lines_of(order)
    errors = annex_vii.missing_fields(order, lines)
    if errors:
        raise ValidationError(errors)
    return annex_vii.information(order, lines)


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
                _cell(item.description()),
                f"{item.lot.articles} articles",
                f"{decimal_text(item.lot.gross_weight_kg)} kg",
            ]
        )
        totals[item.entry.un_number] += item.lot.gross_weight_kg
    story.append(_table(rows, widths=(38 * mm, 85 * mm, 25 * mm, 30 * mm)))
    story.append(Spacer(1, 3 * mm))
    story.append(
        _paragraph(
            "Total quantity per UN number: "
            + "; ".join(f"UN {un} {decimal_text(kg)} kg" for un, kg in sorted(totals.items()))
        )
    )
    story += [_cell(note) for note in _packing_notes(goods)]
    story.append(_paragraph(f"Source of the entries: {goods[0].entry.source.split(' UN')[0]}."))
    story.append(Spacer(1, 4 * mm))
    story += _exemption_section(load_exemption(goods))
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
                f"{decimal_text(lot.gross_weight_kg)} kg",
                ", ".join(sorted(METHODS[line.method].operations)),
            ]
        )
        total += lot.gross_weight_kg
    story.append(_table(rows, widths=(32 * mm, 38 * mm, 52 * mm, 18 * mm, 22 * mm, 18 * mm)))
    story.append(Spacer(1, 3 * mm))
    story.append(_paragraph(f"Total quantity: {decimal_text(total)} kg."))
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
    """The blocks of Annex VII, numbered as the form, from the record the JSON export gives."""
    record = annex_vii.information(order, lines_of(order))
    carrier = record["carriers"][0]
    identification = record["waste_identification"]
    blocks = [
        ("1. Person who arranges the shipment", _party_text(record["person_arranging_shipment"])),
        ("2. Importer / consignee", _party_text(record["importer_consignee"])),
        (
            "3. Actual quantity",
            f"{record['actual_quantity']['tonnes']} tonnes ({record['actual_quantity']['kg']} kg)",
        ),
        ("4. Actual date of shipment", record["actual_date_of_shipment"] or "—"),
        (
            "5. Carrier",
            f"{carrier['name'] or '—'}, registration {carrier['registration'] or '—'}; "
            f"{carrier['means_of_transport']}, vehicle {carrier['vehicle'] or '—'}",
        ),
        (
            "6. Waste producer",
            f"{record['waste_generator']['name']} (goods seized under Reg. (EU) 608/2013)",
        ),
        ("7. Recovery facility", _party_text(record["recovery_facility"])),
        ("8. Recovery operation", ", ".join(record["recovery_operation"]) or "—"),
        ("9. Usual description of the waste", record["usual_description"]),
        (
            "10. Waste identification (EU list of wastes)",
            ", ".join(identification["eu_list_of_wastes"]),
        ),
        (
            "11. Countries concerned",
            f"dispatch {record['person_arranging_shipment']['country_name']}; "
            f"destination {record['recovery_facility']['country_name']}",
        ),
        ("12. Declaration of the person who arranges the shipment", annex_vii.DECLARATION),
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


def _party_text(party: dict) -> str:
    """A party of the Annex VII record, as _where writes it."""
    return f"{party['name']}, {party['address']}, {party['country_name']}"


def _packing_notes(goods: list[DangerousLine]) -> list[str]:
    """Each special provision's packing instruction once, naming its UN numbers."""
    un_numbers: dict[str, set[str]] = defaultdict(set)
    for item in goods:
        if item.entry.packing_note:
            un_numbers[item.entry.packing_note].add(item.entry.un_number)
    return [
        f"{', '.join(f'UN {un}' for un in sorted(numbers))}: {note}"
        for note, numbers in un_numbers.items()
    ]


def _exemption_section(load: SmallLoad) -> list:
    """The ADR 1.1.3.6 calculation: totals and points per transport category (5.4.1.1.1 (f)
    asks for them when the exemption is used), the verdict and what it means on the road."""
    rows = [["Transport category", "UN numbers", "Quantity (kg or l)", "Multiplier", "Points"]]
    for total in load.categories:
        rows.append(
            [
                str(total.category),
                ", ".join(f"UN {un}" for un in total.un_numbers),
                decimal_text(total.quantity),
                "never exempt" if total.multiplier is None else f"x {total.multiplier}",
                "—" if total.points is None else decimal_text(total.points),
            ]
        )
    verdict = "EXEMPT under 1.1.3.6" if load.exempt else "NOT EXEMPT: full ADR"
    return [
        _paragraph("<b>Small-load exemption (ADR 1.1.3.6)</b>"),
        _table(rows, widths=(32 * mm, 50 * mm, 36 * mm, 30 * mm, 30 * mm)),
        Spacer(1, 2 * mm),
        _paragraph(f"<b>Total: {decimal_text(load.points)} points ({verdict})</b>. {load.reason}"),
        _paragraph(load.meaning),
    ]


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

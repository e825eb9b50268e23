"""Certificates of destruction, second half: the snapshot (see `snapshot.build_snapshot`)
rendered as PDF bytes with reportlab. `render_pdf` reads nothing but the snapshot dict, so a
certificate prints only what was stored.
"""

from __future__ import annotations

import io
from functools import partial
from typing import Any

from reportlab.graphics.barcode.qr import QrCode
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.flowables import Flowable

from destruction.certificates.seal import SealBox, SealPlace

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 15 * mm
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN
GRID = colors.HexColor("#9aa5b1")
HEAD = colors.HexColor("#e6ebf1")
# Category over waste class, and method over R/D codes, share a column: rows are two lines high
# for the description anyway, and the description keeps the width it needs.
LOT_COLUMNS = (
    ("Lot reference", 27 * mm),
    ("Cat.\nWaste", 11 * mm),
    ("Hazard", 13 * mm),
    ("Description", 45 * mm),
    ("Brand", 24 * mm),
    ("Articles", 13 * mm),
    ("Weight kg", 16 * mm),
    ("Method\nR/D", 31 * mm),
)


class NumberedCanvas(Canvas):
    """Defers each page until the end so that every footer can say "page x of y"."""

    def __init__(self, *args, footer: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict] = []
        self._footer = footer

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
            self.drawRightString(PAGE_WIDTH - MARGIN, 9 * mm, f"Page {self._pageNumber} of {total}")
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
    longer than a page runs on over pages instead of failing the issue with a LayoutError."""
    table = Table([header, *rows], colWidths=widths, repeatRows=1, splitInRow=1)
    style = grid_style()
    for column in right:
        style.add("ALIGN", (column, 0), (column, -1), "RIGHT")
    table.setStyle(style)
    return table


def facts_table(pairs: list[tuple[str, Any]], s: dict[str, ParagraphStyle]) -> Table:
    """Label/value pairs in two columns; values wrap, and a value longer than a page (a free-text
    address) splits across pages."""
    rows = [[label, Paragraph(esc(value) or "-", s["cell"])] for label, value in pairs]
    table = Table(rows, colWidths=[45 * mm, CONTENT_WIDTH - 45 * mm], splitInRow=1)
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


def lot_table(lots: list[dict[str, Any]]) -> Table:
    widths = dict(LOT_COLUMNS)
    rows = [
        [
            lot["reference"],
            f"{lot['category']}\n{lot['waste_class']}",
            wrapped(", ".join(lot["hazard_classes"]) or "-", widths["Hazard"]),
            wrapped(lot["description"], widths["Description"]),
            wrapped(lot["brand"], widths["Brand"]),
            str(lot["articles"]),
            lot["weight_kg"],
            f"{lot['method']}\n{'/'.join(lot['operations'])}",
        ]
        for lot in lots
    ]
    return data_table(
        [name for name, _ in LOT_COLUMNS],
        rows,
        [width for _, width in LOT_COLUMNS],
        right=(5, 6),
    )


def lot_legend(lots: list[dict[str, Any]], s: dict[str, ParagraphStyle]) -> Paragraph:
    """The names of the waste class codes in the table, once below it rather than in each row."""
    classes = sorted({(lot["waste_class"], lot["waste_class_label"]) for lot in lots})
    names = "; ".join(f"{esc(code)} {esc(label)}" for code, label in classes) or "-"
    return Paragraph(
        f"Waste: rulebook waste class ({names}). Hazard: UN dangerous-goods classes, "
        "- for none. R/D: recovery or disposal operations of the facility permit.",
        s["small"],
    )


def header_block(snapshot: dict[str, Any], s: dict[str, ParagraphStyle]) -> list[Flowable]:
    office = snapshot["office"]
    totals = snapshot["totals"]
    left = [
        Paragraph("Certificate of destruction", s["title"]),
        Paragraph(f"<b>Number:</b> {esc(snapshot['number'])}", s["body"]),
        Paragraph(f"<b>Issue date:</b> {esc(snapshot['issue_date'])}", s["body"]),
        Paragraph(
            f"<b>Issuing office:</b> {esc(office['code'])} {esc(office['name'])} "
            f"({esc(office['country'])})",
            s["body"],
        ),
        Paragraph(f"<b>Destruction order:</b> {esc(snapshot['order']['reference'])}", s["body"]),
        Paragraph(
            f"<b>Totals:</b> {totals['lots']} lots, {totals['articles']} articles, "
            f"{esc(totals['weight_kg'])} kg",
            s["body"],
        ),
    ]
    table = Table([[left, qr_code(snapshot["verification_url"])]], colWidths=[145 * mm, 35 * mm])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return [
        table,
        *supersedes_note(snapshot, s),
        Spacer(1, 2 * mm),
        Paragraph("Check that this certificate is genuine and still valid at:", s["small"]),
        Paragraph(esc(snapshot["verification_url"]), s["mono"]),
    ]


def supersedes_note(snapshot: dict[str, Any], s) -> list[Flowable]:
    """The certificate this one replaces, with the revocation reason and correction note: free
    texts of any length, so a paragraph of its own (it may run over pages), not a cell of the
    header table beside the QR code (which cannot split)."""
    old = snapshot.get("supersedes")
    if not old:
        return []
    text = f"<b>Replaces certificate {esc(old['number'])}</b>, revoked: {esc(old['reason'])}"
    if old.get("note"):
        text += f". Correction: {esc(old['note'])}"
    return [Paragraph(text, s["body"])]


def legal_section(snapshot: dict[str, Any], s) -> list[Flowable]:
    bases = ", ".join(b["label"] for b in snapshot["legal_bases"]) or "-"
    holders = (
        "; ".join(
            f"{h['name']} (application {h['application_reference'] or 'none'})"
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
            Paragraph(esc(z["ipr_type"]), s["cell"]),
            Paragraph(esc(z["legal_route"]), s["cell"]),
            Paragraph(
                esc(
                    "; ".join(
                        part
                        for part in (
                            z["right_holder_agreement_on"]
                            and f"right holder agreed {z['right_holder_agreement_on']}",
                            z["declarant_agreement_on"]
                            and f"declarant agreed {z['declarant_agreement_on']}",
                            z["court_reference"] and f"court {z['court_reference']}",
                        )
                        if part
                    )
                ),
                s["cell"],
            ),
        ]
        for z in snapshot["seizures"]
    ]
    return [
        Paragraph("Legal basis and right holder", s["h2"]),
        facts_table([("Legal basis", bases), ("Right holder", holders)], s),
        Paragraph("Seizures", s["h2"]),
        data_table(
            [
                "Seizure",
                "Office",
                "Consignment",
                "Detained",
                "Notified",
                "IPR type",
                "Legal route",
                "Decisions",
            ],
            seizure_rows,
            [27 * mm, 24 * mm, 22 * mm, 16 * mm, 16 * mm, 22 * mm, 25 * mm, 28 * mm],
        ),
    ]


def method_section(snapshot: dict[str, Any], s) -> list[Flowable]:
    rows = [
        [
            m["code"],
            Paragraph(esc(m["label"]), s["cell"]),
            str(m["rank"] or ""),
            "/".join(m["operations"]),
            str(m["lots"]),
            str(m["articles"]),
            m["weight_kg"],
        ]
        for m in snapshot["methods"]
    ]
    return [
        Paragraph("Methods", s["h2"]),
        data_table(
            ["Method", "Description", "Rank", "R/D", "Lots", "Articles", "Weight kg"],
            rows,
            [30 * mm, 67 * mm, 11 * mm, 22 * mm, 14 * mm, 18 * mm, 18 * mm],
            right=(4, 5, 6),
        ),
    ]


def facility_section(snapshot: dict[str, Any], s) -> list[Flowable]:
    facility, transport, execution = (
        snapshot["facility"],
        snapshot["transport"],
        snapshot["execution"],
    )
    permit = facility["permit"]
    permit_text = (
        f"{permit['number']}, {permit['authority']}, valid {permit['valid_from']} to "
        f"{permit['valid_until']}, operations {', '.join(permit['operations'])}"
        if permit
        else "no permit recorded"
    )
    if permit and permit["valid_on_destruction_date"]:
        permit_text += "; valid on the destruction date"
    parameters = []
    if execution["temperature_c"] is not None:
        parameters.append(f"{execution['temperature_c']} °C")
    if execution["residence_time_s"] is not None:
        parameters.append(f"residence time {execution['residence_time_s']} s")
    if execution["debranded"]:
        parameters.append("de-branded")
    return [
        Paragraph("Facility, transport and execution", s["h2"]),
        facts_table(
            [
                ("Facility", f"{facility['name']} ({facility['operator']})"),
                ("Address", f"{facility['address']}, {facility['country']}"),
                ("Permit", permit_text),
                (
                    "Carrier",
                    f"{transport['carrier']} (registration {transport['registration'] or '-'})",
                ),
                ("Vehicle", transport["vehicle"]),
                ("Seals", ", ".join(transport["seals"])),
                ("Consignment note", transport["consignment_note"]),
                ("Started", execution["started_at"]),
                ("Ended", execution["ended_at"]),
                ("Location", execution["location"]),
                ("Process parameters", ", ".join(parameters)),
            ],
            s,
        ),
        *permit_warning(permit, s),
    ]


def permit_warning(permit: dict[str, Any] | None, s) -> list[Flowable]:
    """X-CE-03: when no permit of the facility covered the destruction date, the snapshot holds
    the one with the latest validity; the certificate must say so rather than let it pass as the
    permit under which the goods were destroyed."""
    if permit is None or permit["valid_on_destruction_date"]:
        return []
    return [
        Paragraph(
            f"Warning: permit {esc(permit['number'])} was not valid on the destruction date; "
            "no permit of the facility on record covered that date.",
            s["warning"],
        )
    ]


def mass_section(snapshot: dict[str, Any], s) -> list[Flowable]:
    mass = snapshot["mass_balance"]
    rows = [
        [o["route_label"], o["weight_kg"], Paragraph(esc(o["destination"]), s["cell"])]
        for o in mass["outputs"]
    ]
    rows.append(["Total output", mass["output_total_kg"], ""])
    return [
        Paragraph("Mass balance", s["h2"]),
        facts_table(
            [
                ("Weight at dispatch", f"{mass['dispatch_weight_kg'] or '-'} kg"),
                ("Weight at gate", f"{mass['gate_weight_kg']} kg"),
                ("Weighbridge ticket", mass["weighbridge_ticket"]),
                ("Deviation declared", "yes" if mass["deviation"] else "no"),
            ],
            s,
        ),
        Spacer(1, 2 * mm),
        data_table(
            ["Output fraction", "Weight kg", "Destination"],
            rows,
            [40 * mm, 25 * mm, CONTENT_WIDTH - 65 * mm],
            right=(1,),
        ),
    ]


def people_section(snapshot: dict[str, Any], s) -> list[Flowable]:
    witnesses = [
        [
            Paragraph(esc(w["name"]), s["cell"]),
            Paragraph(esc(w["organisation"]), s["cell"]),
            w["role"],
        ]
        for w in snapshot["witnesses"]
    ] or [["none recorded", "", ""]]
    evidence = [
        [Paragraph(esc(e["name"]), s["cell"]), e["kind"], e["sha256"]] for e in snapshot["evidence"]
    ] or [["none recorded", "", ""]]
    flowables: list[Flowable] = [
        # A heading left alone at the foot of a page, its table on the next, reads as missing.
        KeepTogether(
            [
                Paragraph("Witnesses", s["h2"]),
                Paragraph(officer_presence(snapshot["execution"]), s["body"]),
                data_table(
                    ["Name", "Organisation", "Role"], witnesses, [60 * mm, 70 * mm, 50 * mm]
                ),
            ]
        ),
        Paragraph("Evidence", s["h2"]),
        evidence_table(evidence),
    ]
    if snapshot["samples"]:
        flowables += [
            Paragraph("Samples retained", s["h2"]),
            data_table(
                ["Sample", "From lot", "Articles", "Purpose", "Holder"],
                [
                    [
                        x["reference"],
                        x["parent"],
                        str(x["articles"]),
                        x["purpose"],
                        Paragraph(esc(x["holder"]), s["cell"]),
                    ]
                    for x in snapshot["samples"]
                ],
                [32 * mm, 30 * mm, 18 * mm, 40 * mm, 60 * mm],
                right=(2,),
            ),
        ]
    return flowables


def officer_presence(execution: dict[str, Any]) -> str:
    """C8.11: the customs officer attends, or the absence is documented (the record refuses an
    absence without a reason, printed under Deviations and justifications)."""
    if execution["customs_officer_present"]:
        return "<b>Customs officer present:</b> yes"
    return (
        "<b>Customs officer present:</b> no; the documented reason is under Deviations and "
        "justifications"
    )


def evidence_table(rows: list[list[Any]]) -> Table:
    table = data_table(["File", "Kind", "SHA-256"], rows, [55 * mm, 25 * mm, 100 * mm])
    table.setStyle(TableStyle([("FONT", (2, 1), (2, -1), "Courier", 6.5)]))
    return table


def compliance_section(snapshot: dict[str, Any], s) -> list[Flowable]:
    check = snapshot["compliance"]
    if check["recorded"]:
        verdict = (
            f"{check['verdict']} (rulebook {check['rulebook_version']}, {check['checked_at']})"
        )
    else:
        verdict = check["note"]
    flowables: list[Flowable] = [
        Paragraph("Compliance", s["h2"]),
        facts_table([("Verdict", verdict)], s),
    ]
    if check["findings"]:
        flowables += [
            Spacer(1, 2 * mm),
            data_table(
                ["Rule", "Severity", "Finding"],
                [
                    [f["rule"], f["severity"], Paragraph(esc(f["message"]), s["cell"])]
                    for f in check["findings"]
                ],
                [25 * mm, 20 * mm, CONTENT_WIDTH - 45 * mm],
            ),
        ]
    if snapshot["justifications"]:
        flowables += [
            Paragraph("Deviations and justifications", s["h2"]),
            data_table(
                ["Subject", "Justification"],
                [
                    [j["subject"], Paragraph(esc(j["text"]), s["cell"])]
                    for j in snapshot["justifications"]
                ],
                [40 * mm, CONTENT_WIDTH - 40 * mm],
            ),
        ]
    return flowables


def custody_section(snapshot: dict[str, Any], s) -> list[Flowable]:
    # "Lot", not "Lot reference": the lot table's header stays recognisable on each page it spans.
    table = data_table(
        ["Lot", "Event", "Last custody hash (SHA-256)"],
        [
            [lot["reference"], str(lot["custody_sequence"]), lot["custody_hash"]]
            for lot in snapshot["lots"]
        ],
        [30 * mm, 14 * mm, CONTENT_WIDTH - 44 * mm],
        right=(1,),
    )
    table.setStyle(TableStyle([("FONT", (2, 1), (2, -1), "Courier", 6.8)]))
    # Kept together like the witnesses: a table that does not fit starts on a fresh page with its
    # heading instead of leaving the heading alone at the foot of this one.
    return [
        KeepTogether(
            [
                Paragraph("Chain of custody at issue", s["h2"]),
                Paragraph(
                    "The hash of each lot's newest custody event when the certificate was issued.",
                    s["small"],
                ),
                table,
            ]
        )
    ]


def render_pdf(snapshot: dict[str, Any]) -> bytes:
    """The certificate as PDF bytes, from the snapshot alone (unsealed)."""
    return render(snapshot)[0]


def render(snapshot: dict[str, Any]) -> tuple[bytes, SealBox]:
    """The certificate as PDF bytes and the box kept for its seal. `invariant` drops the
    creation time and random document id, so one snapshot always renders to the same bytes."""
    s = styles()
    seal_place = SealPlace()
    story: list[Flowable] = [
        *header_block(snapshot, s),
        *legal_section(snapshot, s),
        Paragraph(f"Goods destroyed ({snapshot['totals']['lots']} lots)", s["h2"]),
        lot_table(snapshot["lots"]),
        lot_legend(snapshot["lots"], s),
        *method_section(snapshot, s),
        *facility_section(snapshot, s),
        *mass_section(snapshot, s),
        *people_section(snapshot, s),
        *compliance_section(snapshot, s),
        *custody_section(snapshot, s),
        Spacer(1, 4 * mm),
        KeepTogether(
            [
                Paragraph(
                    f"Issued on {esc(snapshot['issued_at'])} by {esc(snapshot['issued_by'])}, "
                    f"{esc(snapshot['office']['name'])}. This certificate is valid only while "
                    "the verification page shows it as valid.",
                    s["small"],
                ),
                Spacer(1, 2 * mm),
                seal_place,
            ]
        ),
    ]
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=16 * mm,
        title=f"Certificate of destruction {snapshot['number']}",
        author=snapshot["office"]["name"],
        invariant=True,
    )
    footer = f"Certificate of destruction {snapshot['number']}"
    document.build(story, canvasmaker=partial(NumberedCanvas, footer=footer))
    assert seal_place.box is not None  # noqa: S101 - drawn by build(), always
    return buffer.getvalue(), seal_place.box

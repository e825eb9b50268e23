"""Certificates of destruction, second half: the snapshot (see `snapshot.build_snapshot`)
rendered as PDF bytes with reportlab. `render_pdf` reads nothing but the snapshot dict, so a
certificate prints only what was stored. Every label is printed in English and in the office's
language (`labels.Bilingual`, the snapshot's "language"); data (descriptions, names, free texts)
is printed as recorded.
"""

from __future__ import annotations

import io
from functools import partial
from typing import Any

from django.utils.translation import gettext_noop
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.flowables import Flowable

from destruction.certificates.goods_tables import (
    EWC_LEGEND,
    lot_legend,
    lot_table,
    quantity_table,
    waste_code_table,
)
from destruction.certificates.labels import Bilingual, labels_of, lot_count, yes_no
from destruction.certificates.legal_sections import header_block, legal_section
from destruction.certificates.seal import SealBox, SealPlace
from project.pdf import (
    CONTENT_WIDTH,
    MARGIN,
    NumberedCanvas,
    data_table,
    esc,
    facts_table,
    styles,
)

PERMIT_NOT_VALID = gettext_noop(
    "this permit was not valid on the destruction date; no permit of the facility on record "
    "covered that date."
)
VALID_ONLY_WHILE = gettext_noop(
    "This certificate is valid only while the verification page shows it as valid."
)


def method_section(snapshot: dict[str, Any], s) -> list[Flowable]:
    _ = labels_of(snapshot)
    rows = [
        [
            m["code"],
            Paragraph(esc(_(m["label"])), s["cell"]),
            str(m["rank"] or ""),
            "/".join(m["operations"]),
            str(m["lots"]),
            str(m["articles"]),
            m["weight_kg"],
        ]
        for m in snapshot["methods"]
    ]
    return [
        Paragraph(esc(_("Methods")), s["h2"]),
        data_table(
            [
                _.stacked("Method"),
                _.stacked("Description"),
                _.stacked("Rank"),
                _.stacked("R/D code"),
                _.stacked("Lots"),
                _.stacked("Articles"),
                _.stacked("Weight kg"),
            ],
            rows,
            [30 * mm, 67 * mm, 11 * mm, 22 * mm, 14 * mm, 18 * mm, 18 * mm],
            right=(4, 5, 6),
        ),
    ]


def parameter_value(parameter: dict[str, Any], _: Bilingual) -> str:
    value = parameter["value"]
    if value is None or isinstance(value, bool):
        return yes_no(_, value)
    if parameter.get("choice"):
        return _(value)
    return f"{value} {parameter['unit']}".strip()


def facility_section(snapshot: dict[str, Any], s) -> list[Flowable]:
    _ = labels_of(snapshot)
    facility, transport, execution = (
        snapshot["facility"],
        snapshot["transport"],
        snapshot["execution"],
    )
    permit = facility["permit"]
    permit_text = (
        f"{permit['number']}, {permit['authority']}, {_('valid')} {permit['valid_from']} - "
        f"{permit['valid_until']}, {_('operations')} {', '.join(permit['operations'])}"
        if permit
        else _("no permit recorded")
    )
    if permit and permit["valid_on_destruction_date"]:
        permit_text += f"; {_('valid on the destruction date')}"
    parameters = [(_(p["label"]), parameter_value(p, _)) for p in execution.get("parameters", [])]
    return [
        Paragraph(esc(_("Facility, transport and execution")), s["h2"]),
        facts_table(
            [
                (_("Facility"), f"{facility['name']} ({facility['operator']})"),
                (_("Address"), f"{facility['address']}, {facility['country']}"),
                (_("Permit"), permit_text),
                (
                    _("Carrier"),
                    f"{transport['carrier']} ({_('registration')} "
                    f"{transport['registration'] or '-'})",
                ),
                (_("Vehicle"), transport["vehicle"]),
                (_("Seals"), ", ".join(transport["seals"])),
                (_("Consignment note"), transport["consignment_note"]),
                (_("Started"), execution["started_at"]),
                (_("Ended"), execution["ended_at"]),
                (_("Location"), execution["location"]),
            ],
            s,
        ),
        *permit_warning(permit, s, _),
        # Snapshots before schema 2 hold no parameter list.
        *(
            [Paragraph(esc(_("Process parameters")), s["h2"]), facts_table(parameters, s)]
            if parameters
            else []
        ),
    ]


def permit_warning(permit: dict[str, Any] | None, s, _: Bilingual) -> list[Flowable]:
    """X-CE-03: when no permit of the facility covered the destruction date, the snapshot holds
    the one with the latest validity; the certificate must say so rather than let it pass as the
    permit under which the goods were destroyed."""
    if permit is None or permit["valid_on_destruction_date"]:
        return []
    return [
        Paragraph(
            f"{esc(_('Warning'))}: {esc(permit['number'])}: {esc(_(PERMIT_NOT_VALID))}",
            s["warning"],
        )
    ]


def mass_section(snapshot: dict[str, Any], s) -> list[Flowable]:
    _ = labels_of(snapshot)
    mass = snapshot["mass_balance"]
    rows = [output_row(o, s, _) for o in mass["outputs"]]
    rows.append([Paragraph(esc(_("Total output")), s["cell"]), mass["output_total_kg"], *[""] * 5])
    return [
        Paragraph(esc(_("Mass balance")), s["h2"]),
        facts_table(
            [
                (_("Weight at dispatch"), f"{mass['dispatch_weight_kg'] or '-'} kg"),
                (_("Weight at gate"), f"{mass['gate_weight_kg']} kg"),
                (_("Weighbridge ticket"), mass["weighbridge_ticket"]),
                (_("Deviation declared"), yes_no(_, mass["deviation"])),
            ],
            s,
        ),
        Spacer(1, 2 * mm),
        data_table(
            [
                _.stacked("Output fraction"),
                _.stacked("Weight kg"),
                _.stacked("R/D code"),
                _.stacked("EWC code"),
                _.stacked("Destination"),
                _.stacked("Permit"),
                _.stacked("Shipment reference"),
            ],
            rows,
            list(OUTPUT_WIDTHS),
            right=(1,),
        ),
    ]


OUTPUT_WIDTHS = (26 * mm, 17 * mm, 12 * mm, 40 * mm, 35 * mm, 25 * mm, 25 * mm)


def output_row(output: dict[str, Any], s, _: Bilingual) -> list[Any]:
    """A fraction: route in words, weight, R/D code (named in the legend), its List of Waste code
    with the entry's name, destination, permit, shipment. "-" where not recorded (and in
    snapshots before schema 3)."""
    code = output.get("ewc_code", "")
    ewc = f"{code} {output.get('ewc_description', '')}".strip() or "-"
    return [
        Paragraph(esc(_(output["route_label"])), s["cell"]),
        output["weight_kg"],
        output.get("operation_code") or "-",
        Paragraph(esc(ewc), s["cell"]),
        Paragraph(esc(output["destination"]) or "-", s["cell"]),
        Paragraph(esc(output.get("destination_permit")) or "-", s["cell"]),
        Paragraph(esc(output.get("shipment_reference")) or "-", s["cell"]),
    ]


def people_section(snapshot: dict[str, Any], s) -> list[Flowable]:
    _ = labels_of(snapshot)
    none = _("none recorded")
    witnesses = [
        [
            Paragraph(esc(w["name"]), s["cell"]),
            Paragraph(esc(w["organisation"]), s["cell"]),
            _.stacked(w["role"]),
        ]
        for w in snapshot["witnesses"]
    ] or [[none, "", ""]]
    evidence = [
        [Paragraph(esc(e["name"]), s["cell"]), _.stacked(e["kind"]), e["sha256"]]
        for e in snapshot["evidence"]
    ] or [[none, "", ""]]
    flowables: list[Flowable] = [
        # A heading left alone at the foot of a page, its table on the next, reads as missing.
        KeepTogether(
            [
                Paragraph(esc(_("Witnesses")), s["h2"]),
                Paragraph(officer_presence(snapshot["execution"], _), s["body"]),
                data_table(
                    [_.stacked("Name"), _.stacked("Organisation"), _.stacked("Role")],
                    witnesses,
                    [60 * mm, 70 * mm, 50 * mm],
                ),
            ]
        ),
        Paragraph(esc(_("Evidence")), s["h2"]),
        evidence_table(evidence, _),
    ]
    if snapshot["samples"]:
        flowables += [
            Paragraph(esc(_("Samples retained")), s["h2"]),
            data_table(
                [
                    _.stacked("Sample"),
                    _.stacked("From lot"),
                    _.stacked("Articles"),
                    _.stacked("Purpose"),
                    _.stacked("Holder"),
                ],
                [
                    [
                        x["reference"],
                        x["parent"],
                        str(x["articles"]),
                        _.stacked(x["purpose"]),
                        Paragraph(esc(x["holder"]), s["cell"]),
                    ]
                    for x in snapshot["samples"]
                ],
                [32 * mm, 30 * mm, 18 * mm, 40 * mm, 60 * mm],
                right=(2,),
            ),
        ]
    return flowables


def officer_presence(execution: dict[str, Any], _: Bilingual) -> str:
    """C8.11: the customs officer attends, or the absence is documented (the record refuses an
    absence without a reason, printed under Deviations and justifications)."""
    label = f"<b>{esc(_('Customs officer present'))}:</b>"
    if execution["customs_officer_present"]:
        return f"{label} {esc(_('yes'))}"
    return (
        f"{label} {esc(_('no'))}. "
        f"{esc(_('The documented reason is under Deviations and justifications.'))}"
    )


def evidence_table(rows: list[list[Any]], _: Bilingual) -> Table:
    table = data_table(
        [_.stacked("File"), _.stacked("Kind"), "SHA-256"], rows, [55 * mm, 25 * mm, 100 * mm]
    )
    table.setStyle(TableStyle([("FONT", (2, 1), (2, -1), "Courier", 6.5)]))
    return table


def compliance_section(snapshot: dict[str, Any], s) -> list[Flowable]:
    _ = labels_of(snapshot)
    check = snapshot["compliance"]
    if check["recorded"]:
        words = check.get("verdict_label") or check["verdict"]
        verdict = f"{_(words)} ({_('rulebook')} {check['rulebook_version']}, {check['checked_at']})"
    else:
        verdict = _(check["note"])
    flowables: list[Flowable] = [
        Paragraph(esc(_("Compliance")), s["h2"]),
        facts_table([(_("Verdict"), verdict)], s),
    ]
    if check["findings"]:
        flowables += [
            Spacer(1, 2 * mm),
            data_table(
                [
                    _.stacked("Rule"),
                    _.stacked("Severity"),
                    _.stacked("Finding"),
                    _.stacked("Justification"),
                ],
                [
                    [
                        f["rule"],
                        _.stacked(f["severity"].capitalize()),
                        Paragraph(
                            esc(f"{f['lot']}: {f['message']}" if f.get("lot") else f["message"]),
                            s["cell"],
                        ),
                        Paragraph(esc(f.get("justification") or "-"), s["cell"]),
                    ]
                    for f in check["findings"]
                ],
                [20 * mm, 20 * mm, 80 * mm, CONTENT_WIDTH - 120 * mm],
            ),
        ]
    flowables += approval_section(snapshot, s)
    if snapshot["justifications"]:
        flowables += [
            Paragraph(esc(_("Deviations and justifications")), s["h2"]),
            data_table(
                [_.stacked("Subject"), _.stacked("Justification")],
                [
                    [
                        Paragraph(esc(subject_label(j["subject"], _)), s["cell"]),
                        Paragraph(esc(j["text"]), s["cell"]),
                    ]
                    for j in snapshot["justifications"]
                ],
                [40 * mm, CONTENT_WIDTH - 40 * mm],
            ),
        ]
    return flowables


def costs_section(snapshot: dict[str, Any], s) -> list[Flowable]:
    """The costs the lots accrued, by kind and payer (none in snapshots from before issue 17, or
    where no tariff applied)."""
    _ = labels_of(snapshot)
    costs = snapshot.get("costs")
    if not costs:
        return []
    return [
        Paragraph(esc(_("Costs")), s["h2"]),
        Paragraph(esc(_(COSTS_LEGEND)), s["small"]),
        data_table(
            [_.stacked("Cost"), _.stacked("Payer"), _.stacked("Lots"), _.stacked("Amount")],
            [
                [_(c["kind"]), _(c["payer"]), str(c["lots"]), f"{c['amount']} {c['currency']}"]
                for c in costs
            ],
            [40 * mm, 70 * mm, 20 * mm, CONTENT_WIDTH - 130 * mm],
            right=(2, 3),
        ),
    ]


COSTS_LEGEND = gettext_noop(
    "Storage, handling, transport and destruction charged for these lots "
    "(Reg. (EU) No 608/2013, Art. 29)."
)


def approval_section(snapshot: dict[str, Any], s) -> list[Flowable]:
    """The warnings the approver acknowledged in the approval, with their justification (none
    in snapshots from before issue 14)."""
    _ = labels_of(snapshot)
    approval = snapshot.get("approval")
    if not approval or not approval["acknowledgements"]:
        return []
    return [
        Paragraph(esc(_("Warnings acknowledged at approval")), s["h2"]),
        facts_table(
            [(_("Approved by"), f"{approval['approved_by']}, {approval['approved_at']}")], s
        ),
        Spacer(1, 2 * mm),
        data_table(
            [_.stacked("Rule"), _.stacked("Finding"), _.stacked("Justification")],
            [
                [
                    a["rule"],
                    Paragraph(
                        esc(f"{a['lot']}: {a['message']}" if a["lot"] else a["message"]),
                        s["cell"],
                    ),
                    Paragraph(esc(a["justification"] or "-"), s["cell"]),
                ]
                for a in approval["acknowledgements"]
            ],
            [20 * mm, 90 * mm, CONTENT_WIDTH - 110 * mm],
        ),
    ]


# The subjects of record-wide justifications (snapshot.build_snapshot); the others are lot
# references, printed as they are.
RECORD_SUBJECTS = frozenset(
    {gettext_noop("Mass balance deviation"), gettext_noop("Customs officer absent")}
)


def subject_label(subject: str, _: Bilingual) -> str:
    return _(subject) if subject in RECORD_SUBJECTS else subject


def custody_section(snapshot: dict[str, Any], s) -> list[Flowable]:
    _ = labels_of(snapshot)
    # "Lot", not "Lot reference": the lot table's header stays recognisable on each page it spans.
    table = data_table(
        [_.stacked("Lot"), _.stacked("Event"), _("Last custody hash (SHA-256)")],
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
                Paragraph(esc(_("Chain of custody at issue")), s["h2"]),
                Paragraph(
                    esc(
                        _(
                            "The hash of each lot's newest custody event when the certificate "
                            "was issued."
                        )
                    ),
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
    _ = labels_of(snapshot)
    seal_place = SealPlace()
    lots = snapshot["lots"]
    story: list[Flowable] = [
        *header_block(snapshot, s),
        *legal_section(snapshot, s),
        Paragraph(
            f"{esc(_('Goods destroyed'))} ({esc(lot_count(_, snapshot['totals']['lots']))})",
            s["h2"],
        ),
        lot_table(lots, _),
        lot_legend(snapshot, s, _),
        *method_section(snapshot, s),
        *facility_section(snapshot, s),
        *mass_section(snapshot, s),
        *costs_section(snapshot, s),
    ]
    if lots and "reconciliation" in lots[0]:
        story += [
            Paragraph(esc(_("Quantities and reconciliation")), s["h2"]),
            Paragraph(
                esc(_("Articles seized = destroyed + sampled + released, per lot.")), s["small"]
            ),
            quantity_table(snapshot, _),
        ]
    if lots and "ewc_code" in lots[0]:
        # Snapshots issued before lots carried EWC codes print without this table.
        story += [
            Paragraph(esc(_("Waste codes")), s["h2"]),
            Paragraph(esc(_(EWC_LEGEND)), s["small"]),
            waste_code_table(lots, _),
        ]
    story += [
        *people_section(snapshot, s),
        *compliance_section(snapshot, s),
        *custody_section(snapshot, s),
        Spacer(1, 4 * mm),
        KeepTogether(
            [
                Paragraph(
                    f"{esc(_('Issued'))}: {esc(snapshot['issued_at'])}, "
                    f"{esc(snapshot['issued_by'])}, {esc(snapshot['office']['name'])}. "
                    f"{esc(_(VALID_ONLY_WHILE))}",
                    s["small"],
                ),
                Spacer(1, 2 * mm),
                seal_place,
            ]
        ),
    ]
    buffer = io.BytesIO()
    title = f"{_('Certificate of destruction')} {snapshot['number']}"
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=16 * mm,
        title=title,
        author=snapshot["office"]["name"],
        invariant=True,
    )
    page_label = _("Page %(page)s of %(total)s")
    document.build(story, canvasmaker=partial(NumberedCanvas, footer=title, page_label=page_label))
    assert seal_place.box is not None  # noqa: S101 - drawn by build(), always
    return buffer.getvalue(), seal_place.box

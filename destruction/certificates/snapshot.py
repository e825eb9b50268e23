"""Certificates of destruction, first half: a frozen snapshot of an executed order.

`build_snapshot` reads the order once and returns plain JSON-ready data (digest C8, fields 1-14
as far as the system holds them); `pdf.render_pdf` turns that dict into PDF bytes and reads
nothing else, so what is printed can never drift from what was stored. The certificate keeps the
snapshot, the bytes and their SHA-256 (X-CE-05: no edits after issue; a correction is a
revocation and a re-issue).
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch, Sum
from django.utils import timezone

from destruction.costs.models import CostEntry, CostKind, Payer
from destruction.methods import METHODS, OPERATION_NAMES, Method
from destruction.models import (
    DestructionOrder,
    DestructionRecord,
    EvidenceFile,
    LegalBasis,
    OrderLine,
    OutputFraction,
    OutputRoute,
    Witness,
)
from project.compliance import Severity, Verdict
from project.users import display_name
from seizures.categories import HazardClass, ProductCategory, WasteClass
from seizures.custody import last_events_by_lot
from seizures.models import Lot, SamplePurpose, Seizure
from seizures.waste_codes import lookup

# 2: seal-ready layout, second language, quantities and reconciliation per lot, every process
# parameter, legal dates with deemed consent, verdict in words.
# 3: per output fraction its R/D code, EWC code, permit and shipment; court and judgment dates;
# the names of the R/D codes and UN classes printed.
SNAPSHOT_SCHEMA = 3
NO_CHECK_NOTE = "No compliance check recorded"


def local(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M %Z") if value else ""


def day(value) -> str:
    return value.isoformat() if value else ""


def kg(value: Decimal | None) -> str:
    return f"{value:.3f}" if value is not None else ""


def operation_codes(method: str, permitted: set[str]) -> list[str]:
    """The R/D codes under which the method ran: those the method needs that the permit lists;
    when no permit lists one, the method's own codes (the compliance check flags the gap)."""
    needed = METHODS[method].operations if method in METHODS else frozenset()
    codes = needed & permitted or needed
    return sorted(codes, key=lambda code: (code[0], int(code[1:])))


def permit_on(order: DestructionOrder, on_date) -> dict[str, Any] | None:
    """The facility permit valid on the destruction date (else the newest one), digest C8.7."""
    permits = list(order.facility.permits.all())
    valid = [p for p in permits if p.valid_from <= on_date <= p.valid_until]
    chosen = (valid or permits or [None])[0]
    if chosen is None:
        return None
    return {
        "number": chosen.number,
        "authority": chosen.authority,
        "valid_from": day(chosen.valid_from),
        "valid_until": day(chosen.valid_until),
        "operations": list(chosen.operations),
        "valid_on_destruction_date": chosen.valid_from <= on_date <= chosen.valid_until,
    }


def reconciliation(lot: Lot, sampled: int) -> dict[str, Any]:
    """Articles seized = destroyed + sampled + released (X-QM-01). A certified lot is destroyed
    whole: release applies to whole lots, which never reach a certificate, so none is released
    from a certified lot; the equation still prints, and says when it does not balance."""
    released = 0
    return {
        "seized": lot.seized_articles,
        "destroyed": lot.articles,
        "sampled": sampled,
        "released": released,
        "balanced": lot.seized_articles == lot.articles + sampled + released,
    }


def deemed_consent(seizure, on_day) -> str:
    """The day the declarant's consent was deemed given (Art. 23(1)(c)): the statutory deadline
    passed with neither a written agreement nor an objection."""
    if seizure.declarant_agreement_on or seizure.declarant_objected or seizure.deadline is None:
        return ""
    return day(seizure.deadline) if seizure.deadline < on_day else ""


# (key, label, unit): every parameter of the destruction record, printed whether or not it
# applies to the method, so a blank shows as "not recorded" rather than as missing.
PROCESS_PARAMETERS = (
    ("temperature_c", "Combustion temperature", "°C"),
    ("residence_time_s", "Gas residence time", "s"),
    ("particle_size_mm", "Particle size after shredding", "mm"),
    ("halogenated_over_1pct", "Halogenated organic substances over 1 % (as chlorine)", ""),
    ("debranded", "De-branded", ""),
    ("batteries_removed", "Batteries removed before treatment", ""),
    ("aerosols_degassed", "Aerosols and lighters degassed", ""),
    ("pyrotechnics_neutralised", "Pyrotechnic parts neutralised", ""),
    ("denatured", "Denatured (unsmokeable or undrinkable)", ""),
    ("liquid_volume_l", "Liquid volume destroyed", "l"),
    ("decomposition_state", "State of food goods when destroyed", ""),
)


def process_parameters(record: DestructionRecord) -> list[dict[str, Any]]:
    """Each parameter as {key, label, unit, value}; value a string, True/False, or None when
    not recorded."""
    rows = []
    for key, label, unit in PROCESS_PARAMETERS:
        value = getattr(record, key)
        if key == "decomposition_state":
            # A choice: its label, translated where printed ("choice"); blank is not recorded.
            value = record.get_decomposition_state_display() or None
        rows.append(
            {
                "key": key,
                "label": label,
                "unit": unit,
                "value": value if value is None or isinstance(value, bool) else str(value),
                "choice": key == "decomposition_state",
            }
        )
    return rows


def court_dates(seizure: Seizure) -> dict[str, str]:
    """The court route's dates (Art. 23(3)-(5), rulebook 2026.3 X-LB-05): proceedings started,
    the judgment, its outcome, and since when it is final. Blank where not on record."""
    return {
        "court_name": seizure.court_name,
        "proceedings_started_on": day(seizure.proceedings_started_on),
        "judgment_on": day(seizure.judgment_on),
        "judgment_outcome": seizure.get_judgment_outcome_display()
        if seizure.judgment_outcome
        else "",
        "judgment_final_since": day(seizure.judgment_final_since),
    }


def output_fraction(fraction: OutputFraction, routes: dict[str, str]) -> dict[str, Any]:
    """One output fraction as printed: route, weight, where it went under which permit and
    operation, its own waste code and the document it travelled under."""
    entry = lookup(fraction.ewc_code) if fraction.ewc_code else None
    return {
        "route": fraction.route,
        "route_label": routes.get(fraction.route, fraction.route),
        "weight_kg": kg(fraction.weight_kg),
        "destination": fraction.destination,
        "operation_code": fraction.operation_code,
        "ewc_code": fraction.ewc_code,
        "ewc_description": entry.description if entry else "",
        "hazardous_waste": entry.hazardous if entry else None,
        "destination_permit": fraction.destination_permit,
        "shipment_reference": fraction.shipment_reference,
    }


def quantity_totals(lots: list[dict[str, Any]]) -> dict[str, Any]:
    """The per-lot reconciliation summed over the certificate, each measure in its unit; a
    measure recorded for no lot stays blank rather than printing as zero."""

    def total(key: str) -> str:
        values = [Decimal(lot[key]) for lot in lots if lot[key]]
        return kg(sum(values, Decimal("0"))) if values else ""

    return {
        **{
            part: sum(lot["reconciliation"][part] for lot in lots)
            for part in ("seized", "destroyed", "sampled", "released")
        },
        "balanced": all(lot["reconciliation"]["balanced"] for lot in lots),
        "gross_weight_kg": total("gross_weight_kg"),
        "net_weight_kg": total("net_weight_kg"),
        "volume_l": total("volume_l"),
        "weighed_kg": total("weighed_kg"),
    }


def code_names(lots: list[dict[str, Any]], outputs: list[dict[str, Any]], permit) -> dict:
    """The names of the UN classes and R/D codes the certificate prints, so that no code
    stands without its name (each printed once, in the legend)."""
    hazard_labels = dict(HazardClass.choices)
    classes = sorted({code for lot in lots for code in lot["hazard_classes"]})
    operations = {code for lot in lots for code in lot["operations"]}
    operations |= {o["operation_code"] for o in outputs if o["operation_code"]}
    operations |= set(permit["operations"]) if permit else set()
    return {
        "hazard_classes": [
            {"code": code, "label": hazard_labels.get(code, code)} for code in classes
        ],
        "operations": [
            {"code": code, "name": OPERATION_NAMES.get(code, "")}
            for code in sorted(operations, key=lambda code: (code[0], int(code[1:] or 0)))
        ],
    }


def latest_record_check(order: DestructionOrder):
    """The newest record-stage compliance check, read through the reverse relation: destruction
    does not import compliance."""
    return order.compliance_checks.filter(stage="record").order_by("-checked_at", "-id").first()


def blocking_rules(check) -> list[str]:
    """Rule ids of the blocking findings of a check (an unexplained non-compliant verdict
    counts as blocking too)."""
    if check is None:
        return []
    rules = [finding.rule or "?" for finding in check.blocking_findings()]
    if not rules and check.verdict == Verdict.NON_COMPLIANT:
        rules = [f"verdict {Verdict.NON_COMPLIANT}"]
    return rules


# The verdict in words (compliance.models.Verdict, which destruction cannot import). A check
# with blocking findings never reaches a certificate, so "needs review" means warnings, each
# printed with its justification where one was recorded.
VERDICT_WORDS = {
    "compliant": "Compliant",
    "needs_review": "Compliant, with the warnings listed below",
    "non_compliant": "Non-compliant",
}


# Findings about the record as a whole, and the record-wide justification that answers them.
RECORD_RULE_SUBJECTS = {
    "X-QM-02": "Mass balance deviation",
    "X-WE-01": "Customs officer absent",
}


def compliance_summary(order: DestructionOrder, justifications: dict[str, str]) -> dict[str, Any]:
    """The latest record check as printed, each warning with the justification recorded for its
    lot (`justifications`: lot reference -> text). No check yet: the certificate says so instead
    of claiming a verdict."""
    check = latest_record_check(order)
    if check is None:
        return {
            "recorded": False,
            "verdict": "",
            "verdict_label": "",
            "rulebook_version": "",
            "checked_at": "",
            "note": NO_CHECK_NOTE,
            "findings": [],
        }
    return {
        "recorded": True,
        "verdict": check.verdict,
        "verdict_label": VERDICT_WORDS.get(check.verdict, check.verdict),
        "rulebook_version": check.rulebook_version,
        "checked_at": local(check.checked_at),
        "note": "",
        "findings": [
            {
                "rule": str(f.get("rule", "")),
                "severity": str(f.get("severity", "")),
                "message": str(f.get("message", "")),
                "lot": str(f.get("lot", "")),
                "justification": justifications.get(
                    str(f.get("lot", "")) or RECORD_RULE_SUBJECTS.get(str(f.get("rule", ""))), ""
                ),
            }
            for f in check.findings
            if f.get("severity") != Severity.BLOCKING
        ],
    }


def approval_summary(order: DestructionOrder) -> dict[str, Any]:
    """Who approved the order and when, and each warning of the submit check the approver
    acknowledged, with its justification (issue 14, item 3)."""
    return {
        "approved_by": display_name(order.approved_by),
        "approved_at": local(order.approved_at),
        "acknowledgements": [
            {
                "rule": str(entry.get("rule", "")),
                "lot": str(entry.get("lot", "")),
                "message": str(entry.get("message", "")),
                "justification": str(entry.get("justification", "")),
            }
            for entry in order.approval_acknowledgements or []
        ],
    }


def cost_summary(order: DestructionOrder) -> list[dict[str, str]]:
    """The costs the order's lots accrued (storage, handling, transport, destruction), summed by
    kind, payer and currency (Reg. 608/2013 Art. 29; digest X-CO-01)."""
    rows = (
        CostEntry.objects.filter(lot__order_lines__order=order, lot__order_lines__active=True)
        .values("kind", "payer", "currency")
        .annotate(amount=Sum("amount"), lots=Count("lot", distinct=True))
        .order_by("kind", "payer", "currency")
    )
    kinds, payers = dict(CostKind.choices), dict(Payer.choices)
    return [
        {
            "kind": kinds.get(row["kind"], row["kind"]),
            "payer": payers.get(row["payer"], row["payer"]),
            "lots": row["lots"],
            "amount": f"{row['amount']:.2f}",
            "currency": row["currency"],
        }
        for row in rows
    ]


def build_snapshot(
    order: DestructionOrder,
    *,
    number: str,
    issued_at,
    verification_url: str,
    issued_by_name: str,
    supersedes: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Everything the certificate states, as plain JSON data, read in a fixed number of queries
    whatever the number of lots."""
    order = (
        DestructionOrder.objects.select_related("office", "facility", "approved_by")
        .prefetch_related("facility__permits")
        .get(pk=order.pk)
    )
    record = (
        DestructionRecord.objects.filter(order=order)
        .prefetch_related(
            Prefetch("outputs", OutputFraction.objects.order_by("route", "id")),
            Prefetch("witnesses", Witness.objects.order_by("id")),
            Prefetch("evidence", EvidenceFile.objects.order_by("id")),
        )
        .get()
    )
    lines = list(
        OrderLine.objects.filter(order=order, active=True)
        .select_related("lot__seizure__office", "lot__seizure__right_holder")
        .order_by("lot__reference")
    )
    lot_ids = [line.lot_id for line in lines]
    heads = last_events_by_lot(lot_ids)
    samples = list(Lot.objects.filter(parent_id__in=lot_ids).select_related("parent"))
    sampled: dict[int, int] = defaultdict(int)
    for sample in samples:
        sampled[sample.parent_id] += sample.seized_articles
    permit = permit_on(order, timezone.localdate(record.started_at))
    permitted = set(permit["operations"]) if permit else set()
    categories = dict(ProductCategory.choices)
    waste_classes = dict(WasteClass.choices)
    methods = dict(Method.choices)
    bases = dict(LegalBasis.choices)
    issue_day = timezone.localdate(issued_at)

    lots, seizures, justifications = [], {}, []
    by_method: dict[str, dict[str, Any]] = defaultdict(
        lambda: {"lots": 0, "articles": 0, "weight": Decimal("0")}
    )
    total_weight = Decimal("0")
    for line in lines:
        lot, seizure = line.lot, line.lot.seizure
        method = line.actual_method or line.method
        # The reconciled weight of the lot at dispatch where it was weighed, else its seized
        # gross weight (X-CE-02 compares certificate and lot quantities).
        weight = (
            line.dispatch_weight_kg if line.dispatch_weight_kg is not None else lot.gross_weight_kg
        )
        head = heads.get(lot.pk)
        lots.append(
            {
                "reference": lot.reference,
                "seizure": seizure.reference,
                "category": lot.category,
                "category_label": categories.get(lot.category, lot.category),
                "waste_class": lot.waste_class,
                "waste_class_label": waste_classes.get(lot.waste_class, lot.waste_class),
                "description": lot.description,
                "brand": lot.brand,
                "hazard_classes": list(lot.hazard_classes),
                "ewc_code": lot.ewc_code,
                "ewc_description": lot.waste_code.description if lot.waste_code else "",
                "hazardous_waste": lot.hazardous_waste,
                "articles": lot.articles,
                "weight_kg": kg(weight),
                "gross_weight_kg": kg(lot.gross_weight_kg),
                "net_weight_kg": kg(lot.net_weight_kg),
                "volume_l": kg(lot.volume_l),
                "weighed_kg": kg(line.dispatch_weight_kg),
                "reconciliation": reconciliation(lot, sampled[lot.pk]),
                "method": method,
                "method_label": methods.get(method, method),
                "operations": operation_codes(method, permitted),
                "legal_basis": line.legal_basis,
                "legal_basis_label": bases.get(line.legal_basis, line.legal_basis),
                "custody_sequence": head[0] if head else 0,
                "custody_hash": head[1] if head else "",
            }
        )
        summary = by_method[method]
        summary["lots"] += 1
        summary["articles"] += lot.articles
        summary["weight"] += weight
        total_weight += weight
        if line.justification:
            justifications.append({"subject": lot.reference, "text": line.justification})
        if seizure.reference not in seizures:
            holder = seizure.right_holder
            seizures[seizure.reference] = {
                "reference": seizure.reference,
                "office": f"{seizure.office.code} {seizure.office.name}",
                "consignment_number": seizure.consignment_number,
                "detained_on": day(seizure.detained_on),
                "notified_on": day(seizure.notified_on),
                "legal_route": seizure.get_legal_route_display(),
                "ipr_type": seizure.get_ipr_type_display(),
                "right_holder": holder.name if holder else "",
                "application_reference": holder.application_reference if holder else "",
                "right_holder_agreement_on": day(seizure.right_holder_agreement_on),
                "declarant_agreement_on": day(seizure.declarant_agreement_on),
                "deemed_consent_on": deemed_consent(seizure, issue_day),
                "court_reference": seizure.court_reference,
                **court_dates(seizure),
            }
    if record.mass_balance_deviation and record.deviation_justification:
        justifications.append(
            {"subject": "Mass balance deviation", "text": record.deviation_justification}
        )
    if not record.customs_officer_present and record.officer_absence_reason:
        justifications.append(
            {"subject": "Customs officer absent", "text": record.officer_absence_reason}
        )
    routes = dict(OutputRoute.choices)
    outputs = [output_fraction(o, routes) for o in record.outputs.all()]
    purposes = dict(SamplePurpose.choices)
    right_holders = {(s["right_holder"], s["application_reference"]) for s in seizures.values()} - {
        ("", "")
    }
    return {
        "schema": SNAPSHOT_SCHEMA,
        "number": number,
        "issued_at": local(issued_at),
        "issue_date": day(timezone.localdate(issued_at)),
        "issued_by": issued_by_name,
        "language": order.office.certificate_language,
        "verification_url": verification_url,
        "supersedes": supersedes,
        "office": {
            "code": order.office.code,
            "name": order.office.name,
            "country": str(order.office.country),
            "address": order.office.address,
        },
        "order": {
            "reference": order.reference,
            "planned_date": day(order.planned_date),
            "payer": order.get_payer_display(),
        },
        "legal_bases": [
            {"code": code, "label": bases.get(code, code)}
            for code in sorted({line.legal_basis for line in lines})
        ],
        "right_holders": [
            {"name": name, "application_reference": ref} for name, ref in sorted(right_holders)
        ],
        "seizures": sorted(seizures.values(), key=lambda s: s["reference"]),
        "lots": lots,
        "samples": [
            {
                "reference": s.reference,
                "parent": s.parent.reference,
                "articles": s.articles,
                "purpose": purposes.get(s.sample_purpose, s.sample_purpose),
                "holder": s.sample_holder,
            }
            for s in samples
        ],
        "methods": [
            {
                "code": code,
                "label": methods.get(code, code),
                "rank": METHODS[code].rank if code in METHODS else None,
                "operations": operation_codes(code, permitted),
                "lots": summary["lots"],
                "articles": summary["articles"],
                "weight_kg": kg(summary["weight"]),
            }
            for code, summary in sorted(by_method.items())
        ],
        "facility": {
            "name": order.facility.name,
            "operator": order.facility.operator,
            "address": order.facility.address,
            "country": str(order.facility.country),
            "permit": permit,
        },
        "transport": {
            "carrier": order.carrier_name,
            "registration": order.carrier_registration,
            "vehicle": order.vehicle,
            "seals": list(order.seal_numbers),
            "consignment_note": order.consignment_note_number,
        },
        "execution": {
            "started_at": local(record.started_at),
            "ended_at": local(record.ended_at),
            "location": order.facility.address,
            "temperature_c": record.temperature_c,
            "residence_time_s": str(record.residence_time_s)
            if record.residence_time_s is not None
            else None,
            "debranded": record.debranded,
            "customs_officer_present": record.customs_officer_present,
            "parameters": process_parameters(record),
        },
        "mass_balance": {
            "dispatch_weight_kg": kg(order.dispatch_weight_kg),
            "gate_weight_kg": kg(record.gate_weight_kg),
            "weighbridge_ticket": record.weighbridge_ticket,
            "output_total_kg": kg(sum((o.weight_kg for o in record.outputs.all()), Decimal("0"))),
            "outputs": outputs,
            "deviation": record.mass_balance_deviation,
        },
        "witnesses": [
            {"name": w.name, "organisation": w.organisation, "role": w.get_role_display()}
            for w in record.witnesses.all()
        ],
        "evidence": [
            {"name": e.original_name, "kind": e.get_kind_display(), "sha256": e.sha256}
            for e in record.evidence.all()
        ],
        "compliance": compliance_summary(order, {j["subject"]: j["text"] for j in justifications}),
        "approval": approval_summary(order),
        "costs": cost_summary(order),
        "justifications": justifications,
        "code_names": code_names(lots, outputs, permit),
        "quantity_totals": quantity_totals(lots),
        "totals": {
            "lots": len(lots),
            "articles": sum(lot["articles"] for lot in lots),
            "weight_kg": kg(total_weight),
            "methods": sorted(by_method),
        },
    }

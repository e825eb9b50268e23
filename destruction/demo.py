"""Demo data of the destruction app, written through the services: five disposal facilities (one
with an expired permit) and destruction orders in every status up to `executed`, built from the
lots the seizures demo left eligible (in storage, no hold, legal route complete). Four orders are
executed: the compliance demo certifies three of them, so the full demo still shows one executed
order waiting for its certificate.

Runs after seizures/demo.py. Each step runs on its own day in November 2026, after the last
seizure of the seizures demo, when time-machine is installed (development); without it,
everything is dated today. With few eligible lots, the statuses that matter most come first
(executed orders for the certificates demo) and the loader says what it had to leave out.
"""

import datetime
import hashlib
from collections import defaultdict
from decimal import Decimal
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from reportlab.pdfgen import canvas

from destruction import services
from destruction.approval import latest_submit_check, needs_justification, warnings_of
from destruction.filtersets import eligible_lots
from destruction.models import Facility, OrderStatus
from seizures.demo import on_day, png

# name, operator, address, country, certifications, max temperature, permits:
# (number, authority, valid from, valid until, operations, waste codes, hazardous allowed)
FACILITIES = (
    (
        "Indaver Doel energy-from-waste",
        "Indaver NV",
        "Molenweg 1, 9130 Doel",
        "BE",
        ["ISO14001"],
        1200,
        (
            (
                "OMV/2021/0417",
                "Flemish Government, Department of Environment",
                "2021-07-01",
                "2031-06-30",
                ["R1", "D10"],
                # Energy from waste with a hazardous-waste line: the off-specification and
                # municipal fractions seized goods fall under, medicines, aerosols, air bags.
                [
                    *("15 01 10*", "16 01 10*", "16 01 22", "16 03 03*", "16 03 04"),
                    *("16 03 05*", "16 03 06", "16 05 04*", "16 05 05", "18 01 09"),
                    *("20 01 01", "20 01 11", "20 01 31*", "20 01 32", "20 03 01"),
                ],
                True,
            ),
        ),
    ),
    (
        "Textile Loop Gent",
        "Textile Loop BV",
        "Wiedauwkaai 44, 9000 Gent",
        "BE",
        ["ISO14001"],
        None,
        (
            (
                "OVAM-TL-2023-0112",
                "OVAM",
                "2023-01-01",
                "2028-12-31",
                ["R3"],
                ["04 02 22", "16 03 04", "16 03 06", "20 01 01", "20 01 10", "20 01 11"],
                False,
            ),
        ),
    ),
    (
        "Circuit WEEE Recycling Willebroek",
        "Circuit Recycling NV",
        "Schoondonkweg 2, 2830 Willebroek",
        "BE",
        ["ISO14001", "WEEE", "R2"],
        None,
        (
            (
                "OMV/2022/1180",
                "Flemish Government, Department of Environment",
                "2022-03-01",
                "2030-02-28",
                ["R4", "R5", "R12"],
                ["16 02 13*", "16 02 14", "20 01 35*", "20 01 36"],
                True,
            ),
        ),
    ),
    (
        "BatteryBack Hoboken",
        "BatteryBack NV",
        "Adolf Greinerstraat 14, 2660 Hoboken",
        "BE",
        ["ISO14001", "E_STEWARDS"],
        None,
        (
            (
                "OMV/2020/0903",
                "Flemish Government, Department of Environment",
                "2020-09-01",
                "2030-08-31",
                ["R4", "R6"],
                ["16 06 01*", "16 06 02*", "16 06 05", "20 01 33*"],
                True,
            ),
        ),
    ),
    (
        "Incinérateur de Charleroi (closed)",
        "Tecteo Environnement SA",
        "Rue de la Digue 12, 6000 Charleroi",
        "BE",
        [],
        1050,
        (
            (
                "SPW-DPA-2015-033",
                "Walloon Public Service (SPW)",
                "2015-06-01",
                "2025-05-31",
                ["R1", "D10"],
                ["20 03 01"],
                False,
            ),
        ),
    ),
)

TEXTILE_LIKE = {"APP", "FTW", "LEA", "TOY", "PRT", "OTH", "MED"}
# Statuses in the order they are served while eligible lots last: executed orders first, so the
# certificates demo has something to certify. The compliance demo certifies the first three
# executed orders (by id); the fourth, planned last, stays executed.
PLAN = (
    OrderStatus.EXECUTED,
    OrderStatus.EXECUTED,
    OrderStatus.DISPATCHED,
    OrderStatus.APPROVED,
    OrderStatus.SUBMITTED,
    OrderStatus.DRAFT,
    OrderStatus.EXECUTED,
    OrderStatus.EXECUTED,
)
# (created, submitted, approved, dispatched, recorded) per status, days in November 2026.
DAYS = {
    OrderStatus.EXECUTED: ("2026-11-12", "2026-11-12", "2026-11-13", "2026-11-16", "2026-11-17"),
    OrderStatus.DISPATCHED: ("2026-11-18", "2026-11-18", "2026-11-19", "2026-11-23", None),
    OrderStatus.APPROVED: ("2026-11-20", "2026-11-20", "2026-11-24", None, None),
    OrderStatus.SUBMITTED: ("2026-11-25", "2026-11-25", None, None, None),
    OrderStatus.DRAFT: ("2026-11-26", None, None, None, None),
}
CANCELLED_ON = ("2026-11-11", "2026-11-11")


def load(*, users: dict, stdout) -> None:
    warehouse, admin = users["warehouse"], users["admin"]
    with on_day("2026-11-10"):
        facilities = {entry[0]: register_facility(admin, entry) for entry in FACILITIES}
    with on_day(CANCELLED_ON[0]):
        buckets = bucket_eligible_lots(facilities)
    available = sum(len(lots) for lots in buckets.values())
    per_order = max(1, min(3, available // (len(PLAN) + 1)))
    orders, skipped = [], []
    keys = list(buckets)
    for index, status in enumerate(PLAN):
        key = next_bucket(buckets, keys, index)
        if key is None:
            skipped.append(status)
            continue
        lots = [buckets[key].pop(0) for _ in range(min(per_order, len(buckets[key])))]
        if not orders:
            cancelled_first(lots, key, warehouse)
        orders.append(walk(status, lots, key, warehouse=warehouse, admin=admin, number=index))
    link_demo_operator(users, orders, facilities, admin)
    counts = defaultdict(int, {OrderStatus.CANCELLED: 1} if orders else {})
    for order in orders:
        counts[order.status] += 1
    summary = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
    stdout.write(
        f"  {Facility.objects.count()} facilities, {sum(counts.values())} destruction orders"
        f"{' (' + summary + ')' if summary else ''}"
    )
    if skipped:
        missing = [*skipped, *([OrderStatus.CANCELLED] if not orders else [])]
        stdout.write(
            f"  only {available} lots were eligible for destruction; orders left out: "
            f"{', '.join(missing)}"
        )


def link_demo_operator(users: dict, orders: list, facilities: dict, admin) -> None:
    """The demo user `facility` acts for the facility the dispatched order goes to, so it has
    a receipt to confirm."""
    operator = users.get("facility")
    if operator is None:
        return
    dispatched = [order for order in orders if order.status == OrderStatus.DISPATCHED]
    facility = dispatched[0].facility if dispatched else next(iter(facilities.values()))
    services.link_facility_operator(user=operator, facility=facility, actor=admin)


def next_bucket(buckets: dict, keys: list, start: int):
    """The next group (round robin from `start`) that still has lots, or None."""
    for offset in range(len(keys)):
        key = keys[(start + offset) % len(keys)]
        if buckets[key]:
            return key
    return None


def register_facility(admin, entry) -> Facility:
    name, operator, address, country, certifications, temperature, permits = entry
    return services.save_facility(
        actor=admin,
        name=name,
        operator=operator,
        address=address,
        country=country,
        certifications=certifications,
        max_incineration_temperature_c=temperature,
        permits=[
            services.PermitInput(
                number=number,
                authority=authority,
                valid_from=datetime.date.fromisoformat(start),
                valid_until=datetime.date.fromisoformat(end),
                operations=operations,
                waste_codes=codes,
                hazardous_allowed=hazardous,
            )
            for number, authority, start, end, operations, codes, hazardous in permits
        ],
    )


def treatment(lot, facilities) -> tuple[Facility, str]:
    """The facility and method a customs officer would choose for the goods (digest B0/B1-B17):
    material recycling where a recycler takes them, energy recovery otherwise (non-cytotoxic
    medicines included, PHA-M2), hazardous-waste incineration for cytotoxics and chemicals."""
    if lot.waste_class == "BAT":
        return facilities["BatteryBack Hoboken"], "RECYCLE_BATTERY"
    if lot.waste_class == "ELE":
        return facilities["Circuit WEEE Recycling Willebroek"], "RECYCLE_WEEE"
    if lot.waste_class == "LEA" and not lot.hazard_classes:
        # Leather is taken apart (metal fittings, linings) rather than shredded whole (B3).
        return facilities["Textile Loop Gent"], "RECYCLE_DISMANTLE"
    if lot.waste_class in TEXTILE_LIKE and not lot.hazard_classes:
        return facilities["Textile Loop Gent"], "RECYCLE_SHRED"
    if lot.waste_class == "CHE" or (lot.waste_class == "PHA" and lot.cytotoxic):
        return facilities["Indaver Doel energy-from-waste"], "INCIN_HAZ_HT"
    return facilities["Indaver Doel energy-from-waste"], "RECOVER_WTE"


def line_input(lot, method: str) -> services.LineInput:
    """The lot's line; chemicals come with the lab report that identified their active
    substances (CHE-S3), without which the order cannot be submitted, and alcohol with the
    notice to the excise authority (ALC-C1)."""
    lab = f"LAB-2026-{lot.pk:05d}" if lot.waste_class == "CHE" else ""
    excise = f"EXC-2026-{lot.pk:05d}" if lot.waste_class == "ALC" else ""
    return services.LineInput(
        lot=lot, method=method, lab_analysis_reference=lab, excise_notification_reference=excise
    )


def bucket_eligible_lots(facilities) -> dict[tuple, list]:
    """Eligible lots grouped by what one order can hold: one office, one facility."""
    buckets: dict[tuple, list] = defaultdict(list)
    for lot in eligible_lots():
        facility, method = treatment(lot, facilities)
        buckets[(lot.seizure.office_id, facility.pk, method)].append(lot)
    return dict(buckets)


def order_fields(key, day: str, number: int) -> dict:
    _, facility_id, _ = key
    return {
        "facility": Facility.objects.get(pk=facility_id),
        "planned_date": datetime.date.fromisoformat(day) + datetime.timedelta(days=4),
        "cost_estimate": Decimal("380.00") + 45 * number,
        "carrier_name": "SafeHaul Waste Logistics BV",
        "carrier_registration": "VL-AFV-2024-00871",
        "vehicle": f"1-HAZ-{100 + number}",
        "seal_numbers": [f"BE-CUS-{260400 + 2 * number}", f"BE-CUS-{260401 + 2 * number}"],
        "consignment_note_number": f"OVAM-MVB-2026-{7100 + number}",
        "planned_witnesses": [
            {
                "name": "Inspector Lotte Maes",
                "organisation": "Customs Liège",
                "role": "customs_officer",
            },
            {
                "name": "Facility shift lead",
                "organisation": "Plant operator",
                "role": "facility_operator",
            },
        ],
    }


def cancelled_first(lots, key, warehouse) -> None:
    """The first order's lots were planned once before, in an order then cancelled."""
    with on_day(CANCELLED_ON[0]):
        order = services.create_order(
            actor=warehouse,
            lines=[line_input(lot, key[2]) for lot in lots],
            notes="Planned for the November run.",
            **order_fields(key, CANCELLED_ON[0], 90),
        )
    with on_day(CANCELLED_ON[1]):
        services.cancel_order(
            order=order,
            actor=warehouse,
            reason="The facility postponed the run; the lots wait for the next one.",
        )


def walk(status, lots, key, *, warehouse, admin, number):
    """One order taken through the services up to `status`, each step on its own day."""
    created, submitted, approved, dispatched, recorded = DAYS[status]
    with on_day(created):
        order = services.create_order(
            actor=warehouse,
            lines=[line_input(lot, key[2]) for lot in lots],
            **order_fields(key, created, number),
        )
    if submitted:
        with on_day(submitted):
            order = services.submit_order(order=order, actor=warehouse)
    if approved:
        with on_day(approved):
            order = services.approve_order(
                order=order, actor=admin, acknowledgements=acknowledge_every_warning(order)
            )
    if dispatched:
        weight = sum((lot.gross_weight_kg for lot in lots), Decimal("0"))
        with on_day(dispatched):
            order = services.dispatch_order(order=order, actor=warehouse, total_weight_kg=weight)
    if recorded:
        with on_day(recorded):
            record(order, warehouse, number)
        order.refresh_from_db()
    return order


DEMO_JUSTIFICATION = "No facility of the higher rank had capacity before the storage deadline."


def acknowledge_every_warning(order) -> list[services.Acknowledgement]:
    """The demo administrator reads the submit check and acknowledges each warning, giving the
    X-MF-02 justification the planner would have written."""
    return [
        services.Acknowledgement(
            rule=warning["rule"],
            lot=warning.get("lot", ""),
            justification=DEMO_JUSTIFICATION if needs_justification(warning["rule"]) else "",
        )
        for warning in warnings_of(latest_submit_check(order))
    ]


def record(order, actor, number) -> None:
    started = order.dispatched_at + datetime.timedelta(hours=3)
    started = min(started, timezone.now())
    ended = min(started + datetime.timedelta(hours=2), timezone.now())
    ended = max(ended, started)
    gate = order.dispatch_weight_kg + Decimal("0.4")  # weighbridge vs warehouse scale
    line = order.lines.filter(active=True).first()
    incineration = line.method in {"RECOVER_WTE", "INCIN_HAZ_HT"}
    classes = set(order.lines.filter(active=True).values_list("lot__waste_class", flat=True))
    shipment = f"CMR-2026-{7300 + number}"
    # (route, share, destination, R/D code, EWC code of the fraction, permit of the destination);
    # the mass burnt for energy leaves as heat and power, so no waste code, permit or shipment.
    fractions = (
        [
            ("energy_recovery", "0.78", "Burnt on site, power to the Doel grid", "R1", "", ""),
            ("hazardous_residue", "0.04", "Fly ash, Ravenna", "D9", "19 01 13*", "IT-RA-2291"),
            ("landfilled", "0.18", "Bottom ash, Grimbergen", "D1", "19 01 12", "OVAM-ENV-0977"),
        ]
        if incineration
        else [
            ("recycled", "0.86", "Shoddy fibre, Prato (IT)", "R3", "19 12 08", "IT-PO-1044"),
            ("energy_recovery", "0.14", "Indaver Doel", "R1", "19 12 10", "OVAM-ENV-0412"),
        ]
    )
    outputs = [
        services.OutputInput(
            route,
            (gate * Decimal(share)).quantize(Decimal("0.001")),
            destination,
            operation_code=code,
            ewc_code=ewc,
            destination_permit=permit,
            shipment_reference=shipment if ewc else "",
        )
        for route, share, destination, code, ewc, permit in fractions
    ]
    services.record_destruction(
        order=order,
        actor=actor,
        started_at=started,
        ended_at=ended,
        gate_weight_kg=gate,
        weighbridge_ticket=f"WB-2026-{48100 + number}",
        temperature_c=1120 if incineration else None,
        residence_time_s=Decimal("2.4") if incineration else None,
        halogenated_over_1pct=False if incineration else None,
        particle_size_mm=None if incineration else Decimal("20"),
        debranded=not incineration,
        batteries_removed=line.method == "RECYCLE_BATTERY",
        # Liquids are measured as well as weighed (COS-C1); food's state is noted (FOOD-C1).
        liquid_volume_l=(
            (gate * Decimal("0.6")).quantize(Decimal("0.001")) if classes & {"COS", "ALC"} else None
        ),
        decomposition_state="intact" if "FOOD" in classes else "",
        outputs=outputs,
        witnesses=[
            services.WitnessInput("Inspector Lotte Maes", "Customs Liège", "customs_officer"),
            services.WitnessInput("Marc Dubois", order.facility.operator, "facility_operator"),
        ],
        evidence=[
            services.EvidenceInput(
                "photo", SimpleUploadedFile("load-before-shredding.png", demo_png(number))
            ),
            services.EvidenceInput(
                "minutes", SimpleUploadedFile("minutes-signed.pdf", demo_pdf(order.reference))
            ),
        ],
    )


def demo_png(seed: int) -> bytes:
    """A coloured square standing in for a site photo."""
    colour = hashlib.sha256(str(seed).encode()).digest()[:3]
    return png(16, 16, lambda x, y: colour)


def demo_pdf(reference: str) -> bytes:
    """A one-page PDF standing in for the signed minutes."""
    buffer = BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(72, 770, f"Minutes of destruction, order {reference}")
    page.drawString(72, 750, "Signed by the customs officer and the facility operator.")
    page.save()
    return buffer.getvalue()

"""Demo data of the seizures app, written through the services: three Belgian customs offices,
warehouses with zone > bay trees covering every zone type, right holders, about twenty seizures
over every transport mode (postal ones through the CSV bulk intake), lots placed and moved, a
sample, a legal hold and a release.

When time-machine is installed (development), each step runs on its own date, so detention
dates, custody events and days in storage tell a consistent story; without it, everything is
dated today.
"""

import contextlib
import datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings

from seizures import services
from seizures.models import (
    CustomsOffice,
    Holiday,
    Lot,
    RightHolder,
    StorageLocation,
    UserAccess,
    Warehouse,
    ZoneType,
)
from seizures.seals import seal_custody
from seizures.services import right_holders
from seizures.stocktakes.services import open_stocktake, record_scans
from seizures.storage import OCCUPYING_STATUSES
from seizures.validation import LotInput

EXAMPLE_CSV = Path(__file__).resolve().parent / "examples" / "small_consignments.csv"
BRUSSELS = ZoneInfo("Europe/Brussels")

# Code, name, address, and the language printed beside English on its certificates.
OFFICES = (
    ("BRU", "Brussels Airport (Zaventem) cargo office", "Brucargo 728, 1931 Zaventem", "nl"),
    ("ANR", "Antwerp Port customs office", "Noorderlaan 147, 2030 Antwerpen", "nl"),
    ("LGG", "Liège Airport postal and express hub", "Rue de l'Aéroport, 4460 Grâce-Hollogne", "fr"),
)

# Belgian public holidays: the statutory deadlines skip them.
HOLIDAYS = (
    ("2026-01-01", "New Year's Day"),
    ("2026-04-06", "Easter Monday"),
    ("2026-05-01", "Labour Day"),
    ("2026-05-14", "Ascension Day"),
    ("2026-05-25", "Whit Monday"),
    ("2026-07-21", "Belgian National Day"),
    ("2026-08-15", "Assumption Day"),
    ("2026-11-01", "All Saints' Day"),
    ("2026-11-11", "Armistice Day"),
    ("2026-12-25", "Christmas Day"),
    ("2027-01-01", "New Year's Day"),
)

RIGHT_HOLDERS = (
    ("Maison Lumière SA", "Brand protection desk", "AFA-EU-2025-001234", True),
    ("Stride Athletics AG", "Anti-counterfeiting team", "AFA-EU-2025-004417", True),
    ("VoltCell Corp.", "Legal department", "AFA-EU-2025-007002", True),
    ("Pharmavita NV", "Product security office", "AFA-BE-2025-000318", False),
    ("Chronos Horlogerie SA", "IP enforcement", "AFA-EU-2024-009876", False),
    ("KidsJoy Toys Ltd", "Customs liaison", "AFA-EU-2025-002150", False),
    ("Highland Spirits plc", "Brand integrity", "AFA-EU-2025-003311", False),
)

# Warehouse code, name, office, zones: (suffix, zone type, bays: (suffix, UN classes, kg)).
# Zone types follow digest B18: hazardous bays per compatible group (S37), fire-separated for
# batteries (BAT-S1), high security for watches, tobacco and luxury goods, cold rooms for food,
# quarantine for damaged and leaking goods (X-CC-04).
ALL_CLASSES = ["1.4", "2.1", "2.2", "3", "4.1", "5.1", "6.1", "8", "9"]
# fmt: off
WAREHOUSES = (
    ("BRU-W1", "Brussels Airport customs warehouse", "BRU", (
        ("GEN", ZoneType.NON_HAZARDOUS, (("B01", [], 2000), ("B02", [], 2000), ("B03", [], 1500))),
        ("HZ", ZoneType.HAZARDOUS, (("FL01", ["2.1", "3"], 800), ("OX01", ["5.1"], 300),
                                    ("TX01", ["6.1", "8"], 500))),
        ("FS", ZoneType.FIRE_SEPARATED, (("B01", ["9"], 600), ("B02", ["9"], 600))),
        ("SEC", ZoneType.HIGH_SECURITY, (("C01", ["9"], 250), ("C02", [], 400))),
        ("COLD", ZoneType.TEMPERATURE_CONTROLLED, (("B01", [], 400),)),
        ("QUA", ZoneType.QUARANTINE, (("B01", ALL_CLASSES, 150),)),
    )),
    ("ANR-W1", "Antwerp Port seized goods warehouse", "ANR", (
        ("GEN", ZoneType.NON_HAZARDOUS, (("B01", [], 8000), ("B02", [], 8000),
                                         ("B03", [], 5000), ("B04", [], 8000))),
        ("HZ", ZoneType.HAZARDOUS, (("FL01", ["2.1", "3"], 4000), ("TX01", ["6.1", "8"], 2000))),
        ("FS", ZoneType.FIRE_SEPARATED, (("B01", ["9"], 2000),)),
        ("SEC", ZoneType.HIGH_SECURITY, (("B01", [], 3000),)),
        ("COLD", ZoneType.TEMPERATURE_CONTROLLED, (("B01", [], 1500),)),
        ("QUA", ZoneType.QUARANTINE, (("B01", ALL_CLASSES, 500),)),
    )),
    ("LGG-W1", "Liège postal hub customs store", "LGG", (
        ("GEN", ZoneType.NON_HAZARDOUS, (("B01", [], 500),)),
        ("HZ", ZoneType.HAZARDOUS, (("FL01", ["2.1", "3"], 300), ("TX01", ["6.1"], 200))),
        ("FS", ZoneType.FIRE_SEPARATED, (("B01", ["9"], 200),)),
        ("SEC", ZoneType.HIGH_SECURITY, (("C01", ["9"], 100),)),
        ("QUA", ZoneType.QUARANTINE, (("B01", ALL_CLASSES, 100),)),
    )),
)
# fmt: on


def lot(category, description, articles, kg, value, location=None, **extra) -> dict:
    return {
        "category": category,
        "description": description,
        "articles": articles,
        "gross_weight_kg": Decimal(kg),
        "retail_value": Decimal(value),
        "location": location,
        **extra,
    }


# (office, detained, transport, traffic, provenance, right holder, route, extra case fields,
#  lots). Locations are codes; None leaves a lot to be placed later.
# fmt: off
SEIZURES = (
    ("BRU", "2026-01-13", "air", "freight", "CN", "Stride Athletics AG", "standard", {}, [
        lot("3a", "Replica football jerseys", 1200, "480", "96000", "BRU-W1-GEN-B01",
            brand="Stride"),
        lot("4a", "Running shoes (pairs)", 600, "540", "72000", "BRU-W1-GEN-B02", brand="Stride"),
    ]),
    ("BRU", "2026-02-03", "express", "freight", "HK", "Maison Lumière SA", "standard", {}, [
        lot("2a", "Eau de parfum 100 ml", 360, "126", "43200", "BRU-W1-HZ-FL01", brand="Lumière"),
        lot("2b", "Aerosol body spray 150 ml", 240, "62", "4800", "BRU-W1-HZ-FL01",
            brand="Lumière", hazard_classes=["2.1"]),
    ]),
    ("BRU", "2026-02-17", "air", "passenger", "TR", "Chronos Horlogerie SA", "standard",
     {"place_of_detention": "Arrivals hall, red channel"}, [
        lot("5c", "Wristwatches with button cells", 40, "6", "180000", "BRU-W1-SEC-C01",
            brand="Chronos"),
        lot("5b", "Leather handbags", 14, "18", "42000", "BRU-W1-SEC-C02", brand="Lumière"),
    ]),
    ("BRU", "2026-03-09", "air", "freight", "IN", None, "standard", {}, [
        lot("11", "Erectile dysfunction tablets (blister packs)", 24000, "35", "36000",
            "BRU-W1-HZ-TX01"),
        # Sorted out at intake as a controlled drug (PHA-S2): two witnesses later (X-WE-02).
        lot("11", "Tramadol 225 mg tablets (opioid)", 3000, "4", "9000", "BRU-W1-HZ-TX01",
            controlled_substances=True),
    ]),
    ("BRU", "2026-04-14", "express", "freight", "CN", "VoltCell Corp.", "standard", {}, [
        lot("6b", "Power banks 20,000 mAh", 500, "210", "17500", "BRU-W1-FS-B01",
            brand="VoltCell", waste_class="BAT"),
        lot("6b", "Phone chargers and cables", 900, "160", "13500", "BRU-W1-FS-B02",
            brand="VoltCell"),
    ]),
    ("BRU", "2026-05-19", "air", "freight", "CN", "KidsJoy Toys Ltd", "standard", {}, [
        lot("9a", "Plush toys", 2000, "300", "30000", "BRU-W1-GEN-B03", brand="KidsJoy"),
        lot("9b", "Handheld game consoles", 150, "45", "22500", None, brand="KidsJoy"),
    ]),
    ("BRU", "2026-06-23", "air", "passenger", "AE", "Maison Lumière SA", "court",
     {"place_of_detention": "Transfer baggage"}, [
        lot("5b", "Luxury handbags (criminal case exhibits)", 22, "28", "88000", "BRU-W1-SEC-C02",
            brand="Lumière"),
    ]),
    ("BRU", "2026-08-11", "air", "freight", "CN", "Stride Athletics AG", "standard", {}, [
        lot("5a", "Sunglasses", 300, "24", "27000", "BRU-W1-GEN-B03", brand="Stride"),
    ]),
    ("BRU", "2026-09-08", "air", "freight", "BR", None, "standard", {"perishable": True}, [
        lot("1a", "Chocolate bars with imitated packaging", 4800, "260", "9600",
            "BRU-W1-COLD-B01"),
    ]),
    ("BRU", "2026-10-06", "express", "freight", "CN", "VoltCell Corp.", "standard", {}, [
        lot("10b", "E-cigarette devices, swollen batteries", 120, "14", "3600", "BRU-W1-QUA-B01",
            waste_class="BAT", brand="VoltCell"),
    ]),
    ("BRU", "2026-11-10", "other", "freight", "CN", None, "abandonment",
     {"place_of_detention": "Unclaimed cargo, shed 3"}, [
        # Lighters are flammable gas articles (OTH-S1): class 2.1 by default (digest B18).
        lot("12d", "Refillable gas lighters", 1000, "40", "2000", "BRU-W1-HZ-FL01"),
    ]),
    ("ANR", "2026-01-20", "sea", "freight", "CN", "Stride Athletics AG", "standard",
     {"consignment_number": "MSCU 482913-7"}, [
        lot("3a", "Hooded sweatshirts", 14000, "4200", "840000", "ANR-W1-GEN-B01",
            brand="Stride"),
        lot("4a", "Sneakers (pairs)", 3000, "2600", "360000", "ANR-W1-GEN-B02", brand="Stride"),
    ]),
    ("ANR", "2026-03-24", "sea", "freight", "AE", None, "standard",
     {"consignment_number": "CMAU 771204-2"}, [
        lot("10a", "Cigarettes (sticks)", 500000, "600", "175000", "ANR-W1-SEC-B01"),
    ]),
    ("ANR", "2026-05-05", "road", "freight", "TR", "Highland Spirits plc", "standard", {}, [
        lot("1b", "Whisky 70 cl bottles", 1200, "1500", "36000", "ANR-W1-HZ-FL01",
            brand="Highland"),
    ]),
    ("ANR", "2026-06-16", "rail", "freight", "CN", None, "standard", {}, [
        # Brake pads hold no air-bag pyrotechnics: the AUT default classes are cleared.
        lot("12b", "Brake pads (suspected asbestos)", 800, "950", "24000", "ANR-W1-GEN-B03",
            hazard_classes=[], contains_asbestos=True),
    ]),
    ("ANR", "2026-07-28", "inland_waterway", "freight", "CN", None, "standard", {}, [
        lot("12g", "Pesticide sachets, counterfeit labels", 6000, "780", "18000",
            "ANR-W1-HZ-TX01", waste_class="CHE"),
    ]),
    ("ANR", "2026-09-15", "sea", "freight", "VN", "VoltCell Corp.", "standard", {}, [
        lot("7c", "Ink cartridges", 5000, "450", "75000", "ANR-W1-FS-B01", brand="VoltCell"),
    ]),
    ("ANR", "2026-10-20", "sea", "freight", "CN", None, "abandonment", {}, [
        lot("12e", "Woven labels and swing tags", 250000, "380", "5000", "ANR-W1-GEN-B04"),
        lot("12f", "Printed gift boxes", 12000, "900", "6000", "ANR-W1-GEN-B04"),
    ]),
    # The declarant objected: the right holder went to court (pending, see COURT_CASES).
    ("ANR", "2026-11-17", "sea", "freight", "CN", "KidsJoy Toys Ltd", "court",
     {"consignment_number": "MSCU 503388-1"}, [
        lot("9a", "Plush toys", 3000, "120", "24000", "ANR-W1-GEN-B01", brand="KidsJoy"),
    ]),
)

# The court route (Art. 23(3)-(5)): what was recorded on which day. The handbags' judgment
# ordering destruction is final; the plush toys' proceedings are pending.
COURT_CASES = (
    (("BRU", "2026-06-23"), "2026-06-30", {
        "court_name": "Brussels Court of First Instance",
        "court_reference": "26/4512/A",
        "proceedings_started_on": datetime.date(2026, 6, 30),
    }),
    (("BRU", "2026-06-23"), "2026-10-30", {
        "judgment_on": datetime.date(2026, 9, 29),
        "judgment_outcome": "destruction",
        "appeal_until": datetime.date(2026, 10, 29),
        "judgment_final_since": datetime.date(2026, 10, 30),
    }),
    (("ANR", "2026-11-17"), "2026-11-24", {
        "court_name": "Antwerp Court of First Instance",
        "court_reference": "AR 26/8817",
        "proceedings_started_on": datetime.date(2026, 11, 24),
    }),
)
# fmt: on


def load(*, users: dict, stdout) -> None:
    warehouse_user, admin = users["warehouse"], users["admin"]
    with on_day("2026-01-02"):
        offices = reference_data(admin)
    grant_access(users, offices)
    seizures = {}
    for office, detained, mode, traffic, country, holder, route, extra, lots in SEIZURES:
        # Logged the day after detention, when the declarant and right holder are notified.
        with on_day(detained, days_later=1):
            seizure = log(
                warehouse_user,
                offices[office],
                detained,
                mode,
                traffic,
                country,
                holder,
                route,
                extra,
                lots,
            )
        seizures[(office, detained)] = seizure
    record_right_holder_agreements(users, seizures)
    # The postal hub's daily CSV of small consignments, imported by the (national) administrator:
    # Liège is not one of the demo warehouse user's offices.
    with on_day("2026-03-05"):
        imported = services.import_seizures(
            content=EXAMPLE_CSV.read_bytes(), actor=admin, file_name=EXAMPLE_CSV.name
        ).seizures.count()
    storage_history(warehouse_user, admin, seizures)
    record_court_cases(admin, seizures)
    stdout.write(
        f"  {len(seizures) + imported} seizures ({imported} by CSV intake), "
        f"{Lot.objects.count()} lots, {StorageLocation.objects.count()} storage locations"
    )


# The offices the demo warehouse user works for (Liège's hub is another team's): the auditor
# and the administrator are national. The demo right holder's user answers for this one.
DEMO_STAFF_OFFICES = ("BRU", "ANR")
DEMO_RIGHT_HOLDER = "Stride Athletics AG"


def grant_access(users: dict, offices: dict[str, CustomsOffice]) -> None:
    access, _ = UserAccess.objects.get_or_create(user=users["warehouse"])
    access.offices.set([offices[code] for code in DEMO_STAFF_OFFICES])
    # seed_demo creates the right holder's user; a test loading the demo may leave it out.
    if "rightholder" in users:
        UserAccess.objects.update_or_create(
            user=users["rightholder"],
            defaults={"right_holder": RightHolder.objects.get(name=DEMO_RIGHT_HOLDER)},
        )


def reference_data(admin) -> dict[str, CustomsOffice]:
    save = services.save_reference_record
    offices = {
        code: save(
            CustomsOffice(
                code=code,
                name=name,
                country="BE",
                address=address,
                certificate_language=language,
            ),
            actor=admin,
        )
        for code, name, address, language in OFFICES
    }
    for day, name in HOLIDAYS:
        save(Holiday(date=datetime.date.fromisoformat(day), name=name), actor=admin)
    for name, contact, application, opt_in in RIGHT_HOLDERS:
        save(
            RightHolder(
                name=name,
                contact_name=contact,
                email=f"ip@{name.split()[0].lower()}.example",
                application_reference=application,
                application_valid_from=datetime.date(2025, 1, 1),
                application_valid_until=datetime.date(2027, 12, 31),
                small_consignment_opt_in=opt_in,
            ),
            actor=admin,
        )
    for code, name, office, zones in WAREHOUSES:
        warehouse = save(Warehouse(code=code, name=name, office=offices[office]), actor=admin)
        for suffix, zone_type, bays in zones:
            zone = save(
                StorageLocation(
                    warehouse=warehouse,
                    code=f"{code}-{suffix}",
                    name=f"{ZoneType(zone_type).label} zone",
                    kind=StorageLocation.Kind.ZONE,
                    zone_type=zone_type,
                    accepted_hazard_classes=sorted({c for _, classes, _ in bays for c in classes}),
                ),
                actor=admin,
            )
            for bay, classes, capacity in bays:
                save(
                    StorageLocation(
                        warehouse=warehouse,
                        parent=zone,
                        code=f"{code}-{suffix}-{bay}",
                        name=f"{ZoneType(zone_type).label} {bay}",
                        kind=StorageLocation.Kind.BIN
                        if bay.startswith("C")
                        else StorageLocation.Kind.BAY,
                        zone_type=zone_type,
                        accepted_hazard_classes=classes,
                        capacity_kg=Decimal(capacity),
                    ),
                    actor=admin,
                )
    return offices


def log(actor, office, detained, mode, traffic, country, holder, route, extra, lots):
    detained_on = datetime.date.fromisoformat(detained)
    fields = {
        "action_type": "on_application" if holder else "ex_officio",
        "customs_procedure": "free_circulation",
        "place_of_detention": {"BRU": "Brucargo", "ANR": "Container terminal"}.get(office.code, ""),
        "declarant_name": "Import Trading BV" if traffic == "freight" else "Passenger",
        "notified_on": detained_on + datetime.timedelta(days=1),
        **extra,
    }
    locations = {loc.code: loc for loc in StorageLocation.objects.all()}
    return services.create_seizure(
        actor=actor,
        office=office,
        detained_on=detained_on,
        transport_mode=mode,
        traffic_type=traffic,
        provenance_country=country,
        ipr_type="eu_trade_mark",
        right_holder=RightHolder.objects.get(name=holder) if holder else None,
        legal_route=route,
        lots=[LotInput(**{**data, "location": locations.get(data["location"])}) for data in lots],
        **fields,
    )


# Standard-route cases whose right holder confirmed the infringement and agreed in writing to
# destruction (Art. 23(1)(a)), a week after notification; the others still wait for it.
AGREED_BY_RIGHT_HOLDER = (
    ("BRU", "2026-01-13"),
    ("BRU", "2026-02-03"),
    ("BRU", "2026-02-17"),
    ("BRU", "2026-04-14"),
    ("BRU", "2026-05-19"),
    ("ANR", "2026-01-20"),
)
# The case whose right holder asks for samples through the portal before it is released.
SAMPLES_ASKED = ("BRU", "2026-08-11")


def record_right_holder_agreements(users: dict, seizures) -> None:
    """Customs enter the agreements they receive by post; the demo right holder's user answers
    online instead (confirms the infringement, then agrees), through the same services."""
    portal_user = users.get("rightholder")  # a test loading the demo may leave it out
    for key in AGREED_BY_RIGHT_HOLDER:
        seizure = seizures[key]
        agreed_on = seizure.notified_on + datetime.timedelta(days=7)
        if portal_user is not None and seizure.right_holder.name == DEMO_RIGHT_HOLDER:
            with on_day(agreed_on.isoformat(), days_later=-2):
                right_holders.confirm_infringement(
                    seizure=seizure,
                    actor=portal_user,
                    note="Compared with our reference samples: not made under our licence.",
                )
            with on_day(agreed_on.isoformat()):
                right_holders.agree_to_destruction(
                    seizure=seizure, actor=portal_user, agreed_on=agreed_on
                )
            continue
        with on_day(agreed_on.isoformat()):
            services.update_seizure(
                seizure=seizure, actor=users["warehouse"], right_holder_agreement_on=agreed_on
            )
    if portal_user is not None:
        # Art. 19: the sunglasses looked genuine; samples first, then the release.
        with on_day("2026-08-13"):
            right_holders.request_samples(
                seizure=seizures[SAMPLES_ASKED],
                actor=portal_user,
                articles=3,
                reason="Laboratory comparison with our genuine frames before we answer.",
            )


def record_court_cases(actor, seizures) -> None:
    for key, day, fields in COURT_CASES:
        with on_day(day):
            services.update_seizure(seizure=seizures[key], actor=actor, **fields)


def storage_history(warehouse_user, admin, seizures) -> None:
    """Moves, a late placement, samples, a legal hold and a release, each on its own day."""
    location = {loc.code: loc for loc in StorageLocation.objects.all()}

    def first_lot(office, detained, line=1):
        return seizures[(office, detained)].lots.get(reference__endswith=f"-{line:02d}")

    with on_day("2026-01-27"):  # consolidation: jerseys moved next to the sneakers' bay
        services.move_lot(
            lot=first_lot("BRU", "2026-01-13"),
            location=location["BRU-W1-GEN-B02"],
            actor=warehouse_user,
        )
    with on_day("2026-03-12"):  # FAMHP analysis of the tablets (PHA-S3)
        services.take_sample(
            lot=first_lot("BRU", "2026-03-09"),
            articles=60,
            purpose="analysis",
            holder="FAMHP laboratory, Brussels",
            actor=warehouse_user,
        )
    with on_day("2026-05-12"):  # methanol test of the whisky (ALC-S2)
        services.take_sample(
            lot=first_lot("ANR", "2026-05-05"),
            articles=6,
            purpose="analysis",
            holder="Customs laboratory Leuven",
            actor=warehouse_user,
        )
    with on_day("2026-05-21"):  # the consoles waited for a free bay
        services.move_lot(
            lot=first_lot("BRU", "2026-05-19", 2),
            location=location["BRU-W1-GEN-B01"],
            actor=warehouse_user,
        )
    with on_day("2026-06-25"):  # criminal investigation: evidence kept (legal hold)
        seizure = seizures[("BRU", "2026-06-23")]
        services.take_sample(
            lot=seizure.lots.get(),
            articles=2,
            purpose="evidence",
            holder="Federal Judicial Police, Brussels",
            actor=warehouse_user,
        )
        services.place_hold(
            seizure=seizure,
            reason="Criminal investigation 26/4512: keep all goods as evidence until judgment.",
            actor=admin,
        )
    with on_day("2026-08-20"):  # right holder confirmed the sunglasses are genuine
        services.release_lot(
            lot=first_lot("BRU", "2026-08-11"),
            reason="Right holder confirmed in writing that the goods are genuine.",
            actor=admin,
        )
    with on_day("2026-09-01"):  # sweatshirts re-stacked into the bay freed up
        services.move_lot(
            lot=first_lot("ANR", "2026-01-20"),
            location=location["ANR-W1-GEN-B04"],
            actor=warehouse_user,
        )


@contextlib.contextmanager
def on_day(day: str, *, days_later: int = 0):
    """Run on that day at 10:00 Brussels time when time-machine is available (development);
    never in the future, so detention dates stay valid."""
    date = datetime.date.fromisoformat(day) + datetime.timedelta(days=days_later)
    moment = datetime.datetime.combine(date, datetime.time(10), tzinfo=BRUSSELS)
    try:
        import time_machine
    except ImportError:
        yield
        return
    if moment >= datetime.datetime.now(tz=BRUSSELS):
        yield
        return
    with time_machine.travel(moment, tick=True):
        yield


# The zone counted in the demo's open stocktake.
COUNTED_ZONE = "ANR-W1-GEN"


def count_stock(*, users: dict, stdout) -> None:
    """An open stocktake of one zone, half done: the lots of the zone's third bay turn up in its
    second, the last lot of its last bay is not found. seed_demo runs it after the destruction
    demo, so the count expects the lots still stored when the demo ends."""
    zone = StorageLocation.objects.get(code=COUNTED_ZONE)
    bays = list(zone.children.order_by("code"))
    found = {bay: list(bay.lots.filter(status__in=OCCUPYING_STATUSES)) for bay in bays}
    found[bays[1]] += found[bays[2]]
    found[bays[2]] = []
    found[bays[-1]] = found[bays[-1]][:-1]
    with on_day("2026-12-01"):
        stocktake = open_stocktake(
            warehouse=zone.warehouse,
            zone=zone,
            actor=users["admin"],
            note="Year-end count of the general zone.",
        )
        for bay, lots in found.items():
            record_scans(
                stocktake=stocktake,
                location=bay,
                lot_references=[lot.reference for lot in lots],
                actor=users["warehouse"],
            )
    stdout.write(f"  stocktake {stocktake.pk} of {COUNTED_ZONE} open, every bay counted")


def seal(*, users: dict, stdout) -> None:
    """The first custody seal, over the chains every demo loader wrote (seed_demo runs it last,
    after writing the demo key). With debug off and no CUSTODY_SEAL_KEY there is no key to
    sign with: the demo stays unsealed rather than failing after all its data was loaded."""
    if not settings.CUSTODY_SEAL_KEY:
        stdout.write("No CUSTODY_SEAL_KEY: the demo custody chains are not sealed.")
        return
    made = seal_custody()
    stdout.write(f"Custody seal #{made.pk} over {made.tree_size} lots.")

"""A small hand-built data set for the annual statistics of 2025 (compared with 2024), whose
answers are worked out by hand in the tests (reporting currency EUR, time zone Europe/Brussels).

2025 seizures (detention date):
  S1 BRU 2025-02-10 air/freight CN EU trade mark, free circulation, on application, standard
     L1 3a 100 seized (90 left) 900 EUR 18 kg destroyed (order O1)
        L1-S1 sample of L1: 10 articles, 100 EUR, 2 kg, kept in storage as evidence
     L2 5c 20 articles 2000 USD 5 kg hazard 9, destroyed (order O1)
  S2 ANR 2025-06-01 express/passenger TR design, transit, ex officio, small consignment
     L3 4a 50 articles 500 GBP (no GBP rate) 10 kg in storage; an inactive (cancelled) line in O1
  S3 BRU 2025-11-20 road/freight CN copyright, export, ex officio, court
     L4 8 300 articles 3000 EUR 30 kg in storage
  S4 BRU 2025-03-01 sea/freight HK national trade mark, free circulation, on application, standard
     L5 3a 40 articles 400 EUR 8 kg released 2025-05-01
2024 seizure:
  S5 BRU 2024-05-05 air/freight CN EU trade mark, free circulation, on application, standard
     L6 3a 60 articles 500 USD 12 kg destroyed 2025-01-15 (order O2)
     L7 2a 10 articles 100 EUR 3 kg hazard 3/2.1 destroyed 2024-09-10 (order O3)
     L8 3a 5 articles 50 EUR 1 kg released 2025-02-01
Rates: 2025 USD 0.9; 2024 USD 0.8.
Orders (all BRU):
  O1 ended 2025-04-10: L1 planned INCIN_850, actually RECYCLE_SHRED, dispatch 18 kg;
     L2 RECYCLE_WEEE (lot weight 5 kg); outputs recycled 15, energy recovery 3, hazardous residue 4
  O2 ended 2025-01-14 23:30 UTC = 2025-01-15 00:30 in Brussels: L6 RECOVER_WTE 12 kg;
     outputs energy recovery 10, landfilled 2
  O3 ended 2024-09-10: L7 INCIN_HAZ_HT 3 kg; outputs incinerated 2, hazardous residue 1
Certificates (BRU): O1's issued 2025-04-20 (flagged by an auditor 2025-05-02); O2's issued
2025-01-20 and revoked 2025-02-01, re-issued 2025-02-02.

Costs (add_costs; entry: lot, order, kind, amount currency, payer, day incurred):
  2025  L1 O1 destruction 10.80 EUR right holder 2025-04-08 (method RECYCLE_SHRED)
        L1 O1 storage    100.00 EUR right holder 2025-04-08
        L2 O1 destruction 50.00 USD administration 2025-04-08 (RECYCLE_WEEE; 45.00 EUR)
        L6 O2 transport   20.00 USD right holder 2025-01-14 (RECOVER_WTE; 18.00 EUR)
        L5 -  storage     30.00 EUR right holder 2025-05-01 (released: no method)
        L3 -  handling    15.00 EUR administration 2025-06-30 (ANR)
        L3 -  storage     40.00 GBP administration 2025-06-30 (ANR; no GBP rate: unconverted)
  2024  L7 O3 destruction  6.30 EUR administration 2024-09-09 (INCIN_HAZ_HT)
        L7 O3 transport   10.00 USD right holder 2024-09-09 (8.00 EUR at 0.8)
"""

import datetime
import hashlib
from dataclasses import dataclass
from decimal import Decimal

from compliance.models import CertificateReview, ExchangeRate
from compliance.statistics import rollups
from destruction.costs.models import Basis, CostEntry, CostKind, Payer, Tariff
from destruction.models import Certificate, CertificateStatus, OrderStatus
from seizures.models import (
    ActionType,
    CustodyEvent,
    CustomsProcedure,
    IPRType,
    LegalRoute,
    LotStatus,
    TrafficType,
    TransportMode,
)
from tests.destruction.factories import (
    DestructionOrderFactory,
    DestructionRecordFactory,
    OrderLineFactory,
    OutputFractionFactory,
)
from tests.factories import UserFactory
from tests.seizures.factories import CustomsOfficeFactory, LotFactory, SeizureFactory


def utc(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=datetime.UTC)


@dataclass
class DataSet:
    bru: object
    anr: object
    lots: dict


def seizure(office, detained_on, actor, **fields):
    return SeizureFactory(office=office, detained_on=detained_on, created_by=actor, **fields)


def lot(seizure_, reference, category, articles, value, kg, status, **fields):
    fields.setdefault("seized_articles", articles)
    return LotFactory(
        seizure=seizure_,
        reference=reference,
        category=category,
        articles=articles,
        retail_value=Decimal(value),
        gross_weight_kg=Decimal(kg),
        status=status,
        **fields,
    )


def release_event(lot_, when: datetime.datetime, actor) -> None:
    event = CustodyEvent(
        lot=lot_,
        sequence=1,
        kind=CustodyEvent.Kind.RELEASED,
        occurred_at=when,
        actor=actor,
        actor_name=actor.username,
        quantity=lot_.articles,
        details={"reason": "Right holder did not start proceedings"},
    )
    event.hash = event.compute_hash()
    event.save()


def executed(office, ended_at: datetime.datetime, lines, outputs, actor):
    order = DestructionOrderFactory(office=office, status=OrderStatus.EXECUTED, prepared_by=actor)
    for line in lines:
        OrderLineFactory(order=order, **line)
    record = DestructionRecordFactory(
        order=order,
        started_at=ended_at - datetime.timedelta(hours=2),
        ended_at=ended_at,
        recorded_by=actor,
    )
    for route, kg in outputs:
        OutputFractionFactory(record=record, route=route, weight_kg=Decimal(kg))
    return order


def certificate(order, number, issued_at, actor, **fields):
    pdf = f"certificate {number}".encode()
    return Certificate.objects.create(
        number=number,
        year=issued_at.year,
        sequence=int(number.rsplit("-", 1)[1]),
        order=order,
        office=order.office,
        verification_code=hashlib.sha256(number.encode()).hexdigest(),
        issued_at=issued_at,
        issued_by=actor,
        snapshot={"number": number},
        pdf=pdf,
        sha256=hashlib.sha256(pdf).hexdigest(),
        **fields,
    )


def build() -> DataSet:
    # One user for every record: hashing a password per factory user is slow.
    actor = UserFactory(username="statistics-builder")
    bru = CustomsOfficeFactory(code="BRU", name="Brussels Airport")
    anr = CustomsOfficeFactory(code="ANR", name="Antwerp Port")
    ExchangeRate.objects.create(year=2025, currency="USD", rate=Decimal("0.9"))
    ExchangeRate.objects.create(year=2024, currency="USD", rate=Decimal("0.8"))

    s1 = seizure(bru, datetime.date(2025, 2, 10), actor)
    s2 = seizure(
        anr,
        datetime.date(2025, 6, 1),
        actor,
        transport_mode=TransportMode.EXPRESS,
        traffic_type=TrafficType.PASSENGER,
        provenance_country="TR",
        ipr_type=IPRType.DESIGN,
        customs_procedure=CustomsProcedure.TRANSIT,
        action_type=ActionType.EX_OFFICIO,
        legal_route=LegalRoute.SMALL_CONSIGNMENT,
    )
    s3 = seizure(
        bru,
        datetime.date(2025, 11, 20),
        actor,
        transport_mode=TransportMode.ROAD,
        ipr_type=IPRType.COPYRIGHT,
        customs_procedure=CustomsProcedure.EXPORT,
        action_type=ActionType.EX_OFFICIO,
        legal_route=LegalRoute.COURT,
    )
    s4 = seizure(
        bru,
        datetime.date(2025, 3, 1),
        actor,
        transport_mode=TransportMode.SEA,
        provenance_country="HK",
        ipr_type=IPRType.NATIONAL_TRADE_MARK,
    )
    s5 = seizure(bru, datetime.date(2024, 5, 5), actor)

    destroyed, stored, released = LotStatus.DESTROYED, LotStatus.IN_STORAGE, LotStatus.RELEASED
    lots = {}
    lots["L1"] = lot(s1, "L1", "3a", 90, "900", "18", destroyed, seized_articles=100, location=None)
    lots["L1S"] = lot(s1, "L1-S1", "3a", 10, "100", "2", stored, parent=lots["L1"])
    lots["L2"] = lot(s1, "L2", "5c", 20, "2000", "5", destroyed, currency="USD", location=None)
    lots["L3"] = lot(s2, "L3", "4a", 50, "500", "10", stored, currency="GBP")
    lots["L4"] = lot(s3, "L4", "8", 300, "3000", "30", stored)
    lots["L5"] = lot(s4, "L5", "3a", 40, "400", "8", released, location=None)
    lots["L6"] = lot(s5, "L6", "3a", 60, "500", "12", destroyed, currency="USD", location=None)
    lots["L7"] = lot(s5, "L7", "2a", 10, "100", "3", destroyed, location=None)
    lots["L8"] = lot(s5, "L8", "3a", 5, "50", "1", released, location=None)
    assert lots["L2"].hazard_classes == ["9"] and lots["L7"].hazard_classes == ["3", "2.1"]
    assert lots["L1"].hazard_classes == [] and lots["L6"].hazard_classes == []
    release_event(lots["L5"], utc(2025, 5, 1, 9), actor)
    release_event(lots["L8"], utc(2025, 2, 1, 9), actor)

    o1 = executed(
        bru,
        utc(2025, 4, 10, 12),
        [
            {
                "lot": lots["L1"],
                "method": "INCIN_850",
                "actual_method": "RECYCLE_SHRED",
                "dispatch_weight_kg": Decimal("18"),
            },
            {"lot": lots["L2"], "method": "RECYCLE_WEEE"},
            {"lot": lots["L3"], "method": "RECYCLE_SHRED", "active": False},
        ],
        [("recycled", "15"), ("energy_recovery", "3"), ("hazardous_residue", "4")],
        actor,
    )
    o2 = executed(
        bru,
        utc(2025, 1, 14, 23, 30),
        [{"lot": lots["L6"], "method": "RECOVER_WTE"}],
        [("energy_recovery", "10"), ("landfilled", "2")],
        actor,
    )
    executed(
        bru,
        utc(2024, 9, 10, 12),
        [{"lot": lots["L7"], "method": "INCIN_HAZ_HT"}],
        [("incinerated", "2"), ("hazardous_residue", "1")],
        actor,
    )
    first = certificate(o1, "COD-2025-00003", utc(2025, 4, 20, 10), actor)
    revoked = certificate(
        o2,
        "COD-2025-00001",
        utc(2025, 1, 20, 10),
        actor,
        status=CertificateStatus.SUPERSEDED,
        revoked_at=utc(2025, 2, 1, 10),
        revoked_by=actor,
        revocation_reason="Wrong weight",
    )
    certificate(o2, "COD-2025-00002", utc(2025, 2, 2, 10), actor, supersedes=revoked)
    review = CertificateReview.objects.create(
        certificate=first,
        decision=CertificateReview.Decision.FLAGGED,
        findings=[{"rule": "X-CE-02", "severity": "warning", "message": "Weights differ"}],
        reviewer=actor,
    )
    CertificateReview.objects.filter(pk=review.pk).update(decided_at=utc(2025, 5, 2, 10))
    # The factories write rows without the services, so the statistics rollups are recounted
    # here, as `rebuild_statistics` does after a bulk load.
    rollups.rebuild()
    return DataSet(bru=bru, anr=anr, lots=lots)


COSTS = (
    ("L1", CostKind.DESTRUCTION, "10.80", "EUR", Payer.RIGHT_HOLDER, (2025, 4, 8)),
    ("L1", CostKind.STORAGE, "100.00", "EUR", Payer.RIGHT_HOLDER, (2025, 4, 8)),
    ("L2", CostKind.DESTRUCTION, "50.00", "USD", Payer.ADMINISTRATION, (2025, 4, 8)),
    ("L6", CostKind.TRANSPORT, "20.00", "USD", Payer.RIGHT_HOLDER, (2025, 1, 14)),
    ("L5", CostKind.STORAGE, "30.00", "EUR", Payer.RIGHT_HOLDER, (2025, 5, 1)),
    ("L3", CostKind.HANDLING, "15.00", "EUR", Payer.ADMINISTRATION, (2025, 6, 30)),
    ("L3", CostKind.STORAGE, "40.00", "GBP", Payer.ADMINISTRATION, (2025, 6, 30)),
    ("L7", CostKind.DESTRUCTION, "6.30", "EUR", Payer.ADMINISTRATION, (2024, 9, 9)),
    ("L7", CostKind.TRANSPORT, "10.00", "USD", Payer.RIGHT_HOLDER, (2024, 9, 9)),
)


def add_costs(data: DataSet) -> None:
    """The cost entries above, written directly (the services accrue them from tariffs and
    orders: tests/destruction/test_costs.py), then the rollups recounted."""
    for reference, kind, amount, currency, payer, day in COSTS:
        lot_ = data.lots[reference]
        line = lot_.order_lines.filter(active=True).first()
        tariff = Tariff.objects.create(
            kind=kind,
            basis=Basis.PER_DAY if kind == CostKind.STORAGE else Basis.FLAT,
            amount=Decimal(amount),
            currency=currency,
            valid_from=datetime.date(2024, 1, 1),
        )
        CostEntry.objects.create(
            lot=lot_,
            order=line.order if line else None,
            kind=kind,
            quantity=Decimal("1"),
            unit="share",
            tariff=tariff,
            amount=Decimal(amount),
            currency=currency,
            payer=payer,
            rule="statistics test data",
            incurred_on=datetime.date(*day),
        )
    rollups.rebuild()

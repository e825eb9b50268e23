"""Executed destruction orders ready for certification, built from the destruction factories
(lots destroyed, a record with outputs, witnesses and evidence, custody chains in place)."""

import hashlib
from decimal import Decimal

from django.db import transaction

from destruction.models import EvidenceFile, OrderLine, OrderStatus
from seizures.custody import append_events
from seizures.models import CustodyEvent, Lot, LotStatus
from tests.destruction.factories import (
    DestructionOrderFactory,
    DestructionRecordFactory,
    OrderLineFactory,
    OutputFractionFactory,
    WitnessFactory,
)
from tests.factories import UserFactory
from tests.seizures.factories import LotFactory, SeizureFactory

METHODS_CYCLE = ("RECYCLE_SHRED", "RECOVER_WTE", "INCIN_HAZ_HT")


def executed_order(
    *,
    lots: int = 1,
    methods: tuple[str, ...] = ("RECYCLE_SHRED",),
    weight: Decimal = Decimal("12.500"),
    **order_fields,
):
    """An order in status `executed` with `lots` destroyed lots (methods cycled over the lines),
    its record, one output fraction, two witnesses, one evidence file and a custody event on
    every lot."""
    # People who never log in: an unusable password spares the slow password hasher.
    clerk = UserFactory(password=None)
    order_fields.setdefault("prepared_by", clerk)
    order = DestructionOrderFactory(status=OrderStatus.EXECUTED, **order_fields)
    seizure = SeizureFactory(office=order.office, created_by=clerk)
    built = [
        LotFactory.build(
            seizure=seizure,
            location=None,
            status=LotStatus.DESTROYED,
            description=f"Counterfeit sneakers batch {n}",
            gross_weight_kg=weight,
        )
        for n in range(lots)
    ]
    if lots == 1:
        built[0].save()
        created = built
    else:
        Lot.objects.bulk_create(built)
        created = list(Lot.objects.filter(seizure=seizure).order_by("reference"))
    lines = [
        OrderLineFactory.build(order=order, lot=lot, method=methods[i % len(methods)])
        for i, lot in enumerate(created)
    ]
    OrderLine.objects.bulk_create(lines)
    record = DestructionRecordFactory(
        order=order,
        gate_weight_kg=weight * lots,
        temperature_c=1150,
        recorded_by=clerk,
    )
    OutputFractionFactory(record=record, weight_kg=weight * lots)
    WitnessFactory(record=record, name="Olga Officer")
    WitnessFactory(
        record=record,
        name="Rita Rightholder",
        organisation="Brand Owner SA",
        role="right_holder",
    )
    content = b"photo of the shredder"
    EvidenceFile.objects.create(
        record=record,
        kind=EvidenceFile.Kind.PHOTO,
        file="evidence/photo-0001.jpg",
        original_name="photo-0001.jpg",
        content_type="image/jpeg",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by=record.recorded_by,
    )
    with transaction.atomic():
        append_events(created, CustodyEvent.Kind.DESTROYED, actor=record.recorded_by)
    return order

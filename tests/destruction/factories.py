import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from destruction import models
from destruction.costs.models import Basis, CostEntry, CostKind, Payer, Statement, Tariff
from seizures.waste_codes import DEFAULT_CODES
from tests.factories import UserFactory
from tests.seizures.factories import CustomsOfficeFactory, LotFactory, RightHolderFactory


class FacilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Facility
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"EcoTreat Plant {n}")
    operator = "EcoTreat NV"
    address = "Industrieweg 1, 2030 Antwerpen"
    country = "BE"
    certifications = factory.LazyFunction(lambda: ["ISO14001"])
    max_incineration_temperature_c = 1200
    permit = factory.RelatedFactory(
        "tests.destruction.factories.FacilityPermitFactory", factory_related_name="facility"
    )


class FacilityPermitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.FacilityPermit

    facility = factory.SubFactory(FacilityFactory, permit=None)
    number = factory.Sequence(lambda n: f"ENV-PERMIT-{n:04d}")
    authority = "Flemish Environment Agency"
    valid_from = datetime.date(2024, 1, 1)
    valid_until = datetime.date(2028, 12, 31)
    operations = factory.LazyFunction(lambda: ["R1", "R3", "R4", "R5", "R12", "D10"])
    # Every code a lot gets by default, so a test's lots meet X-MF-09 unless it says otherwise.
    waste_codes = factory.LazyFunction(lambda: sorted({row.code for row in DEFAULT_CODES}))
    hazardous_allowed = True


class DestructionOrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.DestructionOrder

    reference = factory.Sequence(lambda n: f"DO-2026-{n + 1:04d}")
    office = factory.SubFactory(CustomsOfficeFactory)
    facility = factory.SubFactory(FacilityFactory)
    planned_date = datetime.date(2026, 4, 15)
    cost_estimate = Decimal("850.00")
    carrier_name = "SafeHaul BV"
    carrier_registration = "WASTE-CARRIER-123"
    vehicle = "1-ABC-234"
    seal_numbers = factory.LazyFunction(lambda: ["SEAL-0001", "SEAL-0002"])
    prepared_by = factory.SubFactory(UserFactory)


class OrderLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.OrderLine

    order = factory.SubFactory(DestructionOrderFactory)
    lot = factory.SubFactory(LotFactory)
    method = "RECYCLE_SHRED"
    legal_basis = models.LegalBasis.ART_23


class DestructionRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.DestructionRecord

    order = factory.SubFactory(DestructionOrderFactory, status=models.OrderStatus.EXECUTED)
    started_at = datetime.datetime(2026, 4, 15, 8, 0, tzinfo=datetime.UTC)
    ended_at = datetime.datetime(2026, 4, 15, 11, 30, tzinfo=datetime.UTC)
    debranded = True
    gate_weight_kg = Decimal("25.000")
    weighbridge_ticket = factory.Sequence(lambda n: f"WB-{n:06d}")
    recorded_by = factory.SubFactory(UserFactory)


class OutputFractionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.OutputFraction

    record = factory.SubFactory(DestructionRecordFactory)
    route = models.OutputRoute.RECYCLED
    weight_kg = Decimal("25.000")
    destination = "Textile Recycling Gent (permit OVAM-778)"


class WitnessFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Witness

    record = factory.SubFactory(DestructionRecordFactory)
    name = factory.Faker("name")
    organisation = "Customs"
    role = models.Witness.Role.CUSTOMS_OFFICER


class TariffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tariff

    kind = CostKind.DESTRUCTION
    basis = Basis.PER_KG
    amount = Decimal("0.8000")
    valid_from = datetime.date(2026, 1, 1)


class CostEntryFactory(factory.django.DjangoModelFactory):
    """A destruction cost of a lot at 0.80 per kg, paid by the right holder."""

    class Meta:
        model = CostEntry

    lot = factory.SubFactory(LotFactory)
    kind = CostKind.DESTRUCTION
    quantity = Decimal("12.500")
    unit = "kg"
    tariff = factory.SubFactory(TariffFactory, kind=factory.SelfAttribute("..kind"))
    amount = Decimal("10.00")
    currency = "EUR"
    payer = Payer.RIGHT_HOLDER
    rule = "12.5 kg x 0.80 EUR per kg"
    incurred_on = datetime.date(2026, 4, 15)


class StatementFactory(factory.django.DjangoModelFactory):
    """An open statement of 100.00 EUR due in 30 days."""

    class Meta:
        model = Statement

    number = factory.Sequence(lambda n: f"CS-2026-0001-{n + 1:03d}")
    right_holder = factory.SubFactory(RightHolderFactory)
    period_from = datetime.date(2026, 1, 1)
    period_to = datetime.date(2026, 3, 31)
    currency = "EUR"
    total = Decimal("100.00")
    issued_at = factory.LazyFunction(timezone.now)
    issued_by = factory.SubFactory(UserFactory, password=None)
    due_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=30))

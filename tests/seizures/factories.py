import datetime
from decimal import Decimal

import factory

from seizures import models, occupancy
from seizures.categories import DEFAULT_WASTE_CLASS, default_hazard_classes
from seizures.waste_codes import default_code
from tests.factories import UserFactory


class CustomsOfficeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.CustomsOffice
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"OF{n:02d}")
    name = factory.LazyAttribute(lambda o: f"Customs office {o.code}")
    country = "BE"


class WarehouseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Warehouse

    code = factory.Sequence(lambda n: f"WH{n:02d}")
    name = factory.LazyAttribute(lambda o: f"Warehouse {o.code}")
    office = factory.SubFactory(CustomsOfficeFactory)


class StorageLocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.StorageLocation

    warehouse = factory.SubFactory(WarehouseFactory)
    code = factory.Sequence(lambda n: f"LOC-{n:04d}")
    name = factory.LazyAttribute(lambda o: f"Bay {o.code}")
    kind = models.StorageLocation.Kind.BAY
    zone_type = models.ZoneType.NON_HAZARDOUS
    accepted_hazard_classes = factory.LazyFunction(list)
    capacity_kg = Decimal("1000")


class RightHolderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.RightHolder
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Brand Owner {n} SA")
    contact_name = "IP enforcement desk"
    email = factory.Sequence(lambda n: f"ip{n}@brand.example")
    application_reference = factory.Sequence(lambda n: f"AFA-EU-{n:05d}")
    application_valid_from = datetime.date(2025, 1, 1)
    application_valid_until = datetime.date(2027, 12, 31)


class SeizureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Seizure

    office = factory.SubFactory(CustomsOfficeFactory)
    detained_on = datetime.date(2026, 3, 2)
    year = factory.LazyAttribute(lambda o: o.detained_on.year)
    sequence = factory.Sequence(lambda n: n + 1)
    reference = factory.LazyAttribute(lambda o: f"{o.office.code}-{o.year}-{o.sequence:05d}")
    place_of_detention = "Airport cargo terminal"
    transport_mode = models.TransportMode.AIR
    traffic_type = models.TrafficType.FREIGHT
    provenance_country = "CN"
    ipr_type = models.IPRType.EU_TRADE_MARK
    customs_procedure = models.CustomsProcedure.FREE_CIRCULATION
    action_type = models.ActionType.ON_APPLICATION
    right_holder = factory.SubFactory(RightHolderFactory)
    declarant_name = "Import Trading Ltd"
    notified_on = datetime.date(2026, 3, 3)
    legal_route = models.LegalRoute.STANDARD
    deadline = datetime.date(2026, 3, 17)
    right_holder_agreement_on = datetime.date(2026, 3, 10)
    created_by = factory.SubFactory(UserFactory)

    class Params:
        # The court route completed (Art. 23(3)): proceedings started in time, a judgment
        # ordering destruction, final since 2026-05-21.
        final_judgment = factory.Trait(
            legal_route=models.LegalRoute.COURT,
            court_name="Brussels Court of First Instance",
            court_reference="26/4512/A",
            proceedings_started_on=datetime.date(2026, 3, 12),
            proceedings_due_on=datetime.date(2026, 3, 17),
            judgment_on=datetime.date(2026, 4, 20),
            judgment_outcome=models.JudgmentOutcome.DESTRUCTION,
            judgment_final_since=datetime.date(2026, 5, 21),
        )


class LotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Lot

    seizure = factory.SubFactory(SeizureFactory)
    office = factory.LazyAttribute(lambda o: o.seizure.office)
    reference = factory.Sequence(lambda n: f"LOT-{n:05d}")
    category = "3a"
    waste_class = factory.LazyAttribute(lambda o: DEFAULT_WASTE_CLASS[o.category])
    description = "Counterfeit T-shirts"
    brand = "Famous Brand"
    articles = 100
    seized_articles = factory.LazyAttribute(lambda o: o.articles)
    gross_weight_kg = Decimal("25.000")
    retail_value = Decimal("2500.00")
    currency = "EUR"
    hazard_classes = factory.LazyAttribute(
        lambda o: list(default_hazard_classes(o.category, o.waste_class))
    )
    ewc_code = factory.LazyAttribute(
        lambda o: default_code(
            category=o.category,
            waste_class=o.waste_class,
            hazard_classes=o.hazard_classes,
            cytotoxic=getattr(o, "cytotoxic", False),
            contains_asbestos=getattr(o, "contains_asbestos", False),
        )
    )
    status = models.LotStatus.IN_STORAGE
    location = factory.SubFactory(StorageLocationFactory)
    stored_since = factory.LazyFunction(
        lambda: datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC)
    )

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # Saved past the services, so the lot is counted in its location as intake would.
        lot = super()._create(model_class, *args, **kwargs)
        occupancy.count_in([lot])
        return lot

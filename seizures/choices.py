"""The choices of the seizures models: what a case, a location and a lot can be."""

from django.db import models


class ZoneType(models.TextChoices):
    NON_HAZARDOUS = "non_hazardous", "Non-hazardous"
    HAZARDOUS = "hazardous", "Hazardous"
    FIRE_SEPARATED = "fire_separated", "Fire-separated"
    HIGH_SECURITY = "high_security", "High security"
    TEMPERATURE_CONTROLLED = "temperature_controlled", "Temperature-controlled"
    QUARANTINE = "quarantine", "Quarantine"


class TransportMode(models.TextChoices):
    POSTAL = "postal", "Postal"
    EXPRESS = "express", "Express courier"
    AIR = "air", "Air"
    SEA = "sea", "Sea"
    ROAD = "road", "Road"
    RAIL = "rail", "Rail"
    INLAND_WATERWAY = "inland_waterway", "Inland waterway"
    OTHER = "other", "Other or unknown"


class TrafficType(models.TextChoices):
    FREIGHT = "freight", "Freight"
    PASSENGER = "passenger", "Passenger"


class IPRType(models.TextChoices):
    """Types of IP right (Reg. 608/2013 Art. 2(1))."""

    EU_TRADE_MARK = "eu_trade_mark", "EU trade mark"
    NATIONAL_TRADE_MARK = "national_trade_mark", "National trade mark"
    INTERNATIONAL_TRADE_MARK = "international_trade_mark", "International trade mark"
    DESIGN = "design", "Design"
    COPYRIGHT = "copyright", "Copyright and related rights"
    PATENT = "patent", "Patent"
    SPC = "spc", "Supplementary protection certificate"
    GEOGRAPHICAL_INDICATION = "geographical_indication", "Geographical indication"
    PLANT_VARIETY = "plant_variety", "Plant variety right"
    SEMICONDUCTOR_TOPOGRAPHY = "semiconductor_topography", "Semiconductor topography"
    UTILITY_MODEL = "utility_model", "Utility model"
    TRADE_NAME = "trade_name", "Trade name"


class CustomsProcedure(models.TextChoices):
    FREE_CIRCULATION = "free_circulation", "Release for free circulation"
    EXPORT = "export", "Export"
    RE_EXPORT = "re_export", "Re-export"
    TRANSIT = "transit", "Transit"
    TRANSHIPMENT = "transhipment", "Transhipment"
    CUSTOMS_WAREHOUSING = "customs_warehousing", "Customs warehousing"
    TEMPORARY_STORAGE = "temporary_storage", "Temporary storage"
    FREE_ZONE = "free_zone", "Free zone"
    INWARD_PROCESSING = "inward_processing", "Inward processing"


class ActionType(models.TextChoices):
    ON_APPLICATION = "on_application", "On application"
    EX_OFFICIO = "ex_officio", "Ex officio"


class LegalRoute(models.TextChoices):
    STANDARD = "standard", "Standard procedure (Art. 23)"
    SMALL_CONSIGNMENT = "small_consignment", "Small consignment (Art. 26)"
    COURT = "court", "Court proceedings"
    ABANDONMENT = "abandonment", "Abandonment to the State"


class JudgmentOutcome(models.TextChoices):
    """What the court decided in proceedings started under Art. 23(3) of Reg. 608/2013."""

    DESTRUCTION = "destruction", "Destruction ordered"
    RELEASE = "release", "Goods released"
    OTHER = "other", "Other"


class LotStatus(models.TextChoices):
    IN_STORAGE = "in_storage", "In storage"
    ON_HOLD = "on_hold", "On hold"
    ALLOCATED = "allocated", "Allocated to a destruction order"
    IN_TRANSIT = "in_transit", "In transit"
    DESTROYED = "destroyed", "Destroyed"
    RELEASED = "released", "Released"
    LOST = "lost", "Lost"


class SamplePurpose(models.TextChoices):
    ANALYSIS = "analysis", "Laboratory analysis"
    EVIDENCE = "evidence", "Criminal evidence"
    EDUCATION = "education", "Education and training"

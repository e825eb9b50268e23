"""Reference vocabularies for goods: EU product categories, waste classes and UN hazard classes.

These are fixed by the guidelines digest (sections B, B18 and D2), not edited by users, so they live
in code as choices rather than in tables.
"""

from collections.abc import Iterable

from django.db import models


class WasteClass(models.TextChoices):
    """Rulebook goods categories (digest section B)."""

    APPAREL = "APP", "Apparel and textiles"
    FOOTWEAR = "FTW", "Footwear"
    LEATHER = "LEA", "Leather goods, bags, wallets"
    WATCHES_JEWELLERY = "WJ", "Watches and jewellery"
    ELECTRONICS = "ELE", "Electronics and electricals"
    BATTERIES = "BAT", "Batteries, power banks, e-cigarette devices"
    PHARMACEUTICALS = "PHA", "Pharmaceuticals and medicines"
    COSMETICS = "COS", "Cosmetics, perfumes, aerosols"
    FOOD = "FOOD", "Foodstuffs and non-alcoholic beverages"
    ALCOHOL = "ALC", "Alcoholic beverages"
    TOBACCO = "TOB", "Tobacco and e-liquids"
    CHEMICALS = "CHE", "Pesticides, biocides, chemicals"
    TOYS = "TOY", "Toys, games, sporting goods"
    AUTOMOTIVE = "AUT", "Automotive and spare parts"
    MEDIA = "MED", "CDs, DVDs, cassettes, software media"
    PRINTED = "PRT", "Printed matter, packaging, labels"
    OTHER = "OTH", "Other goods"


class ProductCategory(models.TextChoices):
    """EU product categories used in the TAXUD/EUIPO reports (digest D2)."""

    FOODSTUFFS = "1a", "1a Foodstuffs"
    ALCOHOLIC_BEVERAGES = "1b", "1b Alcoholic beverages"
    OTHER_BEVERAGES = "1c", "1c Other beverages"
    PERFUMES_COSMETICS = "2a", "2a Perfumes and cosmetics"
    OTHER_BODY_CARE = "2b", "2b Other body care items"
    CLOTHING = "3a", "3a Clothing (ready to wear)"
    CLOTHING_ACCESSORIES = "3b", "3b Clothing accessories"
    SPORT_SHOES = "4a", "4a Sport shoes"
    NON_SPORT_SHOES = "4b", "4b Non-sport shoes"
    EYEWEAR = "5a", "5a Sunglasses and other eyewear"
    BAGS = "5b", "5b Bags, wallets, purses"
    WATCHES = "5c", "5c Watches"
    JEWELLERY = "5d", "5d Jewellery and other accessories"
    MOBILE_PHONES = "6a", "6a Mobile phones"
    MOBILE_ACCESSORIES = "6b", "6b Mobile phone accessories and parts"
    AUDIO_VIDEO = "7a", "7a Audio/video apparatus"
    MEMORY_CARDS = "7b", "7b Memory cards and sticks"
    INK_CARTRIDGES = "7c", "7c Ink cartridges and toners"
    COMPUTER_EQUIPMENT = "7d", "7d Computer equipment"
    HOUSEHOLD_ELECTRICALS = "7e", "7e Electrical household goods"
    RECORDED_MEDIA = "8", "8 CDs, DVDs, cassettes, game cartridges"
    TOYS = "9a", "9a Toys"
    GAMES = "9b", "9b Games incl. game consoles"
    SPORTING_ARTICLES = "9c", "9c Sporting articles"
    CIGARETTES = "10a", "10a Cigarettes"
    OTHER_TOBACCO = "10b", "10b Other tobacco products"
    MEDICINES = "11", "11 Medicines"
    MACHINES_TOOLS = "12a", "12a Machines and tools"
    VEHICLE_PARTS = "12b", "12b Vehicles, accessories and parts"
    OFFICE_STATIONERY = "12c", "12c Office stationery"
    LIGHTERS = "12d", "12d Lighters"
    LABELS_TAGS = "12e", "12e Labels, tags, stickers"
    PACKAGING = "12f", "12f Packaging material"
    OTHER_GOODS = "12g", "12g Other"


# Main EU category (the number before the sub-letter) with its report wording (digest D2).
MAIN_CATEGORY_NAMES: dict[str, str] = {
    "1": "Foodstuffs and beverages",
    "2": "Body care articles",
    "3": "Clothing and accessories",
    "4": "Shoes",
    "5": "Personal accessories",
    "6": "Mobile phones and accessories",
    "7": "Electrical/electronic and computer equipment",
    "8": "CDs, DVDs, cassettes, game cartridges",
    "9": "Toys, games and sporting goods",
    "10": "Tobacco products",
    "11": "Medicines",
    "12": "Other goods",
}


def main_category(code: str) -> str:
    """'12d' -> '12': the EU main category of a sub-category code."""
    return code.rstrip("abcdefg")


# Digest D2 mapping of EU categories to rulebook waste classes; overridable per lot
# (e.g. pesticides under 12g become CHE).
DEFAULT_WASTE_CLASS: dict[str, str] = {
    "1a": WasteClass.FOOD,
    "1b": WasteClass.ALCOHOL,
    "1c": WasteClass.FOOD,
    "2a": WasteClass.COSMETICS,
    "2b": WasteClass.COSMETICS,
    "3a": WasteClass.APPAREL,
    "3b": WasteClass.APPAREL,
    "4a": WasteClass.FOOTWEAR,
    "4b": WasteClass.FOOTWEAR,
    "5a": WasteClass.OTHER,
    "5b": WasteClass.LEATHER,
    "5c": WasteClass.WATCHES_JEWELLERY,
    "5d": WasteClass.WATCHES_JEWELLERY,
    "6a": WasteClass.ELECTRONICS,
    "6b": WasteClass.ELECTRONICS,
    "7a": WasteClass.ELECTRONICS,
    "7b": WasteClass.ELECTRONICS,
    "7c": WasteClass.ELECTRONICS,
    "7d": WasteClass.ELECTRONICS,
    "7e": WasteClass.ELECTRONICS,
    "8": WasteClass.MEDIA,
    "9a": WasteClass.TOYS,
    "9b": WasteClass.TOYS,
    "9c": WasteClass.OTHER,
    "10a": WasteClass.TOBACCO,
    "10b": WasteClass.TOBACCO,
    "11": WasteClass.PHARMACEUTICALS,
    "12a": WasteClass.OTHER,
    "12b": WasteClass.AUTOMOTIVE,
    "12c": WasteClass.PRINTED,
    "12d": WasteClass.OTHER,
    "12e": WasteClass.PRINTED,
    "12f": WasteClass.PRINTED,
    "12g": WasteClass.OTHER,
}


class HazardClass(models.TextChoices):
    """UN dangerous-goods classes and divisions relevant to seized goods (digest B18, S37)."""

    EXPLOSIVE_1_4 = "1.4", "1.4 Explosives, minor hazard (air-bag inflators)"
    FLAMMABLE_GAS = "2.1", "2.1 Flammable gases and aerosols"
    NON_FLAMMABLE_GAS = "2.2", "2.2 Non-flammable gases"
    FLAMMABLE_LIQUID = "3", "3 Flammable liquids"
    FLAMMABLE_SOLID = "4.1", "4.1 Flammable solids"
    OXIDISER = "5.1", "5.1 Oxidising substances"
    TOXIC = "6.1", "6.1 Toxic substances"
    CORROSIVE = "8", "8 Corrosive substances"
    MISCELLANEOUS = "9", "9 Miscellaneous (lithium batteries)"


# Digest B18: the main hazard classes a waste class carries by default (editable per lot),
# corrected by the 2026.3 domain review (issue 12, ADR Table A): alcohol by default is spirits
# (UN 3065, class 3, over 24 % ABV; beer and wine at 24 % or less are not regulated, SP 144, and
# are set to none per lot); a medicine is not class 6.1 unless the lot says so; batteries are
# lithium (class 9) by default, lead-acid lots are UN 2794, class 8. The EU categories cannot
# tell spirits from beer or lead-acid from lithium, so those stay per-lot corrections.
DEFAULT_HAZARD_CLASSES: dict[str, tuple[str, ...]] = {
    WasteClass.APPAREL: (),
    WasteClass.FOOTWEAR: (),
    WasteClass.LEATHER: (),
    WasteClass.WATCHES_JEWELLERY: (),
    WasteClass.ELECTRONICS: ("9",),
    WasteClass.BATTERIES: ("9",),
    WasteClass.PHARMACEUTICALS: (),
    WasteClass.COSMETICS: ("3", "2.1"),
    WasteClass.FOOD: (),
    WasteClass.ALCOHOL: ("3",),
    WasteClass.TOBACCO: (),
    WasteClass.CHEMICALS: ("6.1",),
    WasteClass.TOYS: (),
    # B18 "1.4/9 (air bags)": air-bag modules as stored are UN 3268, class 9; loose inflators
    # (1.4) are set per lot, which the rulebook then requires to be neutralised (AUT-M1/M2).
    WasteClass.AUTOMOTIVE: ("9",),
    WasteClass.MEDIA: (),
    WasteClass.PRINTED: (),
    WasteClass.OTHER: (),
}


# Where a sub-category, not its waste class, sets the hazard (B18): lighters (12d) are flammable
# gas articles (2.1) though their waste class OTH carries none; watches (5c) hold button cells
# (9), jewellery (5d) none. Applies while the lot keeps the category's default waste class.
CATEGORY_HAZARD_CLASSES: dict[str, tuple[str, ...]] = {
    ProductCategory.LIGHTERS: ("2.1",),
    ProductCategory.WATCHES: ("9",),
}


def default_hazard_classes(category: str, waste_class: str) -> tuple[str, ...]:
    """B18 defaults of a lot: its sub-category's own where one is given, else its waste
    class's."""
    if category in CATEGORY_HAZARD_CLASSES and waste_class == DEFAULT_WASTE_CLASS.get(category):
        return CATEGORY_HAZARD_CLASSES[category]
    return DEFAULT_HAZARD_CLASSES.get(waste_class, ())


# Sub-categories of electrical and electronic equipment (WEEE Directive Art. 3(1)(a)): phones,
# audio/video, memory, computers, household electricals, game consoles, machines and tools.
ELECTRICAL_CATEGORIES: frozenset[str] = frozenset({"6a", "6b", "7a", "7b", "7d", "7e", "9b", "12a"})


def is_electrical(category: str | None, waste_class: str, hazard_classes: Iterable[str]) -> bool:
    """Whether the goods are electrical (a WEEE route fits them): electronics, an electrical
    sub-category, or battery-powered (class 9: watches, light-up toys, cordless tools)."""
    return (
        waste_class == WasteClass.ELECTRONICS
        or category in ELECTRICAL_CATEGORIES
        or HazardClass.MISCELLANEOUS in hazard_classes
    )

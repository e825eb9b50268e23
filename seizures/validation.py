"""Input rules of a seizure and its lots, as pure functions returning field errors.

Shared by the services (one seizure from a page or the API) and the CSV intake (thousands of rows
checked before anything is written), so both refuse exactly the same things.
"""

import datetime
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django_countries import countries

from seizures.categories import (
    DEFAULT_WASTE_CLASS,
    HazardClass,
    ProductCategory,
    WasteClass,
    default_hazard_classes,
)
from seizures.models import (
    COUNTERFEIT_OR_PIRATED,
    ActionType,
    CustomsProcedure,
    IPRType,
    LegalRoute,
    RightHolder,
    StorageLocation,
    TrafficType,
    TransportMode,
)

Errors = dict[str, list[str]]

CURRENCY = re.compile(r"^[A-Z]{3}$")
# Choice values as sets, built once: the CSV intake checks tens of thousands of values.
HAZARD_CLASSES = frozenset(HazardClass.values)
CATEGORIES = frozenset(ProductCategory.values)
WASTE_CLASSES = frozenset(WasteClass.values)
CASE_CHOICES = {
    "legal_route": frozenset(LegalRoute.values),
    "transport_mode": frozenset(TransportMode.values),
    "ipr_type": frozenset(IPRType.values),
    "action_type": frozenset(ActionType.values),
    "traffic_type": frozenset(TrafficType.values),
    "customs_procedure": frozenset(CustomsProcedure.values),
}
COUNTRY_CHOICES = [(code, name) for code, name in countries]
COUNTRY_CODES = frozenset(code for code, _ in COUNTRY_CHOICES)

# Art. 26 (digest X-LB-03): a small consignment is a postal or express consignment of at most
# 3 units or under 2 kg gross.
SMALL_CONSIGNMENT_MAX_UNITS = 3
SMALL_CONSIGNMENT_MAX_KG = Decimal("2")
SMALL_CONSIGNMENT_MODES = frozenset({TransportMode.POSTAL, TransportMode.EXPRESS})


# Storage limits of the Lot columns.
MAX_ARTICLES = 2_000_000_000
MAX_WEIGHT_KG = Decimal("1000000000")
MAX_VALUE = Decimal("1000000000000")


def _fits(value: Decimal, limit: Decimal, decimals: int) -> bool:
    exponent = value.normalize().as_tuple().exponent
    return value < limit and isinstance(exponent, int) and exponent >= -decimals


@dataclass
class LotInput:
    """One goods line as entered; waste class and hazard classes default from the category."""

    category: str
    description: str
    articles: int
    gross_weight_kg: Decimal
    brand: str = ""
    waste_class: str | None = None
    retail_value: Decimal = Decimal("0")
    currency: str = "EUR"
    hazard_classes: Sequence[str] | None = None
    location: StorageLocation | None = None
    # Intake classification (models.INTAKE_FLAGS; digest PHA-S2, AUT-S2, X-WE-02).
    controlled_substances: bool = False
    cytotoxic: bool = False
    contains_asbestos: bool = False
    high_risk: bool = False
    # Condition at intake (models.CONDITION_FLAGS; X-CC-04: a damaged lot goes to quarantine).
    damaged: bool = False
    resolved_hazard_classes: list[str] = field(default_factory=list, init=False)

    def resolve(self) -> None:
        """Fill the defaults (digest D2 category -> waste class, B18 -> hazard classes)."""
        if not self.waste_class:
            self.waste_class = DEFAULT_WASTE_CLASS.get(self.category, "")
        if self.hazard_classes is None:
            self.resolved_hazard_classes = list(
                default_hazard_classes(self.category, self.waste_class)
            )
        else:
            self.resolved_hazard_classes = list(dict.fromkeys(self.hazard_classes))


def lot_errors(lot: LotInput) -> Errors:
    """Field errors of one lot (after `resolve`)."""
    errors: Errors = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if lot.category not in CATEGORIES:
        add("category", f"Unknown EU product category {lot.category!r} (e.g. 3a, 11, 12d).")
    errors.update(classification_errors(lot.waste_class, lot.resolved_hazard_classes))
    if not (lot.description or "").strip():
        add("description", "Describe the goods.")
    if lot.articles is None or lot.articles < 1:
        add("articles", "A lot holds at least one article.")
    elif lot.articles > MAX_ARTICLES:
        add("articles", f"At most {MAX_ARTICLES} articles per lot; split the lot.")
    if lot.gross_weight_kg is None or lot.gross_weight_kg <= 0:
        add("gross_weight_kg", "Enter the gross weight in kg (more than 0).")
    elif not _fits(lot.gross_weight_kg, MAX_WEIGHT_KG, 3):
        add("gross_weight_kg", f"Use at most 3 decimals and less than {MAX_WEIGHT_KG} kg.")
    if lot.retail_value is None or lot.retail_value < 0:
        add("retail_value", "The retail value cannot be negative.")
    elif not _fits(lot.retail_value, MAX_VALUE, 2):
        add("retail_value", f"Use at most 2 decimals and less than {MAX_VALUE}.")
    if not CURRENCY.match(lot.currency or ""):
        add("currency", "Use a three-letter ISO 4217 code such as EUR.")
    return errors


def classification_errors(waste_class: str | None, hazard_classes: Sequence[str]) -> Errors:
    """Field errors of a lot's classification codes, the same at intake and at a later
    reclassification."""
    errors: Errors = {}
    # Without a valid category there is no default waste class to complain about.
    if waste_class and waste_class not in WASTE_CLASSES:
        errors["waste_class"] = [f"Unknown waste class {waste_class!r}."]
    unknown = [c for c in hazard_classes if c not in HAZARD_CLASSES]
    if unknown:
        errors["hazard_classes"] = [f"Unknown UN hazard class: {', '.join(unknown)}."]
    return errors


# The case fields seizure_errors judges, as its keyword arguments: every caller passes these from
# its own source (a form, a CSV row, a saved seizure) with the lots' totals.
CASE_ARGUMENTS = (
    "detained_on",
    "notified_on",
    "legal_route",
    "transport_mode",
    "ipr_type",
    "action_type",
    "perishable",
    "right_holder",
    "traffic_type",
    "customs_procedure",
    "provenance_country",
)


def seizure_errors(
    *,
    detained_on: datetime.date,
    notified_on: datetime.date | None,
    legal_route: str,
    transport_mode: str,
    ipr_type: str,
    action_type: str,
    perishable: bool,
    right_holder: RightHolder | None,
    traffic_type: str,
    customs_procedure: str,
    provenance_country: str,
    total_articles: int,
    total_weight_kg: Decimal,
    today: datetime.date,
) -> Errors:
    """Field errors of a seizure's case data, given the totals of its lots."""
    errors: Errors = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    for name, value in (
        ("legal_route", legal_route),
        ("transport_mode", transport_mode),
        ("ipr_type", ipr_type),
        ("action_type", action_type),
        ("traffic_type", traffic_type),
        ("customs_procedure", customs_procedure),
    ):
        if value not in CASE_CHOICES[name]:
            add(
                name,
                f"Unknown value {value!r}; use one of: {', '.join(sorted(CASE_CHOICES[name]))}.",
            )
    if str(provenance_country or "") not in COUNTRY_CODES:
        add("provenance_country", "Use an ISO 3166-1 alpha-2 country code such as CN.")
    if not detained_on:
        add("detained_on", "Enter the detention date.")
    elif detained_on > today:
        add("detained_on", "The detention date cannot be in the future.")
    if notified_on:
        if notified_on > today:
            add("notified_on", "The notification date cannot be in the future.")
        if detained_on and notified_on < detained_on:
            add("notified_on", "Notification cannot come before the detention.")
    if action_type == ActionType.ON_APPLICATION and right_holder is None:
        add("right_holder", "Detention on application needs the right holder who applied.")
    if legal_route == LegalRoute.SMALL_CONSIGNMENT:
        _small_consignment_errors(
            add, transport_mode, ipr_type, perishable, right_holder, total_articles, total_weight_kg
        )
    return errors


def _small_consignment_errors(
    add, transport_mode, ipr_type, perishable, right_holder, total_articles, total_weight_kg
) -> None:
    """Digest X-LB-03 (Art. 26) and FOOD-S1: who may use the small-consignment procedure."""
    if perishable:
        add("legal_route", "Perishable goods cannot use the small-consignment procedure (Art. 26).")
    if transport_mode not in SMALL_CONSIGNMENT_MODES:
        add("legal_route", "Art. 26 applies to postal and express-courier consignments only.")
    if ipr_type not in COUNTERFEIT_OR_PIRATED:
        add("legal_route", "Art. 26 applies to suspected counterfeit or pirated goods only.")
    if right_holder is None or not right_holder.small_consignment_opt_in:
        add(
            "legal_route",
            "Art. 26 needs a right holder whose application opted in to the procedure.",
        )
    if total_articles > SMALL_CONSIGNMENT_MAX_UNITS and total_weight_kg >= SMALL_CONSIGNMENT_MAX_KG:
        add(
            "legal_route",
            f"A small consignment has at most {SMALL_CONSIGNMENT_MAX_UNITS} units or weighs under "
            f"{SMALL_CONSIGNMENT_MAX_KG} kg (this one: {total_articles} units, "
            f"{total_weight_kg} kg).",
        )

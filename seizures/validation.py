"""Input rules of a seizure and its lots, as pure functions returning field errors.

Shared by the services (one seizure from a page or the API) and the CSV intake (thousands of rows
checked before anything is written), so both refuse exactly the same things.
"""

import datetime
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.files.uploadedfile import UploadedFile
from django_countries import countries

from seizures.categories import (
    DEFAULT_WASTE_CLASS,
    HazardClass,
    ProductCategory,
    WasteClass,
    default_hazard_classes,
)
from seizures.deadlines import MAX_PROCEEDINGS_EXTENSION_DAYS, on_court_route
from seizures.models import (
    COUNTERFEIT_OR_PIRATED,
    ActionType,
    CustomsProcedure,
    IPRType,
    JudgmentOutcome,
    LegalRoute,
    RightHolder,
    StorageLocation,
    TrafficType,
    TransportMode,
)
from seizures.waste_codes import HP_CODES, default_code, lookup

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


# A date a person typed is plausible from this day up to a year ahead: 0001-01-01 or 9999-12-31 is
# a typing slip, and the far end overflows the working-day arithmetic of the deadlines.
EARLIEST_PLAUSIBLE_DATE = datetime.date(1990, 1, 1)
PLAUSIBLE_DAYS_AHEAD = 365
# Longest free text (notes, reasons) a page, the API or a service stores.
MAX_TEXT = 4000


def implausible_date(value: datetime.date | None, *, today: datetime.date) -> str | None:
    """The message for a date outside the plausible range, None when it is inside (or absent).
    The one check of forms, serializers, the CSV intake and the services."""
    if value is None:
        return None
    latest = today + datetime.timedelta(days=PLAUSIBLE_DAYS_AHEAD)
    if value < EARLIEST_PLAUSIBLE_DATE or value > latest:
        return (
            f"Enter a date between {EARLIEST_PLAUSIBLE_DATE.isoformat()} and {latest.isoformat()}."
        )
    return None


def date_range_errors(dates: dict[str, datetime.date | None], *, today: datetime.date) -> Errors:
    """Field errors of the implausible dates among `dates` (field name -> date)."""
    errors: Errors = {}
    for name, value in dates.items():
        message = implausible_date(value, today=today)
        if message:
            errors[name] = [message]
    return errors


def text_length_errors(texts: dict[str, str | None], *, limit: int = MAX_TEXT) -> Errors:
    """Field errors of the free texts longer than `limit` characters."""
    return {
        name: [f"Keep this under {limit:,} characters."]
        for name, value in texts.items()
        if value and len(value) > limit
    }


# Storage limits of the Lot columns.
MAX_ARTICLES = 2_000_000_000
MAX_WEIGHT_KG = Decimal("1000000000")
MAX_VALUE = Decimal("1000000000000")
MAX_DESCRIPTION = 300
MAX_BRAND = 120


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
    net_weight_kg: Decimal | None = None
    volume_l: Decimal | None = None
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
    # List of Waste code (None: the default of the goods) and why a chosen one differs from it.
    ewc_code: str | None = None
    ewc_reason: str = ""
    hp_properties: Sequence[str] = ()
    # Photos of the goods as found (checked and stored by the intake service).
    photos: Sequence[UploadedFile] = ()
    resolved_hazard_classes: list[str] = field(default_factory=list, init=False)
    default_ewc_code: str = field(default="", init=False)
    resolved_ewc_code: str = field(default="", init=False)

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
        self.default_ewc_code = default_code(
            category=self.category,
            waste_class=self.waste_class,
            hazard_classes=self.resolved_hazard_classes,
            cytotoxic=self.cytotoxic,
            contains_asbestos=self.contains_asbestos,
        )
        self.resolved_ewc_code = resolved_code(self.ewc_code, self.default_ewc_code)

    @property
    def recorded_ewc_reason(self) -> str:
        """The reason kept with the lot: only a code other than the default needs one."""
        return "" if self.resolved_ewc_code == self.default_ewc_code else self.ewc_reason.strip()


def lot_errors(lot: LotInput) -> Errors:
    """Field errors of one lot (after `resolve`)."""
    errors: Errors = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if lot.category not in CATEGORIES:
        add("category", f"Unknown EU product category {lot.category!r} (e.g. 3a, 11, 12d).")
    errors.update(classification_errors(lot.waste_class, lot.resolved_hazard_classes))
    errors.update(
        waste_code_errors(lot.ewc_code, lot.default_ewc_code, lot.ewc_reason, lot.hp_properties)
    )
    if not (lot.description or "").strip():
        add("description", "Describe the goods.")
    elif len(lot.description) > MAX_DESCRIPTION:
        add("description", f"Keep the description under {MAX_DESCRIPTION} characters.")
    if len(lot.brand or "") > MAX_BRAND:
        add("brand", f"Keep the brand under {MAX_BRAND} characters.")
    if lot.articles is None or lot.articles < 1:
        add("articles", "A lot holds at least one article.")
    elif lot.articles > MAX_ARTICLES:
        add("articles", f"At most {MAX_ARTICLES} articles per lot; split the lot.")
    if lot.gross_weight_kg is None or lot.gross_weight_kg <= 0:
        add("gross_weight_kg", "Enter the gross weight in kg (more than 0).")
    elif not _fits(lot.gross_weight_kg, MAX_WEIGHT_KG, 3):
        add("gross_weight_kg", f"Use at most 3 decimals and less than {MAX_WEIGHT_KG} kg.")
    errors.update(measure_errors(lot.net_weight_kg, lot.volume_l, lot.gross_weight_kg))
    if lot.retail_value is None or lot.retail_value < 0:
        add("retail_value", "The retail value cannot be negative.")
    elif not _fits(lot.retail_value, MAX_VALUE, 2):
        add("retail_value", f"Use at most 2 decimals and less than {MAX_VALUE}.")
    if not CURRENCY.match(lot.currency or ""):
        add("currency", "Use a three-letter ISO 4217 code such as EUR.")
    return errors


def measure_errors(
    net_weight_kg: Decimal | None, volume_l: Decimal | None, gross_weight_kg: Decimal | None
) -> Errors:
    """The optional measures of a lot: within bounds, and the net weight not above the gross."""
    errors: Errors = {}
    for name, value, unit in (("net_weight_kg", net_weight_kg, "kg"), ("volume_l", volume_l, "l")):
        if value is None:
            continue
        if value < 0 or not _fits(value, MAX_WEIGHT_KG, 3):
            errors[name] = [
                f"Use a positive number, at most 3 decimals, under {MAX_WEIGHT_KG} {unit}."
            ]
    if (
        "net_weight_kg" not in errors
        and net_weight_kg is not None
        and gross_weight_kg is not None
        and net_weight_kg > gross_weight_kg
    ):
        errors["net_weight_kg"] = [
            f"The net weight exceeds the gross weight ({gross_weight_kg} kg)."
        ]
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


def resolved_code(ewc_code: str | None, default: str) -> str:
    """The canonical form of a chosen code, the default when none is chosen, "" if unknown."""
    if not (ewc_code or "").strip():
        return default
    entry = lookup(ewc_code)
    return entry.code if entry is not None else ""


def waste_code_errors(
    ewc_code: str | None, default: str, reason: str, hp_properties: Sequence[str]
) -> Errors:
    """Field errors of a lot's List of Waste code, the same at intake, in the API and at a
    reclassification: a known code, and a reason when it is not the default of the goods."""
    errors: Errors = {}
    code = resolved_code(ewc_code, default)
    if not code:
        errors["ewc_code"] = [
            f"{str(ewc_code).strip()!r} is not a code of the EU List of Waste (e.g. 16 03 05*)."
        ]
    elif code != default and not (reason or "").strip():
        errors["ewc_reason"] = [
            f"The default code for these goods is {default}; give the reason for {code}."
        ]
    if isinstance(hp_properties, str) or not isinstance(hp_properties, Sequence):
        errors["hp_properties"] = ["List the hazardous properties, e.g. HP3, HP14."]
    else:
        unknown = [str(hp) for hp in hp_properties if hp not in HP_CODES]
        if unknown:
            errors["hp_properties"] = [
                f"Unknown hazardous property: {', '.join(unknown)} (HP1 to HP15)."
            ]
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
    # A date long past (0001-01-01) is no case either; the future is refused above already.
    for name, messages in date_range_errors(
        {"detained_on": detained_on, "notified_on": notified_on}, today=today
    ).items():
        errors.setdefault(name, messages)
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


# The fields of the court route (Art. 23(3)-(5)), recorded on the seizure.
COURT_FIELDS = (
    "court_name",
    "court_reference",
    "proceedings_started_on",
    "proceedings_extension_days",
    "proceedings_extension_reason",
    "judgment_on",
    "judgment_outcome",
    "judgment_final_since",
    "appeal_until",
)
_JUDGMENT_FIELDS = ("judgment_on", "judgment_outcome", "judgment_final_since", "appeal_until")


def court_case_errors(
    *,
    legal_route: str,
    declarant_objected: bool,
    perishable: bool,
    detained_on: datetime.date,
    court_name: str,
    court_reference: str,
    proceedings_started_on: datetime.date | None,
    proceedings_extension_days: int,
    proceedings_extension_reason: str,
    judgment_on: datetime.date | None,
    judgment_outcome: str,
    judgment_final_since: datetime.date | None,
    appeal_until: datetime.date | None,
    today: datetime.date,
) -> Errors:
    """Field errors of the proceedings and judgment: plausible dates in their order (detention,
    proceedings started, judgment, final), the extension of Art. 23(4), a judgment only in
    proceedings. A court reference alone (recorded before proceedings were tracked) is kept."""
    errors: Errors = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    judgment_given = any((judgment_on, judgment_outcome, judgment_final_since, appeal_until))
    recorded = proceedings_started_on or proceedings_extension_days or judgment_given
    if recorded and not on_court_route(legal_route, declarant_objected=declarant_objected):
        add(
            "legal_route",
            "Court proceedings are recorded on the court route only: choose it, or record that "
            "the declarant objected.",
        )
    if proceedings_started_on:
        if not (court_name or "").strip():
            add("court_name", "Name the court where the proceedings were started.")
        if not (court_reference or "").strip():
            add("court_reference", "Enter the reference of the proceedings.")
        if proceedings_started_on > today:
            add("proceedings_started_on", "The proceedings cannot start in the future.")
        elif detained_on and proceedings_started_on < detained_on:
            add("proceedings_started_on", "Proceedings cannot start before the detention.")
    if not 0 <= (proceedings_extension_days or 0) <= MAX_PROCEEDINGS_EXTENSION_DAYS:
        add(
            "proceedings_extension_days",
            f"The period may be extended by at most {MAX_PROCEEDINGS_EXTENSION_DAYS} working "
            "days (Art. 23(4)).",
        )
    elif proceedings_extension_days:
        if perishable:
            add(
                "proceedings_extension_days",
                "The period for perishable goods cannot be extended (Art. 23(4)).",
            )
        if not (proceedings_extension_reason or "").strip():
            add("proceedings_extension_reason", "Record why and by whom the period was extended.")
    if judgment_given:
        _judgment_errors(
            add,
            proceedings_started_on,
            judgment_on,
            judgment_outcome,
            judgment_final_since,
            appeal_until,
            today,
        )
    return errors


def _judgment_errors(
    add, started_on, judgment_on, outcome, final_since, appeal_until, today
) -> None:
    if not started_on:
        add("proceedings_started_on", "A judgment ends proceedings: enter when they started.")
    if outcome not in JudgmentOutcome.values:
        add(
            "judgment_outcome",
            f"Choose the outcome: {', '.join(JudgmentOutcome.values)}.",
        )
    if not judgment_on:
        add("judgment_on", "Enter the date of the judgment.")
        return
    if judgment_on > today:
        add("judgment_on", "The judgment date cannot be in the future.")
    if started_on and judgment_on < started_on:
        add("judgment_on", "The judgment cannot come before the proceedings started.")
    if final_since:
        if final_since < judgment_on:
            add("judgment_final_since", "A judgment cannot be final before it was given.")
        if final_since > today:
            add(
                "judgment_final_since",
                "Record the day the judgment became final once it has; until then leave it empty.",
            )
    if appeal_until and appeal_until < judgment_on:
        add("appeal_until", "The appeal window cannot end before the judgment.")

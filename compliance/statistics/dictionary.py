"""The data dictionary of the annual statistics: every measure, every breakdown, every field of the
exports and the definitions behind them (digest D1, D2, D4). Published with the JSON export and
printed in the XLSX and PDF, so a reader of a file knows exactly what each figure counts."""

from dataclasses import dataclass

from django.db import models


class Section(models.TextChoices):
    ENFORCEMENT = "enforcement", "Enforcement (by detention date)"
    ENVIRONMENT = "environment", "Environment (by execution date)"
    COSTS = "costs", "Costs (by date incurred)"


class Outcome(models.TextChoices):
    """Result of the detention (digest D1 item 8), derived from legal route and lot status."""

    DESTROYED_STANDARD = "destroyed_standard", "Destroyed, standard procedure (Art. 23)"
    DESTROYED_SMALL_CONSIGNMENT = (
        "destroyed_small_consignment",
        "Destroyed, small-consignment procedure (Art. 26)",
    )
    COURT = "court", "Court case initiated"
    DESTROYED_ABANDONMENT = "destroyed_abandonment", "Destroyed after abandonment (other)"
    RELEASED = "released", "Released"
    PENDING = "pending", "Pending (still under customs control)"


@dataclass(frozen=True)
class Measure:
    key: str
    label: str
    unit: str
    description: str
    # A count or a sum of one unit: the rows of a breakdown can add up to the total. Not: a
    # ratio, an average, a rate or amounts in different currencies.
    summable: bool = True
    # Counts seizures, not lots: a breakdown by a lot attribute counts a seizure once in every
    # row where it has a lot, so there its rows may add up to more than the total.
    per_seizure: bool = False

    @property
    def additive(self) -> bool:
        """Whether the rows of every breakdown that has the measure add up to its total."""
        return self.summable and all(
            b.additive(self.key) for b in BREAKDOWNS.values() if self.key in b.measures
        )


MEASURES: dict[str, Measure] = {
    m.key: m
    for m in (
        Measure(
            "cases",
            "Cases",
            "count",
            "Seizures (interceptions by customs) detained in the year that have at least one "
            "lot. In breakdowns by a lot attribute (category, sub-category, outcome, currency) a "
            "case counts once in every row where it has a lot, so those rows may sum to more than "
            "the total.",
            per_seizure=True,
        ),
        Measure(
            "lots",
            "Lots",
            "count",
            "Goods lines detained in the year. Samples are not counted: they were taken out of a "
            "lot that is counted already.",
        ),
        Measure(
            "articles",
            "Articles",
            "count",
            "Articles detained (each lot's seized articles at detention). Samples are not "
            "counted: their articles are part of their parent lot's seized articles.",
        ),
        Measure(
            "retail_value",
            "Retail value (reporting currency)",
            "reporting currency",
            "Estimated domestic retail value of equivalent genuine goods, converted to the "
            "reporting currency with the rate table of the year. Lots and samples both count: a "
            "sample carries the share of value taken out of its parent lot. Values in a currency "
            "without a rate for the year are left out of this figure and listed as unconverted.",
        ),
        Measure(
            "retail_value_original",
            "Retail value (original currency)",
            "the row's currency",
            "Estimated retail value in the currency it was recorded in (currency breakdown). "
            "Amounts in different currencies do not add up.",
            summable=False,
        ),
        Measure(
            "rate",
            "Exchange rate",
            "reporting-currency units per unit",
            "The rate of the year used for the conversion; empty when the rate table has none.",
            summable=False,
        ),
        Measure(
            "unconverted_lots",
            "Lots with unconverted value",
            "count",
            "Lots whose currency has no rate for the year: their value is not in the converted "
            "retail value (see the currency breakdown and 'unconverted').",
        ),
        Measure(
            "orders",
            "Destruction orders executed",
            "count",
            "Destruction orders whose destruction record ended in the year.",
        ),
        Measure(
            "lots_destroyed",
            "Lots destroyed",
            "count",
            "Lots (samples included: each is destroyed as its own lot) on an active line of an "
            "order whose destruction ended in the year.",
        ),
        Measure(
            "articles_destroyed",
            "Articles destroyed",
            "count",
            "Articles in the destroyed lots when they were destroyed.",
        ),
        Measure(
            "kg_destroyed",
            "Kg destroyed",
            "kg",
            "Mass handed over for destruction: the line's dispatch weight, else the lot's gross "
            "weight. Method is the actual method recorded, else the planned one.",
        ),
        Measure(
            "hazardous_kg",
            "Hazardous kg destroyed",
            "kg",
            "Kg destroyed of hazardous waste: lots whose EU List of Waste code carries an "
            "asterisk or with a recorded hazardous property HP1-HP15 (WFD Art. 3(2), Annex III); "
            "a UN transport class alone does not make waste hazardous.",
        ),
        Measure(
            "hazardous_share",
            "Hazardous share",
            "ratio 0-1",
            "Hazardous kg destroyed over kg destroyed.",
            summable=False,
        ),
        Measure(
            "output_kg",
            "Output kg",
            "kg",
            "Treated mass reported by the facilities as output fractions of the destructions "
            "ended in the year (digest X-QM-02). It can differ from kg destroyed by the mass "
            "balance tolerance.",
        ),
        Measure(
            "recovered_kg",
            "Recovered kg",
            "kg",
            "Output kg routed to recycling or energy recovery.",
        ),
        Measure(
            "recovery_rate",
            "Recovery rate",
            "ratio 0-1",
            "(Recycled + energy recovery) over all output kg.",
            summable=False,
        ),
        Measure(
            "hazardous_residue_kg",
            "Hazardous residue kg",
            "kg",
            "Output kg routed to hazardous residue treatment.",
        ),
        Measure(
            "hazardous_residue_share",
            "Hazardous residue share",
            "ratio 0-1",
            "Hazardous residue kg over all output kg.",
            summable=False,
        ),
        Measure(
            "certificates_issued",
            "Certificates issued",
            "count",
            "Certificates of destruction issued in the year (whatever their status today).",
        ),
        Measure(
            "certificates_revoked",
            "Certificates revoked",
            "count",
            "Certificates revoked in the year.",
        ),
        Measure(
            "certificates_flagged",
            "Certificates flagged",
            "count",
            "Auditor reviews with decision 'flagged' taken in the year.",
        ),
        Measure(
            "days_to_destruction_mean",
            "Days detention to destruction (mean)",
            "days",
            "Mean calendar days from the seizure's detention date to the day the destruction "
            "ended, over the lots destroyed in the year.",
            summable=False,
        ),
        Measure(
            "days_to_destruction_p90",
            "Days detention to destruction (90th percentile)",
            "days",
            "90th percentile (continuous, linear interpolation) of the same days.",
            summable=False,
        ),
        Measure(
            "lots_in_storage_at_year_end",
            "Lots in storage at year end",
            "count",
            "Lots (not samples) detained on or before 31 December and not yet destroyed or "
            "released by the end of that day: still in storage, on hold, allocated or in "
            "transit.",
        ),
        Measure(
            "kg_in_storage_at_year_end",
            "Kg in storage at year end",
            "kg",
            "Gross weight today of the lots counted as in storage at year end and of the "
            "samples (on the same terms) still in storage: a sample's kg were taken off its "
            "parent lot, so they count on their own.",
        ),
        Measure(
            "costs",
            "Costs (reporting currency)",
            "reporting currency",
            "Storage, handling, transport and destruction costs accrued in the year (the cost "
            "ledger's entries), converted to the reporting currency with the rate table of the "
            "year. Entries in a currency without a rate for the year are left out of this figure "
            "and counted as unconverted cost entries.",
        ),
        Measure(
            "cost_entries",
            "Cost entries",
            "count",
            "Entries of the cost ledger accrued in the year: one per lot and kind of cost.",
        ),
        Measure(
            "unconverted_cost_entries",
            "Cost entries with unconverted amount",
            "count",
            "Cost entries whose currency has no rate for the year: their amount is not in the "
            "converted costs (see the breakdown of costs by currency).",
        ),
        Measure(
            "costs_original",
            "Costs (original currency)",
            "the row's currency",
            "Costs in the currency of their tariff (breakdown of costs by currency). Amounts in "
            "different currencies do not add up.",
            summable=False,
        ),
    )
}

ENFORCEMENT_MEASURES = ("cases", "lots", "articles", "retail_value")
METHOD_MEASURES = ("lots_destroyed", "articles_destroyed", "kg_destroyed")
OUTPUT_MEASURES = ("output_kg",)
MONTH_MEASURES = ("output_kg", "recovered_kg", "recovery_rate")
COST_MEASURES = ("costs", "cost_entries")

TOTALS: dict[str, tuple[str, ...]] = {
    Section.ENFORCEMENT: (*ENFORCEMENT_MEASURES, "unconverted_lots"),
    Section.ENVIRONMENT: (
        "orders",
        "lots_destroyed",
        "articles_destroyed",
        "kg_destroyed",
        "hazardous_kg",
        "hazardous_share",
        "output_kg",
        "recovered_kg",
        "recovery_rate",
        "hazardous_residue_kg",
        "hazardous_residue_share",
        "certificates_issued",
        "certificates_revoked",
        "certificates_flagged",
        "days_to_destruction_mean",
        "days_to_destruction_p90",
        "lots_in_storage_at_year_end",
        "kg_in_storage_at_year_end",
    ),
    Section.COSTS: (*COST_MEASURES, "unconverted_cost_entries"),
}


@dataclass(frozen=True)
class BreakdownInfo:
    key: str
    label: str
    section: str
    measures: tuple[str, ...]
    description: str
    # A lot attribute: a seizure with lots in several rows counts in each (see per_seizure).
    by_lot: bool = False

    def additive(self, measure: str) -> bool:
        """Whether the rows of this breakdown add up to the measure's total."""
        info = MEASURES[measure]
        return info.summable and not (self.by_lot and info.per_seizure)

    def not_additive(self) -> list[str]:
        return [m for m in self.measures if not self.additive(m)]


BREAKDOWNS: dict[str, BreakdownInfo] = {
    b.key: b
    for b in (
        BreakdownInfo(
            "office",
            "Customs office",
            Section.ENFORCEMENT,
            ENFORCEMENT_MEASURES,
            "Office that detained the goods (the Member State dimension of digest D1, one level "
            "down).",
        ),
        BreakdownInfo(
            "category",
            "Product category",
            Section.ENFORCEMENT,
            ENFORCEMENT_MEASURES,
            "EU main product category (digest D2, 1 to 12).",
            by_lot=True,
        ),
        BreakdownInfo(
            "subcategory",
            "Product sub-category",
            Section.ENFORCEMENT,
            ENFORCEMENT_MEASURES,
            "EU product sub-category (digest D2, e.g. 3a).",
            by_lot=True,
        ),
        BreakdownInfo(
            "provenance_country",
            "Country of provenance",
            Section.ENFORCEMENT,
            ENFORCEMENT_MEASURES,
            "Country the goods were sent from, ISO 3166-1 alpha-2 (not necessarily origin).",
        ),
        BreakdownInfo(
            "transport_mode",
            "Means of transport",
            Section.ENFORCEMENT,
            ENFORCEMENT_MEASURES,
            "Postal, express courier, air, sea, road, rail, inland waterway, other.",
        ),
        BreakdownInfo(
            "traffic_type",
            "Freight or passenger",
            Section.ENFORCEMENT,
            ENFORCEMENT_MEASURES,
            "Freight or passenger traffic.",
        ),
        BreakdownInfo(
            "ipr_type",
            "Type of IP right",
            Section.ENFORCEMENT,
            ENFORCEMENT_MEASURES,
            "Right invoked (Reg. 608/2013 Art. 2(1)).",
        ),
        BreakdownInfo(
            "customs_procedure",
            "Customs procedure",
            Section.ENFORCEMENT,
            ENFORCEMENT_MEASURES,
            "Customs procedure or situation when detained.",
        ),
        BreakdownInfo(
            "action_type",
            "Type of action",
            Section.ENFORCEMENT,
            ENFORCEMENT_MEASURES,
            "On application or ex officio.",
        ),
        BreakdownInfo(
            "legal_route",
            "Legal route",
            Section.ENFORCEMENT,
            ENFORCEMENT_MEASURES,
            "Procedure followed: standard (Art. 23), small consignment (Art. 26), court, "
            "abandonment.",
        ),
        BreakdownInfo(
            "outcome",
            "Outcome",
            Section.ENFORCEMENT,
            ENFORCEMENT_MEASURES,
            "Result of the detention, from the lot's status today (a sample follows its parent "
            "lot) and the seizure's legal route: released if released; else court if the route "
            "is court; else destroyed under the route's procedure if destroyed; else pending.",
            by_lot=True,
        ),
        BreakdownInfo(
            "currency",
            "Currency of the retail value",
            Section.ENFORCEMENT,
            (*ENFORCEMENT_MEASURES, "retail_value_original", "rate"),
            "Retail value per currency as recorded, the rate used and the converted value. A row "
            "with an empty rate is unconverted.",
            by_lot=True,
        ),
        BreakdownInfo(
            "method",
            "Destruction method",
            Section.ENVIRONMENT,
            METHOD_MEASURES,
            "Disposal method (digest B0): the actual method recorded, else the planned one.",
        ),
        BreakdownInfo(
            "hierarchy_rank",
            "Waste-hierarchy rank",
            Section.ENVIRONMENT,
            METHOD_MEASURES,
            "Rank of the method in the waste hierarchy (WFD Art. 4; 2 re-use .. 5 disposal, 9 "
            "forbidden).",
        ),
        BreakdownInfo(
            "ewc_chapter",
            "EWC chapter",
            Section.ENVIRONMENT,
            METHOD_MEASURES,
            "Chapter of the lot's European List of Waste code (Decision 2000/532/EC; the code's "
            "first two digits, e.g. 16 wastes not otherwise specified, 20 municipal wastes).",
        ),
        BreakdownInfo(
            "hazardous_waste",
            "Hazardous or non-hazardous",
            Section.ENVIRONMENT,
            METHOD_MEASURES,
            "Hazardous waste (EWC code with an asterisk or a recorded HP property) and "
            "non-hazardous waste.",
        ),
        BreakdownInfo(
            "output_route",
            "Output route",
            Section.ENVIRONMENT,
            OUTPUT_MEASURES,
            "Where the treated mass went: recycled, energy recovery, incinerated, landfilled, "
            "hazardous residue.",
        ),
        BreakdownInfo(
            "month",
            "Month of destruction",
            Section.ENVIRONMENT,
            MONTH_MEASURES,
            "Month (1-12) in which the destruction ended; recovery rate per month.",
        ),
        BreakdownInfo(
            "cost_method",
            "Costs by destruction method",
            Section.COSTS,
            COST_MEASURES,
            "Every cost of a destroyed lot (its storage, handling, transport and destruction) "
            "under the method that destroyed it: the actual method recorded, else the planned "
            "one. The costs of released lots have no method.",
        ),
        BreakdownInfo(
            "cost_office",
            "Costs by customs office",
            Section.COSTS,
            COST_MEASURES,
            "Office of the lot that accrued the cost (the office that detained it).",
        ),
        BreakdownInfo(
            "payer",
            "Costs by payer",
            Section.COSTS,
            COST_MEASURES,
            "Who pays (Reg. 608/2013 Art. 29): the right holder, the declarant or owner, or the "
            "customs administration.",
        ),
        BreakdownInfo(
            "cost_kind",
            "Costs by kind",
            Section.COSTS,
            COST_MEASURES,
            "Storage (per day by zone type), handling (per event), transport and destruction "
            "(per kg or flat per order).",
        ),
        BreakdownInfo(
            "cost_currency",
            "Costs by currency",
            Section.COSTS,
            (*COST_MEASURES, "costs_original", "rate"),
            "Costs per currency of their tariff, the rate used and the converted costs. A row "
            "with an empty rate is unconverted.",
        ),
    )
}

DEFINITIONS: dict[str, str] = {
    "enforcement_scope": (
        "Enforcement figures count the seizures whose detention date falls in the year, and "
        "their lots; with an office, only that office's seizures."
    ),
    "environment_scope": (
        "Environment figures count the destructions whose record ended in the year (local time "
        "zone), on active order lines; with an office, only that office's destruction orders. "
        "Certificates count by issue, revocation or review date; storage at year end by the "
        "detaining office."
    ),
    "samples": (
        "A sample is a lot taken out of a parent lot. It is not counted as a lot or in articles "
        "detained (its parent counts them) but its value and mass are its own."
    ),
    "cost_scope": (
        "Cost figures count the cost ledger's entries incurred in the year: a lot's costs are "
        "accrued on the day it leaves storage (the dispatch day of the order that destroys it, "
        "or the day it is released). With an office, only that office's lots."
    ),
    "currency_conversion": (
        "Values are converted with the rate table of the year (reporting-currency units per "
        "unit); the reporting currency converts at 1. A currency without a rate is not guessed: "
        "its value stays out of the converted figures and is listed under 'unconverted'."
    ),
    "year_on_year": (
        "Each figure is given with the previous year's figure, the change (figure - previous) "
        "and the change in percent of the previous figure (empty when the previous figure is 0)."
    ),
}

# Every field of the JSON export.
FIELDS: dict[str, str] = {
    "year": "The year reported.",
    "previous_year": "The year compared with (year - 1).",
    "office": "The office reported ({code, name}), or null for all offices.",
    "reporting_currency": "Currency of the converted values.",
    "generated_at": "When the figures were computed (ISO 8601); for a closed year, when it was "
    "closed.",
    "edition": (
        "Only for a closed year: the frozen edition served, {number, closed_at, closed_by, "
        "rulebook_version, reason}; its SHA-256 is sent in the ETag header."
    ),
    "exchange_rates": "Rates of the year used for conversion: [{currency, rate}].",
    "totals": "Overall figures per section: {section: {measure: comparison}}.",
    "breakdowns": (
        "Figures per dimension value: {breakdown: [{value, label, measure: comparison, ...}]}. "
        "The rows of a measure sum to the section total only where the data dictionary's "
        "breakdown.additive says so: ratios, averages, rates and amounts in different "
        "currencies never add up, and cases do not in a breakdown by a lot attribute "
        "(category, sub-category, outcome, currency), where a case counts in every row where it "
        "has a lot."
    ),
    "unconverted": "Currencies without a rate for the year: [{currency, retail_value, lots}].",
    "comparison.figure": "The figure of the year.",
    "comparison.previous": "The same figure for the previous year.",
    "comparison.change": "figure - previous.",
    "comparison.change_percent": "change / previous x 100, rounded to 0.1; null if previous is 0.",
    "row.value": "The dimension's code (as stored, e.g. 'air', 'CN', '3a').",
    "row.label": "The human-readable name of the value.",
    "measure.additive": (
        "Data dictionary: true if the rows of every breakdown that has the measure sum to its "
        "total."
    ),
    "breakdown.additive": (
        "Data dictionary: {measure: true if the rows of this breakdown sum to the measure's total}."
    ),
    "data_dictionary": "This dictionary.",
}


def data_dictionary() -> dict:
    return {
        "fields": FIELDS,
        "definitions": DEFINITIONS,
        "sections": {key: label for key, label in Section.choices},
        "measures": {
            m.key: {
                "label": m.label,
                "unit": m.unit,
                "additive": m.additive,
                "description": m.description,
            }
            for m in MEASURES.values()
        },
        "breakdowns": {
            b.key: {
                "label": b.label,
                "section": b.section,
                "measures": list(b.measures),
                "additive": {m: b.additive(m) for m in b.measures},
                "description": b.description,
            }
            for b in BREAKDOWNS.values()
        },
        "totals": {section: list(keys) for section, keys in TOTALS.items()},
        "outcomes": dict(Outcome.choices),
    }

"""The fact vocabulary of the compliance rulebook and pure helpers that derive facts.

A *fact* is a named, typed value the rules read (``temperature_c``, ``witnesses``, ...). The
rulebook may only name facts declared here, so a typo in a rule fails at load time. Each fact says
from which stage it is normally known: a fact that is still missing at an earlier stage (the
incineration temperature while an order is being prepared) is reported as information, not as a
breach.

Callers build plain ``dict[str, object]`` facts: the what-if endpoint with :func:`what_if_facts`,
the order and record checks by mapping their objects to the same names and adding
:func:`method_facts`, :func:`permit_facts` and :func:`mass_facts`. Nothing here touches the ORM.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Final, Protocol

from destruction.methods import METHODS
from seizures.categories import is_electrical
from seizures.waste_codes import default_code, is_hazardous_waste

# Stages in the order the facts become known; a rule's ``applies_to`` names one or more.
STAGES: Final[tuple[str, ...]] = ("storage", "order", "record", "certificate")
STAGE_ORDER: Final[dict[str, int]] = {stage: index for index, stage in enumerate(STAGES)}

# Fact types: what a value must be, and which operators make sense on it.
FACT_TYPES: Final[tuple[str, ...]] = ("str", "int", "number", "bool", "date", "strings")

# Storage zone types: the values of seizures.models.ZoneType, which cannot be imported before the
# app registry is ready (the rulebook loads without Django); a test keeps the two in step.
ZONE_TYPES: Final[frozenset[str]] = frozenset(
    {"non_hazardous", "hazardous", "fire_separated", "high_security", "temperature_controlled"}
    | {"quarantine"}
)

# Who pays an order's costs and the kinds of cost: the values of destruction.costs.models.Payer
# and CostKind, which cannot be imported before the app registry is ready either.
PAYERS: Final[frozenset[str]] = frozenset({"right_holder", "declarant", "administration"})
COST_KINDS: Final[frozenset[str]] = frozenset({"storage", "handling", "transport", "destruction"})

NO_DEFAULT: Final = object()


@dataclass(frozen=True)
class Fact:
    """One named input of the rules. ``default`` is used when the fact is absent; flags whose
    absence means "no" have one, everything else is reported as not recorded."""

    name: str
    type: str
    known_from: str
    label: str
    meaning: str
    default: Any = NO_DEFAULT

    @property
    def has_default(self) -> bool:
        return self.default is not NO_DEFAULT


# One fact per entry, kept compact: name, type, known from, label, meaning[, default].
# fmt: off
_VOCABULARY: tuple[Fact, ...] = (
    # --- the goods (lot) -------------------------------------------------------------------
    Fact("waste_class", "str", "storage", "Waste class", "Rulebook goods category (WasteClass)."),
    Fact("hazard_classes", "strings", "storage", "Hazard classes", "UN hazard classes."),
    Fact("ewc_code", "str", "storage", "EWC code",
         "EU List of Waste code of the goods, e.g. 16 03 05* (seizures.waste_codes)."),
    Fact("hazardous_waste", "bool", "storage", "Hazardous waste",
         "Hazardous as waste: the EWC code has an asterisk or an HP property is recorded "
         "(WFD Art. 3(2), Annex III); not the same as having a UN transport class."),
    Fact("perishable", "bool", "storage", "Perishable", "Goods are perishable.", False),
    Fact("damaged", "bool", "storage", "Damaged", "Damaged, swollen or leaking items.", False),
    Fact("high_risk", "bool", "storage", "High risk", "Lot flagged high-risk (C4).", False),
    Fact("controlled_substances", "bool", "storage", "Controlled substances",
         "Contains narcotics or psychotropics.", False),
    Fact("cytotoxic", "bool", "storage", "Cytotoxic", "Antineoplastic/cytotoxic drugs.", False),
    Fact("asbestos", "bool", "storage", "Asbestos", "Suspected asbestos (friction parts).", False),
    Fact("electrical", "bool", "storage", "Electrical",
         "Electrical or electronic equipment, battery-powered included (WEEE Art. 3(1)(a))."),
    Fact("animal_origin", "bool", "storage", "Animal origin",
         "Food products of animal origin (Category 2 animal by-products when non-compliant)."),
    Fact("methanol_contaminated", "bool", "order", "Methanol contaminated",
         "Lab analysis found methanol in the spirits (hazardous waste)."),
    Fact("pops_present", "bool", "order", "POPs present",
         "Lab analysis found POP-listed substances (Stockholm Convention).", False),
    Fact("lab_analysis_done", "bool", "order", "Lab analysis",
         "Active substances identified by lab analysis."),
    Fact("design_infringes", "bool", "order", "Design infringes",
         "The design itself infringes, so de-branding cannot make it lawful.", False),
    Fact("safety_test_failed", "bool", "order", "Safety test failed",
         "Goods failed a safety test (flammability, lead, phthalates).", False),
    Fact("declaration_reference", "str", "storage", "Declaration reference",
         "Customs declaration or consignment number the lot links back to."),
    # --- storage placement -------------------------------------------------------------------
    Fact("zone_type", "str", "storage", "Zone type", "ZoneType of the storage location."),
    Fact("location_hazard_classes", "strings", "storage", "Location hazard classes",
         "UN hazard classes the storage location accepts."),
    Fact("co_located_waste_classes", "strings", "storage", "Co-located waste classes",
         "Waste classes of the other lots at the same location.", ()),
    Fact("days_in_storage", "int", "storage", "Days in storage", "Days since first stored."),
    Fact("days_as_waste", "int", "storage", "Days as waste",
         "Days since the lot became waste: the destruction decision, the day its legal basis "
         "completed (X-CC-05 c); not recorded while it is not waste."),
    Fact("recovery_planned", "bool", "storage", "Recovery planned",
         "An active destruction order line plans a recovery (R) method for the lot.", False),
    Fact("days_since_stocktake", "int", "storage", "Days since stocktake",
         "Days since the location was last counted."),
    # --- the destruction order ---------------------------------------------------------------
    Fact("method", "str", "order", "Method", "Disposal method code (destruction.methods)."),
    Fact("on_date", "date", "order", "Destruction date", "Planned or actual destruction date."),
    Fact("method_operations", "strings", "order", "Method operations",
         "R/D operation codes a permit needs for the method (empty: no permit needed)."),
    Fact("method_permitted", "bool", "order", "Method permitted",
         "The rulebook permits the method for the waste class (M rules)."),
    Fact("better_permitted_methods", "strings", "order", "Better-ranked permitted methods",
         "Methods permitted for the waste class that rank higher in the waste hierarchy."),
    Fact("justification", "str", "order", "Justification",
         "Why a lower waste-hierarchy method was chosen (X-MF-02).", ""),
    Fact("legal_basis", "str", "order", "Legal basis", "LegalBasis of the destruction."),
    Fact("legal_basis_completed_on", "date", "order", "Legal basis completed on",
         "Date the legal basis became final; None while decisions are pending."),
    Fact("right_holder_confirmed", "bool", "order", "Right holder confirmed",
         "Written right-holder confirmation of infringement and agreement to destruction."),
    Fact("right_holder_reply_working_days", "int", "order", "Right-holder reply (working days)",
         "Working days from notification to the right holder's written reply."),
    Fact("declarant_agreement", "str", "order", "Declarant agreement",
         "written, deemed (no objection by the deadline) or objected."),
    Fact("court_reference", "str", "order", "Court reference",
         "Reference of proceedings started after the declarant objected.", ""),
    Fact("proceedings_started_on", "date", "order", "Proceedings started on",
         "Day the right holder started court proceedings (Art. 23(3))."),
    Fact("proceedings_due_on", "date", "order", "Proceedings due by",
         "Last day to start proceedings: 10 working days from notification (3 if perishable), "
         "plus any extension of up to 10 (Art. 23(3)-(4))."),
    Fact("counterfeit_or_pirated", "bool", "order", "Counterfeit or pirated",
         "Goods suspected of being counterfeit or pirated (not other IPR types)."),
    Fact("art26_opted_in", "bool", "order", "Art. 26 opted in",
         "The application is granted and opted in to the small-consignment procedure."),
    Fact("postal_or_express", "bool", "order", "Postal or express",
         "Consignment came by postal or express courier."),
    Fact("consignment_units", "int", "order", "Consignment units", "Units in the consignment."),
    Fact("consignment_gross_kg", "number", "order", "Consignment gross mass (kg)",
         "Gross mass of the consignment."),
    Fact("declarant_notified_working_days", "int", "order", "Declarant notified (working days)",
         "Working days from detention to notifying the declarant."),
    Fact("application_reference", "str", "order", "Application reference",
         "Right-holder application (national or Union) reference."),
    Fact("right_holder_notified", "bool", "order", "Right holder notified",
         "Right holder notified of the detention with quantity and nature of the goods."),
    Fact("right_holder_consent", "bool", "order", "Right-holder consent",
         "Written right-holder agreement to a non-destructive route (donation, reuse)."),
    Fact("customs_decision_recorded", "bool", "order", "Customs decision",
         "Customs decision with conditions for a non-destructive route (Art. 25(1)(a))."),
    Fact("samples_retained", "bool", "order", "Samples retained",
         "Samples kept for analysis or proceedings before destruction."),
    Fact("excise_authority_informed", "bool", "order", "Excise authority informed",
         "Excise authority informed and duty status recorded."),
    Fact("recycler_accepts_additives", "bool", "order", "Recycler accepts additives",
         "The recycler accepts the polymer with its additive content.", False),
    Fact("carrier_registration", "str", "record", "Carrier registration",
         "Waste-carrier registration of the transport company."),
    Fact("consignment_note_number", "str", "record", "Consignment note",
         "Hazardous-waste consignment note number."),
    Fact("seal_numbers", "strings", "record", "Seal numbers", "Seal numbers of the transport."),
    Fact("mixed_hazard_batch", "bool", "order", "Mixed hazard batch",
         "The batch mixes hazardous and non-hazardous lots.", False),
    Fact("mixing_permitted", "bool", "order", "Mixing permitted",
         "A permit valid on the date that covers the method allows mixing hazardous with "
         "non-hazardous waste (WFD Art. 18(2)).", False),
    # --- the facility ------------------------------------------------------------------------
    Fact("permit_valid_on_date", "bool", "order", "Permit valid on date",
         "A facility permit is valid on the destruction date."),
    Fact("facility_covers_method", "bool", "order", "Permit covers method",
         "A permit valid on the date lists an R/D operation of the method."),
    Fact("hazardous_permitted", "bool", "order", "Hazardous waste permitted",
         "A permit valid on the date allows hazardous waste."),
    Fact("permit_lists_waste_code", "bool", "order", "Permit lists the EWC code",
         "A permit valid on the date that covers the method lists the goods' EWC code "
         "(WFD Art. 23(1): the types of waste a permit allows)."),
    Fact("facility_accepts_pressurised", "bool", "order", "Facility accepts pressurised",
         "The facility accepts pressurised containers (aerosols, lighters).", False),
    Fact("facility_evaluated", "bool", "order", "Facility evaluated",
         "Licence, monitoring and track record of the facility evaluated."),
    # --- the destruction record --------------------------------------------------------------
    Fact("temperature_c", "number", "record", "Temperature (°C)", "Combustion temperature."),
    Fact("residence_time_s", "number", "record", "Residence time (s)",
         "Gas residence time in the combustion zone."),
    Fact("particle_size_mm", "number", "record", "Shredding particle size (mm)",
         "Particle size after shredding; recorded only when the goods were shredded."),
    Fact("halogenated_over_1pct", "bool", "record", "Halogenated over 1 %",
         "More than 1 % halogenated organic substances (as chlorine)."),
    Fact("debranded", "bool", "record", "De-branded", "Marks removed or made unrecognisable."),
    Fact("batteries_removed", "bool", "record", "Batteries removed",
         "Batteries removed before treatment (depollution)."),
    Fact("aerosols_degassed", "bool", "record", "Aerosols degassed",
         "Aerosols or lighters punctured and degassed before treatment."),
    Fact("pyrotechnics_neutralised", "bool", "record", "Pyrotechnics neutralised",
         "Air-bag inflators or pretensioners deployed or neutralised."),
    Fact("pressure_sterilised", "bool", "record", "Pressure sterilised",
         "Animal by-products pressure-sterilised (133 °C, 20 min, 3 bar) before digestion."),
    Fact("denatured", "bool", "record", "Denatured",
         "Rendered unsmokeable or undrinkable before recovery."),
    Fact("customs_officer_present", "bool", "record", "Customs officer present",
         "A customs officer attended the destruction."),
    Fact("officer_absence_reason", "str", "record", "Officer absence reason",
         "Documented risk-based decision not to attend.", ""),
    Fact("witnesses", "int", "record", "Witnesses", "Independent witnesses who signed."),
    Fact("evidence_kinds", "strings", "record", "Evidence",
         "Kinds of evidence files attached (photo, video, minutes, ...)."),
    Fact("custody_chain_intact", "bool", "record", "Custody chain intact",
         "The append-only custody log verifies from seizure to now."),
    Fact("articles_seized", "int", "record", "Articles seized", "Articles when seized."),
    Fact("articles_accounted", "int", "record", "Articles accounted",
         "Destroyed + sampled + released + donated articles."),
    Fact("quantity_adjustment_justified", "bool", "record", "Adjustment justified",
         "A justified adjustment entry explains a quantity difference.", False),
    Fact("undocumented_samples", "int", "record", "Undocumented samples",
         "Samples without their own custody record or retention reason."),
    Fact("gate_weight_kg", "number", "record", "Gate mass (kg)", "Mass at the facility gate."),
    Fact("output_weight_kg", "number", "record", "Output mass (kg)",
         "Sum of the recorded output fractions."),
    Fact("mass_deviation_kg", "number", "record", "Mass deviation (kg)",
         "Absolute difference between dispatch and gate mass."),
    Fact("mass_deviation_pct", "number", "record", "Mass deviation (%)",
         "Mass deviation as a percentage of the dispatch mass."),
    Fact("mass_deviation_justification", "str", "record", "Mass deviation justification",
         "Why the mass deviation is acceptable.", ""),
    Fact("output_destinations_recorded", "bool", "record", "Output destinations",
         "Every output fraction names its downstream destination."),
    Fact("liquid_volume_l", "number", "record", "Liquid volume (l)",
         "Liquid volume destroyed, recorded with the mass."),
    Fact("decomposition_state", "str", "record", "Decomposition state",
         "Recorded decomposition state of food goods."),
    # --- costs (C7) -------------------------------------------------------------------------
    Fact("cost_kinds", "strings", "record", "Costs recorded",
         "Kinds of cost (storage, handling, transport, destruction) the cost ledger holds for "
         "the lot; each entry names its payer and the rule that set it."),
    Fact("cost_payer", "str", "order", "Cost payer",
         "Who pays the order's costs: right_holder (the decision holder, Art. 29), declarant or "
         "administration."),
    Fact("right_holder_overdue_statements", "strings", "order", "Overdue statements",
         "Cost statements of the lot's right holder past their due date and not paid in full."),
    Fact("right_holder_overdue_amount", "str", "order", "Overdue amount",
         "What the right holder still owes on its overdue statements, per currency."),
    # --- the certificate ---------------------------------------------------------------------
    Fact("record_has_blocking_findings", "bool", "certificate", "Record blocking findings",
         "The record's compliance check has blocking findings."),
    Fact("certificate_articles", "int", "certificate", "Certificate articles",
         "Articles stated on the certificate."),
    Fact("certificate_unchanged", "bool", "certificate", "Certificate unchanged",
         "The stored PDF still matches its hash (no edits after issue)."),
)
# fmt: on

FACTS: Final[dict[str, Fact]] = {fact.name: fact for fact in _VOCABULARY}


# --- helpers that derive facts from plain inputs -------------------------------------------


class MethodTables(Protocol):
    """What the fact helpers read from a rulebook (:class:`compliance.rulebook.Rulebook`): its
    method tables. A protocol, because the rulebook is built on this vocabulary and sits above
    it."""

    def permitted_methods(self, waste_class: str) -> tuple[str, ...]: ...

    def better_permitted_methods(
        self, waste_class: str, method: str, goods: Mapping[str, object] | None = None
    ) -> tuple[str, ...]: ...


@dataclass(frozen=True)
class Permit:
    """A facility permit as plain data: the operations it authorises, its validity, the EWC codes
    it accepts (None: not described, as in a what-if that leaves them out) and whether it allows
    mixing hazardous with non-hazardous waste."""

    operations: frozenset[str]
    valid_from: date
    valid_until: date
    hazardous_permitted: bool = False
    waste_codes: frozenset[str] | None = None
    mixing_permitted: bool = False

    def valid_on(self, on_date: date) -> bool:
        return self.valid_from <= on_date <= self.valid_until


def method_facts(
    waste_class: str, method: str, rulebook: MethodTables, goods: Mapping[str, object] | None = None
) -> dict[str, object]:
    """Facts about the method for the class: operations, permitted, the permitted methods that
    rank higher for goods with these intake flags (X-MF-01/02, X-MF-03)."""
    info = METHODS.get(method)
    if info is None:
        return {}
    return {
        "method_operations": info.operations,
        "method_permitted": method in rulebook.permitted_methods(waste_class),
        "better_permitted_methods": rulebook.better_permitted_methods(waste_class, method, goods),
    }


def goods_flags(facts: Mapping[str, object]) -> dict[str, object]:
    """The facts of GOODS_FLAGS that are known."""
    return {name: facts[name] for name in GOODS_FLAGS if facts.get(name) is not None}


def permit_facts(
    permits: Iterable[Permit], method: str, on_date: date, ewc_code: str | None = None
) -> dict[str, object]:
    """Facts about the facility's permits for the method on the date (X-MF-03), the goods' EWC
    code among the codes they list (X-MF-09) and mixing (X-MF-05). Whether the code is listed
    stays unknown when no permit describes its codes."""
    valid = [permit for permit in permits if permit.valid_on(on_date)]
    needed = METHODS[method].operations if method in METHODS else frozenset()
    covering = [permit for permit in valid if not needed or permit.operations & needed]
    facts: dict[str, object] = {
        "permit_valid_on_date": bool(valid),
        "facility_covers_method": bool(covering),
        "hazardous_permitted": any(permit.hazardous_permitted for permit in covering),
        "mixing_permitted": any(permit.mixing_permitted for permit in covering),
    }
    described = [permit for permit in permits if permit.waste_codes is not None]
    if ewc_code and described:
        facts["permit_lists_waste_code"] = any(
            ewc_code in (permit.waste_codes or ()) for permit in covering
        )
    return facts


def mass_facts(
    dispatch_weight_kg: float, gate_weight_kg: float, output_weight_kg: float | None = None
) -> dict[str, object]:
    """Mass-balance facts (X-QM-02): deviation in kg and in % of the dispatch mass."""
    deviation = abs(float(gate_weight_kg) - float(dispatch_weight_kg))
    facts: dict[str, object] = {
        "gate_weight_kg": float(gate_weight_kg),
        "mass_deviation_kg": deviation,
        # A zero dispatch mass with any gate mass is an unbounded deviation.
        "mass_deviation_pct": (
            deviation * 100 / float(dispatch_weight_kg)
            if dispatch_weight_kg
            else (0.0 if not deviation else float("inf"))
        ),
    }
    if output_weight_kg is not None:
        facts["output_weight_kg"] = float(output_weight_kg)
    return facts


# The what-if "parameters" keys, copied to facts unchanged: issue 5's list, and every other fact
# an order-stage rule needs that an order line or a destruction record captures, so a planner
# can check them too.
WHAT_IF_PARAMETERS: Final[tuple[str, ...]] = (
    "temperature_c",
    "residence_time_s",
    "halogenated_over_1pct",
    "particle_size_mm",
    "debranded",
    "batteries_removed",
    "aerosols_degassed",
    "denatured",
    "pyrotechnics_neutralised",
    "controlled_substances",
    "cytotoxic",
    "asbestos",
    "high_risk",
    "electrical",
    "animal_origin",
    "methanol_contaminated",
    "pressure_sterilised",
    "right_holder_consent",
    "customs_decision_recorded",
    "lab_analysis_done",
    "customs_officer_present",
    "officer_absence_reason",
    "witnesses",
    "justification",
)
# The facts a what-if states through its facility (a described permit or a stored facility).
PERMIT_FACTS: Final[tuple[str, ...]] = (
    "permit_valid_on_date",
    "facility_covers_method",
    "hazardous_permitted",
    "permit_lists_waste_code",
    "mixing_permitted",
)
# Every fact a what-if request can state: one a rule needs but the request leaves out is worth
# a warning (the planner can add it); the others are information (engine.evaluate's askable).
WHAT_IF_FACTS: Final[frozenset[str]] = frozenset(WHAT_IF_PARAMETERS + PERMIT_FACTS)

# What is known of a lot before its destruction that rules some permitted methods out for it,
# so the waste hierarchy (X-MF-02) compares only with methods whose conditions this lot meets:
# its intake flags (PHA-M2/M3: no kiln for cytotoxics; AUT-M1/M4/M5: asbestos is not shredded or
# burnt), its hazard classes, whether it is electrical (WEEE routes) or of animal origin
# (FOOD-M1), and the papers of its order line (donation and education need right-holder consent
# and a customs decision; a design that itself infringes or a failed safety test rules donation
# out).
GOODS_FLAGS: Final[tuple[str, ...]] = (
    "cytotoxic",
    "asbestos",
    "hazard_classes",
    "electrical",
    "animal_origin",
    "right_holder_consent",
    "customs_decision_recorded",
    "design_infringes",
    "safety_test_failed",
    "recycler_accepts_additives",
)

# Goods flags a what-if may leave out although a rule of the class turns on them: unknown (None),
# not "no", so the rule reports the flag as missing instead of passing (X-WE-02: two witnesses
# for controlled drugs, which only PHA lots contain). Stored lots record them at intake.
UNKNOWN_GOODS_FLAGS: Final[dict[str, tuple[str, ...]]] = {"PHA": ("controlled_substances",)}


def unknown_goods_flags(waste_class: str) -> dict[str, object]:
    """The goods flags that are unknown for lots of the class (see UNKNOWN_GOODS_FLAGS)."""
    return dict.fromkeys(UNKNOWN_GOODS_FLAGS.get(waste_class, ()))


def what_if_facts(request: Mapping[str, Any], rulebook: MethodTables) -> dict[str, object]:
    """Facts for a validated what-if request (waste class, method, hazards, EWC code, date,
    facility, parameters). An omitted EWC code is the default of the waste class and hazards
    (seizures.waste_codes), so the findings name the code they judged. A what-if is one lot, so
    it never mixes hazardous and non-hazardous lots."""
    waste_class: str = request["waste_class"]
    method: str = request["method"]
    on_date: date = request["on_date"]
    hazard_classes = tuple(request.get("hazard_classes") or ())
    parameters = request.get("parameters") or {}
    ewc_code = request.get("ewc_code") or default_code(
        category="",
        waste_class=waste_class,
        hazard_classes=hazard_classes,
        cytotoxic=bool(parameters.get("cytotoxic")),
        contains_asbestos=bool(parameters.get("asbestos")),
    )
    facts: dict[str, object] = {
        "waste_class": waste_class,
        "method": method,
        "hazard_classes": hazard_classes,
        "ewc_code": ewc_code,
        "hazardous_waste": is_hazardous_waste(ewc_code, request.get("hp_properties") or ()),
        "on_date": on_date,
        "mixed_hazard_batch": False,
        **unknown_goods_flags(waste_class),
    }
    goods = _what_if_goods(request)
    facts["electrical"] = goods["electrical"]
    facts.update(method_facts(waste_class, method, rulebook, goods))
    facility = request.get("facility")
    if facility:
        codes = facility.get("waste_codes")
        permit = Permit(
            operations=frozenset(facility.get("operations") or ()),
            valid_from=facility["permit_valid_from"],
            valid_until=facility["permit_valid_until"],
            hazardous_permitted=bool(facility.get("hazardous_permitted")),
            waste_codes=None if codes is None else frozenset(codes),
            mixing_permitted=bool(facility.get("mixing_permitted")),
        )
        facts.update(permit_facts([permit], method, on_date, ewc_code))
    facts.update(
        (name, parameters[name]) for name in WHAT_IF_PARAMETERS if parameters.get(name) is not None
    )
    return facts


def _what_if_goods(request: Mapping[str, Any]) -> dict[str, object]:
    """What a what-if states of its goods, with ``electrical`` derived as for a stored lot
    (seizures.categories.is_electrical, without a sub-category) unless the planner said."""
    parameters = request.get("parameters") or {}
    hazard_classes = tuple(request.get("hazard_classes") or ())
    electrical = parameters.get("electrical")
    if electrical is None:
        electrical = is_electrical(None, request["waste_class"], hazard_classes)
    return {**goods_flags(parameters), "hazard_classes": hazard_classes, "electrical": electrical}

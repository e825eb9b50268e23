"""Benchmark the compliance engine: 100,000 lot-method evaluations (waste classes x methods x
parameter variants) against a plain dict lookup of the same precomputed verdicts.

Run: .venv/bin/python bench/engine_bench.py [evaluations]. Needs no Django settings: the rulebook,
the engine and the vocabularies import without the app registry. Target: >= 50,000 evaluations/s.
"""

import itertools
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from compliance.engine import evaluate, verdict  # noqa: E402
from compliance.facts import Permit, method_facts, permit_facts  # noqa: E402
from compliance.rulebook import Rulebook, load_rulebook  # noqa: E402
from destruction.methods import METHODS  # noqa: E402
from seizures.categories import DEFAULT_HAZARD_CLASSES, WasteClass  # noqa: E402
from seizures.waste_codes import DEFAULT_CODES, default_code, is_hazardous_waste  # noqa: E402

TARGET_PER_SECOND = 50_000
ON_DATE = date(2026, 12, 1)
PERMIT = Permit(
    frozenset(code for info in METHODS.values() for code in info.operations),
    date(2024, 1, 1),
    date(2027, 12, 31),
    hazardous_permitted=True,
    waste_codes=frozenset(row.code for row in DEFAULT_CODES),
)
BASE_FACTS: dict[str, object] = {
    "on_date": ON_DATE,
    "legal_basis": "art23",
    "legal_basis_completed_on": date(2026, 11, 2),
    "right_holder_confirmed": True,
    "right_holder_reply_working_days": 6,
    "declarant_agreement": "written",
    "application_reference": "EU-2026-0001",
    "right_holder_notified": True,
    "right_holder_consent": True,
    "customs_decision_recorded": True,
    "declaration_reference": "26BE000123",
    "temperature_c": 1150,
    "residence_time_s": 2,
    "halogenated_over_1pct": False,
    "debranded": True,
    "batteries_removed": True,
    "customs_officer_present": True,
    "witnesses": 2,
}
# Parameter variants: compliant, cold furnace, one witness, justified, not de-branded, no data.
VARIANTS: dict[str, dict[str, object]] = {
    "baseline": {},
    "cold_furnace": {"temperature_c": 900, "halogenated_over_1pct": True},
    "one_witness": {"witnesses": 1, "controlled_substances": True},
    "justified": {"justification": "No recycler accepts the feedstock"},
    "not_debranded": {"debranded": False, "right_holder_consent": False},
    "no_parameters": {"temperature_c": None, "residence_time_s": None, "witnesses": None},
}


def combinations(rulebook: Rulebook) -> list[tuple[tuple[str, str, str], dict[str, object]]]:
    """Every (waste class, method, variant) with its facts, built once outside the timing."""
    cases = []
    for waste_class, method, variant in itertools.product(WasteClass.values, METHODS, VARIANTS):
        hazards = DEFAULT_HAZARD_CLASSES[waste_class]
        code = default_code(category="", waste_class=waste_class, hazard_classes=hazards)
        facts = {
            **BASE_FACTS,
            "waste_class": waste_class,
            "method": method,
            "hazard_classes": hazards,
            "ewc_code": code,
            "hazardous_waste": is_hazardous_waste(code),
            **permit_facts([PERMIT], method, ON_DATE, code),
            **method_facts(waste_class, method, rulebook),
            **VARIANTS[variant],
        }
        cases.append(((waste_class, method, variant), facts))
    return cases


# CPU time of this process, not wall time: the machine may be shared, and being descheduled
# says nothing about the engine.
clock = time.process_time


def run_engine(rulebook: Rulebook, workload: list[dict[str, object]]) -> tuple[float, list[str]]:
    started = clock()
    verdicts = [verdict(evaluate(facts, rulebook, applies_to="order")) for facts in workload]
    return clock() - started, verdicts


def run_lookup(table: dict[tuple[str, str, str], str], keys: list[tuple[str, str, str]]):
    started = clock()
    verdicts = [table[key] for key in keys]
    return clock() - started, verdicts


def main(evaluations: int = 100_000) -> int:
    rulebook = load_rulebook()
    cases = combinations(rulebook)
    repeated = list(itertools.islice(itertools.cycle(cases), evaluations))
    keys = [key for key, _ in repeated]
    workload = [facts for _, facts in repeated]
    table = {key: verdict(evaluate(facts, rulebook, applies_to="order")) for key, facts in cases}

    engine_seconds, engine_verdicts = run_engine(rulebook, workload)
    lookup_seconds, lookup_verdicts = run_lookup(table, keys)
    assert engine_verdicts == lookup_verdicts, "the engine disagrees with its own precomputation"

    engine_rate = evaluations / engine_seconds
    lookup_rate = evaluations / lookup_seconds
    tally = {name: engine_verdicts.count(name) for name in sorted(set(engine_verdicts))}
    print(f"rulebook {rulebook.version}: {len(rulebook.rules)} rules, {len(cases)} distinct cases")
    print(f"verdicts: {tally}")
    print(
        f"engine:      {evaluations:,} evaluations in {engine_seconds:.3f} s = {engine_rate:,.0f}/s"
    )
    print(
        f"dict lookup: {evaluations:,} lookups     in {lookup_seconds:.3f} s = {lookup_rate:,.0f}/s"
    )
    print(f"lookup is {lookup_rate / engine_rate:,.0f}x faster than evaluating")
    ok = engine_rate >= TARGET_PER_SECOND
    print(f"target >= {TARGET_PER_SECOND:,}/s: {'met' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000))

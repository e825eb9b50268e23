"""Benchmark the annual statistics: the JSON export of one year (through the API, which also
computes the previous year for the year-on-year figures) against a fixed reference, one
`SELECT category, count(*), sum(articles) ... GROUP BY category` over that year's lots, in the
same run (alternately, median of --repeat). Beside it, the old plan: the same document computed
by figures.py's full recount (46 statements over the base tables), timed once. The export's
figures are checked against hand-written SQL GROUP BY statements (a mismatch fails the run).
Then the peak memory of the streamed CSV export, measured in a fresh subprocess.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/igt_bench \\
        .venv/bin/python bench/statistics_bench.py --lots 100000 [--fresh] [--repeat 3]
    DATABASE_URL=sqlite:////tmp/igt_bench/bench.sqlite3 .venv/bin/python bench/statistics_bench.py

--fresh drops and recreates the database and generates --lots lots with bench/generate_lots.py
(over 2024 and 2025); without it, the data already there is used (generated when empty).
Target: the export within 2x of the reference scan (and, across runs, its time at 1,000,000 lots
within 1.5x of its time at 100,000).
"""

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")

from bench import generate_lots  # noqa: E402

TARGET_RATIO = 2.0

ENFORCEMENT_DIMENSIONS = {
    "office": "o.code",
    "category": "RTRIM(l.category, 'abcdefg')",
    "subcategory": "l.category",
    "provenance_country": "s.provenance_country",
    "transport_mode": "s.transport_mode",
    "traffic_type": "s.traffic_type",
    "ipr_type": "s.ipr_type",
    "customs_procedure": "s.customs_procedure",
    "action_type": "s.action_type",
    "legal_route": "s.legal_route",
    "outcome": """CASE
        WHEN COALESCE(p.status, l.status) = 'released' THEN 'released'
        WHEN s.legal_route = 'court' THEN 'court'
        WHEN COALESCE(p.status, l.status) = 'destroyed' AND s.legal_route = 'standard'
            THEN 'destroyed_standard'
        WHEN COALESCE(p.status, l.status) = 'destroyed' AND s.legal_route = 'small_consignment'
            THEN 'destroyed_small_consignment'
        WHEN COALESCE(p.status, l.status) = 'destroyed' AND s.legal_route = 'abandonment'
            THEN 'destroyed_abandonment'
        ELSE 'pending' END""",
    "currency": "l.currency",
}
ENFORCEMENT_MEASURES = """COUNT(DISTINCT l.seizure_id),
    SUM(CASE WHEN l.parent_id IS NULL THEN 1 ELSE 0 END),
    SUM(CASE WHEN l.parent_id IS NULL THEN l.seized_articles ELSE 0 END),
    SUM(l.retail_value * CASE WHEN l.currency = %(reporting)s THEN 1 ELSE r.rate END)"""
ENFORCEMENT_FROM = """FROM seizures_lot l
    JOIN seizures_seizure s ON s.id = l.seizure_id {join}
    LEFT JOIN compliance_exchangerate r ON r.year = %(year)s AND r.currency = l.currency
    WHERE s.detained_on >= %(first)s AND s.detained_on <= %(last)s"""
# Each breakdown joins only what it reads.
JOINS = {
    "office": "JOIN seizures_customsoffice o ON o.id = s.office_id",
    "outcome": "LEFT JOIN seizures_lot p ON p.id = l.parent_id",
}
LINES_FROM = """FROM destruction_orderline ol
    JOIN destruction_destructionrecord rec ON rec.order_id = ol.order_id
    JOIN seizures_lot l ON l.id = ol.lot_id
    JOIN seizures_seizure s ON s.id = l.seizure_id
    WHERE ol.active AND rec.ended_at >= %(start)s AND rec.ended_at < %(end)s"""
LINE_MEASURES = """COUNT(*), SUM(l.articles),
    SUM(COALESCE(ol.dispatch_weight_kg, l.gross_weight_kg))"""
OUTPUTS_FROM = """FROM destruction_outputfraction f
    JOIN destruction_destructionrecord rec ON rec.id = f.record_id
    WHERE rec.ended_at >= %(start)s AND rec.ended_at < %(end)s"""
COSTS_FROM = """FROM destruction_costentry c {join}
    LEFT JOIN compliance_exchangerate r ON r.year = %(year)s AND r.currency = c.currency
    WHERE c.incurred_on >= %(first)s AND c.incurred_on <= %(last)s"""
COST_MEASURES = """SUM(c.amount * CASE WHEN c.currency = %(reporting)s THEN 1 ELSE r.rate END),
    COUNT(*)"""
COST_DIMENSIONS = {
    "cost_method": (
        "COALESCE(NULLIF(ol.actual_method, ''), ol.method, '')",
        "LEFT JOIN destruction_orderline ol ON ol.order_id = c.order_id AND ol.lot_id = c.lot_id "
        "AND ol.active",
    ),
    "cost_office": (
        "o.code",
        "JOIN seizures_lot l ON l.id = c.lot_id "
        "JOIN seizures_customsoffice o ON o.id = l.office_id",
    ),
    "payer": ("c.payer", ""),
    "cost_kind": ("c.kind", ""),
    "cost_currency": ("c.currency", ""),
}
RECOVERY = """SUM(f.weight_kg),
    SUM(CASE WHEN f.route IN ('recycled', 'energy_recovery') THEN f.weight_kg END),
    SUM(CASE WHEN f.route = 'hazardous_residue' THEN f.weight_kg END)"""


def vendor_sql(postgresql: bool, time_zone: str) -> dict[str, str]:
    from destruction.methods import METHODS

    ranks = " ".join(f"WHEN '{code}' THEN {info.rank}" for code, info in METHODS.items())
    method = "COALESCE(NULLIF(ol.actual_method, ''), ol.method)"
    if postgresql:
        local_date = f"(rec.ended_at AT TIME ZONE '{time_zone}')::date"
        days = f"({local_date} - s.detained_on)"
        month = f"EXTRACT(MONTH FROM rec.ended_at AT TIME ZONE '{time_zone}')"
        hazardous = "(l.ewc_code LIKE '%%*' OR l.hp_properties <> '[]'::jsonb)"
    else:
        local_date = f"django_datetime_cast_date(rec.ended_at, '{time_zone}', 'UTC')"
        days = f"CAST(ROUND(julianday({local_date}) - julianday(s.detained_on)) AS INTEGER)"
        month = f"django_datetime_extract('month', rec.ended_at, '{time_zone}', 'UTC')"
        hazardous = "(l.ewc_code LIKE '%%*' OR l.hp_properties <> '[]')"
    return {
        "days": days,
        "month": month,
        "hazardous": hazardous,
        "method": method,
        "rank": f"CASE {method} {ranks} ELSE 0 END",
    }


def raw_figures(cursor, year: int, postgresql: bool, reporting: str, time_zone: str) -> dict:
    """Every figure of one year with plain SQL: one statement per total set and breakdown."""
    import datetime
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(time_zone)
    start = datetime.datetime(year, 1, 1, tzinfo=zone)
    end = datetime.datetime(year + 1, 1, 1, tzinfo=zone)
    if not postgresql:  # Django stores SQLite datetimes as naive UTC text
        start, end = (
            d.astimezone(datetime.UTC).replace(tzinfo=None).isoformat(sep=" ") for d in (start, end)
        )
    params = {
        "year": year,
        "first": datetime.date(year, 1, 1).isoformat(),
        "last": datetime.date(year, 12, 31).isoformat(),
        "start": start,
        "end": end,
        "reporting": reporting,
    }
    sql = vendor_sql(postgresql, time_zone)
    out: dict = {}

    def run(statement: str) -> list[tuple]:
        cursor.execute(statement, params)
        return cursor.fetchall()

    row = run(
        f"SELECT {ENFORCEMENT_MEASURES}, SUM(CASE WHEN l.parent_id IS NULL AND l.currency <> "
        f"%(reporting)s AND r.rate IS NULL THEN 1 ELSE 0 END) {ENFORCEMENT_FROM.format(join='')}"
    )[0]
    out["total"] = dict(
        zip(("cases", "lots", "articles", "retail_value", "unconverted_lots"), row, strict=True)
    )
    for key, dimension in ENFORCEMENT_DIMENSIONS.items():
        source = ENFORCEMENT_FROM.format(join=JOINS.get(key, ""))
        rows = run(f"SELECT {dimension}, {ENFORCEMENT_MEASURES} {source} GROUP BY 1")
        out[key] = {
            r[0]: dict(zip(("cases", "lots", "articles", "retail_value"), r[1:], strict=True))
            for r in rows
        }
    if postgresql:
        row = run(
            f"SELECT {LINE_MEASURES}, COUNT(DISTINCT ol.order_id), SUM(CASE WHEN "
            f"{sql['hazardous']} THEN COALESCE(ol.dispatch_weight_kg, l.gross_weight_kg) END), "
            f"AVG({sql['days']}), PERCENTILE_CONT(0.9) WITHIN GROUP (ORDER BY {sql['days']}) "
            f"{LINES_FROM}"
        )[0]
    else:
        row = run(
            f"SELECT {LINE_MEASURES}, COUNT(DISTINCT ol.order_id), SUM(CASE WHEN "
            f"{sql['hazardous']} THEN COALESCE(ol.dispatch_weight_kg, l.gross_weight_kg) END), "
            f"AVG({sql['days']}) {LINES_FROM}"
        )[0]
        count = row[0]
        position = 0.9 * (count - 1)
        lower = int(position)
        values = [
            v[0]
            for v in run(
                f"SELECT {sql['days']} AS days {LINES_FROM} ORDER BY days LIMIT 2 OFFSET {lower}"
            )
        ]
        p90 = values[0] + (position - lower) * (values[-1] - values[0]) if values else None
        row = (*row, p90)
    out["total"].update(
        zip(
            (
                "lots_destroyed",
                "articles_destroyed",
                "kg_destroyed",
                "orders",
                "hazardous_kg",
                "days_to_destruction_mean",
                "days_to_destruction_p90",
            ),
            row,
            strict=True,
        )
    )
    out["total"].update(
        zip(
            ("output_kg", "recovered_kg", "hazardous_residue_kg"),
            run(f"SELECT {RECOVERY} {OUTPUTS_FROM}")[0],
            strict=True,
        )
    )
    out["total"].update(
        zip(
            ("certificates_issued", "certificates_revoked"),
            run(
                "SELECT SUM(CASE WHEN issued_at >= %(start)s AND issued_at < %(end)s THEN 1 "
                "ELSE 0 END), SUM(CASE WHEN revoked_at >= %(start)s AND revoked_at < %(end)s "
                "THEN 1 ELSE 0 END) FROM destruction_certificate WHERE (issued_at >= %(start)s "
                "AND issued_at < %(end)s) OR (revoked_at >= %(start)s AND revoked_at < %(end)s)"
            )[0],
            strict=True,
        )
    )
    out["total"]["certificates_flagged"] = run(
        "SELECT COUNT(*) FROM compliance_certificatereview WHERE decision = 'flagged' "
        "AND decided_at >= %(start)s AND decided_at < %(end)s"
    )[0][0]
    out["total"].update(
        zip(
            ("lots_in_storage_at_year_end", "kg_in_storage_at_year_end"),
            run(
                "SELECT SUM(CASE WHEN l.parent_id IS NULL THEN 1 ELSE 0 END), "
                "SUM(l.gross_weight_kg) FROM seizures_lot l JOIN seizures_seizure s "
                "ON s.id = l.seizure_id WHERE s.detained_on <= %(last)s AND (l.status IN "
                "('in_storage', 'on_hold', 'allocated', 'in_transit') "
                "OR (l.status = 'destroyed' AND EXISTS (SELECT 1 FROM destruction_orderline ol "
                "JOIN destruction_destructionrecord rec ON rec.order_id = ol.order_id "
                "WHERE ol.lot_id = l.id AND ol.active AND rec.ended_at >= %(end)s)) "
                "OR (l.status = 'released' AND EXISTS (SELECT 1 FROM seizures_custodyevent e "
                "WHERE e.lot_id = l.id AND e.kind = 'released' AND e.occurred_at >= %(end)s)))"
            )[0],
            strict=True,
        )
    )
    measures = ("lots_destroyed", "articles_destroyed", "kg_destroyed")
    waste_hazard = f"CASE WHEN {sql['hazardous']} THEN 'hazardous' ELSE 'non_hazardous' END"
    for key, dimension in (
        ("method", sql["method"]),
        ("hierarchy_rank", sql["rank"]),
        ("ewc_chapter", "SUBSTR(l.ewc_code, 1, 2)"),
        ("hazardous_waste", waste_hazard),
    ):
        rows = run(f"SELECT {dimension}, {LINE_MEASURES} {LINES_FROM} GROUP BY 1")
        out[key] = {str(r[0]): dict(zip(measures, r[1:], strict=True)) for r in rows}
    rows = run(f"SELECT f.route, SUM(f.weight_kg) {OUTPUTS_FROM} GROUP BY 1")
    out["output_route"] = {r[0]: {"output_kg": r[1]} for r in rows}
    rows = run(
        f"SELECT {sql['month']}, SUM(f.weight_kg), SUM(CASE WHEN f.route IN ('recycled', "
        f"'energy_recovery') THEN f.weight_kg END) {OUTPUTS_FROM} GROUP BY 1"
    )
    out["month"] = {str(int(r[0])): {"output_kg": r[1], "recovered_kg": r[2]} for r in rows}
    add_costs(out, run)
    return out


def add_costs(out: dict, run) -> None:
    """The cost totals and breakdowns: one statement each."""
    row = run(
        f"SELECT {COST_MEASURES}, SUM(CASE WHEN c.currency <> %(reporting)s AND r.rate IS NULL "
        f"THEN 1 ELSE 0 END) {COSTS_FROM.format(join='')}"
    )[0]
    out["total"].update(
        zip(("costs", "cost_entries", "unconverted_cost_entries"), row, strict=True)
    )
    for key, (dimension, join) in COST_DIMENSIONS.items():
        rows = run(f"SELECT {dimension}, {COST_MEASURES} {COSTS_FROM.format(join=join)} GROUP BY 1")
        out[key] = {r[0]: {"costs": r[1], "cost_entries": r[2]} for r in rows}


REFERENCE_SQL = """SELECT l.category, COUNT(*), SUM(l.articles) FROM seizures_lot l
    JOIN seizures_seizure s ON s.id = l.seizure_id
    WHERE s.detained_on >= %s AND s.detained_on <= %s GROUP BY l.category"""


def reference_scan(cursor, year: int) -> list[tuple]:
    """The fixed reference: one GROUP BY over the lots detained in the year."""
    cursor.execute(REFERENCE_SQL, [f"{year}-01-01", f"{year}-12-31"])
    return cursor.fetchall()


def old_plan(year: int) -> str:
    """The same JSON document from a full recount over the base tables (the plan before the
    rollups), without the HTTP layer."""
    from compliance.statistics import AnnualStatistics
    from compliance.statistics.exports import json_chunks
    from compliance.statistics.rollup_figures import RecountFigures

    return "".join(json_chunks(AnnualStatistics(year, source=RecountFigures)))


# A currency without a rate: the raw sum is NULL, the export leaves the row's figure empty.
UNCONVERTED = {("currency", "retail_value"), ("cost_currency", "costs")}


def compare(document: dict, raw: dict) -> list[str]:
    """Differences between the export's figures of the year and the raw SQL's."""
    from compliance.statistics.figures import clean

    problems = []

    def check(where: str, measure: str, exported, expected) -> None:
        expected = clean(measure, expected)
        exported = None if exported is None else clean(measure, Decimal(str(exported)))
        if exported != expected:
            problems.append(f"{where} {measure}: export {exported} != raw {expected}")

    totals = {
        **document["totals"]["enforcement"],
        **document["totals"]["environment"],
        **document["totals"]["costs"],
    }
    for measure, value in raw["total"].items():
        check("total", measure, totals[measure]["figure"], value)
    for key, rows in raw.items():
        if key == "total":
            continue
        exported = {row["value"]: row for row in document["breakdowns"][key]}
        for value, figures in rows.items():
            for measure, expected in figures.items():
                if (key, measure) in UNCONVERTED and expected is None:
                    continue
                row = exported.get(str(value))
                check(f"{key}={value}", measure, row and row[measure]["figure"], expected)
    return problems


def timed_pair(first, second, repeat: int) -> tuple[float, float, object, object]:
    """Median seconds of two functions run alternately, so that load from other processes on
    the machine falls on both alike."""
    times: tuple[list[float], list[float]] = ([], [])
    results = [None, None]
    for _ in range(repeat):
        for n, function in enumerate((first, second)):
            started = time.perf_counter()
            results[n] = function()
            times[n].append(time.perf_counter() - started)
    return statistics.median(times[0]), statistics.median(times[1]), results[0], results[1]


def csv_memory(year: int) -> None:
    """Run in a subprocess: stream the CSV export and report peak memory."""
    client = bench_client()
    # A first, empty export imports and warms everything the view uses: not the export's cost.
    b"".join(client.get("/api/v1/statistics/1900/", {"format": "csv"}).streaming_content)
    tracemalloc.start()
    response = client.get(f"/api/v1/statistics/{year}/", {"format": "csv"})
    size = sum(len(chunk) for chunk in response.streaming_content)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"bytes": size, "peak_mb": peak / 2**20, "max_rss_mb": rss}))


def bench_client():
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    settings.DEBUG = False  # no query log: it would slow the ORM and grow memory
    client = Client(HTTP_HOST="localhost")
    client.force_login(get_user_model().objects.get(username="bench"))
    return client


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lots", type=int, default=100_000)
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--fresh", action="store_true")
    parser.add_argument("--csv-memory", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    generate_lots.setup_django()
    if options.csv_memory:
        csv_memory(options.year)
        return

    from django.conf import settings
    from django.db import connection

    from compliance.statistics import rollups
    from seizures.models import Lot

    if options.fresh:
        generate_lots.recreate_database()
    generate_lots.migrate()
    if not Lot.objects.exists():
        print(f"Generating {options.lots:,} lots on {connection.vendor} ...")
        counts = generate_lots.generate(options.lots)
        print("  " + ", ".join(f"{key} {value:,}" for key, value in counts.items()))
    lots = Lot.objects.count()
    client = bench_client()
    postgresql = connection.vendor == "postgresql"
    url = f"/api/v1/statistics/{options.year}/"

    def export() -> dict:
        response = client.get(url, {"format": "json"})
        assert response.status_code == 200, response.status_code
        return json.loads(b"".join(response.streaming_content))

    def reference() -> list[tuple]:
        with connection.cursor() as cursor:
            return reference_scan(cursor, options.year)

    export()  # warm both: the first run pays for cold caches
    reference()
    export_seconds, reference_seconds, document, _ = timed_pair(export, reference, options.repeat)
    ratio = export_seconds / reference_seconds
    started = time.perf_counter()
    old_document = json.loads(old_plan(options.year))
    old_seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        raw_year = raw_figures(
            cursor, options.year, postgresql, settings.REPORTING_CURRENCY, settings.TIME_ZONE
        )
    problems = compare(document, raw_year)
    same_as_old = {k: v for k, v in document.items() if k != "generated_at"} == {
        k: v for k, v in old_document.items() if k != "generated_at"
    }
    rollup_rows = sum(model.objects.count() for model in rollups.ROLLUPS)

    memory = json.loads(
        subprocess.run(  # noqa: S603 - our own script, fixed arguments
            [sys.executable, __file__, "--csv-memory", "--year", str(options.year)],
            check=True,
            capture_output=True,
            text=True,
            env=os.environ,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    print(f"database            {connection.vendor} ({lots:,} lots, year {options.year})")
    print(f"rollup rows         {rollup_rows:>8,}  (all tables, all years)")
    print(f"JSON export         {export_seconds:8.3f} s  (median of {options.repeat}, both years)")
    print(f"reference scan      {reference_seconds:8.3f} s  (one GROUP BY category, the year)")
    verdict = "OK" if ratio <= TARGET_RATIO else "over target"
    print(f"ratio               {ratio:8.2f} x  (target <= {TARGET_RATIO}: {verdict})")
    print(
        f"old plan (recount)  {old_seconds:8.3f} s  ({old_seconds / reference_seconds:.1f} x the "
        f"reference, {old_seconds / export_seconds:.0f} x the export; one run)"
    )
    print(f"figures = raw SQL   {'yes' if not problems else 'NO'}")
    print(f"document = old plan {'yes' if same_as_old else 'NO'}")
    for problem in problems[:20]:
        print(f"  {problem}")
    print(
        f"CSV export memory   peak {memory['peak_mb']:.1f} MB traced, max RSS "
        f"{memory['max_rss_mb']:.0f} MB, {memory['bytes']:,} bytes streamed"
    )
    if problems or not same_as_old:
        sys.exit(1)


if __name__ == "__main__":
    main()

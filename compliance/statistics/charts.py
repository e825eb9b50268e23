"""The statistics charts, drawn on the server with reportlab graphics: the same Drawing is
rendered to inline SVG for the page and placed as a flowable in the PDF report. No JavaScript,
no CDN; the page shows the figures as tables beside each chart for screen readers."""

import re
from dataclasses import dataclass
from decimal import Decimal

from reportlab.graphics import renderSVG
from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors

from compliance.statistics import AnnualStatistics

WIDTH = 480
CURRENT = colors.HexColor("#1d4e89")
PREVIOUS = colors.HexColor("#9db4d3")
RANK_COLOURS = {
    "2": colors.HexColor("#1e7b46"),
    "3": colors.HexColor("#4f9a5e"),
    "4": colors.HexColor("#c9a227"),
    "5": colors.HexColor("#b3261e"),
    "9": colors.HexColor("#5a1410"),
}
FONT = "Helvetica"


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    drawing: Drawing

    def svg(self) -> str:
        return drawing_to_svg(self.drawing, self.key, self.title)


def drawing_to_svg(drawing: Drawing, key: str, title: str) -> str:
    """Inline SVG: no XML prolog, a title for assistive technology, and ids unique per chart
    (reportlab names every clip path 'clip', which would clash between charts on one page)."""
    svg = renderSVG.drawToString(drawing)
    svg = svg[svg.index("<svg") :]
    svg = svg.replace('id="clip"', f'id="{key}-clip"').replace("url(#clip)", f"url(#{key}-clip)")
    svg = svg.replace('id="group"', f'id="{key}-group"')
    title = title.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    svg = re.sub(r"<title>.*?</title>", f'<title id="{key}-title">{title}</title>', svg, count=1)
    svg = re.sub(r"<desc>.*?</desc>", "", svg, count=1)
    return svg.replace("<svg ", f'<svg role="img" aria-labelledby="{key}-title" ', 1)


def _number(value) -> float:
    return float(value or 0)


def axis_format(unit: str = ""):
    """Tick labels without repeated values: whole numbers plain, small steps with a decimal."""

    def label(value: float) -> str:
        text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
        return f"{text} {unit}".strip()

    return label


def short(label: str, limit: int = 36) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def _empty(drawing: Drawing, message: str = "No data for this year.") -> Drawing:
    drawing.add(String(10, drawing.height / 2, message, fontName=FONT, fontSize=11))
    return drawing


def _legend(drawing: Drawing, entries: list[tuple[colors.Color, str]]) -> None:
    legend = Legend()
    legend.x = WIDTH - 150
    legend.y = drawing.height - 8
    legend.fontName = FONT
    legend.fontSize = 9
    legend.boxAnchor = "nw"
    legend.columnMaximum = 1
    legend.colorNamePairs = entries
    drawing.add(legend)


def horizontal_bars(
    labels: list[str],
    series: list[list[float]],
    names: list[str],
    *,
    unit: str = "",
) -> Drawing:
    """One bar per label (and per series, current year first); long labels are shortened."""
    height = max(110, 16 * len(labels) * len(series) + 8 * len(labels) + 70)
    drawing = Drawing(WIDTH, height)
    if not labels or not any(any(s) for s in series):
        return _empty(drawing)
    chart = HorizontalBarChart()
    chart.x, chart.y = 185, 25
    chart.width, chart.height = WIDTH - 185 - 25, height - 60
    # reportlab draws the first category at the bottom: reverse so the list reads top-down.
    chart.data = [list(reversed(s)) for s in series]
    chart.categoryAxis.categoryNames = [short(label) for label in reversed(labels)]
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 9
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = 9
    chart.valueAxis.labelTextFormat = axis_format(unit)
    chart.barSpacing = 1
    chart.groupSpacing = 6
    for n, colour in enumerate((CURRENT, PREVIOUS)[: len(series)]):
        chart.bars[n].fillColor = colour
        chart.bars[n].strokeColor = None
    drawing.add(chart)
    if len(series) > 1:
        _legend(drawing, list(zip((CURRENT, PREVIOUS), names, strict=False)))
    return drawing


def articles_by_category(stats: AnnualStatistics) -> Chart:
    rows = [r for r in stats.breakdown("category") if r.figures["articles"].figure]
    drawing = horizontal_bars(
        [r.label for r in rows],
        [
            [_number(r.figures["articles"].figure) for r in rows],
            [_number(r.figures["articles"].previous) for r in rows],
        ],
        [str(stats.year), str(stats.previous_year)],
    )
    return Chart("chart-category", f"Articles by product category, {stats.year}", drawing)


def provenance_top10(stats: AnnualStatistics) -> Chart:
    rows = [r for r in stats.breakdown("provenance_country") if r.figures["articles"].figure][:10]
    drawing = horizontal_bars(
        [r.label for r in rows],
        [
            [_number(r.figures["articles"].figure) for r in rows],
            [_number(r.figures["articles"].previous) for r in rows],
        ],
        [str(stats.year), str(stats.previous_year)],
    )
    return Chart(
        "chart-provenance", f"Articles by country of provenance, top 10, {stats.year}", drawing
    )


def kg_by_method(stats: AnnualStatistics) -> Chart:
    rows = [r for r in stats.breakdown("method") if r.figures["kg_destroyed"].figure]
    drawing = horizontal_bars(
        [r.label for r in rows],
        [[_number(r.figures["kg_destroyed"].figure) for r in rows]],
        [str(stats.year)],
        unit="kg",
    )
    return Chart("chart-method", f"Kg destroyed by method, {stats.year}", drawing)


def kg_by_rank(stats: AnnualStatistics) -> Chart:
    rows = [r for r in stats.breakdown("hierarchy_rank") if r.figures["kg_destroyed"].figure]
    drawing = Drawing(WIDTH, 200)
    title = f"Kg destroyed by waste-hierarchy rank, {stats.year}"
    if not rows:
        return Chart("chart-rank", title, _empty(drawing))
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 60, 40, WIDTH - 90, 140
    chart.data = [[_number(r.figures["kg_destroyed"].figure) for r in rows]]
    chart.categoryAxis.categoryNames = [r.label for r in rows]
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 9
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = 9
    chart.valueAxis.labelTextFormat = axis_format("kg")
    chart.bars[0].strokeColor = None
    for n, row in enumerate(rows):
        chart.bars[(0, n)].fillColor = RANK_COLOURS.get(row.value, CURRENT)
    drawing.add(chart)
    return Chart("chart-rank", title, drawing)


def recovery_rate_by_month(stats: AnnualStatistics) -> Chart:
    by_month = {r.value: r for r in stats.breakdown("month")}
    months = [str(n) for n in range(1, 13)]

    def rates(attribute: str) -> list[float]:
        values = []
        for month in months:
            row = by_month.get(month)
            rate = getattr(row.figures["recovery_rate"], attribute) if row else None
            values.append(float(rate * 100) if isinstance(rate, Decimal) else 0.0)
        return values

    drawing = Drawing(WIDTH, 200)
    title = f"Recovery rate by month (recycled + energy recovery), {stats.year}"
    current, previous = rates("figure"), rates("previous")
    if not by_month:
        return Chart("chart-recovery", title, _empty(drawing))
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 50, 30, WIDTH - 80, 140
    chart.data = [current, previous]
    chart.categoryAxis.categoryNames = ["J", "F", "M", "A", "M", "J", "J", "A", "S", "O", "N", "D"]
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 9
    chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = 0, 100, 25
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = 9
    chart.valueAxis.labelTextFormat = "%d%%"
    chart.barSpacing = 1
    for n, colour in enumerate((CURRENT, PREVIOUS)):
        chart.bars[n].fillColor = colour
        chart.bars[n].strokeColor = None
    drawing.add(chart)
    _legend(drawing, [(CURRENT, str(stats.year)), (PREVIOUS, str(stats.previous_year))])
    return Chart("chart-recovery", title, drawing)


def costs_by(stats: AnnualStatistics, key: str, title: str) -> Chart:
    """Converted costs per value of a cost breakdown, the year beside the previous one."""
    rows = [
        r for r in stats.breakdown(key) if r.figures["costs"].figure or r.figures["costs"].previous
    ]
    drawing = horizontal_bars(
        [r.label for r in rows],
        [
            [_number(r.figures["costs"].figure) for r in rows],
            [_number(r.figures["costs"].previous) for r in rows],
        ],
        [str(stats.year), str(stats.previous_year)],
        unit=stats.reporting_currency,
    )
    return Chart(f"chart-{key}", f"{title} ({stats.reporting_currency}), {stats.year}", drawing)


def all_charts(stats: AnnualStatistics) -> list[Chart]:
    return [
        articles_by_category(stats),
        provenance_top10(stats),
        kg_by_method(stats),
        kg_by_rank(stats),
        recovery_rate_by_month(stats),
        costs_by(stats, "cost_method", "Costs by destruction method"),
        costs_by(stats, "payer", "Costs by payer"),
    ]

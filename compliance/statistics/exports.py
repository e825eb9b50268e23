"""The statistics as files: JSON (with its data dictionary) and CSV stream section by section;
XLSX is written by openpyxl in write-only mode (one sheet per breakdown plus totals)."""

import csv
import datetime
import io
import json
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from compliance.statistics.annual import (
    AnnualStatistics,
    ComparedRow,
    Comparison,
    check_year,
    find_office,
)
from compliance.statistics.dictionary import (
    BREAKDOWNS,
    DEFINITIONS,
    MEASURES,
    TOTALS,
    Section,
    data_dictionary,
)
from compliance.statistics.frozen import FrozenStatistics, statistics_for
from seizures.models import CustomsOffice
from seizures.scoping import scope_of

CSV_HEADER = (
    "year",
    "dimension",
    "value",
    "label",
    "measure",
    "figure",
    "previous_year_figure",
    "change",
)
CONTENT_TYPES = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FORMATS = tuple(CONTENT_TYPES)


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        # Figures carry at most 6 decimals: a float represents them exactly enough for JSON.
        return float(value)
    raise TypeError(f"Cannot serialise {type(value).__name__}")


def _dumps(value: Any) -> str:
    return json.dumps(value, default=_json_default, ensure_ascii=False)


def _row_dict(row: ComparedRow) -> dict[str, Any]:
    return {
        "value": row.value,
        "label": row.label,
        **{measure: comparison.as_dict() for measure, comparison in row.figures.items()},
    }


def json_chunks(
    stats: AnnualStatistics,
    *,
    generated_at: datetime.datetime | None = None,
    edition: dict[str, Any] | None = None,
) -> Iterator[str]:
    """One JSON document, written piece by piece: each breakdown's queries run only when the
    client has read the previous ones. A frozen edition passes its closing time and itself."""
    head = {
        "year": stats.year,
        "previous_year": stats.previous_year,
        "office": stats.office_dict(),
        "reporting_currency": stats.reporting_currency,
        "generated_at": (generated_at or timezone.now()).isoformat(timespec="seconds"),
        **({"edition": edition} if edition is not None else {}),
        "exchange_rates": stats.exchange_rates(),
    }
    yield _dumps(head)[:-1]
    totals = {
        section: {measure: comparison.as_dict() for measure, comparison in figures.items()}
        for section, figures in stats.totals().items()
    }
    yield ', "totals": ' + _dumps(totals)
    yield ', "breakdowns": {'
    for n, key in enumerate(BREAKDOWNS):
        rows = [_row_dict(row) for row in stats.breakdown(key)]
        yield ("" if n == 0 else ", ") + _dumps(key) + ": " + _dumps(rows)
    yield "}"
    yield ', "unconverted": ' + _dumps(stats.unconverted())
    yield ', "data_dictionary": ' + _dumps(data_dictionary())
    yield "}\n"


class _Line:
    """A file-like object that hands back what csv.writer writes (one line at a time)."""

    def write(self, value: str) -> str:
        return value


def _csv_figure(value: Any) -> Any:
    return "" if value is None else value


def csv_lines(stats: AnnualStatistics) -> Iterator[str]:
    """One long table (dimension, value, measure, figure, ...) that a spreadsheet pivots."""
    writer = csv.writer(_Line())
    yield writer.writerow(CSV_HEADER)
    for section, figures in stats.totals().items():
        for measure, comparison in figures.items():
            yield writer.writerow(
                (
                    stats.year,
                    "total",
                    section,
                    Section(section).label,
                    measure,
                    _csv_figure(comparison.figure),
                    _csv_figure(comparison.previous),
                    _csv_figure(comparison.change),
                )
            )
    for key in BREAKDOWNS:
        for row in stats.breakdown(key):
            for measure, comparison in row.figures.items():
                yield writer.writerow(
                    (
                        stats.year,
                        key,
                        row.value,
                        row.label,
                        measure,
                        _csv_figure(comparison.figure),
                        _csv_figure(comparison.previous),
                        _csv_figure(comparison.change),
                    )
                )


def _bold(sheet, values: list[Any]) -> list[WriteOnlyCell]:
    cells = []
    for value in values:
        cell = WriteOnlyCell(sheet, value=value)
        cell.font = Font(bold=True)
        cells.append(cell)
    return cells


def _compared(comparison: Comparison | None) -> list[Any]:
    """The four cells of a figure: the year, the previous year, the change and the change in %
    (empty cells for a measure without a total, such as the per-currency figures)."""
    if comparison is None:
        return [None] * 4
    return [
        comparison.figure,
        comparison.previous,
        comparison.change,
        comparison.change_percent,
    ]


def xlsx_bytes(stats: AnnualStatistics) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Totals")
    sheet.append(_bold(sheet, [stats.title]))
    sheet.append(
        [f"Reporting currency {stats.reporting_currency}; compared with {stats.previous_year}."]
    )
    sheet.append([])
    sheet.append(
        _bold(
            sheet,
            [
                "Section",
                "Measure",
                "Label",
                "Unit",
                str(stats.year),
                str(stats.previous_year),
                "Change",
                "Change %",
            ],
        )
    )
    for section, figures in stats.totals().items():
        for measure, comparison in figures.items():
            info = MEASURES[measure]
            sheet.append([section, measure, info.label, info.unit, *_compared(comparison)])
    for key, info in BREAKDOWNS.items():
        sheet = workbook.create_sheet(info.label[:31])
        header = ["Value", "Label"]
        for measure in info.measures:
            label = MEASURES[measure].label
            header += [
                f"{label} {stats.year}",
                f"{label} {stats.previous_year}",
                f"{label} change",
                f"{label} change %",
            ]
        sheet.append(_bold(sheet, header))
        for row in stats.breakdown(key):
            line = [row.value, row.label]
            for measure in info.measures:
                line += _compared(row.figures[measure])
            sheet.append(line)
        total = ["Total", "All values"]
        for measure in info.measures:
            total += _compared(stats.total(measure))
        sheet.append(_bold(sheet, total))
    sheet = workbook.create_sheet("Unconverted")
    sheet.append(_bold(sheet, ["Currency", "Retail value (original currency)", "Lots"]))
    for item in stats.unconverted():
        sheet.append([item["currency"], item["retail_value"], item["lots"]])
    _dictionary_sheet(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _dictionary_sheet(workbook: Workbook) -> None:
    sheet = workbook.create_sheet("Data dictionary")
    sheet.append(_bold(sheet, ["Kind", "Key", "Label", "Unit", "Additive", "Description"]))
    for measure in MEASURES.values():
        sheet.append(
            [
                "measure",
                measure.key,
                measure.label,
                measure.unit,
                "yes" if measure.additive else "no",
                measure.description,
            ]
        )
    for info in BREAKDOWNS.values():
        excluded = info.not_additive()
        additive = f"all but {', '.join(excluded)}" if excluded else "all"
        sheet.append(["breakdown", info.key, info.label, "", additive, info.description])
    for key, text in DEFINITIONS.items():
        sheet.append(["definition", key, "", "", "", text])
    for section, measures in TOTALS.items():
        sheet.append(["totals", section, Section(section).label, "", "", ", ".join(measures)])


def check_format(file_format: str) -> str:
    if file_format not in FORMATS:
        raise ValidationError({"format": [f"Choose one of: {', '.join(FORMATS)}."]})
    return file_format


T = TypeVar("T")


def requested_statistics(
    year: int, file_format: str | None, office: str, *, user
) -> AnnualStatistics:
    """The statistics a download asks for (API and page): format (None: not asked), year and
    office by code or id ("": all offices, for national users only), each checked, so one
    ValidationError names every bad field. An office outside the user's is unknown. A closed
    year's are its frozen edition's."""
    errors: dict[str, list[str]] = {}

    def collect(check: Callable[[], T]) -> T | None:
        try:
            return check()
        except ValidationError as error:
            errors.update(error.message_dict)
            return None

    if file_format is not None:
        collect(lambda: check_format(file_format))
    collect(lambda: check_year(year))
    offices = CustomsOffice.objects.visible_to(user)
    found = collect(lambda: find_office(office, offices)) if office else None
    if not office and not scope_of(user).national:
        codes = ", ".join(offices.values_list("code", flat=True)) or "none"
        errors["office"] = [f"Choose one of your offices ({codes})."]
    if errors:
        raise ValidationError(errors)
    return statistics_for(year, found)


def export_response(stats: AnnualStatistics, file_format: str) -> HttpResponseBase:
    """The download of one format; JSON and CSV stream (their queries run while sending)."""
    check_format(file_format)
    filename = stats.filename(file_format)
    if file_format == "json" and isinstance(stats, FrozenStatistics):
        # A closed year: the edition's text, byte for byte, whoever asks and whenever.
        response = HttpResponse(stats.document.content.encode(), content_type=CONTENT_TYPES["json"])
        response["ETag"] = f'"{stats.document.sha256}"'
    elif file_format == "xlsx":
        response: HttpResponseBase = HttpResponse(
            xlsx_bytes(stats), content_type=CONTENT_TYPES["xlsx"]
        )
    else:
        chunks = json_chunks(stats) if file_format == "json" else csv_lines(stats)
        response = StreamingHttpResponse(chunks, content_type=CONTENT_TYPES[file_format])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response

"""Bulk intake of small consignments from a CSV file: parse and validate every row first.

One row per lot; rows sharing a `seizure_key` form one seizure and must agree on the seizure
columns. The columns are documented in seizures/examples/README.md. Nothing here writes: the
service `seizures.services.import_seizures` adds the storage checks to what `read_intake`
returns and creates everything in one transaction, or nothing when any row has an error.
"""

import codecs
import csv
import datetime
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.utils import timezone

from seizures.models import (
    LOT_INTAKE_FLAGS,
    CustomsOffice,
    RightHolder,
    Seizure,
    StorageLocation,
)
from seizures.validation import (
    CASE_ARGUMENTS,
    LotInput,
    implausible_date,
    lot_errors,
    seizure_errors,
)

MAX_ROWS = 20_000
# Column separators recognised, the default first.
DELIMITERS = (",", ";", "\t")
UNREADABLE_ENCODING = "Save the file as CSV in UTF-8 or Windows-1252."

# The case as detained and notified; after intake these stay correctable (services), the office
# does not.
CASE_FIELDS = (
    "detained_on",
    "place_of_detention",
    "transport_mode",
    "traffic_type",
    "provenance_country",
    "ipr_type",
    "customs_procedure",
    "action_type",
    "right_holder",
    "declarant_name",
    "consignment_number",
    "notified_on",
    "legal_route",
    "perishable",
)
SEIZURE_COLUMNS = ("office", *CASE_FIELDS)
LOT_COLUMNS = (
    "category",
    "waste_class",
    "description",
    "brand",
    "articles",
    "gross_weight_kg",
    "net_weight_kg",
    "volume_l",
    "retail_value",
    "currency",
    "hazard_classes",
    "location",
    *LOT_INTAKE_FLAGS,
    "ewc_code",
    "ewc_reason",
    "hp_properties",
)
COLUMNS = ("seizure_key", *SEIZURE_COLUMNS, *LOT_COLUMNS)
REQUIRED_COLUMNS = frozenset(
    {
        "seizure_key",
        "office",
        "detained_on",
        "transport_mode",
        "provenance_country",
        "ipr_type",
        "customs_procedure",
        "action_type",
        "legal_route",
        "category",
        "description",
        "articles",
        "gross_weight_kg",
    }
)
TRUE = frozenset({"1", "yes", "y", "true"})
FALSE = frozenset({"", "0", "no", "n", "false"})
NO_HAZARDS = "-"
T = TypeVar("T")


@dataclass(frozen=True)
class RowError:
    line: int
    field: str
    message: str

    def as_dict(self) -> dict:
        return {"line": self.line, "field": self.field, "message": self.message}


class IntakeRejected(ValidationError):
    """The file has errors: nothing was imported. `rows` lists them by line and column."""

    def __init__(self, rows: list[RowError]):
        self.rows = rows
        lines = len({error.line for error in rows})
        super().__init__(
            {"file": [f"{len(rows)} error(s) on {lines} line(s); nothing was imported."]}
        )


class IntakeDuplicates(IntakeRejected):
    """The file was imported before or names consignment numbers already recorded: nothing was
    imported; the same file goes through when the importer confirms the duplicates."""

    def __init__(self, rows: list[RowError]):
        self.rows = rows
        ValidationError.__init__(
            self,
            {
                "file": [
                    f"{len(rows)} possible duplicate(s): nothing was imported. Check them and "
                    "confirm to import the file anyway."
                ]
            },
        )


@dataclass
class LotPlan:
    line: int
    data: LotInput


@dataclass
class SeizurePlan:
    key: str
    line: int
    fields: dict
    lots: list[LotPlan] = field(default_factory=list)
    # Every line of the seizure, including those whose lot could not be read.
    lines: list[int] = field(default_factory=list)
    # False when its first line has an error in a seizure column: the case rules would then
    # judge a guessed value (no right holder, no date) and report errors that are not there.
    case_readable: bool = True


@dataclass
class IntakeReading:
    """What a file holds: a plan per seizure and every error found by reading and by the case
    rules. The service adds the storage checks, which need the database, and then refuses or
    imports the whole file."""

    plans: list[SeizurePlan]
    errors: list[RowError]
    encoding: str
    delimiter: str


def read_intake(content: bytes | str) -> IntakeReading:
    """Parse and check every row. A file that cannot be read as a table (encoding, header, CSV
    syntax, size) raises IntakeRejected at once; errors of rows are collected, and the case
    rules run on every seizure whose case columns could be read, so one report lists all.
    The encoding and the column separator are detected (see `decode` and `detect_delimiter`)."""
    text, encoding = decode(content)
    delimiter = detect_delimiter(text)
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    header = [name.strip() for name in _read_csv(reader, lambda: reader.fieldnames) or []]
    missing = sorted(REQUIRED_COLUMNS - set(header))
    unknown = sorted(set(header) - set(COLUMNS))
    if missing or unknown:
        errors = [RowError(1, name, "This required column is missing.") for name in missing]
        errors += [RowError(1, name, "Unknown column.") for name in unknown]
        raise IntakeRejected(errors)
    reader.fieldnames = header
    lookups = _Lookups()
    errors: list[RowError] = []
    plans: dict[str, SeizurePlan] = {}
    seen: dict[str, dict] = {}
    count = 0
    for count, row in enumerate(_csv_rows(reader), start=1):
        line = reader.line_num
        if count > MAX_ROWS:
            raise IntakeRejected([RowError(line, "file", f"At most {MAX_ROWS} rows per file.")])
        row = {name: (value or "").strip() for name, value in row.items() if name}
        row_errors: list[RowError] = []
        key = row.get("seizure_key", "")
        if not key:
            row_errors.append(RowError(line, "seizure_key", "Give each seizure a key."))
        fields = _seizure_fields(row, line, lookups, row_errors)
        case_readable = not row_errors
        lot = _lot_input(row, line, lookups, row_errors)
        if key in seen:
            for name in SEIZURE_COLUMNS:
                if seen[key].get(name, "") != row.get(name, ""):
                    row_errors.append(
                        RowError(
                            line,
                            name,
                            f"Differs from line {plans[key].line}, the first line of seizure "
                            f"{key!r}: rows of one seizure repeat its seizure columns.",
                        )
                    )
        elif key:
            seen[key] = {name: row.get(name, "") for name in SEIZURE_COLUMNS}
            plans[key] = SeizurePlan(key, line, fields, case_readable=case_readable)
        errors.extend(row_errors)
        if key:
            plans[key].lines.append(line)
            if lot is not None:
                plans[key].lots.append(LotPlan(line, lot))
    if count == 0:
        raise IntakeRejected([RowError(2, "file", "The file has no rows.")])
    errors.extend(_case_errors(plan for plan in plans.values() if plan.case_readable))
    return IntakeReading(list(plans.values()), errors, encoding, delimiter)


def decode(content: bytes | str) -> tuple[str, str]:
    """The text of the file and the encoding it was read with: UTF-8 (with or without the byte
    order mark Excel writes), UTF-16 with its byte order mark (Excel's "Unicode text"), else
    Windows-1252 (Excel's "CSV" on Western European Windows). UTF-8 is tried before
    Windows-1252 because accented text in Windows-1252 is almost never valid UTF-8, while the
    reverse always decodes, wrongly."""
    if isinstance(content, str):
        return content, "text"
    if content.startswith(codecs.BOM_UTF8):
        candidates = ("utf-8-sig",)
    elif content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ("utf-16",)
    else:
        candidates = ("utf-8", "cp1252")
    for encoding in candidates:
        try:
            return content.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise IntakeRejected([RowError(1, "file", UNREADABLE_ENCODING)])


def detect_delimiter(text: str) -> str:
    """The separator that splits the header line into the most known column names: a comma,
    a semicolon (Excel's CSV where the decimal separator is a comma: Belgium, France, the
    Netherlands) or a tab. A comma when none splits it into known names."""
    header = next(iter(text.splitlines()), "")

    def known_columns(delimiter: str) -> int:
        try:
            names = next(csv.reader([header], delimiter=delimiter), [])
        except csv.Error:  # unreadable: the reader reports it with its line
            return 0
        return len({name.strip() for name in names} & set(COLUMNS))

    return max(DELIMITERS, key=known_columns)


def sorted_errors(errors: Iterable[RowError]) -> list[RowError]:
    """By line, then in the order of the file's columns."""
    return sorted(
        errors, key=lambda e: (e.line, COLUMNS.index(e.field) if e.field in COLUMNS else 0)
    )


def _read_csv(reader: csv.DictReader, read: Callable[[], T]) -> T:
    """A line the csv module cannot parse (a field over its size limit, a stray quote in strict
    mode) makes the whole file unreadable: report it as a file error, not a crash."""
    try:
        return read()
    except csv.Error as error:
        # The DictReader's own line_num is only updated after a row was read.
        line = max(reader.reader.line_num, 1)
        raise IntakeRejected(
            [RowError(line, "file", f"Line {line} cannot be read as CSV: {error}.")]
        ) from error


def _csv_rows(reader: csv.DictReader) -> Iterator[dict]:
    while True:
        row = _read_csv(reader, lambda: next(reader, None))
        if row is None:
            return
        yield row


def _case_errors(plans: Iterable[SeizurePlan]) -> list[RowError]:
    """Case rules (Art. 26, right holder...) of each seizure, reported on its first line. A
    seizure with an unreadable lot is judged on the lots that could be read: its totals can
    only grow, so no error is reported that the full seizure would not have."""
    today = timezone.localdate()
    errors = []
    for plan in plans:
        found = seizure_errors(
            **{name: plan.fields[name] for name in CASE_ARGUMENTS},
            total_articles=sum(lot.data.articles for lot in plan.lots),
            total_weight_kg=sum((lot.data.gross_weight_kg for lot in plan.lots), Decimal("0")),
            today=today,
        )
        for name, messages in found.items():
            errors.extend(RowError(plan.line, name, message) for message in messages)
    return errors


class _Lookups:
    """Reference data read once per file, not once per row, and the day it is read."""

    def __init__(self) -> None:
        self.today = timezone.localdate()
        self.offices = {o.code: o for o in CustomsOffice.objects.all()}
        self.right_holders = {r.name.casefold(): r for r in RightHolder.objects.all()}
        self.locations = {loc.code: loc for loc in StorageLocation.objects.all()}


def _seizure_fields(row: dict, line: int, lookups: _Lookups, errors: list[RowError]) -> dict:
    office = lookups.offices.get(row.get("office", ""))
    if office is None:
        errors.append(RowError(line, "office", f"Unknown customs office {row.get('office')!r}."))
    right_holder = None
    if row.get("right_holder"):
        right_holder = lookups.right_holders.get(row["right_holder"].casefold())
        if right_holder is None:
            errors.append(
                RowError(line, "right_holder", f"Unknown right holder {row['right_holder']!r}.")
            )
    return {
        "office": office,
        "detained_on": _date(row, "detained_on", line, errors, required=True, today=lookups.today),
        "place_of_detention": _text(row, "place_of_detention", line, errors),
        "transport_mode": row.get("transport_mode", ""),
        "traffic_type": row.get("traffic_type") or "freight",
        "provenance_country": row.get("provenance_country", "").upper(),
        "ipr_type": row.get("ipr_type", ""),
        "customs_procedure": row.get("customs_procedure", ""),
        "action_type": row.get("action_type", ""),
        "right_holder": right_holder,
        "declarant_name": _text(row, "declarant_name", line, errors),
        "consignment_number": _text(row, "consignment_number", line, errors),
        "notified_on": _date(row, "notified_on", line, errors, required=False, today=lookups.today),
        "legal_route": row.get("legal_route", ""),
        "perishable": _flag(row, "perishable", line, errors),
    }


def _lot_input(row: dict, line: int, lookups: _Lookups, errors: list[RowError]) -> LotInput | None:
    before = len(errors)
    articles = _whole(row, "articles", line, errors)
    weight = _decimal(row, "gross_weight_kg", line, errors, required=True)
    value = _decimal(row, "retail_value", line, errors, required=False)
    net_weight = _decimal(row, "net_weight_kg", line, errors, required=False)
    volume = _decimal(row, "volume_l", line, errors, required=False)
    location = None
    if row.get("location"):
        location = lookups.locations.get(row["location"])
        if location is None:
            errors.append(RowError(line, "location", f"Unknown location {row['location']!r}."))
    hazards_text = row.get("hazard_classes", "")
    hazards = None
    if hazards_text == NO_HAZARDS:
        hazards = []
    elif hazards_text:
        hazards = [c.strip() for c in hazards_text.replace(",", ";").split(";") if c.strip()]
    flags = {name: _flag(row, name, line, errors) for name in LOT_INTAKE_FLAGS}
    hp_properties = [
        hp.strip().upper()
        for hp in row.get("hp_properties", "").replace(",", ";").split(";")
        if hp.strip()
    ]
    if len(errors) > before:
        return None
    lot = LotInput(
        category=row.get("category", ""),
        description=row.get("description", ""),
        articles=articles,
        gross_weight_kg=weight,
        net_weight_kg=net_weight,
        volume_l=volume,
        brand=row.get("brand", ""),
        waste_class=row.get("waste_class") or None,
        retail_value=value if value is not None else Decimal("0"),
        currency=(row.get("currency") or "EUR").upper(),
        hazard_classes=hazards,
        location=location,
        ewc_code=row.get("ewc_code") or None,
        ewc_reason=row.get("ewc_reason", ""),
        hp_properties=hp_properties,
        **flags,
    )
    lot.resolve()
    for name, messages in lot_errors(lot).items():
        errors.extend(RowError(line, name, message) for message in messages)
    return lot if len(errors) == before else None


def _date(row, name, line, errors, *, required: bool, today: datetime.date) -> datetime.date | None:
    text = row.get(name, "")
    if not text:
        if required:
            errors.append(RowError(line, name, "This column is required."))
        return None
    try:
        value = datetime.date.fromisoformat(text)
    except ValueError:
        errors.append(RowError(line, name, f"Use the date format YYYY-MM-DD, not {text!r}."))
        return None
    # Refused here, not only by the case rules: the deadlines are computed from these dates
    # before those rules run, and 9999-12-31 overflows them.
    message = implausible_date(value, today=today)
    if message:
        errors.append(RowError(line, name, message))
        return None
    return value


def _text(row, name, line, errors) -> str:
    text = row.get(name, "")
    limit = Seizure._meta.get_field(name).max_length
    if len(text) > limit:
        errors.append(RowError(line, name, f"Keep this under {limit} characters."))
    return text


def _whole(row, name, line, errors) -> int | None:
    text = row.get(name, "")
    try:
        return int(text)
    except ValueError:
        errors.append(RowError(line, name, f"Enter a whole number, not {text!r}."))
        return None


def _decimal(row, name, line, errors, *, required: bool) -> Decimal | None:
    text = row.get(name, "").replace(",", ".")
    if not text:
        if required:
            errors.append(RowError(line, name, "This column is required."))
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        errors.append(RowError(line, name, f"Enter a number such as 1.25, not {text!r}."))
        return None
    if not value.is_finite() or abs(value) >= Decimal("1e11"):
        errors.append(RowError(line, name, f"{text!r} is not a usable number."))
        return None
    return value


def _flag(row, name, line, errors) -> bool:
    text = row.get(name, "").casefold()
    if text in TRUE:
        return True
    if text not in FALSE:
        errors.append(RowError(line, name, f"Use yes or no (true/false, 1/0), not {text!r}."))
    return False

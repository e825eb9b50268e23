"""CSV downloads of any filtered list, streamed row by row (a full lot list can be large).

Each list names its columns once; the page and the API both stream with `csv_response`.
"""

import csv
import json
from collections.abc import Callable, Iterable
from typing import Any

from django.http import StreamingHttpResponse
from django.utils import timezone

Column = tuple[str, Callable[[Any], Any]]


class _Echo:
    """A file-like object whose write returns the line, for csv.writer in a generator."""

    def write(self, value: str) -> str:
        return value


def csv_response(rows: Iterable, columns: list[Column], name: str) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def lines():
        yield writer.writerow([header for header, _ in columns])
        for row in rows:
            yield writer.writerow([_cell(value(row)) for _, value in columns])

    filename = f"{name}-{timezone.localdate():%Y%m%d}.csv"
    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, dict):
        return json.dumps(value, sort_keys=True)
    if isinstance(value, list | tuple):
        return ";".join(str(v) for v in value)
    text = str(value)
    # Spreadsheets run cells starting with these as formulas (CSV injection).
    return "'" + text if text[:1] in ("=", "+", "-", "@") and not _is_number(text) else text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _code(obj, attribute: str) -> str:
    related = getattr(obj, attribute)
    return related.code if related else ""


SEIZURE_COLUMNS: list[Column] = [
    ("reference", lambda s: s.reference),
    ("office", lambda s: s.office.code),
    ("detained_on", lambda s: s.detained_on),
    ("place_of_detention", lambda s: s.place_of_detention),
    ("transport_mode", lambda s: s.transport_mode),
    ("traffic_type", lambda s: s.traffic_type),
    ("provenance_country", lambda s: s.provenance_country.code),
    ("ipr_type", lambda s: s.ipr_type),
    ("customs_procedure", lambda s: s.customs_procedure),
    ("action_type", lambda s: s.action_type),
    ("right_holder", lambda s: s.right_holder.name if s.right_holder else ""),
    ("declarant_name", lambda s: s.declarant_name),
    ("consignment_number", lambda s: s.consignment_number),
    ("notified_on", lambda s: s.notified_on),
    ("legal_route", lambda s: s.legal_route),
    ("perishable", lambda s: s.perishable),
    ("deadline", lambda s: s.deadline),
    ("on_hold", lambda s: s.on_hold),
    ("lots", lambda s: s.lot_count),
]

LOT_COLUMNS: list[Column] = [
    ("reference", lambda lot: lot.reference),
    ("seizure", lambda lot: lot.seizure.reference),
    ("parent", lambda lot: lot.parent.reference if lot.parent else ""),
    ("category", lambda lot: lot.category),
    ("waste_class", lambda lot: lot.waste_class),
    ("description", lambda lot: lot.description),
    ("brand", lambda lot: lot.brand),
    ("seized_articles", lambda lot: lot.seized_articles),
    ("articles", lambda lot: lot.articles),
    ("gross_weight_kg", lambda lot: lot.gross_weight_kg),
    ("retail_value", lambda lot: lot.retail_value),
    ("currency", lambda lot: lot.currency),
    ("hazard_classes", lambda lot: lot.hazard_classes),
    ("ewc_code", lambda lot: lot.ewc_code),
    ("hazardous_waste", lambda lot: lot.hazardous_waste),
    ("hp_properties", lambda lot: lot.hp_properties),
    ("controlled_substances", lambda lot: lot.controlled_substances),
    ("cytotoxic", lambda lot: lot.cytotoxic),
    ("contains_asbestos", lambda lot: lot.contains_asbestos),
    ("high_risk", lambda lot: lot.high_risk),
    ("damaged", lambda lot: lot.damaged),
    ("status", lambda lot: lot.status),
    ("location", lambda lot: _code(lot, "location")),
    ("stored_since", lambda lot: lot.stored_since),
    ("days_in_storage", lambda lot: lot.days_in_storage),
    ("deadline", lambda lot: lot.seizure.deadline),
]

LOCATION_COLUMNS: list[Column] = [
    ("code", lambda loc: loc.code),
    ("name", lambda loc: loc.name),
    ("warehouse", lambda loc: loc.warehouse.code),
    ("parent", lambda loc: _code(loc, "parent")),
    ("kind", lambda loc: loc.kind),
    ("zone_type", lambda loc: loc.zone_type),
    ("accepted_hazard_classes", lambda loc: loc.accepted_hazard_classes),
    ("capacity_kg", lambda loc: loc.capacity_kg),
    ("used_kg", lambda loc: loc.used_kg),
    ("lots", lambda loc: loc.lot_count),
    ("active", lambda loc: loc.active),
    ("last_stocktake_on", lambda loc: loc.last_stocktake_on),
]

WAREHOUSE_COLUMNS: list[Column] = [
    ("code", lambda w: w.code),
    ("name", lambda w: w.name),
    ("office", lambda w: w.office.code),
    ("address", lambda w: w.address),
    ("locations", lambda w: w.location_count),
]

RIGHT_HOLDER_COLUMNS: list[Column] = [
    ("name", lambda r: r.name),
    ("contact_name", lambda r: r.contact_name),
    ("email", lambda r: r.email),
    ("phone", lambda r: r.phone),
    ("application_reference", lambda r: r.application_reference),
    ("application_valid_from", lambda r: r.application_valid_from),
    ("application_valid_until", lambda r: r.application_valid_until),
    ("small_consignment_opt_in", lambda r: r.small_consignment_opt_in),
]

RIGHT_HOLDER_ACT_COLUMNS: list[Column] = [
    ("seizure", lambda a: a.seizure.reference),
    ("kind", lambda a: a.kind),
    ("effective_on", lambda a: a.effective_on),
    ("reason", lambda a: a.reason),
    ("articles_requested", lambda a: a.articles_requested),
    ("extension_days_requested", lambda a: a.extension_days_requested),
    ("actor", lambda a: a.actor_name),
    ("recorded_at", lambda a: a.recorded_at),
]

OFFICE_COLUMNS: list[Column] = [
    ("code", lambda o: o.code),
    ("name", lambda o: o.name),
    ("country", lambda o: o.country.code),
    ("address", lambda o: o.address),
]

HOLIDAY_COLUMNS: list[Column] = [("date", lambda h: h.date), ("name", lambda h: h.name)]

CUSTODY_COLUMNS: list[Column] = [
    ("lot", lambda e: e.lot.reference),
    ("sequence", lambda e: e.sequence),
    ("kind", lambda e: e.kind),
    ("occurred_at", lambda e: e.occurred_at.isoformat()),
    ("actor", lambda e: e.actor_name),
    ("from_location", lambda e: _code(e, "from_location")),
    ("to_location", lambda e: _code(e, "to_location")),
    ("quantity", lambda e: e.quantity),
    ("details", lambda e: e.details),
    ("previous_hash", lambda e: e.previous_hash),
    ("hash", lambda e: e.hash),
]

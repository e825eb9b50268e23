"""The Annex VII information of a cross-border shipment (Reg. (EU) 2024/1157, Art. 18 and Annex
VII) as a structured record: the blocks of the form, keyed as DIWASS groups them. The PDF prints
it; the JSON export is what an integration with DIWASS would submit (DIWASS itself is not
reachable from this product). Before export the record is checked: a missing mandatory field is
named by its path in the record, never exported blank."""

from decimal import Decimal
from typing import Any

from django.utils import timezone

from destruction.methods import METHODS
from destruction.models import DestructionOrder, OrderLine
from destruction.transport.adr import decimal_text

REGULATION = "Regulation (EU) 2024/1157, Annex VII"
DECLARATION = (
    "I hereby declare that the above information is complete and correct to my best knowledge. "
    "I also declare that effective written contractual obligations have been entered into with "
    "the consignee (Art. 18(2) of Regulation (EU) 2024/1157)."
)
PARTIES = (
    "person_arranging_shipment",
    "importer_consignee",
    "waste_generator",
    "recovery_facility",
)


def cross_border(order: DestructionOrder) -> bool:
    return bool(order.facility.country) and order.facility.country != order.office.country


def information(order: DestructionOrder, lines: list[OrderLine]) -> dict[str, Any]:
    """The blocks of Annex VII from the order, its active lines and the parties; a value the
    product does not hold stays empty (the checks name it)."""
    office, facility = order.office, order.facility
    total = sum((line.lot.gross_weight_kg for line in lines), Decimal("0"))
    shipped = _shipment_date(order)
    return {
        "regulation": REGULATION,
        "order": order.reference,
        "consignment_note_number": order.consignment_note_number,
        "person_arranging_shipment": _party(office.name, office),
        "importer_consignee": _party(facility.operator, facility),
        "actual_quantity": {"tonnes": decimal_text(total / 1000), "kg": decimal_text(total)},
        "actual_date_of_shipment": shipped,
        "carriers": [
            {
                "name": order.carrier_name,
                "registration": order.carrier_registration,
                "means_of_transport": "road",
                "vehicle": order.vehicle,
                "date_of_transfer": shipped,
            }
        ],
        "waste_generator": {
            **_party(office.name, office),
            "note": "Goods detained and abandoned for destruction under Reg. (EU) 608/2013.",
        },
        "recovery_facility": {
            **_party(facility.name, facility),
            "permits": sorted(permit.number for permit in facility.permits.all()),
        },
        "recovery_operation": sorted(
            {code for line in lines for code in _recovery_codes(line)}, key=_operation_order
        ),
        "usual_description": "; ".join(sorted({line.lot.description for line in lines})),
        "waste_identification": {
            # Basel Annex IX and OECD codes are asked "if known": the product records the EU
            # list of wastes code per lot only.
            "basel_annex_ix": [],
            "oecd": [],
            "eu_list_of_wastes": sorted({line.lot.ewc_code for line in lines if line.lot.ewc_code}),
        },
        "countries_concerned": {
            "dispatch": office.country.code,
            # The route is not recorded: a transit country is added by whoever files the form.
            "transit": [],
            "destination": facility.country.code,
        },
        "declaration": {
            "text": DECLARATION,
            "name": _declarant(order),
            "date": shipped,
        },
    }


def missing_fields(order: DestructionOrder, lines: list[OrderLine]) -> dict[str, list[str]]:
    """What keeps the record from being complete, by field path ({} when it is complete)."""
    record = information(order, lines)
    errors: dict[str, list[str]] = {}
    for key in PARTIES:
        for field in ("name", "address", "country"):
            if not record[key][field]:
                errors[f"{key}.{field}"] = [f"The {field} of the {_label(key)} is missing."]
    if not lines or Decimal(record["actual_quantity"]["kg"]) <= 0:
        errors["actual_quantity"] = ["The shipment has no quantity (no lots or no weight)."]
    if not record["usual_description"]:
        errors["usual_description"] = ["The lots have no description."]
    if not record["actual_date_of_shipment"]:
        errors["actual_date_of_shipment"] = ["The order has not been dispatched."]
    for field in ("name", "registration"):
        if not record["carriers"][0][field]:
            errors[f"carriers.0.{field}"] = [f"The carrier's {field} is missing (dispatch)."]
    errors.update(_operation_errors(lines))
    errors.update(_waste_errors(lines))
    if not record["declaration"]["name"]:
        errors["declaration.name"] = ["Nobody is recorded as having dispatched the order."]
    return errors


def _party(name: str, place) -> dict[str, str]:
    """A party (an office or a facility) with its address and country."""
    return {
        "name": name,
        "address": place.address,
        "country": place.country.code or "",
        "country_name": place.country.name or "",
    }


def _label(key: str) -> str:
    return key.replace("_", " ")


def _shipment_date(order: DestructionOrder) -> str:
    if order.dispatched_at is None:
        return ""
    return timezone.localtime(order.dispatched_at).date().isoformat()


def _declarant(order: DestructionOrder) -> str:
    user = order.dispatched_by
    if user is None:
        return ""
    return f"{user.get_full_name() or user.get_username()}, {order.office.name}"


def _recovery_codes(line: OrderLine) -> list[str]:
    return [code for code in METHODS[line.method].operations if code.startswith("R")]


def _operation_order(code: str) -> int:
    """R2 before R12."""
    return int(code[1:])


def _operation_errors(lines: list[OrderLine]) -> dict[str, list[str]]:
    """Annex VII covers shipments for recovery (Art. 18): a lot going to disposal needs the
    prior written notification and consent of Title II instead."""
    messages = [
        f"Lot {line.lot.reference} goes to "
        f"{', '.join(sorted(METHODS[line.method].operations)) or 'no R/D operation'} "
        "(no recovery operation): a shipment for disposal needs prior written notification and "
        "consent (Reg. (EU) 2024/1157 Title II), not Annex VII."
        for line in lines
        if not _recovery_codes(line)
    ]
    return {"recovery_operation": messages} if messages else {}


def _waste_errors(lines: list[OrderLine]) -> dict[str, list[str]]:
    """Each lot needs its EU list of wastes code; hazardous waste is outside Annex VII (Art.
    3(2): it covers green-listed waste only)."""
    messages = []
    for line in lines:
        lot = line.lot
        if not lot.ewc_code:
            messages.append(f"Lot {lot.reference} has no EU list of wastes code.")
        elif lot.hazardous_waste:
            messages.append(
                f"Lot {lot.reference} is hazardous waste ({lot.ewc_code}): its shipment needs "
                "prior written notification and consent (Reg. (EU) 2024/1157 Art. 4), not "
                "Annex VII."
            )
    return {"waste_identification.eu_list_of_wastes": messages} if messages else {}

"""Services of facilities: create or change a facility with its permit list, delete one
no order names, link a facility operator to their facility. Each is one durable transaction."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.deletion import ProtectedError

from destruction.methods import OPERATION_CODES
from destruction.models import (
    DestructionOrder,
    Facility,
    FacilityOperator,
    FacilityPermit,
    certification_errors,
)
from project import audit
from project.roles import FACILITY_OPERATOR
from seizures.waste_codes import canonical_code, code_errors


@dataclass(frozen=True)
class PermitInput:
    number: str
    authority: str
    valid_from: datetime.date
    valid_until: datetime.date
    operations: Sequence[str]
    waste_codes: Sequence[str] = ()
    hazardous_allowed: bool = False
    mixing_permitted: bool = False


FACILITY_FIELDS = (
    "name",
    "operator",
    "address",
    "country",
    "certifications",
    "max_incineration_temperature_c",
    "active",
)


def save_facility(
    *,
    actor: User,
    facility: Facility | None = None,
    permits: Sequence[PermitInput] | None = None,
    **fields,
) -> Facility:
    """Create or change a facility; `permits` (when given) replaces its permit list. A permit
    already named by an order keeps its number (matched by number and updated in place)."""
    unknown = set(fields) - set(FACILITY_FIELDS)
    if unknown:
        raise ValidationError({name: ["This field cannot be set."] for name in sorted(unknown)})
    errors: dict[str, list[str]] = {}
    certifications = fields.get("certifications")
    if certifications is not None:
        # Checked before the transaction to report it with the permit errors; clean() again.
        certification_problems = certification_errors(certifications)
        if certification_problems:
            errors["certifications"] = certification_problems
        else:
            fields["certifications"] = sorted(set(certifications))
    if permits is not None:
        permit_errors = _permit_errors(permits)
        if permit_errors:
            errors["permits"] = permit_errors
    if errors:
        raise ValidationError(errors)
    with transaction.atomic(durable=True):
        facility = facility or Facility()
        for name, value in fields.items():
            setattr(facility, name, value.strip() if isinstance(value, str) else value)
        facility.full_clean()
        facility.save()
        if permits is not None:
            keep = {p.number.strip() for p in permits}
            facility.permits.exclude(number__in=keep).delete()
            for p in permits:
                FacilityPermit.objects.update_or_create(
                    facility=facility,
                    number=p.number.strip(),
                    defaults={
                        "authority": p.authority.strip(),
                        "valid_from": p.valid_from,
                        "valid_until": p.valid_until,
                        "operations": sorted(set(p.operations), key=OPERATION_CODES.index),
                        # The list's spelling, so the permit check compares like with like.
                        "waste_codes": sorted({canonical_code(c) for c in p.waste_codes}),
                        "hazardous_allowed": p.hazardous_allowed,
                        "mixing_permitted": p.mixing_permitted,
                    },
                )
    return facility


def delete_facility(*, facility: Facility, actor: User) -> None:
    """Remove a facility never named by an order; others are taken out of use instead."""
    with transaction.atomic(durable=True):
        if DestructionOrder.objects.filter(facility=facility).exists():
            raise ValidationError(
                {"facility": ["Orders name this facility: mark it as no longer in use instead."]}
            )
        try:
            facility.delete()
        except ProtectedError as error:
            raise ValidationError({"facility": ["The facility is still referenced."]}) from error


def _permit_errors(permits: Sequence[PermitInput]) -> list[str]:
    errors = []
    numbers = [p.number.strip() for p in permits]
    if len(set(numbers)) != len(numbers):
        errors.append("Permit numbers must be unique.")
    for p in permits:
        label = p.number.strip() or "(no number)"
        if not p.number.strip() or not p.authority.strip():
            errors.append(f"Permit {label}: give the number and the issuing authority.")
        if p.valid_from and p.valid_until and p.valid_until < p.valid_from:
            errors.append(f"Permit {label}: valid until is before valid from.")
        bad = [code for code in p.operations if code not in OPERATION_CODES]
        if bad:
            errors.append(f"Permit {label}: unknown R/D operation code {', '.join(map(str, bad))}.")
        if not p.operations:
            errors.append(f"Permit {label}: list the authorised R/D operation codes.")
        errors.extend(f"Permit {label}: {problem}" for problem in code_errors(p.waste_codes))
    return errors


def link_facility_operator(*, user: User, facility: Facility, actor: User) -> FacilityOperator:
    """Make `user` (group Facility operator) act for `facility`: they, and their API tokens,
    see only the orders dispatched to it."""
    if not user.groups.filter(name=FACILITY_OPERATOR).exists():
        raise ValidationError({"user": [f"{user} is not in the group {FACILITY_OPERATOR}."]})
    with transaction.atomic(durable=True):
        link, created = FacilityOperator.objects.update_or_create(
            user=user, defaults={"facility": facility}
        )
        if created:
            audit.record_created([link], actor=actor)
    return link

"""Demo tariffs (set before the demo orders are recorded, so the executed ones accrue their
costs) and one statement to the right holder with the most billed costs, part-paid."""

import datetime
from decimal import Decimal

from django.db.models import Sum

from destruction.costs.models import Basis, CostEntry, CostKind, Payer, Tariff
from destruction.costs.services import issue_statement, record_payment
from seizures.models import RightHolder

VALID_FROM = datetime.date(2026, 1, 1)
# Typical public-warehouse prices (EUR): storage per day by zone, handling per move, transport
# per kg, destruction per kg (incineration of hazardous waste dearer than shredding).
TARIFFS = (
    (CostKind.STORAGE, Basis.PER_DAY, "0.90", {"zone_type": ""}),
    (CostKind.STORAGE, Basis.PER_DAY, "2.40", {"zone_type": "hazardous"}),
    (CostKind.STORAGE, Basis.PER_DAY, "1.80", {"zone_type": "temperature_controlled"}),
    (CostKind.HANDLING, Basis.PER_EVENT, "15.00", {}),
    (CostKind.TRANSPORT, Basis.PER_KG, "0.35", {}),
    (CostKind.DESTRUCTION, Basis.PER_KG, "0.60", {}),
    (CostKind.DESTRUCTION, Basis.PER_KG, "2.10", {"method": "INCIN_HAZ_HT"}),
)


def load_tariffs(*, users: dict, stdout) -> None:
    for kind, basis, amount, scope in TARIFFS:
        Tariff.objects.create(
            kind=kind, basis=basis, amount=Decimal(amount), valid_from=VALID_FROM, **scope
        )
    stdout.write(f"  {len(TARIFFS)} cost tariffs")


def load_statement(*, users: dict, stdout) -> None:
    """A statement for the right holder owed the most, paid in part."""
    top = (
        CostEntry.objects.filter(payer=Payer.RIGHT_HOLDER)
        .values("lot__seizure__right_holder")
        .annotate(total=Sum("amount"))
        .order_by("-total")
        .first()
    )
    if top is None:
        return
    holder = RightHolder.objects.get(pk=top["lot__seizure__right_holder"])
    statement = issue_statement(
        right_holder=holder,
        period_from=VALID_FROM,
        period_to=datetime.date(2026, 12, 31),
        actor=users["admin"],
    )
    record_payment(
        statement=statement,
        amount=(statement.total / 2).quantize(Decimal("0.01")),
        paid_on=statement.issued_at.date(),
        reference="DEMO-TRANSFER-1",
        actor=users["admin"],
    )
    stdout.write(f"  statement {statement.number} to {holder.name}, part-paid")

"""The facility's own part: its operators, and the receipt of a dispatched order."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

# Importing the cost ledger's module registers its models with this app.
from destruction.models.orders import DestructionOrder
from seizures.models import Lot


class ReceiptDiscrepancy(models.TextChoices):
    MISSING = "missing", "Missing goods"
    EXTRA = "extra", "Extra goods"
    WRONG_GOODS = "wrong_goods", "Wrong goods"


class Receipt(models.Model):
    """The facility's confirmation that a dispatched order arrived: gate time, weighbridge
    ticket and weight (per lot or in total), the seals, and what did not match. A weight outside
    the mass-balance tolerance (X-QM-02), a broken seal (X-CC-07) or a discrepancy raises a
    blocking finding that an administrator resolves with a reason before the certificate."""

    order = models.OneToOneField(DestructionOrder, on_delete=models.PROTECT, related_name="receipt")
    gate_at = models.DateTimeField(help_text="When the vehicle passed the facility's gate.")
    weighbridge_ticket = models.CharField(max_length=80)
    total_weight_kg = models.DecimalField(
        max_digits=12, decimal_places=3, validators=[MinValueValidator(Decimal("0"))]
    )
    weighed_per_lot = models.BooleanField(default=False)
    seals_intact = models.BooleanField()
    broken_seals = models.JSONField(default=list, blank=True)
    discrepancies = models.JSONField(
        default=list, blank=True, help_text="[{kind, lot, note}] of what did not match."
    )
    note = models.TextField(blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    received_at = models.DateTimeField(auto_now_add=True)
    findings = models.JSONField(default=list, blank=True)
    blocking = models.BooleanField(default=False)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution_reason = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(total_weight_kg__gte=0), name="receipt_weight_not_negative"
            )
        ]
        permissions = [
            ("receive_order", "Can confirm receipt of an order at the facility"),
            ("resolve_receipt", "Can resolve the blocking findings of a receipt"),
        ]

    def __str__(self) -> str:
        return f"Receipt of {self.order}"

    @property
    def blocks_certificate(self) -> bool:
        return self.blocking and self.resolved_at is None


class ReceiptLine(models.Model):
    """The weight of one lot at the facility's weighbridge."""

    receipt = models.ForeignKey(Receipt, on_delete=models.CASCADE, related_name="lines")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="+")
    weight_kg = models.DecimalField(
        max_digits=12, decimal_places=3, validators=[MinValueValidator(Decimal("0"))]
    )

    class Meta:
        ordering = ["lot__reference"]
        constraints = [
            models.UniqueConstraint(fields=["receipt", "lot"], name="receipt_line_unique"),
            models.CheckConstraint(
                condition=Q(weight_kg__gte=0), name="receipt_line_weight_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.receipt_id}:{self.lot_id}"

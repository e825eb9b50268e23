"""Certificates of destruction: status and its transition table."""

from django.conf import settings
from django.db import models
from django.db.models import F, OuterRef, Q, Subquery
from django.db.models.fields.json import KeyTextTransform, KeyTransform

# Importing the cost ledger's module registers its models with this app.
from destruction.models.orders import DestructionOrder, lines_of_right_holder
from seizures.models import CustodyEvent, CustomsOffice
from seizures.scoping import ScopedQuerySet


class CertificateStatus(models.TextChoices):
    VALID = "valid", "Valid"
    REVOKED = "revoked", "Revoked"
    SUPERSEDED = "superseded", "Superseded"


# A certificate is never edited (C8.14): a valid one is revoked, and a revoked one is superseded
# by its re-issue; both stay as they are.
CERTIFICATE_TRANSITIONS: dict[CertificateStatus, frozenset[CertificateStatus]] = {
    CertificateStatus.VALID: frozenset({CertificateStatus.REVOKED}),
    CertificateStatus.REVOKED: frozenset({CertificateStatus.SUPERSEDED}),
    CertificateStatus.SUPERSEDED: frozenset(),
}


class CertificateQuerySet(ScopedQuerySet):
    office_lookup = "office"

    def right_holder_condition(self, right_holder_id: int) -> Q:
        return lines_of_right_holder(right_holder_id, order="order")

    def with_related(self) -> "CertificateQuerySet":
        return self.select_related("order", "order__facility", "office", "issued_by")

    def for_list(self) -> "CertificateQuerySet":
        """Certificates for lists: without their PDF and snapshot (only the snapshot's totals
        and verdict), with the latest review decision, the latest amendment of its lots after
        issue (when and why) and the superseding links, all in one query."""
        # A certificate amended after its review is reviewed again: the latest review counts. The
        # review model belongs to compliance (above this app): reached through the relation.
        reviews = (
            Certificate._meta.get_field("reviews")
            .related_model.objects.filter(certificate=OuterRef("pk"))
            .order_by("-decided_at", "-id")
        )
        amendments = CustodyEvent.objects.filter(
            kind=CustodyEvent.Kind.AMENDED,
            lot__order_lines__order=OuterRef("order"),
            occurred_at__gt=OuterRef("issued_at"),
        ).order_by("-occurred_at", "-id")
        return (
            self.with_related()
            .defer("pdf", "snapshot")
            .annotate(
                totals=KeyTransform("totals", "snapshot"),
                verdict=KeyTextTransform("verdict", KeyTransform("compliance", "snapshot")),
                review_decision=Subquery(reviews.values("decision")[:1]),
                reviewed_at=Subquery(reviews.values("decided_at")[:1]),
                amended_at=Subquery(amendments.values("occurred_at")[:1]),
                amendment_reason=Subquery(
                    amendments.annotate(reason=KeyTextTransform("reason", "details")).values(
                        "reason"
                    )[:1]
                ),
                superseded_by_number=F("superseded_by__number"),
                supersedes_number=F("supersedes__number"),
            )
        )


class Certificate(models.Model):
    """A certificate of destruction: a frozen snapshot, its PDF and the PDF's hash (digest C8)."""

    number = models.CharField(max_length=30, unique=True, editable=False)
    year = models.PositiveIntegerField(editable=False)
    sequence = models.PositiveIntegerField(editable=False)
    order = models.ForeignKey(
        DestructionOrder, on_delete=models.PROTECT, related_name="certificates"
    )
    office = models.ForeignKey(CustomsOffice, on_delete=models.PROTECT, related_name="+")
    verification_code = models.CharField(max_length=64, unique=True, editable=False)
    status = models.CharField(
        max_length=20, choices=CertificateStatus.choices, default=CertificateStatus.VALID
    )
    issued_at = models.DateTimeField()
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    snapshot = models.JSONField()
    pdf = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    supersedes = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revocation_reason = models.TextField(blank=True)

    objects = CertificateQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "sequence"], name="certificate_sequence_unique"
            ),
            # One valid certificate per order: issuing twice is impossible.
            models.UniqueConstraint(
                fields=["order"],
                condition=Q(status="valid"),
                name="one_valid_certificate_per_order",
            ),
        ]
        # The review queue (valid certificates, oldest first) reads its page from this index.
        indexes = [
            models.Index(
                fields=["issued_at", "id"],
                condition=Q(status="valid"),
                name="certificate_valid_issued",
            )
        ]
        permissions = [
            ("issue_certificate", "Can issue certificates of destruction"),
            ("revoke_certificate", "Can revoke and re-issue certificates"),
        ]

    def __str__(self) -> str:
        return self.number

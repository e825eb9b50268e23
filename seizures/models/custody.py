"""The append-only record: custody events (hash-chained per lot), the signed seals over every
chain head, amendments made after goods left storage, and the photos of lots' condition."""

import hashlib
import json

from django.conf import settings
from django.db import models

from project.models import StoredUpload
from seizures.models.inventory import CLASSIFICATION_FIELDS, Lot, Seizure, StorageLocation
from seizures.querysets import CustodyEventQuerySet, CustodySealQuerySet, LotPhotoQuerySet


class AppendOnly(models.Model):
    """A row written once: saving it again or deleting it raises (the database refuses too, by
    trigger on PostgreSQL). `append_only_name` names the rows in the message."""

    append_only_name = "Rows"

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError(f"{self.append_only_name} are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError(f"{self.append_only_name} are append-only.")


class CustodyEvent(AppendOnly):
    """One link in a lot's chain of custody, hash-chained to the previous link (digest X-CC-01)."""

    append_only_name = "Custody events"

    class Kind(models.TextChoices):
        CREATED = "created", "Logged at seizure"
        PLACED = "placed", "Placed in storage"
        MOVED = "moved", "Moved"
        SAMPLED = "sampled", "Sample taken out"
        SAMPLE_CREATED = "sample_created", "Sample created"
        HELD = "held", "Legal hold placed"
        HOLD_LIFTED = "hold_lifted", "Legal hold lifted"
        RELEASED = "released", "Released"
        ALLOCATED = "allocated", "Allocated to destruction order"
        DEALLOCATED = "deallocated", "Returned to storage"
        ORDER_CHANGED = "order_changed", "Destruction order changed"
        ORDER_SUBMITTED = "order_submitted", "Destruction order submitted"
        ORDER_RETURNED = "order_returned", "Destruction order returned to draft"
        ORDER_APPROVED = "order_approved", "Destruction order approved"
        DISPATCHED = "dispatched", "Dispatched to facility"
        RECEIVED = "received", "Received at facility"
        DESTROYED = "destroyed", "Destroyed"
        CERTIFIED = "certified", "Certificate issued"
        CERTIFICATE_REVOKED = "certificate_revoked", "Certificate revoked"
        RECLASSIFIED = "reclassified", "Reclassified"
        CONDITION_RECORDED = "condition_recorded", "Condition recorded"
        AMENDED = "amended", "Amended after disposal"
        LOST = "lost", "Declared lost"
        RIGHT_HOLDER_ACT = "right_holder_act", "Right holder's answer recorded"

    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="custody_events")
    sequence = models.PositiveIntegerField()
    kind = models.CharField(max_length=30, choices=Kind.choices)
    occurred_at = models.DateTimeField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    actor_name = models.CharField(max_length=150)
    from_location = models.ForeignKey(
        StorageLocation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    to_location = models.ForeignKey(
        StorageLocation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    quantity = models.IntegerField(null=True, blank=True)
    details = models.JSONField(default=dict, blank=True)
    previous_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64, editable=False)

    objects = CustodyEventQuerySet.as_manager()

    class Meta:
        ordering = ["lot_id", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["lot", "sequence"], name="custody_sequence_unique")
        ]
        indexes = [
            # The custody list and API page by keyset on (occurred_at, id), newest first.
            models.Index(fields=["occurred_at", "id"], name="custodyevent_occurred_at_id"),
            # Amendments after a certificate's issue (review queue, certificate lists): few
            # events among millions, found without reading the others.
            models.Index(
                fields=["lot", "occurred_at"],
                condition=models.Q(kind="amended"),
                name="custodyevent_amended",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.lot_id}#{self.sequence} {self.kind}"

    def content(self) -> dict:
        """What the hash covers: every field that states the event."""
        return {
            "lot": self.lot_id,
            "sequence": self.sequence,
            "kind": self.kind,
            "occurred_at": self.occurred_at.isoformat(),
            "actor": self.actor_id,
            "actor_name": self.actor_name,
            "from_location": self.from_location_id,
            "to_location": self.to_location_id,
            "quantity": self.quantity,
            "details": self.details,
            "previous_hash": self.previous_hash,
        }

    def compute_hash(self) -> str:
        canonical = json.dumps(self.content(), sort_keys=True, separators=(",", ":"), default=str)
        return hashlib.sha256(canonical.encode()).hexdigest()

    def classification_changes(self) -> str:
        """What a `reclassified` event changed, readable: "waste class TOY → BAT, hazard
        classes — → 9"."""
        before, after = self.details.get("before", {}), self.details.get("after", {})
        return ", ".join(
            f"{name.replace('_', ' ')} {_shown(before.get(name))} → {_shown(after.get(name))}"
            for name in CLASSIFICATION_FIELDS
            if before.get(name) != after.get(name)
        )


class CustodySeal(AppendOnly):
    """A signed Merkle root over every lot's custody chain head (RFC 6962 style), made by
    `seal_custody`: once a seal is exported, a chain rewritten and re-hashed in the database no
    longer matches it. `leaves` holds the (lot id, chain length, head) triples that changed since
    the previous seal (all of them in the first), zlib-compressed, so that any seal's whole leaf
    set can be rebuilt by replaying the seals in order (seizures.seals)."""

    append_only_name = "Custody seals"

    created_at = models.DateTimeField()
    tree_size = models.PositiveIntegerField(help_text="Lots (leaves) in the tree.")
    root = models.CharField(max_length=64, help_text="Merkle root, hex SHA-256.")
    signature = models.CharField(max_length=128, help_text="Ed25519 signature, hex.")
    public_key = models.CharField(max_length=64, help_text="Ed25519 public key, raw, hex.")
    key_fingerprint = models.CharField(max_length=64, help_text="SHA-256 of the public key.")
    previous = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="next"
    )
    leaves = models.BinaryField(editable=False)

    objects = CustodySealQuerySet.as_manager()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"seal #{self.pk} ({self.tree_size} lots, {self.root[:12]})"


def _shown(value: object) -> str:
    """A classification value as people read it: codes, yes/no, a dash for none."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(value) or "—"
    return str(value) if value else "—"


class AmendmentQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("Amendments are append-only.")

    def delete(self):
        raise PermissionError("Amendments are append-only.")


class Amendment(AppendOnly):
    """A correction of a case's legal facts or a lot's classification after goods left storage:
    who, when, why, and the values before and after. Append-only like the custody chain; each
    affected lot's chain gets an `amended` event naming it."""

    append_only_name = "Amendments"

    seizure = models.ForeignKey(Seizure, on_delete=models.PROTECT, related_name="amendments")
    # Set when a lot's classification was amended; empty for the case's legal facts.
    lot = models.ForeignKey(
        Lot, on_delete=models.PROTECT, null=True, blank=True, related_name="amendments"
    )
    occurred_at = models.DateTimeField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    actor_name = models.CharField(max_length=150)
    reason = models.TextField()
    before = models.JSONField(default=dict)
    after = models.JSONField(default=dict)

    objects = AmendmentQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-id"]

    def __str__(self) -> str:
        return f"{self.lot or self.seizure} amended {self.occurred_at:%Y-%m-%d}"

    def changes(self) -> list[tuple[str, object, object]]:
        """(field, before, after) of every changed value, in the order given."""
        return [(name, self.before.get(name), value) for name, value in self.after.items()]


def lot_photo_path(instance: "LotPhoto", filename: str) -> str:
    """Under the lot's reference, which also names the file, so an e-mailed photo says its lot."""
    reference = instance.lot.reference
    return f"lot-photos/{reference}/{reference}-{instance.sha256[:12]}-{filename}"


class LotPhoto(AppendOnly, StoredUpload):
    """A photo of a lot's condition (damaged, leaking), kept with its SHA-256. The custody event
    it was taken with names that hash, so the chain covers the photo: a file replaced on disk no
    longer matches the chain."""

    append_only_name = "Lot photos"

    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="photos")
    event = models.ForeignKey(CustodyEvent, on_delete=models.PROTECT, related_name="photos")
    file = models.FileField(upload_to=lot_photo_path, max_length=300)

    objects = LotPhotoQuerySet.as_manager()

    class Meta:
        ordering = ["lot", "id"]

    def __str__(self) -> str:
        # The audit trail names a photo by it; the lot id tells whose photo it is.
        return f"{self.original_name} (lot {self.lot_id})"

"""Bulk intake batches: one row per CSV file imported, so the seizures it created have a page,
a second upload of the same file is recognised, and a repeated submission is answered once."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from seizures.models.inventory import Seizure
from seizures.scoping import ScopedQuerySet


class IntakeBatchQuerySet(ScopedQuerySet):
    """A file may hold seizures of several offices: visible to the staff of any of them (who
    then see their own offices' seizures and lots of it only)."""

    def office_condition(self, office_ids: list[int]) -> Q:
        return Q(seizures__office__in=office_ids)

    def visible_to(self, user):
        return super().visible_to(user).distinct()


DELIMITER_NAMES = {",": "commas", ";": "semicolons", "\t": "tabs"}


class IntakeBatch(models.Model):
    """A CSV file imported by the bulk intake: its SHA-256 checksum, how it was read, who
    imported it and when, and the seizures it created. `idempotency_key` (the page form's hidden
    token or the API's Idempotency-Key header) makes a repeated submission answer this batch
    instead of importing the file again."""

    checksum = models.CharField(max_length=64, db_index=True, help_text="SHA-256 of the file.")
    file_name = models.CharField(max_length=255, blank=True)
    encoding = models.CharField(max_length=20, help_text="How the file was decoded.")
    delimiter = models.CharField(max_length=1, help_text="The column separator found.")
    idempotency_key = models.CharField(max_length=100, blank=True)
    duplicates_confirmed = models.BooleanField(
        default=False,
        help_text="The importer confirmed a file already imported or existing consignment numbers.",
    )
    seizures = models.ManyToManyField(Seizure, related_name="intake_batches")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = IntakeBatchQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["created_by", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="intake_batch_idempotency_key_unique_per_user",
            )
        ]

    def __str__(self) -> str:
        return f"Intake batch {self.pk} ({self.file_name or self.checksum[:12]})"

    def get_absolute_url(self) -> str:
        return reverse("seizures:intake-batch", args=[self.pk])

    @property
    def delimiter_name(self) -> str:
        return DELIMITER_NAMES.get(self.delimiter, repr(self.delimiter))

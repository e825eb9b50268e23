"""What a right holder did on a case through the portal or the API: confirmed the infringement,
agreed to or refused destruction (Art. 23(1)(a)), asked for samples (Art. 19) or for more time
to start proceedings (Art. 23(4)). Written once, by seizures.services.right_holders."""

from django.conf import settings
from django.db import models

from seizures.models.inventory import Seizure
from seizures.models.reference import RightHolder
from seizures.scoping import ScopedQuerySet


class RightHolderActQuerySet(ScopedQuerySet):
    office_lookup = "seizure__office"
    right_holder_lookup = "right_holder"


class RightHolderAct(models.Model):
    """One act of a right holder on one seizure, with who did it and when."""

    class Kind(models.TextChoices):
        CONFIRMED_INFRINGEMENT = "confirmed_infringement", "Infringement confirmed"
        AGREED_TO_DESTRUCTION = "agreed_to_destruction", "Agreed to destruction"
        REFUSED_DESTRUCTION = "refused_destruction", "Refused destruction"
        REQUESTED_SAMPLES = "requested_samples", "Samples requested"
        REQUESTED_EXTENSION = "requested_extension", "Extension of the deadline requested"

    seizure = models.ForeignKey(Seizure, on_delete=models.PROTECT, related_name="right_holder_acts")
    right_holder = models.ForeignKey(RightHolder, on_delete=models.PROTECT, related_name="acts")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    # The date the act takes effect (the agreement's date, Art. 23(1)(a)); else the day it was made.
    effective_on = models.DateField()
    reason = models.TextField(blank=True)
    articles_requested = models.PositiveIntegerField(null=True, blank=True)
    extension_days_requested = models.PositiveSmallIntegerField(null=True, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    actor_name = models.CharField(max_length=150)
    recorded_at = models.DateTimeField()

    objects = RightHolderActQuerySet.as_manager()

    class Meta:
        ordering = ["-recorded_at", "-id"]
        permissions = [("act_for_right_holder", "Can answer for a right holder on its cases")]

    def __str__(self) -> str:
        return f"{self.seizure} · {self.get_kind_display()}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("Right holder acts are recorded once.")
        super().save(*args, **kwargs)

"""Who may see which records: the customs offices a user works for, or the right holder whose
staff or representative the user is (seizures.scoping reads these)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from seizures.models.reference import CustomsOffice, RightHolder


class UserAccess(models.Model):
    """The reach of one user. Warehouse staff see the records of `offices` (none: nothing);
    auditors and administrators are national unless `offices` limits them; `national` opens
    every office to anyone (headquarters staff). A user linked to a `right_holder` sees that
    right holder's cases only, whatever else is set."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access"
    )
    offices = models.ManyToManyField(CustomsOffice, blank=True, related_name="members")
    national = models.BooleanField(
        default=False, help_text="Sees and acts on the records of every customs office."
    )
    right_holder = models.ForeignKey(
        RightHolder,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        help_text="Staff or representative of this right holder: sees its cases only.",
    )

    class Meta:
        verbose_name = "user access"
        verbose_name_plural = "user access"

    def __str__(self) -> str:
        return f"Access of {self.user}"

    def clean(self) -> None:
        if self.right_holder_id and self.national:
            raise ValidationError(
                {"national": ["A right holder's user sees that right holder's cases only."]}
            )

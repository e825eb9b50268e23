"""Disposal facilities and their environmental permits."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django_countries.fields import CountryField

# Importing the cost ledger's module registers its models with this app.
from destruction.methods import OPERATION_CODES
from seizures.waste_codes import canonical_code, code_errors


class FacilityQuerySet(models.QuerySet):
    def for_list(self) -> "FacilityQuerySet":
        """Facilities with their permits (newest first) and how many orders they serve."""
        return (
            self.prefetch_related(
                models.Prefetch("permits", queryset=FacilityPermit.objects.order_by("-valid_until"))
            )
            .annotate(order_count=models.Count("orders"))
            .order_by("name")
        )


class Facility(models.Model):
    """A permitted treatment or disposal facility (digest X-MF-03)."""

    class Certification(models.TextChoices):
        ISO_14001 = "ISO14001", "ISO 14001"
        WEEE = "WEEE", "WEEE treatment"
        R2 = "R2", "R2"
        E_STEWARDS = "E_STEWARDS", "e-Stewards"

    name = models.CharField(max_length=200, unique=True)
    operator = models.CharField(max_length=200)
    address = models.TextField()
    country = CountryField()
    certifications = models.JSONField(default=list, blank=True)
    max_incineration_temperature_c = models.PositiveIntegerField(null=True, blank=True)
    active = models.BooleanField(default=True)

    objects = FacilityQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "facilities"

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        # The admin saves through this model validation, the facility service through both.
        errors = certification_errors(self.certifications)
        if errors:
            raise ValidationError({"certifications": errors})

    @property
    def hazardous_allowed(self) -> bool:
        """Any permit allows hazardous waste (reads prefetched permits)."""
        return any(permit.hazardous_allowed for permit in self.permits.all())


def certification_errors(certifications: object) -> list[str]:
    """Why a facility's certification list is not acceptable ([] when it is)."""
    choices = Facility.Certification.values
    if not isinstance(certifications, list):
        return [f"List the certifications, from {', '.join(choices)}."]
    unknown = [c for c in certifications if c not in choices]
    if unknown:
        return [
            f"Unknown certification {', '.join(map(str, unknown))}; choose from "
            f"{', '.join(choices)}."
        ]
    return []


class FacilityPermit(models.Model):
    """An environmental permit of a facility: which R/D operations, for which waste, until when."""

    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="permits")
    number = models.CharField(max_length=80)
    authority = models.CharField(max_length=200)
    valid_from = models.DateField()
    valid_until = models.DateField()
    operations = models.JSONField(default=list, help_text="R/D operation codes, e.g. R1, D10.")
    waste_codes = models.JSONField(
        default=list,
        blank=True,
        help_text="EU List of Waste codes the permit accepts, e.g. 16 06 01* (WFD Art. 23).",
    )
    hazardous_allowed = models.BooleanField(default=False)
    mixing_permitted = models.BooleanField(
        default=False,
        help_text="Permitted to mix hazardous with non-hazardous waste (WFD Art. 18(2); X-MF-05).",
    )

    class Meta:
        ordering = ["facility", "-valid_until"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gte=models.F("valid_from")), name="permit_dates_ordered"
            ),
            models.UniqueConstraint(fields=["facility", "number"], name="permit_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.number} ({self.facility})"

    def clean(self) -> None:
        errors = {}
        unknown = [code for code in self.operations or [] if code not in OPERATION_CODES]
        if unknown or not self.operations:
            errors["operations"] = [
                f"List R/D operation codes (R1-R13, D1-D15); unknown: {', '.join(unknown)}."
                if unknown
                else "List the authorised R/D operation codes."
            ]
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            errors["valid_until"] = ["Valid until is before valid from."]
        waste_code_problems = (
            code_errors(self.waste_codes)
            if isinstance(self.waste_codes, list)
            else ["List the EU List of Waste codes."]
        )
        if waste_code_problems:
            errors["waste_codes"] = waste_code_problems
        else:
            # The list's spelling, as the facility service stores it (the admin saves here).
            self.waste_codes = sorted({canonical_code(code) for code in self.waste_codes})
        if errors:
            raise ValidationError(errors)

"""Reference data: customs offices, public holidays, right holders."""

from django.core.exceptions import ValidationError
from django.db import models
from django_countries.fields import CountryField

from seizures.querysets import CustomsOfficeQuerySet, RightHolderQuerySet


class CertificateLanguage(models.TextChoices):
    """The second language of an office's certificates, printed beside English (a `.po` file
    under locale/ per language)."""

    FRENCH = "fr", "French"
    DUTCH = "nl", "Dutch"
    GERMAN = "de", "German"


class CustomsOffice(models.Model):
    """A customs office that detains goods and issues certificates."""

    code = models.CharField(max_length=12, unique=True, help_text="Short code used in references.")
    name = models.CharField(max_length=200)
    country = CountryField()
    address = models.TextField(blank=True)
    certificate_language = models.CharField(
        max_length=5,
        choices=CertificateLanguage.choices,
        default=CertificateLanguage.FRENCH,
        help_text="Certificates are printed in English and this language.",
    )

    objects = CustomsOfficeQuerySet.as_manager()

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Holiday(models.Model):
    """A public holiday: statutory deadlines count working days around it."""

    date = models.DateField(unique=True)
    name = models.CharField(max_length=120)

    class Meta:
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class RightHolder(models.Model):
    """The holder of the IP right (decision holder under Reg. 608/2013)."""

    name = models.CharField(max_length=200, unique=True)
    contact_name = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=50, blank=True)
    address = models.TextField(blank=True)
    application_reference = models.CharField(
        max_length=60, blank=True, help_text="Application for action (AFA) reference."
    )
    application_valid_from = models.DateField(null=True, blank=True)
    application_valid_until = models.DateField(null=True, blank=True)
    small_consignment_opt_in = models.BooleanField(
        default=False, help_text="Opted in to the small-consignment procedure (Art. 26)."
    )

    objects = RightHolderQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if (
            self.application_valid_from
            and self.application_valid_until
            and self.application_valid_until < self.application_valid_from
        ):
            raise ValidationError(
                {"application_valid_until": ["The application cannot end before it starts."]}
            )

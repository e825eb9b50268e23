"""Forms of the certificate pages and the public verification page."""

from django import forms
from django.core.validators import RegexValidator

from destruction.certificates.services import MAX_UPLOAD_BYTES
from destruction.models import DestructionOrder, OrderStatus


class IssueCertificateForm(forms.Form):
    order = forms.ModelChoiceField(
        queryset=DestructionOrder.objects.filter(status=OrderStatus.EXECUTED).select_related(
            "office", "facility"
        ),
        to_field_name="reference",
        label="Executed destruction order",
        help_text="Only executed orders without a certificate are listed.",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["order"]
        field.queryset = field.queryset.visible_to(user)


class RevokeCertificateForm(forms.Form):
    reason = forms.CharField(
        label="Reason for the revocation",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Shown on the public verification page.",
    )


class ReissueCertificateForm(forms.Form):
    note = forms.CharField(
        label="Correction note",
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What the corrected certificate changes; printed on it.",
    )


# The alphabet of the issued codes (secrets.token_urlsafe). Anything else cannot be a code, and
# some of it (a slash) cannot even be put back into the /verify/<code>/ address.
VERIFICATION_CODE = RegexValidator(
    r"\A[A-Za-z0-9_-]{1,64}\Z",
    "A verification code has only letters, digits, - and _ (as printed on the certificate).",
)


class VerifyLookupForm(forms.Form):
    code = forms.CharField(
        label="Verification code",
        max_length=64,
        validators=[VERIFICATION_CODE],
        help_text="Printed under the QR code, at the end of the verification address.",
    )


class VerifyUploadForm(forms.Form):
    file = forms.FileField(label="Certificate PDF to check")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("The file is larger than any certificate (20 MB).")
        return upload

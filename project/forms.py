"""The sign-in form of the login page."""

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from project.lockout import is_locked_out, lockout_message
from project.second_factor import verify_second_factor


class SignInForm(AuthenticationForm):
    """Username and password; a locked-out sign-in is named as such; administrators (and anyone
    with an authenticator) add the code of their authenticator app."""

    otp_token = forms.CharField(
        label="Authentication code",
        required=False,
        max_length=16,
        strip=True,
        help_text="The 6-digit code from your authenticator app, if you use one.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    @property
    def asks_for_code(self) -> bool:
        """Show the code field: administrators need it, or this attempt asked for it."""
        return settings.REQUIRE_ADMIN_2FA or "otp_token" in self.errors

    def clean(self):
        try:
            super().clean()
        except ValidationError:
            if is_locked_out(self.request):
                raise ValidationError(lockout_message(), code="locked_out") from None
            raise
        if self.user_cache is None:  # username or password missing: their fields say so
            return self.cleaned_data
        device = verify_second_factor(self.user_cache, self.cleaned_data.get("otp_token", ""))
        if device is not None:
            # django-otp marks the session verified when the user logs in with this attribute.
            self.user_cache.otp_device = device
        return self.cleaned_data

"""The console's sign-in form: password, then the authenticator code of those who set one up."""

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError

from . import services

CODE_WIDGET = forms.TextInput(
    attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9]*"}
)


class ConsoleLoginForm(AdminAuthenticationForm):
    """Django's admin login (through django-axes' lockout) plus a TOTP code when the user has one."""

    otp_token = forms.CharField(
        label="Authenticator code",
        required=False,
        max_length=8,
        widget=CODE_WIDGET,
        help_text="The 6 digits your authenticator app shows, if you have set one up.",
    )

    def clean(self):
        cleaned = super().clean()
        user = self.get_user()
        device = services.authenticator(user) if user is not None else None
        if device is None:
            return cleaned
        token = (cleaned.get("otp_token") or "").strip()
        if not token:
            raise ValidationError(
                "Enter the code your authenticator app shows.", code="token_required"
            )
        allowed, _ = device.verify_is_allowed()
        if not allowed or not device.verify_token(token):
            raise ValidationError(
                "That code is not right, or too many wrong codes were tried: wait a moment "
                "and try the current code.",
                code="invalid_token",
            )
        user.otp_device = device  # django-otp marks the session verified when it logs in
        return cleaned


class ConfirmAuthenticatorForm(forms.Form):
    otp_token = forms.CharField(label="Code from the app", max_length=8, widget=CODE_WIDGET)

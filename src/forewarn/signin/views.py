"""Setting up an authenticator app: a QR code and the secret, shown until the first code confirms it."""

import base64

import segno
from django.contrib import admin, messages
from django.contrib.admin.views.decorators import staff_member_required
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django_otp import login as otp_login

from . import services
from .forms import ConfirmAuthenticatorForm


@never_cache
@staff_member_required
def authenticator(request):
    """GET: the QR code and secret of a new authenticator; POST: confirm it with a code."""
    existing = services.authenticator(request.user)
    context = admin.site.each_context(request) | {
        "title": "Authenticator app",
        "required": services.must_use_second_factor(request.user),
    }
    if existing is not None:
        return render(request, "signin/authenticator.html", context | {"existing": existing})
    device = services.pending_authenticator(request.user)
    form = ConfirmAuthenticatorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.confirm_authenticator(device, form.cleaned_data["otp_token"].strip()):
            device.refresh_from_db()
            otp_login(request, device)
            messages.success(
                request, "Your authenticator is set up: sign-ins now ask for its code."
            )
            return redirect("admin:index")
        form.add_error("otp_token", "That code is not right: enter the code the app shows now.")
    qr = segno.make(device.config_url, error="m")
    context |= {
        "form": form,
        "qr_svg": qr.svg_inline(scale=4, dark="#1f2328", light="#ffffff"),
        "secret": base64.b32encode(device.bin_key).decode().rstrip("="),
    }
    return render(request, "signin/authenticator.html", context)

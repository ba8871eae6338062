from django.apps import AppConfig


class SigninConfig(AppConfig):
    """Staff sign-in: lockout after failures, a TOTP second factor, sessions that expire."""

    name = "forewarn.signin"
    label = "signin"

    def ready(self):
        from django.contrib import admin
        from django.contrib.auth.signals import user_logged_in
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from forewarn.signin.forms import ConsoleLoginForm
        from forewarn.signin.middleware import start_session_clock

        user_logged_in.connect(start_session_clock, dispatch_uid="forewarn-session-clock")

        # The console's login asks for the authenticator code of staff who have one.
        admin.site.login_form = ConsoleLoginForm
        admin.site.login_template = "signin/login.html"
        # django-otp's device admin shows secrets; devices are reset from "Second factors".
        if admin.site.is_registered(TOTPDevice):
            admin.site.unregister(TOTPDevice)

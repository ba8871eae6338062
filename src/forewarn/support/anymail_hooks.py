"""django-anymail's inbound webhooks, each imported at its first request.

``include("anymail.urls")`` imports every provider's webhook module when the URLconf loads, and
the Amazon SES one imports boto3 (about 15 MB) into every web process, which then never uses
it. These are the same inbound URLs and names (``/hooks/anymail/<provider>/inbound/``,
``anymail:<provider>_inbound_webhook``), each view class imported the first time a provider
posts to it. Forewarn listens to inbound mail only (``hooks.on_anymail_inbound``), so the
providers' tracking webhooks are not offered.
"""

from importlib import import_module

from django.urls import path, re_path
from django.views.decorators.csrf import csrf_exempt

# provider (the URL's and the module's name) -> its inbound view class in anymail.webhooks.
INBOUND = {
    "amazon_ses": "AmazonSESInboundWebhookView",
    "brevo": "BrevoInboundWebhookView",
    "mailersend": "MailerSendInboundWebhookView",
    "mailgun": "MailgunInboundWebhookView",
    "mailjet": "MailjetInboundWebhookView",
    "mailtrap": "MailtrapInboundWebhookView",
    "postal": "PostalInboundWebhookView",
    "postmark": "PostmarkInboundWebhookView",
    "resend": "ResendInboundWebhookView",
    "sendgrid": "SendGridInboundWebhookView",
    "sendinblue": "SendinBlueInboundWebhookView",
    "sparkpost": "SparkPostInboundWebhookView",
}


def lazy_view(provider: str, class_name: str):
    """A view that imports ``anymail.webhooks.<provider>.<class_name>`` when first called."""
    made = {}

    @csrf_exempt  # as anymail's own views are: providers sign or authenticate their posts
    def view(request, *args, **kwargs):
        if "view" not in made:
            webhook = getattr(import_module(f"anymail.webhooks.{provider}"), class_name)
            made["view"] = webhook.as_view()
        return made["view"](request, *args, **kwargs)

    view.__name__ = f"{provider}_inbound_webhook"
    return view


app_name = "anymail"
urlpatterns = [
    # Mailgun posts parsed fields to .../inbound/ and the raw MIME to .../inbound_mime/.
    re_path(
        r"^mailgun/inbound(_mime)?/$",
        lazy_view("mailgun", INBOUND["mailgun"]),
        name="mailgun_inbound_webhook",
    ),
    *(
        path(f"{provider}/inbound/", lazy_view(provider, name), name=f"{provider}_inbound_webhook")
        for provider, name in INBOUND.items()
        if provider != "mailgun"
    ),
]

"""Support's pages outside the console: email providers' inbound webhooks under /hooks/.

``/hooks/anymail/<provider>/inbound/`` (e.g. ``postmark``, ``mailgun``, ``sendgrid``,
``amazon_ses``); protect them with ``ANYMAIL_WEBHOOK_SECRET`` (HTTP basic auth), as
django-anymail's documentation says.
"""

from django.urls import include, path

urlpatterns = [
    path("hooks/anymail/", include("anymail.urls")),
]

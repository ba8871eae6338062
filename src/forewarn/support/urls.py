"""Support's pages outside the console: email providers' inbound webhooks under /hooks/, and
the chat widget's script and calls under /support/chat (``chat_views``), and the console's
response-time report (``report_views``).

``/hooks/anymail/<provider>/inbound/`` (e.g. ``postmark``, ``mailgun``, ``sendgrid``,
``amazon_ses``; ``anymail_hooks``: each imported at its first request); protect them with
``ANYMAIL_WEBHOOK_SECRET`` (HTTP basic auth), as django-anymail's documentation says.
"""

from django.urls import include, path

from . import chat_views, report_views

urlpatterns = [
    path("hooks/anymail/", include("forewarn.support.anymail_hooks")),
    path("support/chat.js", chat_views.script, name="support_chat_script"),
    path(
        "support/chat/<str:key>/conversation",
        chat_views.conversation,
        name="support_chat_conversation",
    ),
    path("support/chat/<str:key>/messages", chat_views.messages, name="support_chat_messages"),
    # A console page, matched before the admin's catch-all under /console/.
    path(
        "console/support/reports/",
        include(
            (
                [path("", report_views.response_times, name="response_times")],
                "support_reports",
            )
        ),
    ),
]

"""Demo support requests of the demo organizations, one in every state: new, open, waiting on
the customer, solved, closed, out of scope, and one opened two days ago and never answered,
whose breach (and Tier 1 escalation) the worker records on its first round; an on-call rota
for emergencies after hours, a logged call, and a chat widget ("Demo product", tried from its
preview page in the console) with a conversation held through it.

Made through the services at the time of loading; the late one is dated back afterwards (a
demo-only shortcut: nothing else may move a request's creation). Each is found again by its
subject, so loading twice changes nothing.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from forewarn.catalog.models import AuthorizedContact, Component, Organization

from . import chat, configuration, handling, services, timing
from .models import ChatWidget, OnCallRota, SupportRequest

WHO = {"actor": "demo", "role": "admin"}

# (organization, contact email, subject, priority, component, what happens next)
REQUESTS = [
    (
        "acme-retail",
        "anna@acme-retail.example",
        "Calls drop after 30 seconds",
        "high",
        "voice-sip",
        "new",
    ),
    (
        "acme-retail",
        "pieter@acme-retail.example",
        "Delivery reports arrive late",
        "normal",
        "sms-api",
        "open",
    ),
    (
        "acme-retail",
        "anna@acme-retail.example",
        "Invoice export shows the wrong VAT rate",
        "normal",
        None,
        "waiting",
    ),
    (
        "northwind",
        "maria@northwind.example",
        "How do I add a second sender ID?",
        "unclassified",
        "sms-api",
        "solved",
    ),
    (
        "northwind",
        "maria@northwind.example",
        "Journey editor crashed once",
        "normal",
        "journeys",
        "closed",
    ),
    (
        "globex-health",
        "sam@globex.example",
        "Our PHP code fails to verify your webhook signatures",
        "normal",
        None,
        "out_of_scope",
    ),
    (
        "globex-health",
        "lena@globex.example",
        "Campaign stuck in sending",
        "high",
        "campaigns",
        "late",
    ),
]


@transaction.atomic
def load() -> None:
    if not OnCallRota.objects.filter(name="Night desk").exists():
        configuration.save_rota(
            OnCallRota(name="Night desk", response_minutes=30, email="oncall@forewarn.example"),
            **WHO,
        )
    for org, email, subject, priority, component, next_step in REQUESTS:
        organization = Organization.objects.filter(slug=org).first()
        if organization is None or SupportRequest.objects.filter(subject=subject).exists():
            continue
        if not AuthorizedContact.objects.filter(organization=organization, email=email).exists():
            continue
        request = services.open_request(
            requester_email=email,
            organization=organization,
            subject=subject,
            body=f"{subject}. Could you have a look?",
            priority=priority,
            component=Component.objects.filter(slug=component).first() if component else None,
            origin="web",
            actor=email,
        )
        _continue(request, next_step)
    _chat()


CHAT_SUBJECT = "Chat: Where do I find my API key?"
CHAT_ORIGINS = "http://127.0.0.1:8000\nhttp://localhost:8000"


def _chat() -> None:
    """The demo's chat widget and one conversation held through it, answered by staff."""
    if not ChatWidget.objects.filter(name="Demo product").exists():
        configuration.save_widget(
            ChatWidget(name="Demo product", allowed_origins=CHAT_ORIGINS), **WHO
        )
    anna = AuthorizedContact.objects.filter(email="anna@acme-retail.example").first()
    if anna is None or SupportRequest.objects.filter(subject=CHAT_SUBJECT).exists():
        return
    posted = chat.post(anna, body="Where do I find my API key?")
    handling.reply(
        posted.request,
        body="Under *Settings › API keys*; admins can make a new one there.",
        actor="demo",
        role="responder",
    )


def _continue(request: SupportRequest, step: str) -> None:
    staff = {"actor": "demo", "role": "responder"}
    if step == "open":
        handling.reply(request, body="We see the delay too and are looking into it.", **staff)
    elif step == "waiting":
        handling.reply(
            request,
            body="Which invoice number shows it? Please send us the export.",
            status="waiting_on_customer",
            **staff,
        )
    elif step in ("solved", "closed"):
        handling.reply(
            request, body="Here is how: *Settings › Senders › Add*.", status="solved", **staff
        )
        if step == "closed":
            handling.set_status(request, "closed", **staff)
    elif step == "out_of_scope":
        handling.set_status(
            request,
            "out_of_scope",
            reason="Support does not debug client code (seed 001 §4); our developer guide shows a "
            "verified example.",
            **staff,
        )
        handling.log_conversation(
            kind="call",
            organization=request.organization,
            contact=request.requester,
            request=request,
            at=timezone.now() - timedelta(minutes=10),
            minutes=12,
            summary="Explained that we cannot debug their code; pointed to the guide.",
            **staff,
        )
    elif step == "late":
        _opened_days_ago(request, 2)


def _opened_days_ago(request: SupportRequest, days: int) -> None:
    """Demo only: date a request back, so its first response is overdue."""
    then = timezone.now() - timedelta(days=days)
    SupportRequest.objects.filter(pk=request.pk).update(created_at=then, clock_started_at=then)
    request.refresh_from_db()
    request.warned_for = request.breached_for = None
    timing.recompute(request)
    request.save()

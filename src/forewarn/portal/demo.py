"""The demo's support page links; the demo's contacts (``anna@acme-retail.example`` and the
others the catalog's demo makes) sign in to the portal with a link: ``forewarn demo`` prints
a fresh one for Anna, and any contact can ask for one at /portal/sign-in/ (the mail lands in
var/mail)."""

from django.db import transaction

from forewarn.catalog.models import AuthorizedContact

from . import signin, support_info
from .models import SupportPage

DEMO_CONTACT = "anna@acme-retail.example"


@transaction.atomic
def load() -> None:
    if not SupportPage.objects.exists():
        support_info.save(
            SupportPage(
                guides_url="https://docs.forewarn.example/guides/",
                knowledge_centre_url="https://help.forewarn.example/",
                developer_portal_url="https://developers.forewarn.example/",
                chat_enabled=True,
                note="Support does not assist with code development or debugging of client "
                "code (seed 001 §4).",
            ),
            actor="demo",
        )


def sign_in_link() -> str | None:
    """A fresh one-time link for the demo contact (None without the demo's catalog)."""
    contact = AuthorizedContact.objects.filter(email=DEMO_CONTACT, is_active=True).first()
    return signin.issue_link(contact) if contact is not None else None

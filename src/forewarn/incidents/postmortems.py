"""Postmortems: written after the resolution, published on the status page, optionally notified.

Statuspage shows a resolved incident with a published postmortem as ``postmortem``
(``lifecycle.statuspage_status``); publishing may also tell the subscribers, as
Statuspage offers. One transaction each, as in ``services``.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from forewarn.markup import render_markdown
from forewarn.record.kinds import Kind
from forewarn.statuspage.version import page_changed

from . import guards, notices
from .access import Action
from .models import Incident, Postmortem


@transaction.atomic
def save_postmortem(incident: Incident, body: str, *, actor: str, role: str | None) -> Postmortem:
    """Write or rewrite the postmortem of a resolved incident (published ones are shown rewritten)."""
    guards.allow(role, Action.WRITE_POSTMORTEM)
    incident = guards.locked(incident)
    if incident.is_open:
        raise ValidationError({"postmortem": "A postmortem follows the resolution; resolve first."})
    body = guards.required("body", body, "the postmortem's text")
    now = timezone.now()
    postmortem, created = Postmortem.objects.get_or_create(
        incident=incident,
        defaults={
            "body": body,
            "body_html": render_markdown(body),
            "author": actor,
            "updated_at": now,
        },
    )
    if not created:
        if postmortem.body == body:
            raise ValidationError({"body": "The postmortem says this already."})
        postmortem.body, postmortem.body_html = body, render_markdown(body)
        postmortem.author, postmortem.updated_at = actor, now
        postmortem.save()
    incident.record(
        Kind.INCIDENT_POSTMORTEM_SAVED,
        actor=actor,
        description="postmortem written." if created else "postmortem rewritten.",
        details={"published": postmortem.published_at is not None, "length": len(body)},
    )
    if postmortem.published_at and incident.is_public:
        page_changed()
    return postmortem


@transaction.atomic
def publish_postmortem(
    incident: Incident, *, actor: str, role: str | None, notify: bool = False
) -> Postmortem:
    """Publish the postmortem on the status page; ``notify`` also tells the subscribers (Statuspage's option)."""
    guards.allow(role, Action.PUBLISH_POSTMORTEM)
    incident = guards.locked(incident)
    postmortem = Postmortem.objects.filter(incident=incident).first()
    if postmortem is None:
        raise ValidationError({"postmortem": "Write the postmortem first."})
    if postmortem.published_at is not None:
        raise ValidationError(
            {"postmortem": f"Published already, at {postmortem.published_at.isoformat()}."}
        )
    if not incident.is_public:
        raise ValidationError(
            {
                "is_public": "The incident is internal: make it public before publishing its postmortem."
            }
        )
    now = timezone.now()
    postmortem.published_at, postmortem.notified = now, notify
    postmortem.save(update_fields=["published_at", "notified"])
    incident.record(
        Kind.INCIDENT_POSTMORTEM_PUBLISHED,
        actor=actor,
        description="postmortem published" + (", subscribers notified." if notify else "."),
        details={"notify": notify, "published_at": now.isoformat()},
    )
    if notify:
        notices.announce_postmortem(incident, postmortem, actor=actor)
    page_changed()
    return postmortem

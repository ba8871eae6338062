"""Cachet's subscribers: Forewarn's email subscribers, through ``delivery.operators``.

Listing, adding and removing them needs an admin, as in ``/api/v1``. ``verify`` true adds
the address as confirmed, skipping double opt-in, with the reason recorded ("verify=1 through
the Cachet API", or the request's ``reason``); otherwise the address gets the confirmation
email. ``components`` are Cachet component ids (none: all components, Cachet's ``global``).
Adding an address already there answers with it, as Cachet does.
"""

from forewarn import limits
from forewarn.catalog.models import Component, Role
from forewarn.delivery import operators
from forewarn.delivery.models import Channel, Subscriber

from . import inputs, shapes
from .http import Call, item, no_content, page_of

FILTERS: dict = {}


def present(subscribers: list[Subscriber], call: Call) -> list[dict]:
    return [
        {
            "id": s.pk,
            "email": s.address,
            "phone_number": None,
            "slack_webhook_url": None,
            "verify_code": "",
            "verified_at": call.timestamp(s.confirmed_at),
            "global": not s.components.exists(),
            "created_at": call.timestamp(s.created_at),
            "updated_at": call.timestamp(s.confirmed_at or s.created_at),
        }
        for s in subscribers
    ]


def _rows():
    return Subscriber.objects.filter(channel=Channel.EMAIL).prefetch_related("components")


def index(call: Call):
    call.require(Role.ADMIN)
    return page_of(
        call,
        _rows(),
        lambda found: present(found, call),
        sortable={"id": "pk"},
        filters=FILTERS,
    )


def store(call: Call):
    call.require(Role.ADMIN)
    given = call.fields
    email = shapes.text(given.get("email"), "email", limits.EMAIL, required=True)
    ids = inputs.id_list(given.get("components"), "components", limits.ITEMS) or []
    chosen = list(Component.objects.filter(pk__in=ids))
    missing = sorted(set(ids) - {c.pk for c in chosen})
    if missing:
        raise shapes.InputError(
            "components", f"there is no component {', '.join(map(str, missing))}."
        )
    verified = shapes.boolean(given.get("verify"), "verify") is True
    reason = shapes.text(given.get("reason"), "reason", limits.SHORT_TEXT)
    subscriber, _ = operators.add_email_subscriber(
        email,
        components=chosen,
        confirmed=verified,
        reason=(reason or "verify=1 through the Cachet API") if verified else "",
        actor=call.actor,
    )
    return item(present([_rows().get(pk=subscriber.pk)], call)[0])


def destroy(call: Call, pk: int):
    call.require(Role.ADMIN)
    operators.delete(_rows().get(pk=pk), actor=call.actor)
    return no_content()

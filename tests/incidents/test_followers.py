"""Following one incident: double opt-in, its updates only, a link to stop."""

import re
from datetime import timedelta

import pytest

from forewarn.delivery.models import Delivery, Notice
from forewarn.delivery.subscriptions import InvalidLink, Outcome
from forewarn.incidents import followers, services
from forewarn.incidents.models import IncidentSubscription
from forewarn.record.models import Event

from .conftest import kinds, open_p, refused


def link(notice: Notice, path: str) -> str:
    return re.search(rf"/incidents/follow/{path}/([^/]+)/", notice.body).group(1)


def test_a_visitor_follows_after_confirming_and_gets_the_next_update(world, clock):
    incident = open_p(world)
    assert followers.follow(incident, "Visitor@Example.COM") == Outcome.CONFIRMATION_SENT
    confirmation = Notice.objects.get(kind="incident.follow_confirm")
    assert confirmation.direct_addresses == ["visitor@example.com"]
    clock.shift(timedelta(minutes=5))
    services.post_update(incident, actor="rita", role="responder", message="Not yet confirmed.")
    assert not Delivery.objects.filter(
        address="visitor@example.com", notice__kind="incident.update"
    ).exists()

    follower = followers.confirm(link(confirmation, "confirm"))
    assert follower.is_active
    clock.shift(timedelta(minutes=5))
    update = services.post_update(incident, actor="rita", role="responder", message="Rerouting.")
    notice = Notice.objects.get(
        key=f"incident:{incident.pk}:update:{update.pk}:follower:{follower.pk}"
    )
    assert (notice.thread_key, notice.direct_addresses) == (
        f"incident:{incident.pk}",
        ["visitor@example.com"],
    )
    assert "You follow this incident only. [Stop following it](" in notice.body
    assert kinds(incident)[-2:] == ["incident.notice_queued", "incident.notice_queued"]

    followers.stop(link(notice, "stop"))
    clock.shift(timedelta(minutes=5))
    services.post_update(incident, actor="rita", role="responder", message="Better.")
    assert Notice.objects.filter(key__contains=":follower:").count() == 1
    assert [
        e.kind for e in Event.objects.filter(contact="Visitor@example.com").order_by("at", "id")
    ] == [
        "incident.follow_requested",
        "incident.follow_confirmed",
        "incident.follow_stopped",
    ]


def test_a_follower_who_is_a_subscriber_gets_one_message(world, clock):
    incident = open_p(world)
    followers.follow(incident, "voice-fan@example.com")
    followers.confirm(link(Notice.objects.get(kind="incident.follow_confirm"), "confirm"))
    clock.shift(timedelta(minutes=5))
    services.post_update(incident, actor="rita", role="responder", message="Rerouting.")
    updates = Delivery.objects.filter(
        address="voice-fan@example.com", notice__kind="incident.update"
    )
    assert updates.count() == 2  # the opening and this update, nothing twice
    assert not Notice.objects.filter(key__contains=":follower:").exists()


def test_an_internal_or_resolved_incident_cannot_be_followed(world):
    internal = open_p(world, "P4", components={})
    with refused("incident", "Only an open incident on the status page can be followed."):
        followers.follow(internal, "v@example.com")
    with refused("email", "'nope' is not an email address."):
        followers.follow(open_p(world), "nope")
    assert not IncidentSubscription.objects.exists()


def test_following_again_while_active_sends_nothing_and_forged_links_are_refused(world):
    incident = open_p(world)
    followers.follow(incident, "v@example.com")
    followers.confirm(link(Notice.objects.get(kind="incident.follow_confirm"), "confirm"))
    assert followers.follow(incident, "v@example.com") == Outcome.ALREADY_SUBSCRIBED
    assert Notice.objects.filter(kind="incident.follow_confirm").count() == 1
    with pytest.raises(InvalidLink, match="not valid"):
        followers.confirm("1:forged")
    with pytest.raises(InvalidLink, match="not valid"):
        followers.stop("1:forged")


def test_a_confirmation_link_expires_after_seven_days(world, clock):
    incident = open_p(world)
    followers.follow(incident, "v@example.com")
    token = link(Notice.objects.get(kind="incident.follow_confirm"), "confirm")
    clock.shift(timedelta(days=7, seconds=1))
    with pytest.raises(InvalidLink, match="expired"):
        followers.confirm(token)

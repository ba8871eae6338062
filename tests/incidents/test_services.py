"""The incident services against the database: exact record kinds, visibility, components, roles."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from forewarn.catalog.models import StatusInterval
from forewarn.catalog.services import set_status
from forewarn.delivery.models import Audience, Delivery, Notice
from forewarn.incidents import classification, postmortems, services
from forewarn.incidents.models import (
    AffectedComponent,
    CadencePolicy,
    Escalation,
    EscalationContact,
    Incident,
    IncidentTemplate,
    IncidentUpdate,
)
from forewarn.record.models import Event
from forewarn.statuspage.models import PageVersion

from .conftest import T0, kinds, open_p, refused


def addresses(notice: Notice) -> list[str]:
    return sorted(Delivery.objects.filter(notice=notice).values_list("address", flat=True))


def statuses(component) -> list[tuple[str, str]]:
    return list(
        StatusInterval.objects.filter(component=component)
        .order_by("started_at", "id")
        .values_list("status", "cause_ref")
    )


# Opening -------------------------------------------------------------------------------


def test_opening_a_p1_records_every_fact_in_order(world):
    incident = open_p(world)
    assert kinds(incident) == [
        "incident.created",
        "incident.acknowledged",
        "incident.update_posted",
        "incident.notice_queued",
        "incident.escalated",
    ]
    created = Event.objects.get(kind="incident.created")
    assert (created.actor, created.details["priority"], created.details["is_public"]) == (
        "rita",
        "P1",
        True,
    )
    assert created.description == f"incident:{incident.pk} opened: P1 “Calls fail”, public."


def test_a_p1_is_public_and_due_an_update_in_15_minutes_with_a_reminder_at_10(world):
    incident = open_p(world)
    assert (incident.is_public, incident.status, incident.acknowledged_at) == (
        True,
        "investigating",
        T0,
    )
    assert incident.next_update_due_at == T0 + timedelta(minutes=15)
    assert incident.next_reminder_at == T0 + timedelta(minutes=10)
    assert incident.detected_at == T0


def test_opening_tells_subscribers_of_the_component_and_the_clients_contacts_once(world):
    incident = open_p(world)
    update = incident.updates.get()
    notice = Notice.objects.get(key=f"incident:{incident.pk}:update:{update.pk}")
    assert (notice.thread_key, notice.audience, notice.subject) == (
        f"incident:{incident.pk}",
        Audience.EVERYONE,
        "Investigating: Calls fail",
    )
    assert addresses(notice) == ["all@example.com", "ann@acme.example", "voice-fan@example.com"]
    assert "**Affected:** Voice (major outage)" in notice.body
    queued = Event.objects.get(kind="incident.notice_queued")
    assert (queued.details["key"], queued.details["recipients"]) == (notice.key, 3)


def test_the_components_status_history_follows_the_incident(world):
    incident = open_p(world)
    assert statuses(world.voice) == [
        ("operational", ""),
        ("major_outage", f"incident:{incident.pk}"),
    ]
    effect = AffectedComponent.objects.get(incident=incident)
    assert (effect.status_before, effect.status_during) == ("operational", "major_outage")
    assert incident.updates.get().component_changes == [
        {"component": "voice", "name": "Voice", "from": "operational", "to": "major_outage"}
    ]


def test_a_p1_escalates_to_tier_1_at_once_telling_the_success_manager(world):
    incident = open_p(world)
    escalation = Escalation.objects.get(incident=incident)
    assert (escalation.tier, escalation.actor, escalation.recipients) == (
        "tier_1",
        "system",
        ["carla@provider.example"],
    )
    incident.refresh_from_db()
    assert (incident.escalation_tier, incident.next_escalation_at) == ("tier_1", None)
    notice = Notice.objects.get(key=f"incident:{incident.pk}:escalation:tier_1")
    assert notice.thread_key == f"incident:{incident.pk}:staff"
    assert addresses(notice) == ["carla@provider.example"]


def test_a_contact_with_a_broken_address_does_not_stop_a_p1(world):
    EscalationContact.objects.create(tier="tier_1", email="not-an-address")
    incident = open_p(world)
    assert Escalation.objects.get(incident=incident).recipients == ["carla@provider.example"]


def test_opening_a_public_incident_bumps_the_page_version(world):
    before = PageVersion.current()[0]
    open_p(world)
    assert PageVersion.current()[0] > before


def test_a_p4_stays_internal_without_notices_cadence_or_escalation(world):
    incident = open_p(world, "P4", components={world.portal: "degraded_performance"})
    assert (incident.is_public, incident.next_update_due_at, incident.next_escalation_at) == (
        False,
        None,
        None,
    )
    assert kinds(incident) == [
        "incident.created",
        "incident.acknowledged",
        "incident.update_posted",
    ]
    assert not Notice.objects.exists()
    assert statuses(world.portal)[-1] == ("degraded_performance", f"incident:{incident.pk}")


def test_opening_from_a_template_takes_its_words_priority_and_components(world):
    template = IncidentTemplate.objects.create(
        name="SMS delays",
        title="SMS delivery delayed",
        body="Messages are delayed; we are on it.",
        priority="P3",
        component_status="partial_outage",
    )
    template.components.set([world.sms])
    incident = services.open_incident(actor="rita", role="responder", template=template)
    assert (incident.title, incident.priority, incident.updates.get().body) == (
        "SMS delivery delayed",
        "P3",
        "Messages are delayed; we are on it.",
    )
    assert statuses(world.sms)[-1] == ("partial_outage", f"incident:{incident.pk}")
    assert Event.objects.get(kind="incident.created").details["template"] == "SMS delays"


def test_an_incident_opened_by_a_hook_waits_for_acknowledgement(world, clock):
    incident = open_p(world, acknowledged=False, detected_at=T0 - timedelta(minutes=4))
    assert incident.acknowledged_at is None
    clock.shift(timedelta(minutes=3))
    services.acknowledge(incident, actor="rita", role="responder")
    incident.refresh_from_db()
    assert incident.acknowledged_at == T0 + timedelta(minutes=3)
    event = Event.objects.get(kind="incident.acknowledged")
    assert event.details["minutes_after_detection"] == 7.0
    with pytest.raises(ValidationError, match="Acknowledged already"):
        services.acknowledge(incident, actor="rita", role="responder")


# Updates -------------------------------------------------------------------------------------


def test_an_update_moves_the_status_restarts_the_cadence_and_identifies(world, clock):
    incident = open_p(world)
    clock.shift(timedelta(minutes=12))
    update = services.post_update(
        incident,
        actor="rita",
        role="responder",
        message="A carrier route is down; rerouting.",
        status="identified",
    )
    incident.refresh_from_db()
    now = T0 + timedelta(minutes=12)
    assert (incident.status, incident.identified_at, incident.last_update_at) == (
        "identified",
        now,
        now,
    )
    assert incident.next_update_due_at == now + timedelta(minutes=15)
    assert update.body_html == "<p>A carrier route is down; rerouting.</p>\n"
    assert kinds(incident)[-3:] == [
        "incident.update_posted",
        "incident.status_changed",
        "incident.notice_queued",
    ]


def test_an_update_without_notify_tells_nobody(world, clock):
    incident = open_p(world)
    clock.shift(timedelta(minutes=5))
    update = services.post_update(
        incident, actor="rita", role="responder", message="Still looking.", notify=False
    )
    assert not Notice.objects.filter(key__endswith=f":update:{update.pk}").exists()
    assert Event.objects.filter(kind="incident.update_posted").first().details["notify"] is False


def test_markdown_in_an_update_is_sanitised(world):
    incident = open_p(world, message="Fixed <script>alert(1)</script> **now**")
    assert incident.updates.get().body_html == (
        "<p>Fixed &lt;script&gt;alert(1)&lt;/script&gt; <strong>now</strong></p>\n"
    )


def test_resolving_returns_components_to_their_status_before(world, clock):
    incident = open_p(
        world, components={world.voice: "major_outage", world.sms: "degraded_performance"}
    )
    clock.shift(timedelta(minutes=30))
    services.resolve(incident, actor="rita", role="responder", message="All calls connect again.")
    incident.refresh_from_db()
    assert (incident.status, incident.resolved_at, incident.next_update_due_at) == (
        "resolved",
        T0 + timedelta(minutes=30),
        None,
    )
    assert statuses(world.voice)[-1] == ("operational", f"incident:{incident.pk}")
    assert statuses(world.sms)[-1] == ("operational", f"incident:{incident.pk}")
    assert incident.updates.first().component_changes == [
        {
            "component": "sms",
            "name": "SMS API",
            "from": "degraded_performance",
            "to": "operational",
        },
        {"component": "voice", "name": "Voice", "from": "major_outage", "to": "operational"},
    ]
    assert kinds(incident)[-4:] == [
        "incident.update_posted",
        "incident.status_changed",
        "incident.resolved",
        "incident.notice_queued",
    ]


def test_a_component_someone_changed_meanwhile_keeps_their_status(world, clock):
    incident = open_p(world)
    clock.shift(timedelta(minutes=5))
    set_status(world.voice, "degraded_performance", cause="carrier partly back", actor="olga")
    clock.shift(timedelta(minutes=5))
    services.resolve(incident, actor="rita", role="responder", message="Resolved.")
    world.voice.refresh_from_db()
    assert world.voice.status == "degraded_performance"
    assert statuses(world.voice)[-1] == ("degraded_performance", "")


def test_a_component_named_in_the_resolving_update_keeps_that_status(world, clock):
    incident = open_p(world)
    clock.shift(timedelta(minutes=5))
    services.resolve(
        incident,
        actor="rita",
        role="responder",
        message="Resolved; Voice still slow.",
        components={world.voice: "degraded_performance"},
    )
    world.voice.refresh_from_db()
    assert world.voice.status == "degraded_performance"


def test_overlapping_incidents_give_the_component_back_in_the_right_order(world, clock):
    first = open_p(world, title="Carrier down")
    clock.shift(timedelta(minutes=5))
    second = open_p(world, "P2", title="Voice slow", components={world.voice: "partial_outage"})
    clock.shift(timedelta(minutes=5))
    services.resolve(second, actor="rita", role="responder", message="Second fixed.")
    world.voice.refresh_from_db()
    assert world.voice.status == "major_outage"  # the first incident still holds it
    clock.shift(timedelta(minutes=5))
    services.resolve(first, actor="rita", role="responder", message="First fixed.")
    world.voice.refresh_from_db()
    assert world.voice.status == "operational"


def test_overlapping_incidents_resolved_first_to_last(world, clock):
    first = open_p(world, title="Carrier down")
    clock.shift(timedelta(minutes=5))
    second = open_p(world, "P2", title="Voice slow", components={world.voice: "partial_outage"})
    clock.shift(timedelta(minutes=5))
    services.resolve(first, actor="rita", role="responder", message="First fixed.")
    world.voice.refresh_from_db()
    assert world.voice.status == "partial_outage"  # the second one changed it since
    services.resolve(second, actor="rita", role="responder", message="Second fixed.")
    world.voice.refresh_from_db()
    assert world.voice.status == "operational"  # not the first's major outage


def test_a_resolved_incident_takes_no_update(world):
    incident = open_p(world)
    services.resolve(incident, actor="rita", role="responder", message="Done.")
    count = Event.objects.count()
    with refused("status", "A resolved incident takes no updates"):
        services.post_update(incident, actor="rita", role="responder", message="More.")
    assert Event.objects.count() == count


# Reclassification and visibility ----------------------------------------------------------------


def test_reclassifying_a_p4_to_p2_makes_it_public_from_that_moment(world, clock):
    incident = open_p(world, "P4", components={world.portal: "degraded_performance"})
    clock.shift(timedelta(minutes=40))
    before = PageVersion.current()[0]
    classification.reclassify(
        incident, "P2", reason="Most portal users cannot log in", actor="rita", role="responder"
    )
    incident.refresh_from_db()
    now = T0 + timedelta(minutes=40)
    assert (incident.priority, incident.is_public, incident.priority_set_at) == ("P2", True, now)
    assert incident.next_update_due_at == now + timedelta(minutes=30)
    assert kinds(incident)[-4:] == [
        "incident.reclassified",
        "incident.made_public",
        "incident.notice_queued",
        "incident.escalated",
    ]
    event = Event.objects.get(kind="incident.reclassified")
    assert (event.details["from"], event.details["to"], event.details["reason"]) == (
        "P4",
        "P2",
        "Most portal users cannot log in",
    )
    assert event.details["update_interval_minutes"] == 30
    update = incident.updates.get()
    assert Notice.objects.filter(key=f"incident:{incident.pk}:update:{update.pk}").exists()
    assert PageVersion.current()[0] > before


def test_reclassifying_a_p2_to_p4_takes_it_off_the_page_and_stops_the_cadence(world, clock):
    incident = open_p(world, "P2")
    clock.shift(timedelta(minutes=10))
    classification.reclassify(
        incident, "P4", reason="Only one test account affected", actor="rita", role="responder"
    )
    incident.refresh_from_db()
    assert (incident.is_public, incident.next_update_due_at, incident.next_reminder_at) == (
        False,
        None,
        None,
    )
    assert kinds(incident)[-2:] == ["incident.reclassified", "incident.made_internal"]


def test_an_operators_visibility_choice_survives_reclassification(world, clock):
    incident = open_p(world, "P4", components={world.portal: "degraded_performance"})
    classification.make_public(incident, actor="cody", role="communicator", reason="Customers ask")
    classification.reclassify(incident, "P5", reason="Cosmetic", actor="rita", role="responder")
    incident.refresh_from_db()
    assert (incident.is_public, incident.visibility_overridden) == (True, True)
    assert kinds(incident)[-3:] == [
        "incident.made_public",
        "incident.notice_queued",
        "incident.reclassified",
    ]


def test_reclassifying_needs_a_reason_and_a_new_priority(world):
    incident = open_p(world, "P3")
    count = Event.objects.count()
    with pytest.raises(ValidationError, match="reason"):
        classification.reclassify(incident, "P1", reason=" ", actor="rita", role="responder")
    with pytest.raises(ValidationError, match="The incident is P3 already"):
        classification.reclassify(incident, "P3", reason="x", actor="rita", role="responder")
    with pytest.raises(ValidationError, match="'P0' is not a priority"):
        classification.reclassify(incident, "P0", reason="x", actor="rita", role="responder")
    assert Event.objects.count() == count
    incident.refresh_from_db()
    assert incident.priority == "P3"


def test_making_internal_a_public_incident_that_is_internal_already_is_refused(world):
    incident = open_p(world, "P5", components={})
    with refused("is_public", "The incident is internal already."):
        classification.make_internal(incident, actor="cody", role="communicator")


# The cause for the SLA ------------------------------------------------------------------------


def test_a_third_party_cause_adds_the_upstream_component_in_the_worst_status(world, clock):
    incident = open_p(world, components={world.voice: "major_outage", world.sms: "partial_outage"})
    clock.shift(timedelta(minutes=3))
    classification.set_cause(
        incident, "third_party", upstream=world.cloud, actor="cody", role="communicator"
    )
    incident.refresh_from_db()
    assert (incident.cause, incident.cause_component) == ("third_party", world.cloud)
    assert statuses(world.cloud)[-1] == ("major_outage", f"incident:{incident.pk}")
    assert kinds(incident)[-2:] == ["incident.cause_set", "incident.component_added"]


@pytest.mark.parametrize(
    ("cause", "upstream", "message"),
    [
        ("weather", None, "'weather' is not a cause"),
        ("own", "cloud", "Only a third-party cause names an upstream component"),
        ("third_party", "voice", "voice is not marked as a third-party component"),
    ],
)
def test_a_cause_that_does_not_fit_is_refused(world, cause, upstream, message):
    incident = open_p(world)
    count = Event.objects.count()
    component = {"cloud": world.cloud, "voice": world.voice}.get(upstream)
    with pytest.raises(ValidationError, match=message):
        classification.set_cause(
            incident, cause, upstream=component, actor="cody", role="communicator"
        )
    assert Event.objects.count() == count
    incident.refresh_from_db()
    assert incident.cause == "own"


# Roles --------------------------------------------------------------------------------------


def test_a_viewer_cannot_open_or_post(world):
    with pytest.raises(
        PermissionDenied, match="needs the 'responder' role or above; you have the 'viewer' role"
    ):
        open_p_as(world, "viewer")
    assert not Incident.objects.exists()
    incident = open_p(world)
    with pytest.raises(PermissionDenied):
        services.post_update(incident, actor="vic", role="viewer", message="Hi")
    with pytest.raises(PermissionDenied):
        services.post_update(incident, actor="anon", role=None, message="Hi")
    assert incident.updates.count() == 1


def test_a_responder_cannot_make_a_p4_public_or_open_one_public(world):
    incident = open_p(world, "P4", components={})
    with pytest.raises(
        PermissionDenied, match="To change an incident's visibility needs the 'communicator'"
    ):
        classification.make_public(incident, actor="rita", role="responder")
    with pytest.raises(PermissionDenied):
        open_p(world, "P4", is_public=True)
    incident.refresh_from_db()
    assert incident.is_public is False
    assert Incident.objects.count() == 1


def test_a_communicator_may_open_a_p4_in_public(world):
    incident = services.open_incident(
        actor="cody",
        role="communicator",
        title="Export slow",
        priority="P4",
        message="Exports take longer.",
        is_public=True,
    )
    assert (incident.is_public, incident.visibility_overridden) == (True, True)


def test_a_responder_cannot_classify_the_cause_or_publish_a_postmortem(world):
    incident = open_p(world)
    with pytest.raises(PermissionDenied, match="'communicator'"):
        classification.set_cause(incident, "force_majeure", actor="rita", role="responder")
    services.resolve(incident, actor="rita", role="responder", message="Done.")
    postmortems.save_postmortem(incident, "What happened.", actor="rita", role="responder")
    with pytest.raises(PermissionDenied, match="To publish a postmortem needs the 'communicator'"):
        postmortems.publish_postmortem(incident, actor="rita", role="responder")


def open_p_as(world, role):
    return services.open_incident(
        actor=role, role=role, title="X", priority="P1", message="Y", components={}
    )


# Bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"title": "  "}, "title", "Give a title."),
        ({"title": "x" * 201}, "title", "A title has at most 200 characters."),
        ({"priority": "P6"}, "priority", "'P6' is not a priority; use one of P1, P2"),
        ({"message": ""}, "message", "Give the first update's message."),
        ({"components": "bad"}, "components", "voice: 'down' is not a component status"),
        ({"detected_at": "future"}, "detected_at", "The time cannot be in the future."),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_changes_nothing(world, fields, field, message):
    if fields.get("components") == "bad":
        fields["components"] = {world.voice: "down"}
    if fields.get("detected_at") == "future":
        fields["detected_at"] = T0 + timedelta(minutes=1)
    events, versions = Event.objects.count(), PageVersion.current()[0]
    with refused(field, message):
        open_p(world, **fields)
    assert (Incident.objects.count(), IncidentUpdate.objects.count()) == (0, 0)
    assert (Event.objects.count(), PageVersion.current()[0]) == (events, versions)
    world.voice.refresh_from_db()
    assert world.voice.status == "operational"


def test_a_viewer_cannot_be_a_responder(world):
    incident = open_p(world)
    with pytest.raises(ValidationError, match="vic cannot respond"):
        services.assign_responders(incident, [world.viewer], actor="rita", role="responder")
    services.assign_responders(
        incident, [world.responder, world.communicator], actor="rita", role="responder"
    )
    event = Event.objects.get(kind="incident.responders_changed")
    assert event.details == {"added": ["cody", "rita"], "removed": []}


# Escalation by hand, reopening, postmortems ------------------------------------------------


def test_escalating_by_hand_tells_each_tier_once(world):
    incident = open_p(world, "P4", components={})
    services.escalate(
        incident, "executive", reason="Biggest client affected", actor="rita", role="responder"
    )
    with refused("tier", "Executive was told already, at 2026-11-24T09:00:00+00:00."):
        services.escalate(incident, "executive", reason="Again", actor="rita", role="responder")
    escalation = Escalation.objects.get(incident=incident)
    assert (escalation.tier, escalation.actor, escalation.reason) == (
        "executive",
        "rita",
        "Biggest client affected",
    )
    event = Event.objects.get(kind="incident.escalated")
    assert event.description.endswith("Nobody is configured for this tier: no one was told.")


def test_reopening_within_seven_days_posts_an_update(world, clock):
    incident = open_p(world)
    services.resolve(incident, actor="rita", role="responder", message="Done.")
    clock.shift(timedelta(days=2))
    services.reopen(
        incident,
        actor="rita",
        role="responder",
        message="Calls fail again.",
        components={world.voice: "major_outage"},
    )
    incident.refresh_from_db()
    now = T0 + timedelta(days=2)
    assert (incident.status, incident.resolved_at, incident.next_update_due_at) == (
        "investigating",
        None,
        now + timedelta(minutes=15),
    )
    assert kinds(incident)[-4:] == [
        "incident.reopened",
        "incident.update_posted",
        "incident.status_changed",
        "incident.notice_queued",
    ]
    assert statuses(world.voice)[-1] == ("major_outage", f"incident:{incident.pk}")


def test_reopening_after_seven_days_or_a_published_postmortem_is_refused(world, clock):
    incident = open_p(world)
    services.resolve(incident, actor="rita", role="responder", message="Done.")
    postmortems.save_postmortem(incident, "Root cause: a carrier.", actor="rita", role="responder")
    postmortems.publish_postmortem(incident, actor="cody", role="communicator")
    with pytest.raises(ValidationError, match="postmortem is published"):
        services.reopen(incident, actor="rita", role="responder", message="Again")
    other = open_p(world, title="Other")
    services.resolve(other, actor="rita", role="responder", message="Done.")
    clock.shift(timedelta(days=8))
    with pytest.raises(ValidationError, match="more than 7 days ago"):
        services.reopen(other, actor="rita", role="responder", message="Again")


def test_publishing_a_postmortem_with_notify_tells_the_customers(world):
    incident = open_p(world)
    with pytest.raises(ValidationError, match="resolve first"):
        postmortems.save_postmortem(incident, "Too early.", actor="rita", role="responder")
    services.resolve(incident, actor="rita", role="responder", message="Done.")
    postmortems.save_postmortem(incident, "A carrier failed.", actor="rita", role="responder")
    postmortem = postmortems.publish_postmortem(
        incident, actor="cody", role="communicator", notify=True
    )
    assert (postmortem.published_at, postmortem.notified) == (T0, True)
    notice = Notice.objects.get(key=f"incident:{incident.pk}:postmortem")
    assert notice.subject == "Postmortem: Calls fail"
    assert addresses(notice) == ["all@example.com", "ann@acme.example", "voice-fan@example.com"]
    assert kinds(incident)[-3:] == [
        "incident.postmortem_saved",
        "incident.postmortem_published",
        "incident.notice_queued",
    ]
    with pytest.raises(ValidationError, match="Published already"):
        postmortems.publish_postmortem(incident, actor="cody", role="communicator")


def test_an_internal_incidents_postmortem_is_not_published(world):
    incident = open_p(world, "P4", components={})
    services.resolve(incident, actor="rita", role="responder", message="Done.")
    postmortems.save_postmortem(incident, "Fine.", actor="rita", role="responder")
    with refused("is_public", "The incident is internal: make it public before"):
        postmortems.publish_postmortem(incident, actor="cody", role="communicator")


def test_an_admins_cadence_policy_applies(world):
    CadencePolicy.objects.filter(priority="P2").update(interval_minutes=20, reminder_minutes=3)
    incident = open_p(world, "P2")
    assert incident.next_update_due_at == T0 + timedelta(minutes=20)
    assert incident.next_reminder_at == T0 + timedelta(minutes=17)

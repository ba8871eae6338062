"""The public page's version moves with every change the page shows, and with nothing else.

Services call ``statuspage.version.page_changed()`` explicitly (no signal does it for them): a
public incident's updates, visibility, priority, cause and published postmortem move it; what
only staff see (an internal P4's update, acknowledging, responders, escalations, the cadence
watcher's bookkeeping, configuration, followers) does not.
"""

from datetime import timedelta

import pytest
import time_machine

from forewarn.incidents import (
    classification,
    configuration,
    followers,
    jobs,
    postmortems,
    services,
)
from forewarn.incidents.models import CadencePolicy
from forewarn.statuspage.models import PageVersion

from .conftest import open_p


def version() -> int:
    return PageVersion.current()[0]


def internal(world):
    """An internal P4 that touches no component."""
    return open_p(world, "P4", components={})


def public(world):
    return open_p(world, "P2")


def resolved(world):
    incident = public(world)
    services.resolve(incident, actor="rita", role="responder", message="Fixed.")
    return incident


def written(world):
    incident = resolved(world)
    postmortems.save_postmortem(incident, "A bad deploy.", actor="rita", role="responder")
    return incident


RESPONDER = {"actor": "rita", "role": "responder"}
COMMUNICATOR = {"actor": "cody", "role": "communicator"}

CASES = {
    # what the page shows: it moves
    "a public update": (
        public,
        lambda i, w: services.post_update(i, message="Still on it.", **RESPONDER),
        True,
    ),
    "a public resolution": (
        public,
        lambda i, w: services.resolve(i, message="Fixed.", **RESPONDER),
        True,
    ),
    "an internal update that changes a component": (
        internal,
        lambda i, w: services.post_update(
            i, message="Portal slow.", components={w.portal: "degraded_performance"}, **RESPONDER
        ),
        True,
    ),
    "reclassifying a public incident": (
        public,
        lambda i, w: classification.reclassify(i, "P1", reason="Everyone", **RESPONDER),
        True,
    ),
    "reclassifying P4 to P2 (it becomes public)": (
        internal,
        lambda i, w: classification.reclassify(i, "P2", reason="Spreads", **RESPONDER),
        True,
    ),
    "making an internal incident public": (
        internal,
        lambda i, w: classification.make_public(i, reason="Customers ask", **COMMUNICATOR),
        True,
    ),
    "making a public incident internal": (
        public,
        lambda i, w: classification.make_internal(i, reason="A false alarm", **COMMUNICATOR),
        True,
    ),
    "an excluded cause (the uptime bars change)": (
        internal,
        lambda i, w: classification.set_cause(i, "force_majeure", **COMMUNICATOR),
        True,
    ),
    "publishing a postmortem": (
        written,
        lambda i, w: postmortems.publish_postmortem(i, **COMMUNICATOR),
        True,
    ),
    # what only staff see: it stays
    "an internal update": (
        internal,
        lambda i, w: services.post_update(i, message="Still looking.", **RESPONDER),
        False,
    ),
    "reclassifying P4 to P5": (
        internal,
        lambda i, w: classification.reclassify(i, "P5", reason="Cosmetic", **RESPONDER),
        False,
    ),
    "acknowledging": (
        lambda w: open_p(w, "P2", acknowledged=False),
        lambda i, w: services.acknowledge(i, **RESPONDER),
        False,
    ),
    "assigning responders": (
        public,
        lambda i, w: services.assign_responders(i, [w.responder], **RESPONDER),
        False,
    ),
    "escalating by hand": (
        public,
        lambda i, w: services.escalate(i, "executive", reason="Big customer", **RESPONDER),
        False,
    ),
    "the cadence watcher reminding and counting a miss": (public, lambda i, w: watch(i), False),
    "writing an unpublished postmortem": (
        resolved,
        lambda i, w: postmortems.save_postmortem(i, "Draft.", **RESPONDER),
        False,
    ),
    "a visitor following the incident": (
        public,
        lambda i, w: followers.follow(i, "visitor@example.com"),
        False,
    ),
    "changing a cadence policy": (
        public,
        lambda i, w: configure_p3(),
        False,
    ),
}


def watch(incident):
    """Run the watcher at the reminder and after the deadline (P2: due after 30 minutes)."""
    start = incident.created_at
    for minutes in (26, 31):
        with time_machine.travel(start + timedelta(minutes=minutes), tick=False):
            jobs.watch_cadence()
            jobs.escalate_due()


def configure_p3():
    policy = CadencePolicy.objects.get(priority="P3")
    policy.interval_minutes = 60
    configuration.save_cadence_policy(policy, actor="alice", role="admin")


@pytest.mark.parametrize("case", list(CASES))
def test_the_page_version_moves_only_with_what_the_page_shows(world, case):
    build, act, moves = CASES[case]
    incident = build(world)
    before = version()
    act(incident, world)
    assert (version() != before) is moves

"""Pure Python, no Django. Who may do what to an incident: one table, read by every service.

The staff roles (S1), each including the ones before it: *viewer* reads;
*responder* also changes component status, and here runs the incident (opens it,
posts updates, including on public incidents, so the cadence can be kept by whoever
is on call, reclassifies it, escalates, resolves, reopens, writes the postmortem);
*communicator* also publishes what customers are told beyond the seed's rules
(overrides an incident's visibility: makes a P4 public or a P2 internal; classifies
its cause for the SLA, which excludes time as an exclusion does; publishes the
postmortem); *admin* manages the cadence policies, escalation contacts and
templates. Visitors (no role) may only follow a public incident.
"""

from enum import StrEnum, unique

# The catalog's roles in order (``catalog.models.ROLE_ORDER``; a test pins the copy).
ROLES = ("viewer", "responder", "communicator", "admin")


@unique
class Action(StrEnum):
    OPEN = "open an incident"
    ACKNOWLEDGE = "acknowledge an incident"
    POST_UPDATE = "post an update"
    RECLASSIFY = "reclassify an incident"
    SET_VISIBILITY = "change an incident's visibility"
    SET_CAUSE = "classify an incident's cause for the SLA"
    ASSIGN = "assign responders"
    ESCALATE = "escalate an incident"
    RESOLVE = "resolve an incident"
    REOPEN = "reopen an incident"
    WRITE_POSTMORTEM = "write a postmortem"
    PUBLISH_POSTMORTEM = "publish a postmortem"
    CONFIGURE = "change cadence policies, escalation contacts or templates"


NEEDED: dict[Action, str] = {
    Action.OPEN: "responder",
    Action.ACKNOWLEDGE: "responder",
    Action.POST_UPDATE: "responder",
    Action.RECLASSIFY: "responder",
    Action.SET_VISIBILITY: "communicator",
    Action.SET_CAUSE: "communicator",
    Action.ASSIGN: "responder",
    Action.ESCALATE: "responder",
    Action.RESOLVE: "responder",
    Action.REOPEN: "responder",
    Action.WRITE_POSTMORTEM: "responder",
    Action.PUBLISH_POSTMORTEM: "communicator",
    Action.CONFIGURE: "admin",
}


def may(role: str | None, action: Action) -> bool:
    """Whether ``role`` (None: not staff) may do ``action``."""
    if role not in ROLES:
        return False
    return ROLES.index(role) >= ROLES.index(NEEDED[action])


def refusal(role: str | None, action: Action) -> str | None:
    """Why ``role`` may not do ``action`` (a sentence), or None when it may."""
    if may(role, action):
        return None
    who = f"the '{role}' role" if role in ROLES else "no staff role"
    return f"To {action.value} needs the '{NEEDED[action]}' role or above; you have {who}."

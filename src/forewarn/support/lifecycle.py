"""Pure Python, no Django. A support request's words: status, priority, origin, and the moves
allowed between statuses (docs/product.md S9).

Statuses are a helpdesk's: *new* (nobody has answered), *open*, *waiting on customer* (the
clocks pause), *solved*, *closed* (final: a reply to a closed request opens a follow-up),
and *out of scope* with a reason (seed 001 §4: "Customer support does not assist with code
development or debugging of Client code"), which ends the response clock as answered, not
breached.

Priorities are seed 001 §5's: *High* (business critical, 1 business hour) and *Normal*
(general inquiry, 8 business hours); a request nobody classified runs on the seed's general
aim, "strives to respond within one business day" (*unclassified*).
"""

from enum import StrEnum, unique


@unique
class RequestStatus(StrEnum):
    NEW = "new"
    OPEN = "open"
    WAITING_ON_CUSTOMER = "waiting_on_customer"
    SOLVED = "solved"
    CLOSED = "closed"
    OUT_OF_SCOPE = "out_of_scope"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]

    @property
    def is_active(self) -> bool:
        """Someone on the provider's side has something to do."""
        return self in (RequestStatus.NEW, RequestStatus.OPEN)

    @property
    def pauses_clock(self) -> bool:
        """The clocks stand still: waiting on the customer, or answered (solved, out of scope)."""
        return self in (
            RequestStatus.WAITING_ON_CUSTOMER,
            RequestStatus.SOLVED,
            RequestStatus.OUT_OF_SCOPE,
        )


STATUS_LABELS = {
    RequestStatus.NEW: "New",
    RequestStatus.OPEN: "Open",
    RequestStatus.WAITING_ON_CUSTOMER: "Waiting on customer",
    RequestStatus.SOLVED: "Solved",
    RequestStatus.CLOSED: "Closed",
    RequestStatus.OUT_OF_SCOPE: "Out of scope",
}

# Moves staff (or the customer's reply) may make. A request goes back to *open* when the
# customer writes while it waits, is solved or is out of scope; *closed* is final.
TRANSITIONS: dict[RequestStatus, frozenset[RequestStatus]] = {
    RequestStatus.NEW: frozenset(
        {
            RequestStatus.OPEN,
            RequestStatus.WAITING_ON_CUSTOMER,
            RequestStatus.SOLVED,
            RequestStatus.OUT_OF_SCOPE,
        }
    ),
    RequestStatus.OPEN: frozenset(
        {RequestStatus.WAITING_ON_CUSTOMER, RequestStatus.SOLVED, RequestStatus.OUT_OF_SCOPE}
    ),
    RequestStatus.WAITING_ON_CUSTOMER: frozenset(
        {RequestStatus.OPEN, RequestStatus.SOLVED, RequestStatus.OUT_OF_SCOPE}
    ),
    RequestStatus.SOLVED: frozenset({RequestStatus.OPEN, RequestStatus.CLOSED}),
    RequestStatus.OUT_OF_SCOPE: frozenset({RequestStatus.OPEN, RequestStatus.CLOSED}),
    RequestStatus.CLOSED: frozenset(),
}


class TransitionError(ValueError):
    """A move the life cycle does not allow; the message says which moves are allowed."""


def check_transition(current: str, new: str) -> RequestStatus:
    """``new`` as a status if a request may move there from ``current``; TransitionError if not."""
    current = RequestStatus(current)
    try:
        new = RequestStatus(new)
    except ValueError:
        raise TransitionError(
            f"'{new}' is not a status; use one of {', '.join(RequestStatus)}."
        ) from None
    if new not in TRANSITIONS[current]:
        allowed = ", ".join(s.value for s in RequestStatus if s in TRANSITIONS[current])
        if not allowed:
            raise TransitionError(
                "A closed request is final; a reply to it opens a follow-up request."
            )
        raise TransitionError(f"A request {current.value} may move to {allowed}, not {new.value}.")
    return new


@unique
class Priority(StrEnum):
    HIGH = "high"
    NORMAL = "normal"
    UNCLASSIFIED = "unclassified"

    @property
    def label(self) -> str:
        return PRIORITY_LABELS[self]


PRIORITY_LABELS = {
    Priority.HIGH: "High (business critical)",
    Priority.NORMAL: "Normal (general inquiry)",
    Priority.UNCLASSIFIED: "Not classified (one business day)",
}


@unique
class Origin(StrEnum):
    """How a request reached support."""

    WEB = "web"
    API = "api"
    EMAIL = "email"
    CHAT = "chat"
    PHONE = "phone"
    NOTICE = "notice"  # a contractual notice opened it (seed 003)


@unique
class MessageKind(StrEnum):
    """An entry of a request's thread."""

    CUSTOMER = "customer"  # the customer wrote (web, email, chat, API on their behalf)
    REPLY = "reply"  # staff answered; the customer sees it
    NOTE = "note"  # staff only
    NOTICE = "notice"  # the contractual notice that opened an informational request


@unique
class ConversationKind(StrEnum):
    """A conversation staff log with a contact (seed 002: "a phone call from a member of our
    technical or sales team")."""

    CALL = "call"
    MEETING = "meeting"

"""Every kind of event the system of record keeps, named ``<subject>.<verb>``.

Pure Python, no Django. ``record.services.append`` refuses a kind that is not
here, so the record's vocabulary is this one list: a domain that records a new
event adds its member first, with a sentence saying what it records (the API's
``/record/kinds`` and docs/record.md show it), and the completeness test in
``tests/record`` asserts which services write it.
"""

from enum import StrEnum, unique


class UnknownEventKind(LookupError):
    """Raised for a kind that is not in ``Kind``: a programming error, not bad input."""


@unique
class Kind(StrEnum):
    def __new__(cls, value: str, description: str = ""):
        member = str.__new__(cls, value)
        member._value_ = value
        member.description = description
        return member

    # catalog
    COMPONENT_CREATED = "component.created", "A component was added to the catalog."
    COMPONENT_CHANGED = "component.changed", "A component's definition changed."
    COMPONENT_STATUS_CHANGED = (
        "component.status_changed",
        "A component's status changed: from, to, the cause and what caused it (cause_ref).",
    )
    COMPONENT_GROUP_CREATED = "component_group.created", "A component group was added."
    COMPONENT_GROUP_CHANGED = "component_group.changed", "A component group changed."
    COMPONENT_GROUP_DELETED = "component_group.deleted", "A component group was removed."
    CATEGORY_CREATED = (
        "category.created",
        "A product category (an availability commitment) was added.",
    )
    CATEGORY_CHANGED = "category.changed", "A product category's commitment changed."
    CATEGORY_DELETED = "category.deleted", "A product category was removed."
    REGION_CREATED = "region.created", "A region (time zone, calendar, peak hours) was added."
    REGION_CHANGED = "region.changed", "A region's time zone, calendar or peak hours changed."
    REGION_DELETED = "region.deleted", "A region was removed."
    ORGANIZATION_CREATED = "organization.created", "A client organization was added."
    ORGANIZATION_CHANGED = "organization.changed", "A client organization changed."
    ORGANIZATION_DELETED = "organization.deleted", "A client organization was removed."
    CONTACT_CREATED = "contact.created", "An authorized contact of a client organization was added."
    CONTACT_CHANGED = "contact.changed", "An authorized contact changed."
    CONTACT_DELETED = "contact.deleted", "An authorized contact was removed."

    # calendars and policies
    CALENDAR_CREATED = "calendar.created", "A business calendar was added."
    CALENDAR_CHANGED = (
        "calendar.changed",
        "A business calendar changed: its hours, holidays, closures, zone or source.",
    )
    POLICY_CREATED = "policy.created", "A notice policy was added."
    POLICY_CHANGED = "policy.changed", "A notice policy changed."
    WORK_TYPE_CREATED = (
        "work_type.created",
        "A work type was added to a policy (the subject is the policy; details name the work type).",
    )
    WORK_TYPE_CHANGED = "work_type.changed", "A work type's notice rules changed."
    WORK_TYPE_DELETED = "work_type.deleted", "A work type was removed; details keep what it was."
    POLICY_VERSION_PUBLISHED = (
        "policy_version.published",
        "A new version of a notice policy was published: the work types it changes, field by "
        "field, its effective date and the organizations told.",
    )

    # availability
    EXCLUSION_CREATED = "exclusion.created", "Time was excluded from the SLA measurement."
    EXCLUSION_CHANGED = "exclusion.changed", "An exclusion from the SLA measurement changed."
    EXCLUSION_DELETED = (
        "exclusion.deleted",
        "An exclusion was removed, so the time counts again; details keep what it was.",
    )

    # delivery
    SUBSCRIBER_WEBHOOK_ADDED = (
        "subscriber.webhook_added",
        "An operator added a webhook or chat subscriber (active at once).",
    )
    SUBSCRIBER_CONFIRMED = (
        "subscriber.confirmed",
        "A subscriber confirmed their address with the link sent to it (double opt-in).",
    )
    SUBSCRIBER_CONFIRMED_BY_OPERATOR = (
        "subscriber.confirmed_by_operator",
        "An operator added an address as confirmed, skipping double opt-in, and said why.",
    )
    SUBSCRIBER_PREFERENCES_CHANGED = (
        "subscriber.preferences_changed",
        "A subscriber's components or time zone changed.",
    )
    SUBSCRIBER_CHANGED = "subscriber.changed", "An operator changed a subscriber in the console."
    SUBSCRIBER_UNSUBSCRIBED = (
        "subscriber.unsubscribed",
        "A subscriber stopped all notices (by their link, the List-Unsubscribe header or an operator).",
    )
    SUBSCRIBER_DISABLED = (
        "subscriber.disabled",
        "Sending to a subscriber stopped: by an operator, or by the system after it kept failing.",
    )
    SUBSCRIBER_ENABLED = (
        "subscriber.enabled",
        "An operator let a disabled subscriber receive again.",
    )
    SUBSCRIBER_DELETED = "subscriber.deleted", "An operator removed a subscriber."
    SUBSCRIBER_MERGED = (
        "subscriber.merged",
        "Email subscribers that were one mailbox spelled two ways (bücher / xn--bcher-kva) "
        "became one: the earliest confirmed kept, the others' deliveries moved to it.",
    )
    NOTICE_TEST_QUEUED = "notice.test_queued", "A test notice was queued, and to how many."
    NOTICE_CANCELLED = (
        "notice.cancelled",
        "A notice was cancelled; its unsent deliveries were skipped.",
    )
    NOTICE_LATE = (
        "notice.late",
        "A notice went out after its due time (no worker ran then): once, and how late.",
    )
    NOTICE_DELIVERED = (
        "notice.delivered",
        "Every delivery of a notice ended: how many were sent, failed and skipped, and when.",
    )

    # staff sign-in
    STAFF_SECOND_FACTOR_REQUIRED = (
        "staff.second_factor_required",
        "An admin required a staff member to sign in with an authenticator code.",
    )
    STAFF_SECOND_FACTOR_NOT_REQUIRED = (
        "staff.second_factor_not_required",
        "An admin no longer required a staff member's authenticator code.",
    )
    STAFF_SECOND_FACTOR_ENROLLED = (
        "staff.second_factor_enrolled",
        "A staff member set up an authenticator app (TOTP) for signing in.",
    )
    STAFF_SECOND_FACTOR_RESET = (
        "staff.second_factor_reset",
        "An admin removed a staff member's authenticator; they set up a new one at next sign-in.",
    )

    # incidents
    INCIDENT_CREATED = (
        "incident.created",
        "An incident was opened: its priority, visibility, detection time and responders.",
    )
    INCIDENT_BACKFILLED = (
        "incident.backfilled",
        "An incident that began earlier was entered afterwards with its past updates; none notified.",
    )
    INCIDENT_ACKNOWLEDGED = (
        "incident.acknowledged",
        "Someone took an incident on; the minutes since detection are the time to acknowledge.",
    )
    INCIDENT_UPDATE_POSTED = (
        "incident.update_posted",
        "An update was posted on an incident: its status, component changes and whether it notified.",
    )
    INCIDENT_STATUS_CHANGED = (
        "incident.status_changed",
        "An incident moved between investigating, identified, monitoring and resolved.",
    )
    INCIDENT_RECLASSIFIED = (
        "incident.reclassified",
        "An incident's priority changed, with the reason; its visibility and cadence follow.",
    )
    INCIDENT_MADE_PUBLIC = (
        "incident.made_public",
        "An incident was put on the status page, by reclassification or by hand, with the reason.",
    )
    INCIDENT_MADE_INTERNAL = (
        "incident.made_internal",
        "An incident was taken off the status page, by reclassification or by hand, with the reason.",
    )
    INCIDENT_CAUSE_SET = (
        "incident.cause_set",
        "An incident's cause for the SLA was classified, with the upstream component if named.",
    )
    INCIDENT_COMPONENT_ADDED = (
        "incident.component_added",
        "The upstream component named as the cause joined the components an incident affects.",
    )
    INCIDENT_RESPONDERS_CHANGED = (
        "incident.responders_changed",
        "The staff responding to an incident changed: who was added and who removed.",
    )
    INCIDENT_NOTICE_QUEUED = (
        "incident.notice_queued",
        "A notice about an incident was queued for customers or followers, and to how many.",
    )
    INCIDENT_REMINDER_SENT = (
        "incident.reminder_sent",
        "The responders were reminded that an incident's next update is due, and at what time.",
    )
    INCIDENT_UPDATE_OVERDUE = (
        "incident.update_overdue",
        "An incident's update deadline passed without an update; how many have been missed.",
    )
    INCIDENT_ESCALATED = (
        "incident.escalated",
        "An incident was escalated to a tier (by hand or on its timing), why, and who was told.",
    )
    INCIDENT_RESOLVED = (
        "incident.resolved",
        "An incident was resolved, and how many minutes after detection.",
    )
    INCIDENT_REOPENED = (
        "incident.reopened",
        "A resolved incident was reopened, with the status it took.",
    )
    INCIDENT_POSTMORTEM_SAVED = (
        "incident.postmortem_saved",
        "An incident's postmortem was written or rewritten.",
    )
    INCIDENT_POSTMORTEM_PUBLISHED = (
        "incident.postmortem_published",
        "An incident's postmortem was published on the status page, notifying subscribers or not.",
    )
    INCIDENT_FOLLOW_REQUESTED = (
        "incident.follow_requested",
        "A visitor asked to follow one incident; a confirmation link was sent to the address.",
    )
    INCIDENT_FOLLOW_CONFIRMED = (
        "incident.follow_confirmed",
        "A visitor confirmed following one incident with the link sent (double opt-in).",
    )
    INCIDENT_FOLLOW_STOPPED = (
        "incident.follow_stopped",
        "A follower of one incident stopped its updates with their link.",
    )
    CADENCE_POLICY_CREATED = (
        "cadence_policy.created",
        "A priority's cadence policy was created with seed 001's values.",
    )
    CADENCE_POLICY_CHANGED = (
        "cadence_policy.changed",
        "A priority's update interval, clock, calendar, escalation timing or visibility changed.",
    )
    ESCALATION_SETTINGS_CHANGED = (
        "escalation_settings.changed",
        "When incidents escalate to Tier 2 and executives, or the responders' chat webhook, changed.",
    )
    ESCALATION_CONTACT_CREATED = (
        "escalation_contact.created",
        "Someone was added to an escalation tier: a staff user, an address or a chat webhook.",
    )
    ESCALATION_CONTACT_CHANGED = "escalation_contact.changed", "An escalation contact changed."
    ESCALATION_CONTACT_DELETED = (
        "escalation_contact.deleted",
        "An escalation contact was removed; details keep what it was.",
    )
    INCIDENT_TEMPLATE_CREATED = "incident_template.created", "An incident template was added."
    INCIDENT_TEMPLATE_CHANGED = "incident_template.changed", "An incident template changed."
    INCIDENT_TEMPLATE_DELETED = (
        "incident_template.deleted",
        "An incident template was removed; details keep what it was.",
    )

    # planned work
    PLANNED_CREATED = (
        "planned.created",
        "Planned work was drafted: its policy, work type, windows and affected components.",
    )
    PLANNED_CHANGED = "planned.changed", "Planned work's description or fields changed."
    PLANNED_PUBLISHED = (
        "planned.published",
        "Planned work was published: each window's policy check and the notices planned.",
    )
    PLANNED_JUSTIFIED = (
        "planned.justified",
        "Someone published or moved planned work despite violations, with a written "
        "justification: who, their role, the text and the violations it answers.",
    )
    PLANNED_RESCHEDULED = (
        "planned.rescheduled",
        "A window of planned work moved: from, to, why, and the policy check of the new window.",
    )
    PLANNED_EXTENDED = (
        "planned.extended",
        "A window of planned work was extended: the new end, the reason and the policy check.",
    )
    PLANNED_STARTED = (
        "planned.started",
        "A window began: the affected components took their expected status.",
    )
    PLANNED_ENDED = (
        "planned.ended",
        "A window's time ended: components returned to their earlier status unless changed since.",
    )
    PLANNED_OVERRUNNING = (
        "planned.overrunning",
        "A window was still open after its end: the owner was alerted, an extension notice is due.",
    )
    PLANNED_COMPLETED = (
        "planned.completed",
        "A window was completed once every affected component was operational again.",
    )
    PLANNED_RELEASED = "planned.released", "The version planned work rolls out was released."
    PLANNED_CANCELLED = (
        "planned.cancelled",
        "Planned work, or one window of it, was cancelled, with the reason.",
    )
    PLANNED_NOTICE_QUEUED = (
        "planned.notice_queued",
        "A notice about planned work was queued: its kind, due time, audience and policy.",
    )

    # releases
    PRODUCT_SAVED = (
        "product.saved",
        "A product (module, plugin) was added or changed: who uses it, its policy, visibility.",
    )
    VERSION_PLANNED = (
        "version.planned",
        "A version was planned: its number, kind (computed or given), release time and the "
        "planned work a major version or API change comes with.",
    )
    VERSION_CHANGED = (
        "version.changed",
        "A version's notes, security advisories or documentation pages changed.",
    )
    VERSION_RELEASED = (
        "version.released",
        "A version was released: when, and the notices queued to whom.",
    )
    VERSION_WITHDRAWN = "version.withdrawn", "A version was withdrawn, with the reason."
    VERSION_IMPORTED = (
        "version.imported",
        "A version released before Forewarn kept the history was added to it, without notices.",
    )
    ANNOUNCEMENT_PUBLISHED = (
        "announcement.published",
        "A general announcement was sent to the authorized contacts of chosen organizations or "
        "products' users: its topic and who was told.",
    )
    SLA_VERSION_PUBLISHED = (
        "sla_version.published",
        "A new version of a product category's SLA was published: its target, effective date "
        "and the organizations told.",
    )
    VERSION_DEPRECATION_ADDED = (
        "version.deprecation_added",
        "An API change deprecated something, with its sunset date.",
    )

    # metrics
    METRIC_CREATED = (
        "metric.created",
        "A system metric was added (name, unit, display, visibility).",
    )
    METRIC_CHANGED = (
        "metric.changed",
        "A system metric's definition, visibility or retention changed.",
    )
    METRIC_DELETED = (
        "metric.deleted",
        "A system metric was removed with its points; details keep what it was and how many.",
    )
    METRIC_POINTS_DELETED = (
        "metric.points_deleted",
        "Points of a metric were deleted, by someone or past the metric's retention (how many, before when).",
    )
    METRIC_POINT_CHANGED = (
        "metric.point_changed",
        "A stored point of a metric was given another value or instant; details keep what it was.",
    )

    # Alertmanager
    ALERT_INTEGRATION_CREATED = (
        "alert_integration.created",
        "An Alertmanager integration (a bearer token for /hooks/alertmanager) was created.",
    )
    ALERT_INTEGRATION_CHANGED = (
        "alert_integration.changed",
        "An Alertmanager integration's name or quiet period changed.",
    )
    ALERT_INTEGRATION_REVOKED = (
        "alert_integration.revoked",
        "An Alertmanager integration's token was revoked; it opens nothing from then on.",
    )
    ALERT_RULE_CREATED = (
        "alert_rule.created",
        "A rule mapping alerts (label matchers) to components, a status and a priority was added.",
    )
    ALERT_RULE_CHANGED = "alert_rule.changed", "An alert rule changed."
    ALERT_RULE_DELETED = (
        "alert_rule.deleted",
        "An alert rule was removed; details keep what it was.",
    )
    ALERT_GROUP_FIRED = (
        "alert_group.fired",
        "Alertmanager reported a group's alerts firing (or changed): the rules they matched, the "
        "incident opened or updated, or none (no rule matched, or planned work covers the components).",
    )
    ALERT_GROUP_RESOLVED = (
        "alert_group.resolved",
        "Alertmanager reported a group's alerts resolved: its incident moved to monitoring until the quiet period ends.",
    )

    # support
    SUPPORT_REQUEST_OPENED = (
        "support_request.opened",
        "A support request was opened: organization, requester, priority, channel, what they wrote and when its first response is due.",
    )
    SUPPORT_REQUEST_MESSAGE_ADDED = (
        "support_request.message_added",
        "The customer wrote on a request (web, email, chat or API); details name the channel and hold the text, the contact is the writer.",
    )
    SUPPORT_REQUEST_REPLIED = (
        "support_request.replied",
        "Staff answered a request (details hold the text); the reply goes to the requester through the outbox, and the first one ends the response clock.",
    )
    SUPPORT_REQUEST_NOTE_ADDED = (
        "support_request.note_added",
        "Staff added an internal note to a request, such as its analysis (details hold the text; the customer does not see it).",
    )
    SUPPORT_REQUEST_STATUS_CHANGED = (
        "support_request.status_changed",
        "A request's status changed: from, to, and the reason when it was put out of scope.",
    )
    SUPPORT_REQUEST_RECLASSIFIED = (
        "support_request.reclassified",
        "A request's priority changed: from, to, the reason, and the due instants recomputed from its creation.",
    )
    SUPPORT_REQUEST_ASSIGNED = "support_request.assigned", "A request was given to a staff member."
    SUPPORT_REQUEST_WARNING_SENT = (
        "support_request.warning_sent",
        "The assignee was warned that 75 % of a request's target has run.",
    )
    SUPPORT_REQUEST_BREACHED = (
        "support_request.breached",
        "A request's first-response or resolution target passed without an answer.",
    )
    SUPPORT_REQUEST_ESCALATED = (
        "support_request.escalated",
        "A request escalated to a tier (success managers, technical, executive): who was told and why.",
    )
    SUPPORT_REQUEST_PAGED = (
        "support_request.paged",
        "An emergency after hours paged the on-call person by email and chat webhook.",
    )
    CONVERSATION_LOGGED = (
        "conversation.logged",
        "Staff logged a phone call or meeting with a contact, on a request, an incident, a notice or an organization.",
    )
    SUPPORT_SETTINGS_CHANGED = (
        "support_settings.changed",
        "Support's configuration changed: response targets of an organization or plan, an on-call rota, or a chat widget (its secret only as 'changed').",
    )
    SUPPORT_SETTINGS_DELETED = (
        "support_settings.deleted",
        "Something was removed from support's configuration (response targets, an on-call rota with its shifts, a shift, a chat widget); details keep what it was (a widget's key, name and origins, never its secret).",
    )

    # portal
    PORTAL_SESSION_STARTED = (
        "portal_session.started",
        "An authorized contact signed in to the customer portal with an emailed one-time link.",
    )
    PORTAL_SESSION_ENDED = (
        "portal_session.ended",
        "An authorized contact signed out of the customer portal.",
    )
    CONTACT_TOKEN_CREATED = (
        "contact_token.created",
        "An authorized contact created an API token for its organization's support requests.",
    )
    CONTACT_TOKEN_REVOKED = (
        "contact_token.revoked",
        "An authorized contact revoked one of its API tokens.",
    )
    SUPPORT_PAGE_CHANGED = (
        "support_page.changed",
        "The public support page's links or ways to reach support changed.",
    )

    @property
    def subject(self) -> str:
        """The word before the dot: what the event is about."""
        return self.value.split(".", 1)[0]

    @property
    def verb(self) -> str:
        """The word after the dot: what happened to it."""
        return self.value.split(".", 1)[1]


def known(kind: str) -> Kind:
    """``kind`` as a member of ``Kind``; UnknownEventKind when the registry has no such kind."""
    try:
        return Kind(kind)
    except ValueError:
        raise UnknownEventKind(f"{kind!r} is not a kind of event in record.kinds.Kind.") from None


def subjects() -> list[str]:
    """The subjects the registry knows, in registry order (``component``, ``calendar``, …)."""
    return list(dict.fromkeys(kind.subject for kind in Kind))

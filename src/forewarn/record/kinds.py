"""Every kind of event the system of record keeps, named ``<subject>.<verb>``.

Pure Python, no Django. ``record.services.append`` refuses a kind that is not
here, so the record's vocabulary is this one list: a domain that records a new
event adds its member first (and the completeness test in ``tests/record``
asserts which services write it).
"""

from enum import StrEnum, unique


@unique
class Kind(StrEnum):
    # catalog
    COMPONENT_CREATED = "component.created"
    COMPONENT_CHANGED = "component.changed"
    COMPONENT_STATUS_CHANGED = "component.status_changed"
    COMPONENT_GROUP_CREATED = "component_group.created"
    COMPONENT_GROUP_CHANGED = "component_group.changed"
    CATEGORY_CREATED = "category.created"
    CATEGORY_CHANGED = "category.changed"
    REGION_CREATED = "region.created"
    REGION_CHANGED = "region.changed"
    ORGANIZATION_CREATED = "organization.created"
    ORGANIZATION_CHANGED = "organization.changed"
    CONTACT_CREATED = "contact.created"
    CONTACT_CHANGED = "contact.changed"
    CONTACT_DELETED = "contact.deleted"

    # calendars and policies
    CALENDAR_CREATED = "calendar.created"
    CALENDAR_CHANGED = "calendar.changed"
    POLICY_CREATED = "policy.created"
    POLICY_CHANGED = "policy.changed"
    WORK_TYPE_CREATED = "work_type.created"
    WORK_TYPE_CHANGED = "work_type.changed"
    WORK_TYPE_DELETED = "work_type.deleted"

    # availability
    EXCLUSION_CREATED = "exclusion.created"
    EXCLUSION_CHANGED = "exclusion.changed"
    EXCLUSION_DELETED = "exclusion.deleted"

    # delivery
    SUBSCRIBER_WEBHOOK_ADDED = "subscriber.webhook_added"
    SUBSCRIBER_CONFIRMED = "subscriber.confirmed"
    SUBSCRIBER_CONFIRMED_BY_OPERATOR = "subscriber.confirmed_by_operator"
    SUBSCRIBER_PREFERENCES_CHANGED = "subscriber.preferences_changed"
    SUBSCRIBER_CHANGED = "subscriber.changed"
    SUBSCRIBER_UNSUBSCRIBED = "subscriber.unsubscribed"
    SUBSCRIBER_DISABLED = "subscriber.disabled"
    SUBSCRIBER_ENABLED = "subscriber.enabled"
    SUBSCRIBER_DELETED = "subscriber.deleted"
    NOTICE_TEST_QUEUED = "notice.test_queued"
    NOTICE_CANCELLED = "notice.cancelled"
    NOTICE_DELIVERED = "notice.delivered"

    # incidents
    INCIDENT_CREATED = "incident.created"
    INCIDENT_ACKNOWLEDGED = "incident.acknowledged"
    INCIDENT_UPDATE_POSTED = "incident.update_posted"
    INCIDENT_STATUS_CHANGED = "incident.status_changed"
    INCIDENT_RECLASSIFIED = "incident.reclassified"
    INCIDENT_MADE_PUBLIC = "incident.made_public"
    INCIDENT_MADE_INTERNAL = "incident.made_internal"
    INCIDENT_CAUSE_SET = "incident.cause_set"
    INCIDENT_COMPONENT_ADDED = "incident.component_added"
    INCIDENT_RESPONDERS_CHANGED = "incident.responders_changed"
    INCIDENT_NOTICE_QUEUED = "incident.notice_queued"
    INCIDENT_REMINDER_SENT = "incident.reminder_sent"
    INCIDENT_UPDATE_OVERDUE = "incident.update_overdue"
    INCIDENT_ESCALATED = "incident.escalated"
    INCIDENT_RESOLVED = "incident.resolved"
    INCIDENT_REOPENED = "incident.reopened"
    INCIDENT_POSTMORTEM_SAVED = "incident.postmortem_saved"
    INCIDENT_POSTMORTEM_PUBLISHED = "incident.postmortem_published"
    INCIDENT_FOLLOW_REQUESTED = "incident.follow_requested"
    INCIDENT_FOLLOW_CONFIRMED = "incident.follow_confirmed"
    INCIDENT_FOLLOW_STOPPED = "incident.follow_stopped"
    CADENCE_POLICY_CREATED = "cadence_policy.created"
    CADENCE_POLICY_CHANGED = "cadence_policy.changed"
    ESCALATION_SETTINGS_CHANGED = "escalation_settings.changed"
    ESCALATION_CONTACT_CREATED = "escalation_contact.created"
    ESCALATION_CONTACT_CHANGED = "escalation_contact.changed"
    ESCALATION_CONTACT_DELETED = "escalation_contact.deleted"
    INCIDENT_TEMPLATE_CREATED = "incident_template.created"
    INCIDENT_TEMPLATE_CHANGED = "incident_template.changed"
    INCIDENT_TEMPLATE_DELETED = "incident_template.deleted"

    @property
    def subject(self) -> str:
        """The word before the dot: what the event is about."""
        return self.value.split(".", 1)[0]

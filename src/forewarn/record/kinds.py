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
    COMPONENT_GROUP_DELETED = "component_group.deleted"
    CATEGORY_CREATED = "category.created"
    CATEGORY_CHANGED = "category.changed"
    CATEGORY_DELETED = "category.deleted"
    REGION_CREATED = "region.created"
    REGION_CHANGED = "region.changed"
    REGION_DELETED = "region.deleted"
    ORGANIZATION_CREATED = "organization.created"
    ORGANIZATION_CHANGED = "organization.changed"
    ORGANIZATION_DELETED = "organization.deleted"
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

    @property
    def subject(self) -> str:
        """The word before the dot: what the event is about."""
        return self.value.split(".", 1)[0]

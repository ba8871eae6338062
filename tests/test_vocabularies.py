"""The words of the domain: pinned where clients or stored rows depend on the exact strings,
and every other list of them derived from the one definition."""

from forewarn.availability import columns, reports
from forewarn.availability.models import ExclusionReason
from forewarn.availability.reasons import LABELS as REASON_LABELS
from forewarn.availability.reasons import RECORDED, Reason
from forewarn.catalog.models import ROLE_ORDER, ComponentStatus
from forewarn.catalog.statuses import LABELS as STATUS_LABELS
from forewarn.catalog.statuses import Status, worst
from forewarn.delivery.models import Channel
from forewarn.incidents import access
from forewarn.incidents import models as incident_models
from forewarn.incidents.causes import Cause, exclusion_reason
from forewarn.incidents.escalation import Tier
from forewarn.incidents.lifecycle import STATUS_IMPACT, IncidentStatus
from forewarn.incidents.lifecycle import Impact as IncidentImpact
from forewarn.incidents.priorities import Priority
from forewarn.policies.models import NoticeUnitChoice
from forewarn.policies.rules import Impact, NoticeChannel, NoticeUnit


def test_component_statuses_are_statuspages_words_from_best_to_worst():
    # Statuspage's v2 JSON and its clients read these strings; the page ranks them in this order.
    assert [s.value for s in Status] == [
        "operational",
        "under_maintenance",
        "degraded_performance",
        "partial_outage",
        "major_outage",
    ]
    assert worst(["degraded_performance", "under_maintenance", "operational"]) is (
        Status.DEGRADED_PERFORMANCE
    )
    assert worst([]) is Status.OPERATIONAL


def test_status_lists_derive_from_the_one_enum():
    assert ComponentStatus.choices == [(s.value, STATUS_LABELS[s]) for s in Status]
    assert ComponentStatus.MAJOR_OUTAGE == Status.MAJOR_OUTAGE
    assert columns.STATUSES == tuple(s.value for s in Status)
    assert reports.STATUS_LABELS == {s.value: STATUS_LABELS[s] for s in Status}
    assert dict(ComponentStatus.choices)["degraded_performance"] == "Degraded performance"


def test_exclusion_reasons_in_precedence_order_and_operators_record_all_but_beta():
    # Excluded time that overlaps goes to the first reason (seed 001 §2); rows store the strings.
    assert [r.value for r in Reason] == [
        "beta",
        "scheduled_maintenance",
        "emergency_maintenance",
        "instance_resize_migration",
        "force_majeure",
        "third_party",
        "client_caused",
    ]
    assert columns.REASONS == tuple(r.value for r in Reason)
    assert ExclusionReason.values == [r.value for r in RECORDED] == [r.value for r in Reason][1:]
    assert reports.REASON_LABELS == {r.value: REASON_LABELS[r] for r in Reason}
    assert reports.REASON_LABELS["beta"] == "Beta / early access"


def test_notice_units_are_the_rules_units_plus_none():
    # Policy rows and API clients store and send these strings.
    assert NoticeUnitChoice.values == [
        "none",
        "calendar_days",
        "weeks",
        "hours",
        "business_days",
        "business_hours",
        "after_completion",
        "on_release",
        "asap",
    ]
    assert NoticeUnitChoice.values[1:] == [u.value for u in NoticeUnit]


def test_an_impact_is_a_status_other_than_operational_or_none():
    assert [i.value for i in Impact] == [
        "none",
        "under_maintenance",
        "degraded_performance",
        "partial_outage",
        "major_outage",
    ]


def test_channel_means_how_a_subscriber_is_reached_and_notice_channel_where_a_notice_appears():
    assert Channel.values == ["email", "webhook", "chat"]
    assert [c.value for c in NoticeChannel] == ["email", "status_page", "chat"]


def test_incident_words_are_statuspages_and_the_seeds():
    # Statuspage's v2 JSON and its clients read the status and impact words; rows store all.
    assert [s.value for s in IncidentStatus] == [
        "investigating",
        "identified",
        "monitoring",
        "resolved",
    ]
    assert [i.value for i in IncidentImpact] == ["none", "minor", "major", "critical"]
    assert [p.value for p in Priority] == ["P1", "P2", "P3", "P4", "P5"]
    assert [c.value for c in Cause] == ["own", "third_party", "client_caused", "force_majeure"]
    assert [t.value for t in Tier] == ["tier_1", "tier_2", "executive"]
    assert [v for v, _ in incident_models.STATUS_CHOICES] == [s.value for s in IncidentStatus]
    assert [v for v, _ in incident_models.PRIORITY_CHOICES] == [p.value for p in Priority]
    assert [v for v, _ in incident_models.CAUSE_CHOICES] == [c.value for c in Cause]


def test_incident_impact_knows_every_component_status_and_roles_are_the_catalogs():
    assert list(STATUS_IMPACT) == list(Status)
    assert access.ROLES == tuple(r.value for r in ROLE_ORDER)


def test_an_excluded_incident_cause_is_an_exclusion_reason():
    excluded = [exclusion_reason(c) for c in Cause if c.is_excluded]
    assert excluded == ["third_party", "client_caused", "force_majeure"]
    assert set(excluded) <= set(ExclusionReason.values)
    assert exclusion_reason("own") is None

"""Alertmanager integrations and their rules: what admins do in the console and the API.

Each operation is one transaction that validates, saves and records (``alert_integration.*``,
``alert_rule.*``). An integration's token is returned once by ``create_integration`` and
``rotate_token``; only its digest is kept. Revoking is final: a revoked token opens nothing.
"""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from forewarn.catalog import snapshots
from forewarn.catalog.models import Component
from forewarn.record.kinds import Kind
from forewarn.record.services import append

from . import rules as core
from .matchers import MatcherError, parse
from .models import AlertIntegration, AlertRule

INTEGRATION_FIELDS = ("name", "quiet_minutes")
RULE_FIELDS = (
    "name",
    "position",
    "matchers",
    "status",
    "priority",
    "severity_label",
    "by_severity",
    "publish_at_once",
)


@transaction.atomic
def create_integration(
    name: str, *, actor: str, quiet_minutes: int = 10
) -> tuple[AlertIntegration, str]:
    """A new integration and its token (shown once)."""
    integration = AlertIntegration(name=name.strip(), quiet_minutes=quiet_minutes, created_by=actor)
    raw = integration.new_token()
    integration.full_clean()
    integration.save()
    append(
        Kind.ALERT_INTEGRATION_CREATED,
        subject=integration,
        actor=actor,
        description=f"Alertmanager integration {integration} created (token {integration.prefix}…).",
        details={"name": integration.name, "quiet_minutes": integration.quiet_minutes},
    )
    return integration, raw


@transaction.atomic
def save_integration(integration: AlertIntegration, *, actor: str) -> AlertIntegration:
    """Change an integration's name or quiet period."""
    integration.full_clean()
    diff, _ = snapshots.compare(integration, INTEGRATION_FIELDS)
    if diff:
        integration.save()
        snapshots.record_saved(
            integration,
            diff,
            created=False,
            kinds=(Kind.ALERT_INTEGRATION_CREATED, Kind.ALERT_INTEGRATION_CHANGED),
            actor=actor,
        )
    return integration


@transaction.atomic
def revoke_integration(integration: AlertIntegration, *, actor: str) -> AlertIntegration:
    """Refuse the integration's token from now on (its groups and rules stay, for the record)."""
    integration = AlertIntegration.objects.select_for_update().get(pk=integration.pk)
    if integration.revoked_at is not None:
        raise ValidationError(
            {"revoked_at": f"Revoked already, at {integration.revoked_at.isoformat()}."}
        )
    integration.revoked_at = timezone.now()
    integration.save(update_fields=["revoked_at"])
    append(
        Kind.ALERT_INTEGRATION_REVOKED,
        subject=integration,
        actor=actor,
        description=f"Alertmanager integration {integration} revoked (token {integration.prefix}…).",
        details={"prefix": integration.prefix},
    )
    return integration


# --- rules ------------------------------------------------------------------------------------


def check_rule(rule: AlertRule) -> None:
    """The matchers and the severity map read, or a ValidationError naming the field."""
    try:
        parse(rule.matchers)
        core.severity_map(rule.by_severity)
        core.outcome_of(rule.priority, rule.status, "status")
    except MatcherError as error:
        raise ValidationError({"matchers": str(error)}) from None
    except core.RuleError as error:
        raise ValidationError({error.field: str(error)}) from None


@transaction.atomic
def save_rule(
    rule: AlertRule, *, actor: str, components: Iterable[Component] | None = None
) -> AlertRule:
    """Create or change a rule; ``components`` (None: keep them) are the ones its alerts concern."""
    created = rule.pk is None
    rule.full_clean(exclude=["components"])
    check_rule(rule)
    given = None if components is None else list(components)
    if created and not given:
        raise ValidationError({"components": "Name at least one component the alerts concern."})
    if given is not None and not given:
        raise ValidationError({"components": "A rule needs at least one component."})
    diff, holds = snapshots.compare(rule, RULE_FIELDS, components=given)
    if created or diff:
        rule.save()
        snapshots.set_related(rule, holds, components=given)
        snapshots.record_saved(
            rule,
            diff,
            created=created,
            kinds=(Kind.ALERT_RULE_CREATED, Kind.ALERT_RULE_CHANGED),
            actor=actor,
        )
    return rule


@transaction.atomic
def delete_rule(rule: AlertRule, *, actor: str) -> None:
    snapshots.record_deletion(rule, RULE_FIELDS, Kind.ALERT_RULE_DELETED, actor=actor)
    rule.delete()


def to_core(rule: AlertRule) -> core.Rule:
    return core.Rule(
        key=rule.pk,
        matchers=parse(rule.matchers),
        components=tuple(c.slug for c in rule.components.all()),
        default=core.outcome_of(rule.priority, rule.status, "status"),
        by_severity=core.severity_map(rule.by_severity),
        severity_label=rule.severity_label,
        publish_at_once=rule.publish_at_once,
    )

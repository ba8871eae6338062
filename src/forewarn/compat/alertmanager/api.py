"""Alertmanager integrations and rules in the JSON API: admins create, change and revoke them.

A new integration's token is in the creation's answer and nowhere else, ever. Thin over
``services``; component slugs are resolved with ``catalog.services.components_by_slug``.
"""

from datetime import datetime
from typing import Annotated, Any

from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status

from forewarn import limits
from forewarn.api.auth import actor, needs
from forewarn.api.fields import Name, ObjectId, Position, Slugs, one_of
from forewarn.api.validation import refuse_nulls
from forewarn.catalog.models import Role
from forewarn.catalog.services import components_by_slug
from forewarn.incidents.priorities import Priority

from . import services
from .matchers import MAX_TEXT
from .models import QUIET_MINUTES_LIMIT, STATUS_CHOICES, AlertIntegration, AlertRule

router = Router(tags=["alertmanager"])

QuietMinutes = Annotated[int, Field(ge=0, le=QUIET_MINUTES_LIMIT)]
Matchers = Annotated[
    str, Field(max_length=MAX_TEXT, description='e.g. service="voice", env=~"prod|eu"')
]
AlertStatus = one_of(value for value, _ in STATUS_CHOICES)
PriorityName = one_of(Priority)
Label = Annotated[str, Field(min_length=1, max_length=100)]


class SeverityOutcome(Schema):
    priority: PriorityName
    status: AlertStatus


SeverityMap = Annotated[dict[Label, SeverityOutcome], Field(max_length=20)]


class IntegrationIn(Schema):
    name: Name
    quiet_minutes: QuietMinutes = 10


class IntegrationPatch(Schema):
    name: Name | None = None
    quiet_minutes: QuietMinutes | None = None


class IntegrationOut(Schema):
    id: int
    name: str
    quiet_minutes: int
    prefix: str = Field(description="the token's first characters, to recognise it")
    created_at: datetime
    created_by: str
    last_used_at: datetime | None
    revoked_at: datetime | None


class IntegrationWithToken(IntegrationOut):
    token: str = Field(description="the bearer token for /hooks/alertmanager: shown this once")


class RuleIn(Schema):
    name: Name
    position: Position = 0
    matchers: Matchers = ""
    components: Slugs
    status: AlertStatus = "partial_outage"
    priority: PriorityName = "P3"
    severity_label: Label = "severity"
    by_severity: SeverityMap = Field(default_factory=dict)
    publish_at_once: bool = False


class RulePatch(Schema):
    name: Name | None = None
    position: Position | None = None
    matchers: Matchers | None = None
    components: Slugs | None = None
    status: AlertStatus | None = None
    priority: PriorityName | None = None
    severity_label: Label | None = None
    by_severity: SeverityMap | None = None
    publish_at_once: bool | None = None


class RuleOut(Schema):
    id: int
    integration: int = Field(alias="integration_id")
    name: str
    position: int
    matchers: str
    components: list[str]
    status: str
    priority: str
    severity_label: str
    by_severity: dict[str, Any]
    publish_at_once: bool

    @staticmethod
    def resolve_components(obj):
        return sorted(c.slug for c in obj.components.all())


@router.get("/alertmanager/integrations", response=list[IntegrationOut], auth=needs(Role.VIEWER))
def list_integrations(request):
    return AlertIntegration.objects.all()[: limits.PAGE]


@router.post(
    "/alertmanager/integrations", response={201: IntegrationWithToken}, auth=needs(Role.ADMIN)
)
def create_integration(request, payload: IntegrationIn):
    """Create an integration; the answer carries its token, which is never shown again."""
    integration, raw = services.create_integration(
        payload.name, quiet_minutes=payload.quiet_minutes, actor=actor(request)
    )
    integration.token = raw
    return Status(201, integration)


@router.patch(
    "/alertmanager/integrations/{integration_id}", response=IntegrationOut, auth=needs(Role.ADMIN)
)
def update_integration(request, integration_id: ObjectId, payload: IntegrationPatch):
    integration = get_object_or_404(AlertIntegration, pk=integration_id)
    for field, value in refuse_nulls(payload.dict(exclude_unset=True)).items():
        setattr(integration, field, value)
    return services.save_integration(integration, actor=actor(request))


@router.post(
    "/alertmanager/integrations/{integration_id}/revoke",
    response=IntegrationOut,
    auth=needs(Role.ADMIN),
)
def revoke_integration(request, integration_id: ObjectId):
    """Refuse the integration's token from now on."""
    integration = get_object_or_404(AlertIntegration, pk=integration_id)
    return services.revoke_integration(integration, actor=actor(request))


@router.get(
    "/alertmanager/integrations/{integration_id}/rules",
    response=list[RuleOut],
    auth=needs(Role.VIEWER),
)
def list_rules(request, integration_id: ObjectId):
    integration = get_object_or_404(AlertIntegration, pk=integration_id)
    return integration.rules.prefetch_related("components")[: limits.PAGE]


def _rule_fields(rule: AlertRule, data: dict):
    slugs = data.pop("components", None)
    for field, value in data.items():
        setattr(rule, field, value)
    return None if slugs is None else components_by_slug(slugs)


@router.post(
    "/alertmanager/integrations/{integration_id}/rules",
    response={201: RuleOut},
    auth=needs(Role.ADMIN),
)
def create_rule(request, integration_id: ObjectId, payload: RuleIn):
    rule = AlertRule(integration=get_object_or_404(AlertIntegration, pk=integration_id))
    components = _rule_fields(rule, payload.dict())
    services.save_rule(rule, components=components, actor=actor(request))
    return Status(201, rule)


@router.patch("/alertmanager/rules/{rule_id}", response=RuleOut, auth=needs(Role.ADMIN))
def update_rule(request, rule_id: ObjectId, payload: RulePatch):
    rule = get_object_or_404(AlertRule, pk=rule_id)
    components = _rule_fields(rule, refuse_nulls(payload.dict(exclude_unset=True)))
    return services.save_rule(rule, components=components, actor=actor(request))


@router.delete("/alertmanager/rules/{rule_id}", response={204: None}, auth=needs(Role.ADMIN))
def delete_rule(request, rule_id: ObjectId):
    services.delete_rule(get_object_or_404(AlertRule, pk=rule_id), actor=actor(request))
    return Status(204, None)

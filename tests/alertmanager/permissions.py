"""Alertmanager in the permission matrix: admins manage integrations and rules, everyone with a
role reads them and what was received. The hook itself takes only an integration's token."""

from forewarn.catalog.models import Component
from forewarn.catalog.services import save_component
from forewarn.compat.alertmanager import services
from forewarn.compat.alertmanager.models import AlertDelivery, AlertGroup, AlertRule
from tests.permission_rows import ADMIN, VIEWER, Console

API = {
    "GET /api/v1/alertmanager/integrations": VIEWER,
    "POST /api/v1/alertmanager/integrations": ADMIN,
    "PATCH /api/v1/alertmanager/integrations/{integration_id}": ADMIN,
    "POST /api/v1/alertmanager/integrations/{integration_id}/revoke": ADMIN,
    "GET /api/v1/alertmanager/integrations/{integration_id}/rules": VIEWER,
    "POST /api/v1/alertmanager/integrations/{integration_id}/rules": ADMIN,
    "PATCH /api/v1/alertmanager/rules/{rule_id}": ADMIN,
    "DELETE /api/v1/alertmanager/rules/{rule_id}": ADMIN,
}


def _integration():
    return services.create_integration("Prometheus", actor="test")[0]


def _rule():
    voice = save_component(Component(slug="voice", name="Voice"), actor="test")
    return services.save_rule(
        AlertRule(integration=_integration(), name="Voice", matchers='service="voice"'),
        components=[voice],
        actor="test",
    )


CONSOLE = {
    "alertmanager.alertintegration": Console(
        add=ADMIN, change=ADMIN, actions={"revoke": ADMIN}, make=_integration
    ),
    "alertmanager.alertrule": Console(add=ADMIN, change=ADMIN, delete=ADMIN, make=_rule),
    "alertmanager.alertgroup": Console(
        make=lambda: AlertGroup.objects.create(integration=_integration(), group_key="{}:{}")
    ),
    "alertmanager.alertdelivery": Console(
        make=lambda: AlertDelivery.objects.create(
            integration=_integration(),
            digest="0" * 64,
            group_key="{}",
            status="firing",
            alerts=1,
            outcome="opened",
        )
    ),
}

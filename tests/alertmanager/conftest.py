"""An Alertmanager integration with two rules over a small catalog, at a fixed instant.

``notification(...)`` builds a version 4 payload as Alertmanager sends it.
"""

from datetime import UTC, datetime

import pytest
import time_machine
from django.core.cache import cache

from forewarn.catalog.models import Component
from forewarn.catalog.services import save_component
from forewarn.compat.alertmanager import services
from forewarn.compat.alertmanager.models import AlertRule
from forewarn.incidents import configuration

T0 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)  # Tue 10:00 Europe/Amsterdam


@pytest.fixture
def clock():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


class Hook:
    def __init__(self):
        self.voice = save_component(Component(slug="voice", name="Voice"), actor="alice")
        self.sms = save_component(Component(slug="sms", name="SMS API"), actor="alice")
        self.integration, self.token = services.create_integration(
            "Prometheus EU", actor="alice", quiet_minutes=10
        )
        self.voice_rule = services.save_rule(
            AlertRule(
                integration=self.integration,
                name="Voice",
                position=1,
                matchers='service="voice"',
                status="partial_outage",
                priority="P3",
                by_severity={"critical": {"priority": "P1", "status": "major_outage"}},
            ),
            components=[self.voice],
            actor="alice",
        )
        self.sms_rule = services.save_rule(
            AlertRule(
                integration=self.integration,
                name="SMS, published at once",
                position=2,
                matchers='service="sms"',
                status="degraded_performance",
                priority="P2",
                publish_at_once=True,
            ),
            components=[self.sms],
            actor="alice",
        )


@pytest.fixture
def hook(db, clock) -> Hook:
    cache.clear()
    configuration.load_seed_policies()
    return Hook()


def alert(status="firing", starts="2026-11-24T08:58:00.123456789Z", **labels) -> dict:
    labels = {"alertname": "HighErrorRate"} | labels
    return {
        "status": status,
        "labels": labels,
        "annotations": {"summary": f"{labels.get('service', 'something')} errors above 5%"},
        "startsAt": starts,
        "endsAt": "0001-01-01T00:00:00Z" if status == "firing" else "2026-11-24T09:10:00Z",
        "generatorURL": "http://prometheus.example/graph",
        "fingerprint": "",
    }


def notification(*alerts, status=None, group_key='{}:{service="voice"}') -> dict:
    if status is None:
        status = "firing" if any(a["status"] == "firing" for a in alerts) else "resolved"
    common = dict(alerts[0]["labels"]) if len(alerts) == 1 else {}
    return {
        "version": "4",
        "groupKey": group_key,
        "truncatedAlerts": 0,
        "status": status,
        "receiver": "forewarn",
        "groupLabels": {"service": alerts[0]["labels"].get("service", "")},
        "commonLabels": common,
        "commonAnnotations": dict(alerts[0]["annotations"]) if len(alerts) == 1 else {},
        "externalURL": "http://alertmanager.example",
        "alerts": list(alerts),
    }

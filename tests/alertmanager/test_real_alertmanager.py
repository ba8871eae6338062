"""Debian's real ``prometheus-alertmanager`` delivering to a live Forewarn on 127.0.0.1, alerts
raised and resolved with ``amtool alert add``, as an operator's Prometheus would.

Alertmanager runs with a config that groups by alertname and service and sends to
``/hooks/alertmanager`` with the integration's bearer token (``http_config.authorization``).
Skipped, with the reason, where the binaries are missing (``make test`` installs Debian's
``prometheus-alertmanager`` when run as root).
"""

import shutil
import subprocess
import time
from datetime import timedelta

import pytest
import time_machine

from forewarn.catalog.models import Component
from forewarn.catalog.services import set_status
from forewarn.compat.alertmanager import jobs, receiver
from forewarn.compat.alertmanager.models import AlertDelivery, AlertGroup
from forewarn.incidents.models import Incident
from tests.delivery.servers import free_port

from .conftest import T0, Hook

ALERTMANAGER = shutil.which("prometheus-alertmanager") or shutil.which("alertmanager")
AMTOOL = shutil.which("amtool")
pytestmark = pytest.mark.skipif(
    not (ALERTMANAGER and AMTOOL),
    reason="Debian's prometheus-alertmanager (alertmanager and amtool) is not installed: "
    "apt-get install prometheus-alertmanager, or run `make test` as root",
)
WAIT = 60  # seconds for a notification to arrive (a loaded machine is slow)

CONFIG = """\
route:
  receiver: forewarn
  group_by: [alertname, service]
  group_wait: 1s
  group_interval: 2s
  repeat_interval: 1h
receivers:
  - name: forewarn
    webhook_configs:
      - url: {url}/hooks/alertmanager
        send_resolved: true
        http_config:
          authorization:
            type: Bearer
            credentials: {token}
"""


@pytest.fixture
def clock():
    with time_machine.travel(T0, tick=True) as traveller:
        yield traveller


@pytest.fixture
def hook(transactional_db, clock):
    from forewarn.incidents import configuration

    configuration.load_seed_policies()
    return Hook()


@pytest.fixture
def alertmanager(live_server, hook, tmp_path):
    port = free_port()
    config = tmp_path / "alertmanager.yml"
    config.write_text(CONFIG.format(url=live_server.url, token=hook.token))
    process = subprocess.Popen(
        [
            ALERTMANAGER,
            f"--config.file={config}",
            f"--storage.path={tmp_path / 'data'}",
            f"--web.listen-address=127.0.0.1:{port}",
            "--cluster.listen-address=",
            "--log.level=warn",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _until(
            lambda: _amtool(url, "config", "show", check=False).returncode == 0,
            "Alertmanager to start",
        )
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _amtool(url: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(
        [AMTOOL, f"--alertmanager.url={url}", "--no-version-check", "--timeout=10s", *args],
        capture_output=True,
        text=True,
        check=check,
        timeout=20,
    )


def _real_now() -> str:
    """Alertmanager's clock is the machine's, not the test's travelling one."""
    return subprocess.run(
        ["date", "-u", "+%Y-%m-%dT%H:%M:%SZ"], capture_output=True, text=True, check=True
    ).stdout.strip()


def _until(condition, what: str):
    """Wait for ``condition``. Wait on the row a notification writes last (its AlertDelivery):
    with in-memory SQLite the live server shares the test's connection, so rows written earlier
    in the receiver's transaction are visible before it commits."""
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"waited {WAIT} s for {what}")


def _raise(url: str, *labels: str, end: str | None = None):
    args = ["alert", "add", *labels, "--annotation=summary=Voice calls failing"]
    if end:
        args.append(f"--end={end}")
    _amtool(url, *args)


def test_a_real_alert_fires_is_retried_resolves_and_the_incident_follows(
    alertmanager, hook, clock, monkeypatch
):
    real_receive, answers = receiver.receive, []

    def receive_then_lose_the_first_answer(integration, body):
        outcome = real_receive(integration, body)
        answers.append(outcome.result)
        if len(answers) == 1:
            raise ConnectionAbortedError("the answer was lost")  # a 500: Alertmanager retries
        return outcome

    monkeypatch.setattr(receiver, "receive", receive_then_lose_the_first_answer)
    labels = ("alertname=VoiceErrors", "service=voice", "severity=critical", "instance=sbc-1")
    _raise(alertmanager, *labels)
    _until(lambda: "duplicate" in answers, "Alertmanager to retry the notification")
    incident = Incident.objects.get()
    assert (incident.title, incident.priority, incident.is_public) == (
        "Voice calls failing",
        "P1",
        False,
    )
    assert Component.objects.get(slug="voice").status == "major_outage"
    delivery = AlertDelivery.objects.get()
    assert (delivery.outcome, delivery.times) == ("opened", 2)  # the retry changed nothing

    _raise(alertmanager, *labels, end=_real_now())
    _until(
        lambda: AlertDelivery.objects.filter(status="resolved").exists(),
        "the resolved notification",
    )
    incident.refresh_from_db()
    assert incident.status == "monitoring"
    clock.shift(timedelta(minutes=10, seconds=1))
    assert jobs.resolve_quiet_groups() == 1
    incident.refresh_from_db()
    assert (incident.status, Component.objects.get(slug="voice").status) == (
        "resolved",
        "operational",
    )
    assert Incident.objects.count() == 1


def test_a_real_alert_on_a_component_under_planned_maintenance_opens_nothing(alertmanager, hook):
    set_status(
        hook.voice, "under_maintenance", cause="SBC upgrade", cause_ref="planned:7", actor="system"
    )
    _raise(alertmanager, "alertname=VoiceErrors", "service=voice")
    _until(lambda: AlertDelivery.objects.exists(), "the notification")
    group = AlertGroup.objects.get()
    assert (group.status, group.incident) == ("firing", None)
    assert AlertDelivery.objects.get().outcome == "under planned maintenance"
    assert not Incident.objects.exists()
    assert Component.objects.get(slug="voice").status == "under_maintenance"

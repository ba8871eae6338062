"""The real ``cachet-client`` (4.0.1, unmodified) against a live Forewarn: every resource it
has, listed page by page, read, created, changed and deleted; and what Forewarn recorded."""

import gc
import threading
from datetime import UTC, datetime

import pytest
import requests
import time_machine
from cachetclient import Client
from cachetclient.v1 import enums

from forewarn.api.models import ApiToken, Surface
from forewarn.catalog.models import Component, ComponentGroup
from forewarn.delivery.models import Subscriber
from forewarn.incidents import configuration
from forewarn.incidents.models import Incident
from forewarn.record.models import Event
from tests.conftest import make_staff

T0 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


@pytest.fixture
def clock():
    """From a fixed Tuesday morning; the clock runs on for the server thread."""
    with time_machine.travel(T0, tick=True) as traveller:
        yield traveller


@pytest.fixture
def endpoint(live_server, transactional_db, clock):
    configuration.load_seed_policies()  # a flush before this test emptied the seeded rows
    yield live_server.url + "/cachet/api/v1"
    # A connection still open holds a live-server thread, which would close the shared test
    # database connection from the wrong thread after the test. A refused request's response
    # (kept by pytest.raises) holds its connection until collected.
    for client in OPEN:
        client._http._session.close()
    OPEN.clear()
    gc.collect()
    for thread in threading.enumerate():
        if "process_request_thread" in thread.name:
            thread.join(timeout=5)


OPEN: list[Client] = []


def client_as(endpoint: str, role: str | None, token: str | None = None) -> Client:
    if token is None:
        user = make_staff(f"cachet-{role}", role)
        token = ApiToken.issue(user, surface=Surface.CACHET)[1]
    client = Client(endpoint=endpoint, api_token=token)
    OPEN.append(client)
    return client


@pytest.fixture
def cachet(endpoint):
    return client_as(endpoint, "admin")


def kinds(subject_type: str) -> list[str]:
    return list(
        Event.objects.filter(subject_type=subject_type)
        .order_by("pk")
        .values_list("kind", flat=True)
    )


def test_ping_and_version(cachet):
    assert cachet.ping() is True
    version = cachet.version()
    assert version.value == "2.4.1"
    assert version.on_latest is True


def test_components_listed_page_by_page_read_changed_and_deleted(cachet, endpoint):
    made = [
        cachet.components.create(name=f"API {n}", status=enums.COMPONENT_STATUS_OPERATIONAL)
        for n in range(5)
    ]
    assert [c.id for c in made] == sorted(c.id for c in made)
    assert [c.name for c in cachet.components.list(per_page=2)] == [f"API {n}" for n in range(5)]
    assert cachet.components.count() == 5

    first = cachet.components.get(made[0].id)
    assert (first.status, first.status_name, first.enabled) == (1, "Operational", True)
    assert first.created_at == datetime(2026, 11, 24, 9, 0)

    changed = cachet.components.update(
        first.id, status=enums.COMPONENT_STATUS_MAJOR_OUTAGE, description="Public REST API"
    )
    assert (changed.status, changed.status_name, changed.description) == (
        4,
        "Major Outage",
        "Public REST API",
    )
    changed.name = "REST API"
    again = changed.update()  # the resource sends every attribute back
    assert (again.name, again.status) == ("REST API", 4)
    stored = Component.objects.get(pk=first.id)
    assert (stored.name, stored.status) == ("REST API", "major_outage")
    assert stored.status_history.count() == 2

    cachet.components.delete(made[4].id)
    assert Component.objects.get(pk=made[4].id).visibility == "internal"
    assert cachet.components.get(made[4].id).enabled is False
    guest = requests.get(endpoint + "/components", timeout=10).json()
    assert [c["id"] for c in guest["data"]] == [c.id for c in made[:4]]


def test_component_groups(cachet):
    group = cachet.component_groups.create(name="Core", order=2, visible=True)
    assert (group.name, group.order, group.visible, group.collapsed) == ("Core", 2, True, 0)
    api = cachet.components.create(name="API", status=2, group_id=group.id)
    read = cachet.component_groups.get(group.id)
    assert [c.id for c in read.enabled_components] == [api.id]
    assert read.lowest_human_status == "Performance Issues"
    hidden = cachet.component_groups.create(name="Back office")
    assert hidden.visible is False
    assert [g.name for g in cachet.component_groups.list(per_page=1)] == ["Core", "Back office"]
    assert cachet.component_groups.count() == 2

    renamed = cachet.component_groups.update(group.id, name="Core services", order=1)
    assert (renamed.name, renamed.order) == ("Core services", 1)
    cachet.component_groups.delete(hidden.id)
    assert not ComponentGroup.objects.filter(pk=hidden.id).exists()
    assert kinds("catalog.componentgroup") == [
        "component_group.created",
        "component_group.created",
        "component_group.changed",
        "component_group.deleted",
    ]


def test_incidents_and_their_updates(cachet, endpoint):
    api = cachet.components.create(name="API", status=1)
    incident = cachet.incidents.create(
        name="API errors",
        message="We are looking into errors.",
        status=enums.INCIDENT_INVESTIGATING,
        component_id=api.id,
        component_status=enums.COMPONENT_STATUS_PARTIAL_OUTAGE,
    )
    assert (incident.status, incident.human_status, incident.visible) == (1, "Investigating", True)
    assert incident.component_id == api.id
    assert cachet.components.get(api.id).status == 3
    stored = Incident.objects.get(pk=incident.id)
    assert (stored.priority, stored.is_public, stored.created_by) == ("P3", True, "cachet-admin")

    update = cachet.incident_updates.create(
        incident_id=incident.id, status=enums.INCIDENT_IDENTIFIED, message="A bad deploy."
    )
    assert (update.status, update.human_status, update.message) == (
        2,
        "Identified",
        "A bad deploy.",
    )
    assert cachet.incident_updates.count(incident.id) == 1
    second = cachet.incident_updates.create(
        incident_id=incident.id, status=enums.INCIDENT_IDENTIFIED, message="Rolling back."
    )
    listed = cachet.incident_updates.list(incident.id, per_page=1)  # page by page
    assert [(u.id, u.incident_id) for u in listed] == [
        (second.id, incident.id),
        (update.id, incident.id),
    ]
    read = cachet.incidents.get(incident.id)
    assert (read.id, read.name, read.status, read.message) == (
        incident.id,
        "API errors",
        2,
        "Rolling back.",
    )
    assert read.occurred_at == datetime(2026, 11, 24, 9, 0)
    assert cachet.incident_updates.get(incident.id, update.id).message == "A bad deploy."
    assert update.update().message == "A bad deploy."  # unchanged: answered as it is
    update.message = "Rewritten"
    with pytest.raises(requests.HTTPError) as refused:
        update.update()
    assert refused.value.response.status_code == 405
    with pytest.raises(requests.HTTPError):
        update.delete()

    fixed = cachet.incidents.update(
        incident.id,
        name="API errors",
        message="Rolled back; all good.",
        status=enums.INCIDENT_FIXED,
        visible=True,
    )
    assert (fixed.status, fixed.human_status, fixed.message) == (
        4,
        "Fixed",
        "Rolled back; all good.",
    )
    assert [u.message for u in fixed.updates()] == [
        "Rolled back; all good.",
        "Rolling back.",
        "A bad deploy.",
    ]
    assert cachet.components.get(api.id).status == 1  # the incident gave the status back

    for n in range(3):
        cachet.incidents.create(name=f"Blip {n}", message="Short blip.", status=4, visible=False)
    assert [i.name for i in cachet.incidents.list(per_page=2)] == [
        "API errors",
        "Blip 0",
        "Blip 1",
        "Blip 2",
    ]
    assert cachet.incidents.count() == 4
    assert (
        requests.get(endpoint + "/incidents", timeout=10).json()["meta"]["pagination"]["total"] == 1
    )

    cachet.incidents.delete(incident.id)
    assert Incident.objects.get(pk=incident.id).is_public is False
    assert cachet.incidents.get(incident.id).visible == 0  # staff still read it
    with pytest.raises(requests.HTTPError) as hidden:
        requests.get(f"{endpoint}/incidents/{incident.id}", timeout=10).raise_for_status()
    assert hidden.value.response.status_code == 404  # a guest does not
    assert "incident.made_internal" in kinds("incidents.incident")


def test_subscribers(cachet):
    api = cachet.components.create(name="API", status=1)
    verified = cachet.subscribers.create(email="ops@customer.example", verify=True)
    assert verified.verified_at == datetime(2026, 11, 24, 9, 0)
    assert verified.is_global is True
    pending = cachet.subscribers.create(
        email="dev@customer.example", components=[api.id], verify=False
    )
    assert (pending.verified_at, pending.is_global) == (None, False)
    again = cachet.subscribers.create(email="ops@customer.example", verify=True)
    assert again.id == verified.id
    assert sorted(s.email for s in cachet.subscribers.list(per_page=1)) == [
        "dev@customer.example",
        "ops@customer.example",
    ]
    assert cachet.subscribers.count() == 2
    cachet.subscribers.delete(pending.id)
    assert list(Subscriber.objects.values_list("address", flat=True)) == ["ops@customer.example"]
    assert "subscriber.confirmed_by_operator" in kinds("delivery.subscriber")


def test_a_wrong_or_missing_token_reads_as_a_guest_and_writes_nothing(cachet, endpoint):
    cachet.components.create(name="API", status=1)
    stranger = client_as(endpoint, None, token="fwc_not-a-token")
    assert [c.name for c in stranger.components.list()] == ["API"]
    with pytest.raises(requests.HTTPError) as refused:
        stranger.components.create(name="Sneaky", status=1)
    assert refused.value.response.status_code == 401
    assert refused.value.response.json()["errors"][0]["title"] == "Unauthorized"
    with pytest.raises(requests.HTTPError) as refused:
        stranger.subscribers.count()
    assert refused.value.response.status_code == 401

    viewer = client_as(endpoint, "viewer")
    with pytest.raises(requests.HTTPError) as refused:
        viewer.components.create(name="Sneaky", status=1)
    assert refused.value.response.status_code == 403
    assert Component.objects.count() == 1


def test_metrics_and_points_through_cachet_client(metrics, cachet, endpoint):
    made = [
        cachet.metrics.create(name=f"Latency {n}", description="API", suffix="ms") for n in range(3)
    ]
    assert [m.name for m in cachet.metrics.list(per_page=2)] == [
        "Latency 0",
        "Latency 1",
        "Latency 2",
    ]
    assert cachet.metrics.count() == 3
    read = cachet.metrics.get(made[0].id)
    assert (read.suffix, read.calc_type, read.places, read.default_view, read.visible) == (
        "ms",
        0,
        2,
        1,
        1,
    )
    assert read.attrs["default_view_name"] == "Last 12 Hours"
    assert read.created_at == datetime(2026, 11, 24, 9, 0)

    point = cachet.metric_points.create(metric_id=made[0].id, value=42.5)
    assert (point.value, point.counter, point.calculated_value) == (42.5, 1, 42.5)
    cachet.metric_points.create(metric_id=made[0].id, value=40)
    assert [p.value for p in cachet.metric_points.list(made[0].id, per_page=1)] == [42.5, 40.0]
    assert cachet.metric_points.count(made[0].id) == 2
    cachet.metric_points.delete(made[0].id, point.id)
    assert cachet.metric_points.count(made[0].id) == 1

    cachet.metrics.delete(made[2].id)
    assert cachet.metrics.count() == 2
    with pytest.raises(requests.HTTPError) as missing:
        cachet.metrics.get(made[2].id)
    assert missing.value.response.status_code == 404

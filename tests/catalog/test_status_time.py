"""Time you can trust: a status change keeps when it was entered beside when it claims to have
happened; the future is refused, backdating is bounded, needs a reason and stays visible."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from forewarn.catalog import services
from forewarn.catalog.models import Component, StatusInterval
from forewarn.record.models import Event
from tests.catalog.test_console import admin_form
from tests.conftest import make_staff

T = datetime(2026, 12, 18, 14, 0, tzinfo=UTC)
STATUS = "/api/v1/components/voice/status"


def iso(at: datetime) -> str:
    return at.isoformat().replace("+00:00", "Z")


@pytest.fixture
def voice(db):
    with time_machine.travel(T - timedelta(days=1), tick=False):
        return services.save_component(Component(slug="voice", name="Voice"), actor="setup")


@pytest.fixture
def responder(api_as, voice):
    with time_machine.travel(T - timedelta(days=1), tick=False):
        return api_as("responder")


def _history(component) -> list[tuple]:
    return list(
        StatusInterval.objects.filter(component=component)
        .order_by("started_at")
        .values_list("status", "started_at", "ended_at", "entered_at", "backdate_reason")
    )


def test_a_status_dated_in_the_future_is_refused_and_locks_nothing(responder, voice):
    with time_machine.travel(T, tick=False):
        refused = responder.post(STATUS, {"status": "major_outage", "at": "2099-01-01T00:00:00Z"})
        assert refused.status_code == 422
        assert refused.json()["detail"] == {
            "at": [
                "2099-01-01T00:00:00+00:00 is 26311 days in the future; a change is recorded "
                "when it happens (up to 60 s of clock difference is taken as now)."
            ]
        }
        assert Component.objects.get(slug="voice").status == "operational"
        later = responder.post(STATUS, {"status": "partial_outage"})
    assert (later.status_code, later.json()["status"]) == (200, "partial_outage")


def test_a_client_clock_a_little_ahead_is_taken_as_now(responder, voice):
    with time_machine.travel(T, tick=False):
        response = responder.post(
            STATUS, {"status": "major_outage", "at": iso(T + timedelta(seconds=40))}
        )
    assert response.status_code == 200
    assert _history(voice)[-1] == ("major_outage", T, None, T, "")


def test_backdating_a_live_outage_away_needs_a_reason_and_stays_visible(responder, voice):
    """The outage was public for 75 s; 'operational' dated 1 s after it began needs a reason,
    and the record and the history keep when it was really entered."""
    with time_machine.travel(T, tick=False):
        assert responder.post(STATUS, {"status": "major_outage"}).status_code == 200
    fixed = {"status": "operational", "at": iso(T + timedelta(seconds=1))}
    with time_machine.travel(T + timedelta(seconds=75), tick=False):
        refused = responder.post(STATUS, fixed)
        assert (refused.status_code, refused.json()["detail"]) == (
            422,
            {
                "backdate_reason": [
                    "The change is dated 74 s before it is entered; say why in backdate_reason "
                    "(it is kept in the record and shown in the availability report)."
                ]
            },
        )
        assert Component.objects.get(slug="voice").status == "major_outage"
        done = responder.post(STATUS, fixed | {"backdate_reason": "false alarm, probe bug"})
    assert done.status_code == 200
    end = T + timedelta(seconds=1)
    assert _history(voice)[1:] == [
        ("major_outage", T, end, T, ""),
        ("operational", end, None, T + timedelta(seconds=75), "false alarm, probe bug"),
    ]
    event = Event.objects.filter(kind="component.status_changed").order_by("id").last()
    assert (event.at, event.entered_at, event.details) == (
        end,
        T + timedelta(seconds=75),
        {
            "from": "major_outage",
            "to": "operational",
            "cause": "",
            "cause_ref": "",
            "backdated": {"by_seconds": 74, "reason": "false alarm, probe bug"},
        },
    )
    assert event.description == (
        "Voice: major_outage → operational; dated 74 s before it was entered: "
        "false alarm, probe bug"
    )
    history = responder.get("/api/v1/components/voice/history").json()
    assert history[-1] == {
        "status": "operational",
        "started_at": "2026-12-18T14:00:01Z",
        "ended_at": None,
        "cause": "",
        "cause_ref": "",
        "actor": "responder-user",
        "entered_at": "2026-12-18T14:01:15Z",
        "backdate_reason": "false alarm, probe bug",
    }


def test_backdating_beyond_the_limit_is_refused_even_with_a_reason(responder, voice, settings):
    settings.FOREWARN_BACKDATE_LIMIT_HOURS = 2
    with time_machine.travel(T, tick=False):
        response = responder.post(
            STATUS,
            {
                "status": "major_outage",
                "at": iso(T - timedelta(hours=2, minutes=1)),
                "backdate_reason": "found in the logs",
            },
        )
    assert (response.status_code, response.json()["detail"]) == (
        422,
        {"at": ["2026-12-18T11:59:00+00:00 is 2 h ago; a change may be dated at most 2 h back."]},
    )
    assert len(_history(voice)) == 1


def test_every_change_keeps_when_it_was_entered(responder, voice):
    with time_machine.travel(T, tick=False):
        responder.post(STATUS, {"status": "degraded_performance"})
    assert _history(voice)[-1] == ("degraded_performance", T, None, T, "")
    event = Event.objects.get(kind="component.status_changed")
    assert (event.at, event.entered_at, "backdated" in event.details) == (T, T, False)


def test_a_job_catching_up_within_the_grace_needs_no_reason(voice):
    with time_machine.travel(T, tick=False):
        services.set_status(voice, "under_maintenance", at=T - timedelta(seconds=50), actor="job")
    assert _history(voice)[-1] == ("under_maintenance", T - timedelta(seconds=50), None, T, "")


def test_a_job_further_behind_passes_its_own_reason(voice):
    with time_machine.travel(T, tick=False):
        services.set_status(
            voice,
            "under_maintenance",
            at=T - timedelta(minutes=10),
            actor="system",
            cause_ref="planned:4",
            backdate_reason="window start; the worker ran late",
        )
    assert _history(voice)[-1][4] == "window start; the worker ran late"


# --- the console never answers 500 to a status it cannot record ----------------------------


def test_console_shows_why_a_status_cannot_be_recorded_instead_of_a_500(client, voice):
    """A status stored dated in the future (before such instants were refused) makes every
    change earlier than it impossible; the console says so on the form."""
    StatusInterval.objects.filter(component=voice).update(
        started_at=datetime(2099, 1, 1, tzinfo=UTC)
    )
    with time_machine.travel(T, tick=False):
        client.force_login(make_staff("rita", "responder"))
        url = f"/console/catalog/component/{voice.pk}/change/"
        response = client.post(url, admin_form(client, url, status="major_outage"))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "status": [
            "The change cannot be before the current status began (2099-01-01T00:00:00+00:00)."
        ]
    }
    assert Component.objects.get(pk=voice.pk).status == "operational"


def test_console_list_column_reports_a_refused_status_as_a_message(client, voice):
    StatusInterval.objects.filter(component=voice).update(
        started_at=datetime(2099, 1, 1, tzinfo=UTC)
    )
    with time_machine.travel(T, tick=False):
        client.force_login(make_staff("rita", "responder"))
        response = client.post(
            "/console/catalog/component/",
            {
                "form-TOTAL_FORMS": "1",
                "form-INITIAL_FORMS": "1",
                "form-0-id": str(voice.pk),
                "form-0-status": "major_outage",
                "_save": "Save",
            },
            follow=True,
        )
    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == [
        "Nothing was changed. at: The change cannot be before the current status began "
        "(2099-01-01T00:00:00+00:00)."
    ]
    assert Component.objects.get(pk=voice.pk).status == "operational"

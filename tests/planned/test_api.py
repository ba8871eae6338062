"""Planned work through the JSON API: the same services, role rules, and 4xx answers that name
the field, with nothing half-saved."""

from datetime import UTC, datetime

import pytest

from forewarn.api.models import ApiToken
from forewarn.delivery.models import Notice
from forewarn.planned.models import PlannedWork, Window
from forewarn.record.models import Event
from tests.conftest import ApiClient

from .conftest import tick

START, END = "2027-01-12T10:00:00+01:00", "2027-01-12T12:00:00+01:00"


def body(**fields) -> dict:
    return {
        "title": "Database upgrade",
        "policy": "seed-000",
        "work_type": "service-update",
        "start": START,
        "end": END,
        "components": [{"component": "voice", "expected_status": "under_maintenance"}],
        "impact_text": "Calls may drop for five minutes.",
        "owner": "rita",
    } | fields


@pytest.fixture
def api(world):
    def as_user(user) -> ApiClient:
        return ApiClient(ApiToken.issue(user)[1])

    return {
        "viewer": as_user(world.viewer),
        "responder": as_user(world.responder),
        "communicator": as_user(world.communicator),
        "admin": as_user(world.admin),
    }


def test_draft_check_publish_and_run_through_the_api(world, clock, api):
    created = api["responder"].post("/api/v1/planned-work", body())
    assert created.status_code == 201, created.json()
    work = created.json()
    assert (work["state"], work["owner"], [w["start_at"] for w in work["windows"]]) == (
        "draft",
        "rita",
        ["2027-01-12T09:00:00Z"],
    )
    check = api["viewer"].post(f"/api/v1/planned-work/{work['id']}/check").json()
    (policy,) = check["windows"][0]["policies"]
    assert (check["ok"], policy["announce_by_text"], policy["organizations"]) == (
        True,
        "Thu 7 Jan 2027 10:00 CET",
        ["acme", "beta"],
    )
    assert [(n["kind"], n["due_at_text"], n["local"]) for n in policy["plan"]] == [
        ("announcement", "Thu 7 Jan 2027 10:00 CET", {"eu": "Thu 7 Jan 2027 10:00 CET"}),
        ("start", "Tue 12 Jan 2027 10:00 CET", {"eu": "Tue 12 Jan 2027 10:00 CET"}),
        ("completion", "Tue 12 Jan 2027 12:00 CET", {"eu": "Tue 12 Jan 2027 12:00 CET"}),
    ]
    published = api["communicator"].post(f"/api/v1/planned-work/{work['id']}/publish", {})
    assert (published.status_code, published.json()["state"]) == (200, "scheduled")
    tick(clock, datetime(2027, 1, 12, 9, tzinfo=UTC))
    done = api["responder"].post(f"/api/v1/planned-work/{work['id']}/complete", {})
    assert (done.status_code, done.json()["state"]) == (200, "completed")


def test_roles_are_refused_with_the_role_they_need(world, clock, api):
    assert api["viewer"].post("/api/v1/planned-work", body()).status_code == 403
    work = api["responder"].post("/api/v1/planned-work", body()).json()
    refused = api["responder"].post(f"/api/v1/planned-work/{work['id']}/publish", {})
    assert (refused.status_code, refused.json()["message"]) == (
        403,
        "This needs the 'communicator' role or above.",
    )
    assert PlannedWork.objects.get().state == "draft"


def test_a_communicator_may_not_override_a_firm_rule_but_an_admin_may(world, clock, api):
    # A platform upgrade on site outside working hours: a firm rule the work type lets an
    # admin override, with a written justification.
    work = (
        api["responder"]
        .post(
            "/api/v1/planned-work",
            body(
                work_type="platform-upgrade",
                on_site=True,
                start="2027-01-16T10:00:00+01:00",
                end="2027-01-16T12:00:00+01:00",
                new_features=[{"name": "Call recording", "plans": ["Enterprise"]}],
                plan_changes=[{"plan": "Basic", "change": "Call recording is an add-on."}],
            ),
        )
        .json()
    )
    path = f"/api/v1/planned-work/{work['id']}/publish"
    answer = api["communicator"].post(path, {"justification": "The engineer is only free then."})
    assert answer.status_code == 403
    assert "'admin' role" in answer.json()["message"]
    assert not Event.objects.filter(kind="planned.justified").exists()
    answer = api["admin"].post(path, {"justification": "The engineer is only free then."})
    assert answer.status_code == 200, answer.json()
    (justified,) = answer.json()["justifications"]
    assert (justified["author"], justified["role"], justified["violations"][0]["code"]) == (
        "ada",
        "admin",
        "on_site_outside_working_hours",
    )


def test_an_upgrade_tells_each_plan_its_own_features(world, clock, api):
    work = (
        api["responder"]
        .post(
            "/api/v1/planned-work",
            body(
                work_type="platform-upgrade",
                start="2027-01-13T10:00:00+01:00",
                end="2027-01-13T11:00:00+01:00",
                new_features=[
                    {"name": "Call recording", "plans": ["Enterprise"]},
                    {"name": "Dark mode", "plans": []},
                ],
                plan_changes=[{"plan": "Basic", "change": "Call recording is an add-on."}],
            ),
        )
        .json()
    )
    api["communicator"].post(f"/api/v1/planned-work/{work['id']}/publish", {})
    notices = {
        n.key.rsplit(":", 1)[-1]: n.body for n in Notice.objects.filter(kind="planned.announcement")
    }
    assert "- Call recording\n- Dark mode" in notices["plan-enterprise"]
    assert "- Dark mode" in notices["plan-basic"]
    assert "- Call recording" not in notices["plan-basic"]
    assert "**Changes to your plan:** Call recording is an add-on." in notices["plan-basic"]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"end": "2027-01-12T09:00:00+01:00"}, "end: The window must end after it starts."),
        ({"components": [{"component": "nope"}]}, "components: No component with slug nope."),
        ({"rrule": "FREQ=SOMETIMES"}, "rrule: 'FREQ=SOMETIMES' is not an RFC 5545 RRULE"),
        ({"time_zone": "Mars/Olympus"}, "time_zone: 'Mars/Olympus' is not an IANA time zone"),
        ({"policy": "seed-999"}, "policy: No policy 'seed-999'."),
        ({"work_type": "nap"}, "work_type: Policy seed-000 has no work type 'nap'"),
        ({"start": "2027-01-12T10:00:00"}, "start: '2027-01-12T10:00:00' has no UTC offset"),
        ({"owner": "nobody"}, "owner: No active user named 'nobody'."),
        ({"rrule": "FREQ=DAILY;COUNT=500"}, "rrule: The rule gives more than 100 windows"),
        ({"rrule": "FREQ=HOURLY;COUNT=3"}, "rrule: A window repeats at most daily"),
        ({"title": "x" * 201}, "title: String should have at most 200 characters"),
    ],
)
def test_bad_input_is_a_422_naming_the_field_and_saves_nothing(world, clock, api, fields, message):
    answer = api["responder"].post("/api/v1/planned-work", body(**fields))
    assert answer.status_code == 422
    assert answer.json()["message"].startswith(message), answer.json()["message"]
    assert (PlannedWork.objects.count(), Window.objects.count()) == (0, 0)


def test_moves_the_life_cycle_does_not_allow_are_422_naming_the_state(world, clock, api):
    work = api["responder"].post("/api/v1/planned-work", body()).json()
    answer = api["responder"].post(
        f"/api/v1/planned-work/{work['id']}/extend", {"reason": "x", "end": END}
    )
    assert (answer.status_code, answer.json()["detail"].keys()) == (422, {"state"})
    answer = api["communicator"].post(f"/api/v1/planned-work/{work['id']}/cancel", {"reason": ""})
    assert (answer.status_code, list(answer.json()["detail"])) == (422, ["reason"])


def test_patch_revises_a_drafts_window_components_and_policy_like_the_console(world, clock, api):
    work = api["responder"].post("/api/v1/planned-work", body()).json()
    path = f"/api/v1/planned-work/{work['id']}"
    # A new start keeps the window's length; the components list is replaced.
    answer = api["responder"].patch(
        path,
        {
            "start": "2027-01-19T10:00:00+01:00",
            "components": [{"component": "sms", "expected_status": "partial_outage"}],
        },
    )
    assert answer.status_code == 200, answer.json()
    revised = answer.json()
    assert [(w["start_at"], w["end_at"]) for w in revised["windows"]] == [
        ("2027-01-19T09:00:00Z", "2027-01-19T11:00:00Z")
    ]
    assert [(a["component"], a["expected_status"]) for a in revised["components"]] == [
        ("sms", "partial_outage")
    ]
    assert (revised["owner"], revised["impact_text"]) == (
        "rita",
        "Calls may drop for five minutes.",
    )
    # Another policy (its work type named), a weekly rule, and the words in the same request.
    answer = api["responder"].patch(
        path,
        {
            "policy": "seed-001",
            "work_type": "scheduled-maintenance",
            "rrule": "FREQ=WEEKLY;COUNT=3",
            "title": "Weekly database upgrade",
        },
    )
    assert answer.status_code == 200, answer.json()
    revised = answer.json()
    assert (revised["policy"], revised["work_type"], revised["title"]) == (
        "seed-001",
        "scheduled-maintenance",
        "Weekly database upgrade",
    )
    assert [w["start_at"] for w in revised["windows"]] == [
        "2027-01-19T09:00:00Z",
        "2027-01-26T09:00:00Z",
        "2027-02-02T09:00:00Z",
    ]
    changed = Event.objects.filter(kind="planned.changed").order_by("id")
    assert [sorted(e.details["changes"]) for e in changed] == [
        ["components", "windows"],
        ["policy", "rrule", "windows", "work_type"],
        ["title"],
    ]
    # The check answers for the revised windows.
    check = api["viewer"].post(f"{path}/check").json()
    assert [w["index"] for w in check["windows"]] == [0, 1, 2]
    assert check["windows"][0]["policies"][0]["policy"] == "seed-001"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"end": "2027-01-12T09:00:00+01:00"}, "end: The window must end after it starts."),
        ({"components": [{"component": "nope"}]}, "components: No component with slug nope."),
        ({"rrule": "FREQ=SOMETIMES"}, "rrule: 'FREQ=SOMETIMES' is not an RFC 5545 RRULE"),
        ({"time_zone": "Mars/Olympus"}, "time_zone: 'Mars/Olympus' is not an IANA time zone"),
        ({"policy": "seed-999"}, "policy: No policy 'seed-999'."),
        ({"policy": "seed-002"}, "work_type: Policy seed-002 has no work type 'service-update'"),
        ({"work_type": "nap"}, "work_type: Policy seed-000 has no work type 'nap'"),
        (
            {"other_work_types": [{"policy": "seed-000", "work_type": "routine-update"}]},
            "other_work_types: Name one work type for each other policy, not the work's own.",
        ),
        ({"start": "2027-01-12T10:00:00"}, "start: '2027-01-12T10:00:00' has no UTC offset"),
        ({"owner": "nobody"}, "owner: No active user named 'nobody'."),
        ({"rrule": "FREQ=HOURLY;COUNT=3"}, "rrule: A window repeats at most daily"),
        # A good window with a title the service refuses after moving it: nothing moves.
        ({"start": "2027-01-19T10:00:00+01:00", "title": "   "}, "title: Give a title."),
    ],
)
def test_a_bad_patch_is_a_422_naming_the_field_and_changes_nothing(
    world, clock, api, fields, message
):
    work = api["responder"].post("/api/v1/planned-work", body()).json()
    before = api["viewer"].get(f"/api/v1/planned-work/{work['id']}").json()
    events = Event.objects.count()
    answer = api["responder"].patch(f"/api/v1/planned-work/{work['id']}", fields)
    assert answer.status_code == 422
    assert answer.json()["message"].startswith(message), answer.json()["message"]
    assert api["viewer"].get(f"/api/v1/planned-work/{work['id']}").json() == before
    assert Event.objects.count() == events


def test_published_work_moves_by_reschedule_and_only_a_communicator_changes_its_words(
    world, clock, api
):
    work = api["responder"].post("/api/v1/planned-work", body()).json()
    path = f"/api/v1/planned-work/{work['id']}"
    assert api["viewer"].patch(path, {"start": "2027-01-19T10:00:00+01:00"}).status_code == 403
    assert api["communicator"].post(f"{path}/publish", {}).status_code == 200
    moved = api["communicator"].patch(path, {"start": "2027-01-19T10:00:00+01:00"})
    assert (moved.status_code, moved.json()["message"]) == (
        422,
        "state: Only a draft is revised; this work is scheduled: reschedule it.",
    )
    refused = api["responder"].patch(path, {"title": "Voice upgrade"})
    assert refused.status_code == 403
    assert "'communicator' role" in refused.json()["message"]
    renamed = api["communicator"].patch(path, {"title": "Voice upgrade"})
    assert (renamed.status_code, renamed.json()["title"]) == (200, "Voice upgrade")
    assert [w["start_at"] for w in renamed.json()["windows"]] == ["2027-01-12T09:00:00Z"]

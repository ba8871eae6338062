"""Planning, checking, publishing and running work from the console (/console/), as staff of
each role: the same services as the API, the same refusals, forms only where the role may act."""

from datetime import UTC, datetime, timedelta

import html5lib
import pytest

from forewarn.catalog.models import Component, Region
from forewarn.catalog.services import save_component, save_region
from forewarn.planned import services
from forewarn.planned.models import PlannedWork
from forewarn.record.models import Event

from .conftest import draft, tick

LIST = "/console/planned/plannedwork/"


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def page(work) -> str:
    return f"{LIST}{work.pk}/change/"


def act(work, name: str) -> str:
    return f"{LIST}{work.pk}/act/{name}/"


def text(response) -> str:
    return response.content.decode()


@pytest.fixture
def console(world, client):
    """``console("rita")`` is the test client logged in as that member of staff."""
    staff = {
        "rita": world.responder,
        "cody": world.communicator,
        "ada": world.admin,
        "vic": world.viewer,
    }

    def as_user(username: str):
        client.force_login(staff[username])
        return client

    return as_user


def form(**fields) -> dict:
    """A filled-in draft form: a service update of Voice on Tue 12 Jan 10:00–12:00 Amsterdam."""
    return {
        "title": "Database upgrade",
        "work_type": "seed-000/service-update",
        "description": "We upgrade the **database** to v15.",
        "impact_text": "Calls may drop for up to five minutes.",
        "risk": "low",
        "start": "2027-01-12T10:00",
        "end": "2027-01-12T12:00",
        "time_zone": "Europe/Amsterdam",
        "rrule": "",
        "maintenance": "",
        "new_features": "",
        "plan_changes": "",
        "component_voice": "under_maintenance",
    } | fields


def events(work) -> list[str]:
    return list(
        Event.objects.filter(subject_type="planned.plannedwork", subject_id=str(work.pk))
        .order_by("id")
        .values_list("kind", flat=True)
    )


# --- drafting -----------------------------------------------------------------------------------


def test_a_responder_drafts_work_with_every_field_in_any_zone(console, world):
    response = console("rita").post(
        f"{LIST}add/",
        form(
            work_type="seed-000/platform-upgrade",
            start="2027-01-16T17:00",
            end="2027-01-16T19:00",
            time_zone="America/New_York",
            rrule="FREQ=WEEKLY;COUNT=2",
            shutdown="on",
            on_site="on",
            validated_on_test_environment="on",
            maintenance="emergency",
            new_features="Call recording: Enterprise, Business\nDark mode",
            plan_changes="Basic: Call recording is an add-on.",
            owner=str(world.responder.pk),
            component_sms="degraded_performance",
        ),
    )
    work = PlannedWork.objects.get()
    assert response.status_code == 302 and response["Location"] == page(work)
    assert (work.state, work.policy.slug, work.work_type.slug, work.time_zone, work.rrule) == (
        "draft",
        "seed-000",
        "platform-upgrade",
        "America/New_York",
        "FREQ=WEEKLY;COUNT=2",
    )
    assert [(w.start_at, w.end_at) for w in work.windows.order_by("index")] == [
        (utc(2027, 1, 16, 22), utc(2027, 1, 17, 0)),
        (utc(2027, 1, 23, 22), utc(2027, 1, 24, 0)),
    ]
    assert dict(work.affected.values_list("component__slug", "expected_status")) == {
        "voice": "under_maintenance",
        "sms": "degraded_performance",
    }
    assert (work.shutdown, work.on_site, work.validated_on_test_environment, work.emergency) == (
        True,
        True,
        True,
        True,
    )
    assert work.new_features == [
        {"name": "Call recording", "plans": ["Enterprise", "Business"]},
        {"name": "Dark mode", "plans": []},
    ]
    assert (work.plan_changes, work.owner, work.created_by) == (
        {"Basic": "Call recording is an add-on."},
        world.responder,
        "rita",
    )
    assert events(work) == ["planned.created"]
    html = text(console("rita").get(page(work)))
    assert "<strong>database</strong>" in html and "Check and publish" in html


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"end": "2027-01-12T09:00"}, "end", "The window must end after it starts."),
        ({"rrule": "FREQ=SOMETIMES"}, "rrule", "is not an RFC 5545 RRULE"),
        ({"plan_changes": "Basic without a colon"}, "plan_changes", "write the plan, a colon"),
        ({"title": ""}, "title", "This field is required."),
    ],
)
def test_bad_input_is_shown_on_its_field_and_nothing_is_saved(console, fields, field, message):
    response = console("rita").post(f"{LIST}add/", form(**fields))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert message in " ".join(errors[field]), errors
    assert not PlannedWork.objects.exists()


def test_a_draft_is_revised_window_components_and_all(console, world, clock):
    work = draft(world, start=utc(2027, 1, 12, 9), end=utc(2027, 1, 12, 11))
    assert "Revise the draft" in text(console("rita").get(page(work)))
    edit = console("rita").get(f"{LIST}{work.pk}/revise/")
    assert edit.context["form"]["start"].value() == datetime(2027, 1, 12, 10, 0)
    response = console("rita").post(
        f"{LIST}{work.pk}/revise/",
        form(
            start="2027-01-19T10:00",
            end="2027-01-19T11:00",
            component_sms="partial_outage",
            owner=str(world.responder.pk),
        ),
    )
    assert response.status_code == 302
    (window,) = work.windows.all()
    assert (window.start_at, window.end_at) == (utc(2027, 1, 19, 9), utc(2027, 1, 19, 10))
    assert dict(work.affected.values_list("component__slug", "expected_status")) == {
        "voice": "under_maintenance",
        "sms": "partial_outage",
    }
    (revised,) = Event.objects.filter(kind="planned.changed", description__contains="revised")
    assert sorted(revised.details["changes"]) == ["components", "windows"]


def test_a_viewer_reads_but_may_not_draft(console, world, clock):
    work = draft(world, start=utc(2027, 1, 12, 9), end=utc(2027, 1, 12, 11))
    assert console("vic").get(f"{LIST}add/").status_code == 403
    html = text(console("vic").get(page(work)))
    assert "Database upgrade" in html and "Revise the draft" not in html
    assert console("vic").post(f"{LIST}add/", form()).status_code == 403


# --- checking and publishing --------------------------------------------------------------------


def test_the_check_shows_the_deadline_the_plan_and_each_zone(console, world, clock):
    us = save_region(Region(slug="us", name="US East", time_zone="America/New_York"), actor="a")
    save_component(Component(slug="crm", name="CRM", region=us), actor="a")
    work = draft(
        world,
        start=utc(2027, 1, 12, 9),
        end=utc(2027, 1, 12, 11),
        components={
            world.voice: "under_maintenance",
            Component.objects.get(slug="crm"): "degraded_performance",
        },
    )
    response = console("vic").get(f"{LIST}{work.pk}/check/")
    html = text(response)
    assert "Every window keeps every policy: it may be published as it is." in html
    check = response.context["check"]
    (window,) = check["windows"]
    (policy,) = window["policies"]
    assert policy["announce_by_text"] == "Thu 7 Jan 2027 10:00 CET"
    assert [z for _, z in check["zones"]] == [
        "Europe/Amsterdam",
        "Europe/Amsterdam",
        "America/New_York",
    ]
    (announcement,) = [n for n in policy["notices"] if n["kind"] == "Announcement"]
    assert announcement["due"] == [
        "Thu 7 Jan 2027 10:00 CET",
        "Thu 7 Jan 2027 10:00 CET",
        "Thu 7 Jan 2027 10:00 CET",
        "Thu 7 Jan 2027 04:00 EST",
    ]
    assert "A communicator publishes it." in html and 'id="step-publish"' not in html


def test_a_communicator_publishes_from_the_check_page(console, world, clock):
    work = draft(world, start=utc(2027, 1, 12, 9), end=utc(2027, 1, 12, 11))
    assert 'id="step-publish"' in text(console("cody").get(f"{LIST}{work.pk}/check/"))
    response = console("cody").post(act(work, "publish"), {"publish-justification": ""})
    assert response.status_code == 302 and response["Location"] == page(work)
    work.refresh_from_db()
    assert work.state == "scheduled"
    assert "planned.published" in events(work)
    html = text(console("cody").get(page(work)))
    assert f"/maintenance/{work.public_id}/" in html


def test_a_responder_may_not_publish(console, world, clock):
    work = draft(world, start=utc(2027, 1, 12, 9), end=utc(2027, 1, 12, 11))
    response = console("rita").post(act(work, "publish"), {})
    assert response.status_code == 403
    assert "needs the &#x27;communicator&#x27; role" in text(response)
    work.refresh_from_db()
    assert work.state == "draft"


def test_a_where_possible_warning_is_published_by_a_communicator_with_a_justification(
    console, world, clock
):
    work = draft(
        world,
        "seed-001",
        "scheduled-maintenance",
        start=utc(2027, 1, 6, 9),
        end=utc(2027, 1, 6, 10),
        risk="high",
    )
    check = text(console("cody").get(f"{LIST}{work.pk}/check/"))
    assert "a communicator may publish it with a written justification" in check
    refused = console("cody").post(act(work, "publish"), {})
    assert refused.status_code == 400
    assert "give a written justification" in " ".join(
        refused.context["publish"].errors["justification"]
    )
    done = console("cody").post(
        act(work, "publish"), {"publish-justification": "The vendor's fix expires."}
    )
    assert done.status_code == 302
    html = text(console("vic").get(page(work)))
    assert "The vendor&#x27;s fix expires." in html and "cody" in html and "communicator" in html
    public = text(console("vic").get(f"/maintenance/{work.public_id}/"))
    assert "The vendor&#x27;s fix expires." in public


def test_a_firm_rule_is_overridden_by_an_admin_only(console, world, clock):
    # An upgrade on site on a Saturday: a firm rule the work type lets an admin override.
    work = draft(
        world,
        "seed-000",
        "platform-upgrade",
        on_site=True,
        start=utc(2027, 1, 16, 9),
        end=utc(2027, 1, 16, 11),
        new_features=[{"name": "Call recording", "plans": ["Enterprise"]}],
        plan_changes={"Basic": "Call recording is an add-on."},
    )
    assert "only an admin may publish it" in text(console("cody").get(f"{LIST}{work.pk}/check/"))
    said = {"publish-justification": "The engineer is only free then."}
    refused = console("cody").post(act(work, "publish"), said)
    assert refused.status_code == 403 and "&#x27;admin&#x27; role" in text(refused)
    assert not Event.objects.filter(kind="planned.justified").exists()
    assert console("ada").post(act(work, "publish"), said).status_code == 302
    assert work.justifications.get().author == "ada"


def test_a_rule_nobody_may_override_blocks_publishing(console, world, clock):
    work = draft(
        world, work_type="maintenance-window", start=utc(2027, 1, 6, 9), end=utc(2027, 1, 6, 10)
    )
    assert "cannot be overridden" in text(console("ada").get(f"{LIST}{work.pk}/check/"))
    response = console("ada").post(act(work, "publish"), {"publish-justification": "Now."})
    assert response.status_code == 400
    assert "may not be published" in text(response)
    work.refresh_from_db()
    assert work.state == "draft"


# --- running ------------------------------------------------------------------------------------


def test_reschedule_extend_complete_and_cancel_one_occurrence(console, world, clock):
    work = draft(
        world, start=utc(2027, 1, 12, 9), end=utc(2027, 1, 12, 11), rrule="FREQ=WEEKLY;COUNT=3"
    )
    services.publish(work, actor="cody", role="communicator")
    steps = [s["name"] for s in console("cody").get(page(work)).context["steps"]]
    assert steps == ["reschedule", "release", "cancel"]
    moved = console("cody").post(
        act(work, "reschedule"),
        {
            "reschedule-window": "1",
            "reschedule-start": "2027-01-20T10:00",
            "reschedule-reason": "Holiday",
        },
    )
    assert moved.status_code == 302
    assert work.windows.get(index=1).start_at == utc(2027, 1, 20, 9)
    cancelled = console("cody").post(
        act(work, "cancel"), {"cancel-window": "2", "cancel-reason": "Not needed"}
    )
    assert cancelled.status_code == 302
    assert list(work.windows.order_by("index").values_list("state", flat=True)) == [
        "scheduled",
        "scheduled",
        "cancelled",
    ]
    tick(clock, utc(2027, 1, 12, 9))
    assert [s["name"] for s in console("rita").get(page(work)).context["steps"]] == [
        "extend",
        "complete",
        "release",
    ]
    extended = console("rita").post(
        act(work, "extend"),
        {"extend-window": "0", "extend-reason": "Slow index", "extend-end": "2027-01-12T12:30"},
    )
    assert extended.status_code == 302
    assert work.windows.get(index=0).end_at == utc(2027, 1, 12, 11, 30)
    clock.shift(timedelta(minutes=30))
    assert console("rita").post(act(work, "complete"), {"complete-window": "0"}).status_code == 302
    assert work.windows.get(index=0).state == "completed"


def test_a_step_refused_by_its_service_is_shown_on_its_form(console, world, clock):
    work = draft(world, start=utc(2027, 1, 12, 9), end=utc(2027, 1, 12, 11))
    services.publish(work, actor="cody", role="communicator")
    response = console("cody").post(
        act(work, "reschedule"),
        {"reschedule-start": "2027-01-12T09:00", "reschedule-end": "2027-01-12T08:00"},
    )
    assert response.status_code == 400
    (step,) = [s for s in response.context["steps"] if s["name"] == "reschedule"]
    assert "The window must end after it starts." in " ".join(step["form"].errors["end"])
    assert console("cody").post(act(work, "nothing"), {}).status_code == 404
    assert console("cody").get(act(work, "cancel")).status_code == 405


def test_the_console_pages_are_valid_html(console, world, clock):
    work = draft(world, start=utc(2027, 1, 12, 9), end=utc(2027, 1, 12, 11))
    for path in (f"{LIST}add/", page(work), f"{LIST}{work.pk}/check/", f"{LIST}{work.pk}/revise/"):
        response = console("ada").get(path)
        assert response.status_code == 200, path
        html5lib.HTMLParser(strict=True).parse(response.content)

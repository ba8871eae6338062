"""The console: the notice-check form answers in plain words; policies and calendars are
edited there with every change recorded."""

import pytest

from forewarn.calendars.models import Calendar
from forewarn.catalog.models import Role
from forewarn.policies.models import WorkType
from forewarn.record.models import Event
from tests.conftest import make_staff

CHECK = "/console/policies/check/"


@pytest.fixture
def viewer(client, db):
    client.force_login(make_staff("viewer-person", Role.VIEWER))
    return client


@pytest.fixture
def admin(client, db):
    client.force_login(make_staff("admin-person", Role.ADMIN))
    return client


def test_the_form_needs_a_staff_login(client, presets):
    response = client.get(CHECK)
    assert response.status_code == 302
    assert response["Location"].startswith("/console/login/")


def test_the_form_has_labelled_fields_grouped_work_types(viewer, presets):
    page = viewer.get(CHECK).content.decode()
    for label in [
        "Work type",
        "Start",
        "End",
        "Times are in",
        "Calendar",
        "Affected components",
        "Risk",
        "Expected impact",
        "As if it were",
    ]:
        assert f">{label}:</label>" in page
    assert (
        '<optgroup label="seed-002 — Athento maintenance and continuous improvement policy">'
        in page
    )
    assert '<option value="seed-002/api-change">API change (15 business days)</option>' in page
    assert "<script" not in page.split('id="content-main"')[1]


def test_the_answer_is_in_plain_words_with_the_plan_in_the_calendars_zone(viewer, catalog):
    response = viewer.get(
        CHECK,
        {
            "work_type": "seed-000/maintenance-window",
            "start": "2027-01-05T10:00",
            "end": "2027-01-05T12:00",
            "components": ["sms-api"],
            "risk": "low",
            "impact": "none",
            "now": "2026-12-30T09:00",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert (
        '<h2 id="answer-heading">Announce by Mon 28 Dec 2026 10:00 CET; 2 violations: Announce by '
        "Mon 28 Dec 2026 10:00 CET (5 business days before the start on Tue 5 Jan 2027 10:00 CET); "
        "it is now Wed 30 Dec 2026 09:00 CET, 1 day 23 hours too late. The window Tue 5 Jan 2027 "
        "10:00 CET to Tue 5 Jan 2027 12:00 CET falls in the peak hours of region eu from Tue 5 "
        "Jan 2027 10:00 CET to Tue 5 Jan 2027 12:00 CET.</h2>"
    ) in page
    assert "It may not be published: a violation cannot be overridden." in page
    assert "<strong>Earliest compliant start:</strong>\n      Thu 7 Jan 2027 20:00 CET" in page
    assert "<caption>Times in Europe/Amsterdam</caption>" in page
    rows = [
        "<tr><td>Announcement</td><td>Wed 30 Dec 2026 09:00 CET</td><td>email, status page</td>",
        "<tr><td>Start</td><td>Tue 5 Jan 2027 10:00 CET</td><td>status page</td>",
        "<tr><td>Completion</td><td>Tue 5 Jan 2027 12:00 CET</td><td>status page</td>",
    ]
    for row in rows:
        assert row in page


def test_times_are_read_in_the_chosen_zone(viewer, presets):
    page = viewer.get(
        CHECK,
        {
            "work_type": "seed-002/major-version",
            "start": "2026-11-05T09:00",
            "time_zone": "UTC",
            "risk": "low",
            "impact": "none",
            "now": "2026-10-01T08:00",
        },
    ).content.decode()
    # 09:00 UTC is 10:00 in Madrid; the default duration of a major version is 4 hours.
    assert "Announce by Wed 21 Oct 2026 10:00 CEST; no violations." in page
    assert "from Thu 5 Nov 2026 10:00 CET to Thu 5 Nov 2026 14:00 CET" in page


def test_a_bad_window_is_shown_at_its_field(viewer, presets):
    page = viewer.get(
        CHECK,
        {
            "work_type": "seed-000/service-update",
            "start": "2026-10-13T10:00",
            "end": "2026-10-13T09:00",
            "risk": "low",
            "impact": "none",
        },
    ).content.decode()
    assert (
        "The end Tue 13 Oct 2026 09:00 CEST must come after the start Tue 13 Oct 2026 10:00 CEST."
        in page
    )
    assert 'id="answer-heading"' not in page


def test_the_console_index_and_the_policy_list_link_to_the_form(viewer, presets):
    index = viewer.get("/console/").content.decode()
    assert "Check a window" in index
    assert viewer.get("/console/policies/noticecheckpage/").url == CHECK
    policies = viewer.get("/console/policies/policy/").content.decode()
    assert f'<a href="{CHECK}">Check a window</a>' in policies


def test_calendar_list_shows_the_summary(viewer, presets):
    page = viewer.get("/console/calendars/calendar/").content.decode()
    assert "Mon–Fri 08:00 America/New_York–18:00 America/Los_Angeles, US" in page


def test_admin_edits_a_work_type_in_the_console_and_it_is_recorded(admin, presets):
    work_type = WorkType.objects.get(policy__slug="seed-000", slug="maintenance-window")
    url = f"/console/policies/worktype/{work_type.pk}/change/"
    form = admin.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {k: v for k, v in data.items() if v is not None and v is not False}
    data |= {"notice_amount": "6"}
    response = admin.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    work_type.refresh_from_db()
    assert work_type.notice_amount == 6
    event = Event.objects.first()
    assert (event.kind, event.actor, event.details["changes"]) == (
        "work_type.changed",
        "admin-person",
        {"notice_amount": {"from": 5, "to": 6}},
    )


def test_bad_notices_json_in_the_console_is_shown_at_the_field(admin, presets):
    work_type = WorkType.objects.get(policy__slug="seed-003", slug="maintenance")
    url = f"/console/policies/worktype/{work_type.pk}/change/"
    form = admin.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {k: v for k, v in data.items() if v is not None and v is not False}
    data["notices"] = '[{"kind": "reminder"}]'
    response = admin.post(url, data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "notices": ["Notice 1: A reminder notice needs at least one offset."]
    }


def test_viewer_cannot_change_a_policy_in_the_console(viewer, presets):
    work_type = WorkType.objects.get(policy__slug="seed-000", slug="maintenance-window")
    response = viewer.post(
        f"/console/policies/worktype/{work_type.pk}/change/", {"notice_amount": 1}
    )
    assert response.status_code == 403


def test_console_pages_for_calendars_and_policies_open(admin, presets):
    nl = Calendar.objects.get(slug="nl-business")
    pages = [
        f"/console/calendars/calendar/{nl.pk}/change/",
        "/console/calendars/calendar/add/",
        f"/console/policies/policy/{presets['seed-002'].pk}/change/",
        "/console/policies/policy/add/",
        "/console/policies/worktype/?policy__id__exact=" + str(presets["seed-002"].pk),
        "/console/policies/worktype/add/",
    ]
    for url in pages:
        assert admin.get(url).status_code == 200, url
    page = admin.get(f"/console/calendars/calendar/{nl.pk}/change/").content.decode()
    assert "Mon–Fri 08:30–17:00 Europe/Amsterdam, nl-general" in page
    assert "&quot;start&quot;: &quot;08:30&quot;,\n" in page  # one key to a line


def test_a_bad_calendar_in_the_console_names_the_field_and_records_nothing(admin, presets):
    nl = Calendar.objects.get(slug="nl-business")
    url = f"/console/calendars/calendar/{nl.pk}/change/"
    form = admin.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data["opening_hours"] = '[{"weekday": 0, "start": "08:30", "end": "17:00", "end_tz": "CET+1"}]'
    events = Event.objects.count()
    response = admin.post(url, data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "opening_hours": [
            "Range 1: end_tz 'CET+1' is not an IANA time zone such as America/Los_Angeles."
        ]
    }
    assert Event.objects.count() == events


def test_a_policy_changed_in_the_console_is_recorded_with_its_inline_work_types(admin, presets):
    policy = presets["seed-003"]
    url = f"/console/policies/policy/{policy.pk}/change/"
    page = admin.get(url)
    data = {}
    for form in [page.context["adminform"].form]:
        data |= {name: form[name].value() for name in form.fields}
    formset = page.context["inline_admin_formsets"][0].formset
    data |= {f"{formset.prefix}-{k}": v for k, v in formset.management_form.initial.items()}
    for f in formset.forms:
        data |= {
            f.add_prefix(name): f[name].value()
            for name in f.fields
            if f[name].value() is not None and f[name].value() is not False
        }
    data["name"] = "Stack Overflow notices"
    data[f"{formset.prefix}-0-notice_amount"] = "2"
    response = admin.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    kinds = list(
        Event.objects.filter(actor="admin-person").order_by("id").values_list("kind", "description")
    )
    assert kinds == [
        ("policy.changed", "Policy seed-003: changed name"),
        ("work_type.changed", "Work type seed-003/maintenance: changed notice_amount"),
    ]

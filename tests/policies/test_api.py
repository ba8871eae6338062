"""Policies through the JSON API: the notice check, CRUD with roles, and the record."""

import pytest

from forewarn.catalog.models import Region
from forewarn.policies.models import Policy, WorkType
from forewarn.record.models import Event


def _check(api, **body):
    return api.post("/api/v1/notice-check", body)


# --- the notice check, one work type of each preset ---------------------------------------------

PER_PRESET = [
    (
        # 3 business days before Tue 13 Oct: Mon 12, Fri 9, Thu 8 Oct.
        {
            "policy": "seed-000",
            "work_type": "service-update",
            "start": "2026-10-13T10:00:00+02:00",
            "end": "2026-10-13T12:00:00+02:00",
            "now": "2026-10-05T09:00:00+02:00",
        },
        "2026-10-08T10:00:00+02:00",
        "Announce by Thu 8 Oct 2026 10:00 CEST",
        [
            ("announcement", "2026-10-08T10:00:00+02:00"),
            ("start", "2026-10-13T10:00:00+02:00"),
            ("completion", "2026-10-13T12:00:00+02:00"),
        ],
    ),
    (
        # Two weeks keep the wall-clock time across the end of summer time.
        {
            "policy": "seed-001",
            "work_type": "scheduled-maintenance",
            "start": "2026-10-31T22:00:00+01:00",
            "end": "2026-11-01T02:00:00+01:00",
            "risk": "high",
            "now": "2026-10-01T09:00:00+02:00",
        },
        "2026-10-17T22:00:00+02:00",
        "Announce by Sat 17 Oct 2026 22:00 CEST",
        [("announcement", "2026-10-17T22:00:00+02:00")],
    ),
    (
        # 15 working days in Spain, skipping the national day (Mon 12 Oct); the default 5 minutes.
        {
            "policy": "seed-002",
            "work_type": "api-change",
            "start": "2026-10-23T10:00:00+02:00",
            "now": "2026-09-01T09:00:00+02:00",
        },
        "2026-10-01T10:00:00+02:00",
        "Announce by Thu 1 Oct 2026 10:00 CEST",
        [("announcement", "2026-10-01T10:00:00+02:00")],
    ),
    (
        # 1 business day before an evening start: Tuesday's opening, the whole day before it.
        {
            "policy": "seed-003",
            "work_type": "maintenance",
            "start": "2026-10-13T20:00:00+02:00",
            "end": "2026-10-13T22:00:00+02:00",
            "impact": "partial_outage",
            "now": "2026-10-05T09:00:00+02:00",
        },
        "2026-10-13T08:30:00+02:00",
        "Announce by Tue 13 Oct 2026 08:30 CEST",
        [
            ("announcement", "2026-10-13T08:30:00+02:00"),
            ("start", "2026-10-13T20:00:00+02:00"),
            ("completion", "2026-10-13T22:00:00+02:00"),
            ("extension", "2026-10-13T22:00:00+02:00"),
        ],
    ),
    (
        # As soon as possible: no deadline, announced at once (in New York time).
        {
            "policy": "seed-004",
            "work_type": "security-patch",
            "start": "2026-10-14T02:00:00Z",
            "end": "2026-10-14T03:00:00Z",
            "validated_on_test_environment": True,
            "now": "2026-10-13T19:00:00Z",
        },
        None,
        "Announce as soon as possible",
        [("announcement", "2026-10-13T15:00:00-04:00")],
    ),
]


@pytest.mark.parametrize(
    ("body", "announce_by", "announce_by_text", "plan"),
    PER_PRESET,
    ids=[case[0]["policy"] for case in PER_PRESET],
)
def test_notice_check_per_preset(viewer_api, presets, body, announce_by, announce_by_text, plan):
    response = _check(viewer_api, **body)
    assert response.status_code == 200, response.content
    answer = response.json()
    assert answer["ok"] is True
    assert answer["announce_by"] == announce_by
    assert answer["announce_by_text"] == announce_by_text
    assert answer["violations"] == []
    assert answer["summary"] == f"{announce_by_text}; no violations."
    assert [(n["kind"], n["due_at"]) for n in answer["plan"]] == plan


def test_notice_check_with_two_violations_says_both_and_the_earliest_start(viewer_api, catalog):
    answer = _check(
        viewer_api,
        policy="seed-000",
        work_type="maintenance-window",
        start="2027-01-05T10:00:00+01:00",
        end="2027-01-05T12:00:00+01:00",
        components=["sms-api"],
        now="2026-12-30T09:00:00+01:00",
    ).json()
    too_late = (
        "Announce by Mon 28 Dec 2026 10:00 CET (5 business days before the start on Tue 5 Jan "
        "2027 10:00 CET); it is now Wed 30 Dec 2026 09:00 CET, 1 day 23 hours too late."
    )
    in_peak = (
        "The window Tue 5 Jan 2027 10:00 CET to Tue 5 Jan 2027 12:00 CET falls in the peak hours "
        "of region eu from Tue 5 Jan 2027 10:00 CET to Tue 5 Jan 2027 12:00 CET."
    )
    assert answer["summary"] == (
        f"Announce by Mon 28 Dec 2026 10:00 CET; 2 violations: {too_late} {in_peak}"
    )
    assert answer["violations"] == [
        {
            "code": "too_little_notice",
            "message": too_late,
            "severity": "error",
            "override_allowed": False,
        },
        {
            "code": "in_peak_hours",
            "message": in_peak,
            "severity": "error",
            "override_allowed": False,
        },
    ]
    assert (answer["ok"], answer["is_blocked"], answer["needs_override"]) == (False, True, False)
    # Five business days from Wed 30 Dec is Thu 7 Jan; the peak ends at 20:00.
    assert answer["earliest_compliant_start"] == "2027-01-07T20:00:00+01:00"
    assert answer["earliest_compliant_start_text"] == "Thu 7 Jan 2027 20:00 CET"


def test_a_component_brings_its_regions_business_hours(viewer_api, catalog):
    # 19:00–21:00 in Amsterdam is after Dutch business hours but 13:00–15:00 in New York.
    answer = _check(
        viewer_api,
        policy="seed-001",
        work_type="scheduled-maintenance",
        start="2026-10-20T19:00:00+02:00",
        end="2026-10-20T21:00:00+02:00",
        risk="high",
        components=["ticketing"],
        now="2026-10-01T09:00:00+02:00",
    ).json()
    assert answer["violations"] == [
        {
            "code": "high_risk_in_business_hours",
            "message": "High-risk work belongs outside business hours, but the window Tue 20 Oct "
            "2026 19:00 CEST to Tue 20 Oct 2026 21:00 CEST is in the business hours of region us "
            "from Tue 20 Oct 2026 19:00 CEST to Tue 20 Oct 2026 21:00 CEST.",
            "severity": "warning",
            "override_allowed": True,
        }
    ]
    # US support closes at 18:00 in Los Angeles: 03:00 in Amsterdam.
    assert answer["earliest_compliant_start"] == "2026-10-16T03:00:00+02:00"


def test_overnight_peak_hours_set_through_the_api_hold_in_the_notice_check(
    admin_api, viewer_api, catalog
):
    overnight = [{"weekday": 1, "start": "22:00", "end": "02:00"}]
    assert admin_api.patch("/api/v1/regions/eu", {"peak_hours": overnight}).status_code == 200
    answer = _check(
        viewer_api,
        policy="seed-000",
        work_type="maintenance-window",
        start="2027-01-06T01:00:00+01:00",
        end="2027-01-06T03:00:00+01:00",
        components=["sms-api"],
        now="2026-12-01T09:00:00+01:00",
    ).json()
    assert [(v["code"], v["message"]) for v in answer["violations"]] == [
        (
            "in_peak_hours",
            "The window Wed 6 Jan 2027 01:00 CET to Wed 6 Jan 2027 03:00 CET falls in the peak "
            "hours of region eu from Wed 6 Jan 2027 01:00 CET to Wed 6 Jan 2027 02:00 CET.",
        )
    ]


def test_peak_hours_stored_before_they_were_checked_are_named_in_the_notice_check(
    viewer_api, catalog
):
    # Written as the API used to accept it, before "24:00" was refused everywhere.
    Region.objects.filter(slug="eu").update(
        peak_hours=[{"weekday": 0, "start": "20:00", "end": "24:00"}]
    )
    response = _check(
        viewer_api,
        policy="seed-000",
        work_type="maintenance-window",
        start=START,
        components=["sms-api"],
        now="2026-09-01T09:00:00+02:00",
    )
    assert response.status_code == 422
    assert response.json()["message"] == (
        "components: Region eu has peak hours to correct: Range 1: end '24:00' is not a time of "
        "day; write 00:00 to end at midnight (an end at or before the start runs past midnight)."
    )


def test_another_calendar_can_be_asked_for(viewer_api, presets):
    answer = _check(
        viewer_api,
        policy="seed-000",
        work_type="service-update",
        start="2026-10-13T10:00:00+02:00",
        end="2026-10-13T12:00:00+02:00",
        calendar="es-business",
        now="2026-10-01T09:00:00+02:00",
    ).json()
    # Mon 12 Oct is a Spanish holiday: Fri 9, Thu 8, Wed 7 Oct, 10:00 in Madrid.
    assert (answer["calendar"], answer["announce_by"]) == (
        "es-business",
        "2026-10-07T10:00:00+02:00",
    )


def test_now_defaults_to_the_current_time(viewer_api, presets):
    answer = _check(
        viewer_api,
        policy="seed-002",
        work_type="major-version",
        start="2000-01-20T10:00:00+01:00",
    ).json()
    assert answer["announce_by"] == "2000-01-05T10:00:00+01:00"
    assert [v["code"] for v in answer["violations"]] == ["too_little_notice"]


START = "2026-10-13T10:00:00+02:00"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            {"policy": "seed-009"},
            "policy: No policy 'seed-009'; there are seed-000, seed-001, seed-002, seed-003, seed-004.",
        ),
        (
            {"work_type": "nap"},
            "work_type: Policy seed-000 has no work type 'nap'; it has platform-upgrade, "
            "routine-update, service-update, maintenance-window, urgent-update.",
        ),
        (
            {"calendar": "mars"},
            "calendar: No calendar 'mars'; there are es-business, nl-business, us-support.",
        ),
        ({"components": ["ghost"]}, "components: No component with slug ghost."),
        (
            {"end": "2026-10-13T09:00:00+02:00"},
            "end: The end Tue 13 Oct 2026 09:00 CEST must come after the start Tue 13 Oct 2026 "
            "10:00 CEST.",
        ),
        (
            {"start": "2026-10-13T10:00:00"},
            "start: '2026-10-13T10:00:00' has no UTC offset; add one, such as +01:00 or Z, so the "
            "instant is exact",
        ),
        (
            {"now": "2026-10-05T09:00"},
            "now: '2026-10-05T09:00:00' has no UTC offset; add one, such as +01:00 or Z, so the "
            "instant is exact",
        ),
        ({"end": None}, "end: A service update has no default duration; give an end."),
        (
            {"end": "2027-01-14T10:00:00+01:00"},
            "end: A window of work may last at most 92 days; this one lasts 93 days.",
        ),
        ({"risk": "extreme"}, "risk: Input should be 'low', 'medium' or 'high'"),
        (
            {"contents": ["jokes"]},
            "contents.0: Input should be 'scheduled_time', 'expected_impact', 'what', "
            "'when_finished', 'new_features', 'plan_changes', 'release_notes', 'reason', "
            "'new_end_or_next_update', 'security_impact' or 'documentation_changes'",
        ),
    ],
)
def test_bad_notice_check_is_a_422_naming_the_field(viewer_api, catalog, body, message):
    base = {
        "policy": "seed-000",
        "work_type": "service-update",
        "start": START,
        "end": "2026-10-13T12:00:00+02:00",
        "now": "2026-10-05T09:00:00+02:00",
    }
    response = _check(viewer_api, **(base | body))
    assert response.status_code == 422, response.content
    assert response.json()["message"] == message


def test_notice_check_needs_a_token(api_as, presets):
    assert (
        _check(api_as(None), policy="seed-000", work_type="service-update", start=START).status_code
        == 401
    )


# --- policies and work types --------------------------------------------------------------------

NEW_POLICY = {
    "slug": "acme",
    "name": "Acme maintenance policy",
    "calendar": "nl-business",
    "source": "contract 2026-07",
    "work_types": [
        {
            "slug": "maintenance",
            "name": "maintenance",
            "notice_unit": "business_hours",
            "notice_amount": 16,
            "default_duration_minutes": 120,
            "outside_peak_hours": "where_possible",
            "notices": [
                {"kind": "announcement", "must_include": ["scheduled_time"]},
                {"kind": "reminder", "offsets": ["PT1H"]},
            ],
        }
    ],
}


def test_viewer_reads_the_presets(viewer_api, presets):
    response = viewer_api.get("/api/v1/policies")
    assert response.status_code == 200
    assert [p["slug"] for p in response.json()] == [f"seed-00{n}" for n in range(5)]
    seed_002 = viewer_api.get("/api/v1/policies/seed-002").json()
    assert (seed_002["calendar"], seed_002["time_zone"]) == ("es-business", "Europe/Madrid")
    assert [
        (w["slug"], w["notice"], w["default_duration_minutes"]) for w in seed_002["work_types"]
    ] == [
        ("hotfix", "after completion", 5),
        ("minor-version", "on release", 30),
        ("major-version", "15 calendar days", 240),
        ("api-change", "15 business days", 5),
        ("scheduled-maintenance", "7 calendar days", 180),
    ]


def test_admin_creates_a_policy_that_checks_at_once(admin_api, presets):
    response = admin_api.post("/api/v1/policies", NEW_POLICY)
    assert response.status_code == 201, response.content
    assert response.json()["work_types"][0]["notice"] == "16 business hours"
    answer = _check(
        admin_api,
        policy="acme",
        work_type="maintenance",
        start="2026-10-13T10:00:00+02:00",
        now="2026-10-01T09:00:00+02:00",
    ).json()
    # 16 business hours before Tue 10:00: 1.5 h on Tuesday, 8.5 h Monday, 6 h Friday from 11:00.
    assert answer["announce_by"] == "2026-10-09T11:00:00+02:00"
    assert [(n["kind"], n["due_at"]) for n in answer["plan"]] == [
        ("announcement", "2026-10-09T11:00:00+02:00"),
        ("reminder", "2026-10-13T09:00:00+02:00"),
    ]
    assert list(
        Event.objects.filter(actor="admin-user").order_by("id").values_list("kind", flat=True)
    ) == ["policy.created", "work_type.created"]


def test_viewer_may_not_create_or_change_policies(viewer_api, presets):
    assert viewer_api.post("/api/v1/policies", NEW_POLICY).status_code == 403
    response = viewer_api.patch("/api/v1/policies/seed-000", {"name": "Mine"})
    assert response.status_code == 403
    assert response.json()["message"] == "This needs the 'admin' role or above."
    response = viewer_api.patch(
        "/api/v1/policies/seed-000/work-types/service-update", {"notice_amount": 1}
    )
    assert response.status_code == 403
    assert not Policy.objects.filter(slug="acme").exists()
    assert WorkType.objects.get(policy__slug="seed-000", slug="service-update").notice_amount == 3


def test_policy_edit_through_the_api_is_recorded(admin_api, presets):
    response = admin_api.patch(
        "/api/v1/policies/seed-000/work-types/service-update",
        {"notice_amount": 4, "notice_where_possible": True},
    )
    assert response.status_code == 200, response.content
    assert response.json()["notice"] == "4 business days"
    event = Event.objects.first()
    assert (event.kind, event.actor, event.subject_type, event.subject_id) == (
        "work_type.changed",
        "admin-user",
        "policies.policy",
        str(presets["seed-000"].pk),
    )
    assert event.details == {
        "work_type": "service-update",
        "changes": {
            "notice_amount": {"from": 3, "to": 4},
            "notice_where_possible": {"from": False, "to": True},
        },
    }
    response = admin_api.patch("/api/v1/policies/seed-000", {"calendar": "us-support"})
    assert response.json()["time_zone"] == "America/New_York"
    event = Event.objects.first()
    assert (event.kind, event.description) == (
        "policy.changed",
        "Policy seed-000: changed calendar",
    )


def test_an_invalid_work_type_change_is_a_422_and_writes_nothing(admin_api, presets):
    events = Event.objects.count()
    response = admin_api.patch(
        "/api/v1/policies/seed-003/work-types/maintenance",
        {"notices": [{"kind": "reminder"}]},
    )
    assert response.status_code == 422
    assert (
        response.json()["message"]
        == "notices: Notice 1: A reminder notice needs at least one offset."
    )
    response = admin_api.post(
        "/api/v1/policies",
        NEW_POLICY
        | {"work_types": [{"slug": "x", "name": "X", "notice_unit": "asap", "notice_amount": 3}]},
    )
    assert response.status_code == 422
    assert (
        response.json()["message"]
        == "work_types.0.notice_amount: asap takes no amount, but 3 was given."
    )
    response = admin_api.post("/api/v1/policies", NEW_POLICY | {"calendar": "mars"})
    assert response.json()["message"] == (
        "calendar: No calendar 'mars'; there are es-business, nl-business, us-support."
    )
    assert not Policy.objects.filter(slug="acme").exists()
    assert Event.objects.count() == events


def test_admin_adds_and_deletes_a_work_type(admin_api, presets):
    response = admin_api.post(
        "/api/v1/policies/seed-003/work-types",
        {"slug": "upgrade", "name": "upgrade", "notice_unit": "weeks", "notice_amount": 1},
    )
    assert response.status_code == 201, response.content
    assert response.json()["position"] == 2
    assert (
        admin_api.get("/api/v1/policies/seed-003/work-types/upgrade").json()["notice"] == "1 week"
    )
    assert admin_api.delete("/api/v1/policies/seed-003/work-types/upgrade").status_code == 204
    assert [e.kind for e in Event.objects.filter(actor="admin-user").order_by("id")] == [
        "work_type.created",
        "work_type.deleted",
    ]
    assert admin_api.get("/api/v1/policies/seed-003/work-types/upgrade").status_code == 404


ODD_INSTANTS = [
    "0001-01-01T00:00:00+01:00",
    "9999-12-31T23:59:59-01:00",
    "2199-12-31T23:59:59Z",
    "1900-01-01T00:00:00+14:00",
    "2026-13-01T00:00:00Z",
    "2026-10-13T10:00:00+25:00",
    "",
]


@pytest.mark.parametrize("instant", ODD_INSTANTS)
def test_odd_instants_are_never_a_server_error(viewer_api, catalog, instant):
    calls = [
        ("get", "/api/v1/calendars/nl-business/add", {"start": instant, "business_days": -3650}),
        ("get", "/api/v1/calendars/us-support/add", {"start": instant, "business_hours": 87600}),
        (
            "get",
            "/api/v1/calendars/us-support/between",
            {"start": "1900-01-01T00:00:00Z", "end": instant},
        ),
    ]
    for work_type in ["maintenance-window", "platform-upgrade"]:
        body = {
            "policy": "seed-000",
            "work_type": work_type,
            "start": instant,
            "now": instant,
            "end": "2199-12-31T23:00:00Z",
            "components": ["sms-api", "ticketing"],
            "on_site": True,
        }
        calls.append(("post", "/api/v1/notice-check", body))
    calls.append(
        (
            "post",
            "/api/v1/notice-check",
            {
                "policy": "seed-002",
                "work_type": "api-change",
                "start": instant,
                "now": "1900-01-01T00:00:00Z",
                "shutdown": True,
            },
        )
    )
    for method, path, data in calls:
        if method == "get":
            response = viewer_api.get(path, **data)
        else:
            response = viewer_api.post(path, data)
        assert response.status_code in (200, 422), (path, data, response.content)
        if response.status_code == 422:
            assert response.json()["message"].split(":")[0] in {
                "start",
                "end",
                "now",
                "business_days",
                "business_hours",
                "calendar",
            }


def test_null_in_a_policy_patch_is_refused_and_changes_nothing(admin_api, presets):
    response = admin_api.patch("/api/v1/policies/seed-000", {"calendar": None})
    assert response.status_code == 422
    assert (
        response.json()["message"]
        == "calendar: may not be null; omit the field to leave it unchanged."
    )
    response = admin_api.patch(
        "/api/v1/policies/seed-000/work-types/service-update", {"notice_amount": None}
    )
    assert response.status_code == 422
    assert (
        response.json()["message"]
        == "notice_amount: may not be null; omit the field to leave it unchanged."
    )
    assert admin_api.get("/api/v1/policies/seed-000").json()["calendar"] == "nl-business"

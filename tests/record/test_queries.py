"""Reading the record: one subject's timeline, filters, and the CSV and JSON exports."""

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from forewarn.record.queries import export_csv, export_json, timeline

from .conftest import T0

AMS = ZoneInfo("Europe/Amsterdam")


def ids(events) -> list[int]:
    return [e.pk for e in events]


def test_a_subjects_timeline_is_its_events_oldest_first(record):
    first, _, _, _, last = record["events"]
    assert ids(timeline(record["api"])) == [first.pk, last.pk]
    assert ids(timeline(subject_type="catalog.component", subject_id=str(record["api"].pk))) == [
        first.pk,
        last.pk,
    ]


def test_filters_by_kind_prefix_time_actor_and_contact(record):
    e = record["events"]
    assert ids(timeline(kinds=["component."])) == [e[0].pk, e[2].pk, e[4].pk]
    assert ids(timeline(kinds=["notice.delivered", "subscriber."])) == [e[1].pk, e[3].pk]
    assert ids(timeline(subject_type="catalog.component", actor="alice")) == [e[0].pk, e[4].pk]
    # since is included, until is not.
    assert ids(timeline(since=T0 + timedelta(hours=1), until=T0 + timedelta(hours=3))) == [
        e[1].pk,
        e[2].pk,
    ]
    assert ids(timeline(contact="ann@example.com")) == [e[1].pk]
    assert ids(timeline(actor="carol")) == []


@pytest.mark.parametrize(
    ("filters", "field", "message"),
    [
        (
            {"kinds": ["component.exploded", "component"]},
            "kind",
            "'component.exploded', 'component': not a kind of event nor a subject followed by a "
            "dot such as 'component.'; GET /api/v1/record/kinds lists them.",
        ),
        (
            {"subject_id": "3"},
            "subject_id",
            "Give subject_type too: ids are only unique within a type.",
        ),
        (
            {"subject_type": "Component"},
            "subject_type",
            "'Component' is not a subject type such as catalog.component.",
        ),
        (
            {"since": datetime(2026, 3, 29, 1, 0)},
            "since",
            "The time must carry a time zone offset.",
        ),
        (
            {"since": T0, "until": T0},
            "until",
            "Must be after since (2026-03-29T00:30:00+00:00).",
        ),
    ],
)
def test_a_filter_that_makes_no_sense_is_refused_naming_it(db, filters, field, message):
    with pytest.raises(ValidationError) as refused:
        timeline(**filters)
    assert refused.value.message_dict == {field: [message]}


def test_csv_export_gives_utc_and_local_times_and_neutralises_formulas(record):
    e = record["events"]
    lines = list(export_csv(timeline(), AMS))
    api, sms = record["api"].pk, record["sms"].pk
    assert lines == [
        "id,at,at_local,entered_at,kind,actor,contact,subject,description,details\r\n",
        f"{e[0].pk},2026-03-29T00:30:00Z,2026-03-29T01:30:00+01:00,2026-03-29T00:30:00Z,component.status_changed,"
        f"alice,,catalog.component:{api},API: operational → major_outage,"
        '"{""from"": ""operational"", ""to"": ""major_outage""}"\r\n',
        f"{e[1].pk},2026-03-29T01:30:00Z,2026-03-29T03:30:00+02:00,2026-03-29T01:30:00Z,subscriber.confirmed,"
        "public,Ann@Example.com,,Confirmed by the link sent.,{}\r\n",
        f"{e[2].pk},2026-03-29T02:30:00Z,2026-03-29T04:30:00+02:00,2026-03-29T02:30:00Z,component.status_changed,"
        f"bob,,catalog.component:{sms},"
        '"\'=HYPERLINK(""http://evil.example"")",'
        '"{""from"": ""operational"", ""to"": ""partial_outage""}"\r\n',
        f"{e[3].pk},2026-03-29T03:30:00Z,2026-03-29T05:30:00+02:00,2026-03-29T03:30:05Z,notice.delivered,"
        "system,,,sent 3 of 3,{}\r\n",
        f"{e[4].pk},2026-03-29T04:30:00Z,2026-03-29T06:30:00+02:00,2026-03-29T04:30:00Z,component.status_changed,"
        f"alice,,catalog.component:{api},API: major_outage → operational,"
        '"{""from"": ""major_outage"", ""to"": ""operational""}"\r\n',
    ]


def test_json_export_is_an_array_of_events_with_both_times(record):
    first = record["events"][0]
    exported = json.loads("".join(export_json(timeline(record["api"]), AMS)))
    assert exported[0] == {
        "id": first.pk,
        "at": "2026-03-29T00:30:00Z",
        "at_local": "2026-03-29T01:30:00+01:00",
        "entered_at": "2026-03-29T00:30:00Z",
        "kind": "component.status_changed",
        "actor": "alice",
        "contact": "",
        "subject_type": "catalog.component",
        "subject_id": str(record["api"].pk),
        "description": "API: operational → major_outage",
        "details": {"from": "operational", "to": "major_outage"},
    }
    assert [row["details"]["to"] for row in exported] == ["major_outage", "operational"]


def test_exports_of_nothing_are_a_header_and_an_empty_array(db):
    assert list(export_csv(timeline(), AMS)) == [
        "id,at,at_local,entered_at,kind,actor,contact,subject,description,details\r\n"
    ]
    assert json.loads("".join(export_json(timeline(), AMS))) == []

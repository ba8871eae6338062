"""Policies in the database: to_rules() gives the presets back, and bad rules are refused
with messages naming the field."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from forewarn.policies import rules
from forewarn.policies.models import Policy, WorkType, iso_duration, notice_specs
from forewarn.policies.presets import PRESETS
from forewarn.policies.services import load_presets
from forewarn.record.models import Event


def test_every_preset_comes_back_unchanged_from_the_database(presets):
    assert {slug: p.to_rules() for slug, p in presets.items()} == PRESETS


def test_loading_the_presets_twice_gives_the_same_rows_and_records_nothing_new(presets):
    rows = sorted(WorkType.objects.values_list("pk", "policy__slug", "slug", "updated_at"))
    events = Event.objects.count()
    load_presets()
    assert sorted(WorkType.objects.values_list("pk", "policy__slug", "slug", "updated_at")) == rows
    assert Policy.objects.count() == 5
    assert Event.objects.count() == events


def test_loading_again_restores_a_changed_preset_and_records_it(presets):
    WorkType.objects.filter(policy__slug="seed-000", slug="service-update").update(notice_amount=1)
    load_presets(actor="demo")
    work_type = WorkType.objects.get(policy__slug="seed-000", slug="service-update")
    assert work_type.notice_amount == 3
    event = Event.objects.first()
    assert (event.kind, event.actor, event.details["changes"]) == (
        "work_type.changed",
        "demo",
        {"notice_amount": {"from": 1, "to": 3}},
    )


def test_work_types_keep_the_order_of_the_seed(presets):
    assert [w.slug for w in presets["seed-002"].work_types.all()] == [
        "hotfix",
        "minor-version",
        "major-version",
        "api-change",
        "scheduled-maintenance",
    ]


def test_notices_are_stored_as_readable_json(presets):
    work_type = WorkType.objects.get(policy__slug="seed-002", slug="api-change")
    assert [{k: v for k, v in n.items() if k != "source"} for n in work_type.notices] == [
        {"kind": "announcement", "must_include": ["scheduled_time"]},
        {"kind": "shutdown_reminders", "offsets": ["P3D", "P1D", "PT15M"]},
        {"kind": "cancellation"},
    ]


@pytest.mark.parametrize(
    ("d", "text"),
    [
        (dt.timedelta(days=3), "P3D"),
        (dt.timedelta(minutes=15), "PT15M"),
        (dt.timedelta(days=1, hours=2, minutes=30), "P1DT2H30M"),
        (dt.timedelta(seconds=90), "PT1M30S"),
    ],
)
def test_offsets_read_as_iso_8601_durations(d, text):
    assert iso_duration(d) == text
    assert notice_specs([{"kind": "reminder", "offsets": [text]}])[0].offsets == (d,)


@pytest.mark.parametrize(
    ("notices", "message"),
    [
        ({"kind": "announcement"}, 'Give a list of notices such as [{"kind": "announcement"}].'),
        ([{"channels": ["email"]}], "Notice 1 needs a kind."),
        (
            [{"kind": "announcement"}, {"kind": "reminder"}],
            "Notice 2: A reminder notice needs at least one offset.",
        ),
        (
            [{"kind": "reminder", "offsets": ["soon"]}],
            "Notice 1: offset 'soon' is not an ISO 8601 duration such as P3D or PT15M.",
        ),
        (
            [{"kind": "announcement", "channels": ["fax"]}],
            "Notice 1: channels must be one of email, status_page, chat, not 'fax'.",
        ),
        (
            [{"kind": "announcement", "must_include": ["jokes"]}],
            "Notice 1: must_include 'jokes' is not one of scheduled_time, expected_impact, what, "
            "when_finished, new_features, plan_changes, release_notes, reason, "
            "new_end_or_next_update, security_impact, documentation_changes.",
        ),
        (
            [{"kind": "telegram"}],
            "Notice 1: kind must be one of announcement, reminder, shutdown_reminders, start, "
            "completion, extension, reschedule, cancellation, after_completion, release, not "
            "'telegram'.",
        ),
        (
            [{"kind": "announcement", "when": "now"}],
            "Notice 1: unknown key 'when'; use kind, offsets, channels, must_include, "
            "only_if_interrupting, condition, source.",
        ),
        (
            [{"kind": "announcement"}, {"kind": "start", "source": "x" * 20_001}],
            "Notice 2: source may have at most 20000 characters.",
        ),
        ([{"kind": "start"}] * 101, "Give at most 100 notices, not 101."),
    ],
)
def test_bad_notices_are_refused_naming_which(presets, notices, message):
    work_type = WorkType.objects.get(policy__slug="seed-003", slug="maintenance")
    work_type.notices = notices
    with pytest.raises(ValidationError) as error:
        work_type.full_clean()
    assert error.value.message_dict == {"notices": [message]}


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        (
            {"notice_unit": "asap", "notice_amount": 2},
            {"notice_amount": ["asap takes no amount, but 2 was given."]},
        ),
        (
            {"default_duration": dt.timedelta(0)},
            {
                "default_duration": [
                    "Give a positive duration of at most 92 days, or leave it empty."
                ]
            },
        ),
        (
            {"default_duration": dt.timedelta(days=93)},
            {
                "default_duration": [
                    "Give a positive duration of at most 92 days, or leave it empty."
                ]
            },
        ),
        (
            {"slug": "maintenance"},
            {"__all__": ["Work type with this Policy and Slug already exists."]},
        ),
    ],
)
def test_bad_work_type_is_refused(presets, fields, errors):
    work_type = WorkType(policy=presets["seed-003"], slug="new", name="New")
    for field, value in fields.items():
        setattr(work_type, field, value)
    with pytest.raises(ValidationError) as error:
        work_type.full_clean()
    assert error.value.message_dict == errors


def test_no_notice_means_no_notice_rule(presets):
    routine = WorkType.objects.get(policy__slug="seed-000", slug="routine-update").to_rules()
    assert routine.notice is None
    assert routine == rules.WorkType(
        slug="routine-update",
        name="routine update",
        notice=None,
        source=PRESETS["seed-000"].work_type("routine-update").source,
    )

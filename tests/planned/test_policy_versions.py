"""Notice-policy versions: planned work is checked against the version of its policy in force
when each window starts (the contract in force when the work happens); publishing a version
tells the contacts of the organizations the policy applies to, once; bad input changes nothing.

The world's clock stands on Mon 4 Jan 2027 10:00 in Amsterdam. seed-002's API changes need
15 working days' notice; version 2027.1 asks 20 from Thu 28 Jan 2027. A window on Wed 27 Jan
has 17 working days' notice (enough under the old rules), one on Fri 29 Jan has 19 (too few
under the new ones).
"""

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from forewarn.api.models import ApiToken
from forewarn.delivery.models import Notice
from forewarn.planned import services
from forewarn.planned.approval import check_windows
from forewarn.policies import services as policies
from forewarn.policies import versions
from forewarn.policies.models import Policy, PolicyVersion
from forewarn.record.kinds import Kind
from forewarn.record.models import Event
from tests.conftest import ApiClient

from .conftest import T0, draft, refused, tick

EFFECTIVE = datetime(2027, 1, 27, 23, 0, tzinfo=UTC)  # Thu 28 Jan 00:00 Amsterdam
BEFORE = datetime(2027, 1, 27, 9, 0, tzinfo=UTC)  # Wed 27 Jan 10:00 Amsterdam
AFTER = datetime(2027, 1, 29, 9, 0, tzinfo=UTC)  # Fri 29 Jan 10:00 Amsterdam


def publish_20_days(**fields):
    return policies.publish_policy_version(
        Policy.objects.get(slug="seed-002"),
        actor="ada",
        **{
            "label": "2027.1",
            "effective_from": EFFECTIVE,
            "summary": "API changes are announced a week earlier.",
            "work_types": {"api-change": {"notice_amount": 20}},
        }
        | fields,
    )


def api_change(world, start):
    return draft(world, "seed-002", "api-change", start=start)


def notice_days(work) -> int:
    checked = check_windows(work, list(work.windows.all()), T0)
    (window,) = checked.windows
    return window.primary().result.work_type.notice.amount


def test_a_window_after_the_effective_date_is_checked_against_the_new_version(world):
    before, after = api_change(world, BEFORE), api_change(world, AFTER)
    assert (notice_days(before), notice_days(after)) == (15, 15)
    publish_20_days()
    assert (notice_days(before), notice_days(after)) == (15, 20)
    services.publish(before, actor="cody", role="communicator")
    with refused("violations", "It may not be published"):
        services.publish(after, actor="cody", role="communicator")
    checked = check_windows(after, list(after.windows.all()), T0)
    earliest = checked.windows[0].primary().result.earliest_compliant_start
    assert earliest is not None and earliest > AFTER
    # The work type itself is unchanged: the version keeps its own copy.
    assert Policy.objects.get(slug="seed-002").work_types.get(slug="api-change").notice_amount == 15


def test_the_notice_check_uses_the_version_in_force_at_the_window(world, api_as):
    publish_20_days()
    viewer = api_as("viewer")
    answers = [
        viewer.post(
            "/api/v1/notice-check",
            {"policy": "seed-002", "work_type": "api-change", "start": start.isoformat()},
        ).json()
        for start in (BEFORE, AFTER)
    ]
    assert [a["ok"] for a in answers] == [True, False]


def test_publishing_tells_the_contacts_under_the_policy_once(world, clock):
    # seed-003 is limited to Enterprise clients (Acme) and falls back to seed-002 (Beta).
    limited = Policy.objects.get(slug="seed-003")
    limited.applies_to_plans, limited.fallback = ["Enterprise"], Policy.objects.get(slug="seed-002")
    policies.save_policy(limited, actor="ada")
    version = publish_20_days()
    assert version.told == [world.beta.pk]
    assert versions.notify(version, version.told, {}, now=T0, actor="ada") == version.notice
    assert Notice.objects.filter(key=f"policy_version:{version.pk}").count() == 1
    tick(clock, T0 + timedelta(seconds=5))
    told = [m for m in mail.outbox if "notice policy version" in m.subject]
    assert [m.to for m in told] == [["bob@beta.example"]]
    assert "15 business days → 20 business days" in told[0].body
    assert "API change" in told[0].body
    assert "Thu 28 Jan 2027 00:00" in told[0].body
    event = Event.objects.get(kind=Kind.POLICY_VERSION_PUBLISHED)
    assert event.details["changes"] == {"api-change": {"notice_amount": {"from": 15, "to": 20}}}


@pytest.mark.parametrize(
    ("fields", "field", "text"),
    [
        ({"effective_from": T0 - timedelta(days=1)}, "effective_from", "not in the past"),
        ({"work_types": {"nope": {"notice_amount": 20}}}, "work_types", "no work type 'nope'"),
        ({"work_types": {"api-change": {"notice_amount": 15}}}, "work_types.api-change", "nothing"),
        (
            {"work_types": {"api-change": {"notice_unit": "fortnights"}}},
            "work_types.api-change.notice_unit",
            "fortnights",
        ),
        ({"label": " "}, "label", "label"),
    ],
)
def test_bad_input_names_the_field_and_saves_nothing(world, fields, field, text):
    events = Event.objects.count()
    with refused(field, text):
        publish_20_days(**fields)
    assert not PolicyVersion.objects.exists()
    assert not Notice.objects.filter(key__startswith="policy_version:").exists()
    assert Event.objects.count() == events


def test_versions_follow_one_another(world):
    publish_20_days()
    with refused("effective_from", "after seed-002 2027.1"):
        publish_20_days(label="2027.0", effective_from=EFFECTIVE - timedelta(days=1))
    with refused("label", "2027.1"):
        publish_20_days(effective_from=EFFECTIVE + timedelta(days=1))
    later = publish_20_days(
        label="2027.2",
        effective_from=EFFECTIVE + timedelta(days=7),
        work_types={"api-change": {"notice_amount": 25}},
    )
    assert later.changes == {"api-change": {"notice_amount": {"from": 20, "to": 25}}}
    seed = Policy.objects.get(slug="seed-002")
    amounts = [
        next(w for w in seed.to_rules(at).work_types if w.slug == "api-change").notice.amount
        for at in (None, BEFORE, AFTER, EFFECTIVE + timedelta(days=8))
    ]
    assert amounts == [15, 15, 20, 25]


def test_versions_through_the_api(world):
    admin = ApiClient(ApiToken.issue(world.admin)[1])
    viewer = ApiClient(ApiToken.issue(world.viewer)[1])
    body = {
        "label": "2027.1",
        "effective_from": "2027-01-28T00:00:00+01:00",
        "summary": "API changes are announced a week earlier.",
        "work_types": [{"slug": "api-change", "notice_amount": 20}],
    }
    url = "/api/v1/policies/seed-002/versions"
    assert viewer.post(url, body).status_code == 403
    wrong = admin.post(url, body | {"work_types": [{"slug": "nope", "notice_amount": 20}]})
    assert wrong.status_code == 422 and "work_types" in str(wrong.json()), wrong.json()
    past = admin.post(url, body | {"effective_from": "2027-01-01T00:00:00+01:00"})
    assert past.status_code == 422 and "effective_from" in str(past.json()), past.json()
    assert not PolicyVersion.objects.exists()
    created = admin.post(url, body)
    assert created.status_code == 201, created.json()
    found = created.json()
    assert (found["label"], found["policy"], found["notice"]) == (
        "2027.1",
        "seed-002",
        f"policy_version:{found['id']}",
    )
    assert [(w["slug"], w["notice"]) for w in found["work_types"]] == [
        ("api-change", "20 business days")
    ]
    listed = viewer.get(url)
    assert listed.status_code == 200 and [v["label"] for v in listed.json()] == ["2027.1"]


def test_the_console_publishes_a_version(world, client):
    client.force_login(world.admin)
    page = client.post(
        "/console/policies/policyversion/add/",
        {
            "policy": Policy.objects.get(slug="seed-002").pk,
            "label": "2027.1",
            "effective_from_0": "2027-01-28",
            "effective_from_1": "00:00:00",
            "summary": "API changes are announced a week earlier.",
            "new_rules": '{"api-change": {"notice_amount": 20}}',
        },
    )
    assert page.status_code == 302, page.content.decode()[:2000]
    version = PolicyVersion.objects.get()
    assert (version.created_by, version.changes) == (
        "ada",
        {"api-change": {"notice_amount": {"from": 15, "to": 20}}},
    )


def test_a_version_cannot_name_a_field_that_is_not_a_work_types(world):
    with pytest.raises(ValidationError) as caught:
        publish_20_days(work_types={"api-change": {"policy": 3}})
    assert "work_types.api-change" in caught.value.message_dict


def test_which_notices_go_out_follows_the_version_in_force_at_the_window(world):
    """A version that stops a work type's cancellation notice: a window after it starts sends
    none, one before it still does (as the work type's own rows say)."""
    from forewarn.planned import notices
    from forewarn.policies.rules import NoticeKind

    work_type = Policy.objects.get(slug="seed-002").work_types.get(slug="api-change")
    kept = [n for n in work_type.notices if n["kind"] != NoticeKind.CANCELLATION]
    assert len(kept) < len(work_type.notices), "seed-002's API changes send a cancellation"
    before, after = api_change(world, BEFORE), api_change(world, AFTER)
    publish_20_days(work_types={"api-change": {"notice_amount": 20, "notices": kept}})
    told = {
        name: notices.tell(
            work.windows.get(), NoticeKind.CANCELLATION, actor="system", now=T0 + timedelta(days=1)
        )
        for name, work in (("before", before), ("after", after))
    }
    assert (len(told["before"]), len(told["after"])) == (len(notices.targets(before)), 0)

"""catalog.instants: what instant a change is recorded at, against when it was entered."""

from datetime import UTC, datetime, timedelta

import pytest

from forewarn.catalog.instants import Claim, InstantError, TimeRules, claimed_instant, is_backdated

NOW = datetime(2026, 12, 18, 15, 0, tzinfo=UTC)
RULES = TimeRules(
    skew=timedelta(seconds=60), grace=timedelta(seconds=60), limit=timedelta(hours=24)
)


@pytest.mark.parametrize(
    ("at", "reason", "recorded"),
    [
        (None, "", Claim(NOW, NOW)),
        (NOW, "", Claim(NOW, NOW)),
        # Clock skew: a client's clock 30 s ahead is taken as now.
        (NOW + timedelta(seconds=30), "", Claim(NOW, NOW)),
        (NOW + timedelta(seconds=60), "", Claim(NOW, NOW)),
        # Within the grace: recorded as claimed, no reason needed, and none kept.
        (NOW - timedelta(seconds=60), "", Claim(NOW - timedelta(seconds=60), NOW)),
        (NOW - timedelta(seconds=45), "late", Claim(NOW - timedelta(seconds=45), NOW)),
        # Backdated, with a reason: kept.
        (
            NOW - timedelta(hours=2),
            " alert fired at 13:00 ",
            Claim(NOW - timedelta(hours=2), NOW, "alert fired at 13:00"),
        ),
        (NOW - timedelta(hours=24), "x", Claim(NOW - timedelta(hours=24), NOW, "x")),
    ],
)
def test_an_instant_is_recorded_as_claimed_within_the_rules(at, reason, recorded):
    assert claimed_instant(at, NOW, RULES, reason) == recorded


@pytest.mark.parametrize(
    ("at", "reason", "field", "message"),
    [
        (
            datetime(2099, 1, 1, tzinfo=UTC),
            "",
            "at",
            "2099-01-01T00:00:00+00:00 is 26311 days in the future; a change is recorded when "
            "it happens (up to 60 s of clock difference is taken as now).",
        ),
        (
            NOW + timedelta(seconds=61),
            "",
            "at",
            "2026-12-18T15:01:01+00:00 is 61 s in the future; a change is recorded when it "
            "happens (up to 60 s of clock difference is taken as now).",
        ),
        (
            NOW - timedelta(seconds=74),
            "",
            "backdate_reason",
            "The change is dated 74 s before it is entered; say why in backdate_reason (it is "
            "kept in the record and shown in the availability report).",
        ),
        (
            NOW - timedelta(seconds=74),
            "   ",
            "backdate_reason",
            "The change is dated 74 s before it is entered; say why in backdate_reason (it is "
            "kept in the record and shown in the availability report).",
        ),
        (
            NOW - timedelta(hours=24, seconds=1),
            "a reason",
            "at",
            "2026-12-17T14:59:59+00:00 is 24 h ago; a change may be dated at most 24 h back.",
        ),
        (datetime(2026, 12, 18, 15, 0), "", "at", "The time must carry a time zone offset."),
    ],
)
def test_an_instant_outside_the_rules_is_refused_naming_the_field(at, reason, field, message):
    with pytest.raises(InstantError) as refused:
        claimed_instant(at, NOW, RULES, reason)
    assert (refused.value.field, str(refused.value)) == (field, message)


def test_a_change_cannot_come_before_the_current_status_began():
    with pytest.raises(InstantError, match=r"before the current status began \(2026-12-18T15:00"):
        claimed_instant(NOW - timedelta(seconds=10), NOW, RULES, not_before=NOW)


def test_backdated_means_entered_more_than_the_grace_later():
    assert not is_backdated(NOW - timedelta(seconds=60), NOW, RULES)
    assert is_backdated(NOW - timedelta(seconds=61), NOW, RULES)
    assert not is_backdated(NOW - timedelta(days=3), None, RULES)

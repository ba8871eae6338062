"""The policy core split into rules, plan and validator: each may be imported first, and the
public names stay importable from ``rules``; a region's own calendar counts for placement."""

import datetime as dt
import subprocess
import sys
from zoneinfo import ZoneInfo

import pytest

from forewarn.policies import plan, rules, validator
from forewarn.policies.presets import SEED_000, SEED_001, calendar_for

AMS = ZoneInfo("Europe/Amsterdam")
NL, US = calendar_for("nl-business"), calendar_for("us-support")


def ams(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=AMS)


@pytest.mark.parametrize(
    "module", ["forewarn.policies.validator", "forewarn.policies.plan", "forewarn.policies.rules"]
)
def test_each_module_can_be_imported_first(module):
    script = (
        f"import {module}; from forewarn.policies.rules import check, NoticeCheck; print(check)"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "function check" in result.stdout


def test_moved_names_are_the_same_objects():
    assert rules.check is validator.check
    assert rules.NoticeCheck is validator.NoticeCheck
    assert rules.Violation is validator.Violation
    assert rules.PlannedNotice is plan.PlannedNotice
    assert rules.EventNotice is plan.EventNotice
    with pytest.raises(AttributeError):
        rules.no_such_name  # noqa: B018


def test_on_site_visit_must_also_fit_the_regions_working_hours():
    # A Dutch morning visit is fine by nl-business, but a US region's desk opens at 14:00 CEST.
    us_region = rules.Region("us", "America/New_York", calendar=US)
    result = rules.check(
        SEED_000,
        "platform-upgrade",
        ams(2026, 10, 13, 10),
        ams(2026, 10, 13, 12),
        calendar=NL,
        on_site=True,
        regions=[us_region],
        now=ams(2026, 10, 5, 9),
    )
    [violation] = result.violations
    assert violation.message == (
        "On-site visits must be within working hours, but the window Tue 13 Oct 2026 10:00 CEST "
        "to Tue 13 Oct 2026 12:00 CEST is outside the working hours of region us from Tue 13 Oct "
        "2026 10:00 CEST to Tue 13 Oct 2026 12:00 CEST."
    )
    # Both desks are open from 14:00 to 17:00 CEST.
    assert result.earliest_compliant_start == ams(2026, 10, 5, 14)


def test_a_region_on_the_policys_calendar_adds_nothing():
    nl_region = rules.Region("eu", "Europe/Amsterdam", calendar=NL)
    result = rules.check(
        SEED_001,
        "scheduled-maintenance",
        ams(2026, 10, 20, 10),
        ams(2026, 10, 20, 12),
        calendar=NL,
        risk="high",
        regions=[nl_region],
        now=ams(2026, 10, 1, 9),
    )
    assert [v.code for v in result.violations] == ["high_risk_in_business_hours"]

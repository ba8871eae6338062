"""Policies in the permission matrix: viewers read and check windows, admins write."""

import datetime as dt

from django.utils import timezone

from forewarn.policies import services
from forewarn.policies.models import Policy, WorkType
from tests.calendars.permissions import make_calendar
from tests.permission_rows import ADMIN, VIEWER, Console, Page


def _policy() -> Policy:
    return services.save_policy(
        Policy(slug="ours", name="Ours", calendar=make_calendar()), actor="test"
    )


def _version():
    policy = _policy()
    services.save_work_type(WorkType(policy=policy, slug="patch", name="Patch"), actor="test")
    return services.publish_policy_version(
        policy,
        actor="test",
        label="2",
        effective_from=timezone.now() + dt.timedelta(days=30),
        summary="Longer notice.",
        work_types={"patch": {"notice_amount": 5}},
    )


API = {
    "GET /api/v1/policies": VIEWER,
    "POST /api/v1/policies": ADMIN,
    "GET /api/v1/policies/{slug}": VIEWER,
    "PATCH /api/v1/policies/{slug}": ADMIN,
    "GET /api/v1/policies/{slug}/work-types": VIEWER,
    "POST /api/v1/policies/{slug}/work-types": ADMIN,
    "GET /api/v1/policies/{slug}/work-types/{work_type}": VIEWER,
    "PATCH /api/v1/policies/{slug}/work-types/{work_type}": ADMIN,
    "DELETE /api/v1/policies/{slug}/work-types/{work_type}": ADMIN,
    "GET /api/v1/policies/{slug}/versions": VIEWER,
    "POST /api/v1/policies/{slug}/versions": ADMIN,
    "POST /api/v1/notice-check": VIEWER,
}

CONSOLE = {
    "policies.policy": Console(add=ADMIN, change=ADMIN, make=_policy),
    "policies.worktype": Console(
        add=ADMIN,
        change=ADMIN,
        delete=ADMIN,
        make=lambda: services.save_work_type(
            WorkType(policy=_policy(), slug="patch", name="Patch"), actor="test"
        ),
    ),
    "policies.policyversion": Console(add=ADMIN, make=lambda: _version()),
    # "Check a window": a link on the console's index to the notice-check form.
    "policies.noticecheckpage": Console(),
}

PAGES = {"policies:check": Page(VIEWER)}

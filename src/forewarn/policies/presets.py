"""The five seed policies (``seed-000`` … ``seed-004``) and their business calendars, as data.

Every rule quotes the seed sentence it comes from in ``source``; table cells of seed 002 are
joined with `` | ``. Pure Python, no Django. The policies app loads these into the database
and the demo data uses them as they are.
"""

from __future__ import annotations

import datetime as dt
from functools import cache

from forewarn.calendars.definitions import business_calendar
from forewarn.calendars.engine import BusinessCalendar
from forewarn.policies.rules import (
    Content,
    NoticeChannel,
    NoticeKind,
    NoticeRule,
    NoticeSpec,
    NoticeUnit,
    Placement,
    PlacementRule,
    Policy,
    PolicyError,
    WorkType,
)

SEED_FILES = {
    "seed-000": "seeds/000_780b50d8dfd9a789.txt",
    "seed-001": "seeds/001_25d6cf5193044294.txt",
    "seed-002": "seeds/002_2e15e52599f89a02.txt",
    "seed-003": "seeds/003_85f24f308a8a268b.txt",
    "seed-004": "seeds/004_c37b715d4cf555d3.txt",
}


def _weekdays(start: str, end: str, end_tz: str | None = None) -> list[dict]:
    return [{"weekday": d, "start": start, "end": end, "end_tz": end_tz} for d in range(5)]


# Field for field what ``forewarn.calendars.models.Calendar`` stores.
CALENDAR_PRESETS: dict[str, dict] = {
    "nl-business": {
        "slug": "nl-business",
        "name": "Dutch business hours",
        "time_zone": "Europe/Amsterdam",
        "opening_hours": _weekdays("08:30", "17:00"),
        "holiday_spec": "nl-general",
        "added_dates": [],
        "removed_dates": [],
        "closures": [],
        "business_day_minutes": 480,
        "source": "“Business Hours” means Monday to Friday from 8.30 a.m. – 17.00 p.m. Central "
        "European (Summer) Time, excluding general Dutch holidays. | “Business day” means eight "
        "consecutive Business Hours.",
    },
    "us-support": {
        "slug": "us-support",
        "name": "US support hours",
        "time_zone": "America/New_York",
        "opening_hours": _weekdays("08:00", "18:00", "America/Los_Angeles"),
        "holiday_spec": "US",
        "added_dates": [],
        "removed_dates": [],
        "closures": [],
        "business_day_minutes": 480,
        "source": "Playvox commits to responding to customer inquiries within normal business "
        "hours 8:00am EST to 6:00pm PST.",
    },
    # Seed 002 counts "working days" but names no hours; Athento works from Spain, so its
    # preset counts Spanish national holidays. The hours are an assumption to edit.
    "es-business": {
        "slug": "es-business",
        "name": "Spanish working days",
        "time_zone": "Europe/Madrid",
        "opening_hours": _weekdays("09:00", "18:00"),
        "holiday_spec": "ES",
        "added_dates": [],
        "removed_dates": [],
        "closures": [],
        "business_day_minutes": 480,
        "source": "Changes in the API | 15 working days before the update.",
    },
}


@cache
def calendar_for(slug: str) -> BusinessCalendar:
    """The business calendar of a preset, built with the calendar engine."""
    try:
        data = CALENDAR_PRESETS[slug]
    except KeyError:
        known = ", ".join(CALENDAR_PRESETS)
        raise PolicyError("calendar", f"No calendar preset {slug!r}; there are {known}.") from None
    return business_calendar(data)


EMAIL_AND_STATUS = (NoticeChannel.EMAIL, NoticeChannel.STATUS_PAGE)
# docs/product.md S4: "completion or cancellation"
CANCELLATION = NoticeSpec(NoticeKind.CANCELLATION)

# --- seed 000 ---------------------------------------------------------------------------

_STATUS_SITE = "We will update the status site again to indicate when the work has begun and when it has ended."
_CHANGES = "If any changes to the work are required, we will update the status site accordingly."


def _announced_on_status_site(announcement_source: str) -> tuple[NoticeSpec, ...]:
    return (
        NoticeSpec(
            NoticeKind.ANNOUNCEMENT,
            channels=EMAIL_AND_STATUS,
            must_include=(Content.SCHEDULED_TIME, Content.EXPECTED_IMPACT),
            source=announcement_source,
        ),
        NoticeSpec(NoticeKind.START, channels=(NoticeChannel.STATUS_PAGE,), source=_STATUS_SITE),
        NoticeSpec(
            NoticeKind.COMPLETION, channels=(NoticeChannel.STATUS_PAGE,), source=_STATUS_SITE
        ),
        NoticeSpec(NoticeKind.RESCHEDULE, channels=(NoticeChannel.STATUS_PAGE,), source=_CHANGES),
        NoticeSpec(NoticeKind.CANCELLATION, channels=EMAIL_AND_STATUS, source=_CHANGES),
    )


SEED_000 = Policy(
    slug="seed-000",
    name="Platform work notifications",
    calendar_slug="nl-business",
    time_zone="Europe/Amsterdam",
    source=SEED_FILES["seed-000"],
    work_types=(
        WorkType(
            slug="platform-upgrade",
            name="platform upgrade",
            # Written notice, no minimum period: advised "before implemented".
            notice=NoticeRule(
                NoticeUnit.HOURS,
                0,
                source="When these essential upgrades are performed, we will notify you in writing",
            ),
            placement=(
                PlacementRule(
                    Placement.ON_SITE_INSIDE_WORKING_HOURS,
                    source="These must be done within working hours and downtime will be minimal.",
                ),
            ),
            notices=(
                NoticeSpec(
                    NoticeKind.ANNOUNCEMENT,
                    must_include=(
                        Content.SCHEDULED_TIME,
                        Content.NEW_FEATURES,
                        Content.PLAN_CHANGES,
                    ),
                    source="We will also explain any new features that will become available once "
                    "the upgrade is completed. | You will be advised on any material changes to "
                    "you plan before implemented.",
                ),
                CANCELLATION,
            ),
            source="Platform upgrades",
        ),
        WorkType(
            slug="routine-update",
            name="routine update",
            notice=None,
            source="Routine updates are normal deployments which won’t cause any impact to the "
            "platform or applications. | Because of this, we don’t provide notice of this work.",
        ),
        WorkType(
            slug="service-update",
            name="service update",
            notice=NoticeRule(
                NoticeUnit.BUSINESS_DAYS,
                3,
                source="When we need to perform a service update, we will provide notice at least "
                "3 business days before the work takes place.",
            ),
            notices=_announced_on_status_site(
                "This announcement will include the scheduled time of the work and the expected impact.",
            ),
            publishes_status=True,
            # Urgent work of this kind is an urgent update (seed 000 §7), not an override.
            override_allowed=False,
            source="Service updates",
        ),
        WorkType(
            slug="maintenance-window",
            name="maintenance window",
            notice=NoticeRule(
                NoticeUnit.BUSINESS_DAYS,
                5,
                source="When we need a maintenance window, we will provide notice at least 5 "
                "business days in advance.",
            ),
            placement=(
                PlacementRule(
                    Placement.OUTSIDE_PEAK_HOURS,
                    source="When we do need to do it, we take care to schedule this work outside "
                    "the peak hours for the region it will be performed in.",
                ),
            ),
            notices=_announced_on_status_site(
                "The announcement will include the scheduled time and expected impact."
            ),
            publishes_status=True,
            override_allowed=False,
            source="Maintenance windows",
        ),
        WorkType(
            slug="urgent-update",
            name="urgent update",
            notice=NoticeRule(
                NoticeUnit.ASAP,
                source="If possible, we will provide advance warning on the status site.",
            ),
            notices=(
                NoticeSpec(
                    NoticeKind.ANNOUNCEMENT,
                    channels=EMAIL_AND_STATUS,
                    must_include=(Content.WHAT, Content.EXPECTED_IMPACT),
                    source="In all cases, we will of course communicate what we’re doing, what "
                    "impact is possible, and when we’re finished.",
                ),
                NoticeSpec(
                    NoticeKind.COMPLETION,
                    channels=EMAIL_AND_STATUS,
                    must_include=(Content.WHEN_FINISHED,),
                    source="and when we’re finished.",
                ),
            ),
            publishes_status=True,
            source="Urgent updates",
        ),
    ),
)

# --- seed 001 ---------------------------------------------------------------------------

_ANNOUNCED_VIA = (
    "All related maintenance windows will be announced via Clients can subscribe to email "
    "notifications for specific services."
)

SEED_001 = Policy(
    slug="seed-001",
    name="Connect & Engage service level agreement",
    calendar_slug="nl-business",
    time_zone="Europe/Amsterdam",
    source=SEED_FILES["seed-001"],
    work_types=(
        WorkType(
            slug="scheduled-maintenance",
            name="scheduled maintenance",
            notice=NoticeRule(
                NoticeUnit.WEEKS,
                2,
                where_possible=True,
                source="strives to inform Clients at least two weeks in advance of scheduled "
                "maintenance.",
            ),
            placement=(
                PlacementRule(
                    Placement.HIGH_RISK_OUTSIDE_BUSINESS_HOURS,
                    where_possible=True,
                    source="will use reasonable efforts to perform maintenance with a higher risk "
                    "profile outside Business Hours",
                ),
            ),
            notices=(
                NoticeSpec(
                    NoticeKind.ANNOUNCEMENT,
                    channels=EMAIL_AND_STATUS,
                    must_include=(Content.SCHEDULED_TIME,),
                    source=_ANNOUNCED_VIA,
                ),
                CANCELLATION,
            ),
            source="7. Maintenance",
        ),
        WorkType(
            slug="emergency-maintenance",
            name="emergency maintenance",
            notice=NoticeRule(
                NoticeUnit.HOURS,
                24,
                where_possible=True,
                source="In case of emergency maintenance, will use reasonable efforts to provide "
                "notice at least 24 hours in advance, though in urgent situations, notice may be "
                "provided as soon as practicable.",
            ),
            notices=(
                NoticeSpec(
                    NoticeKind.ANNOUNCEMENT,
                    channels=EMAIL_AND_STATUS,
                    must_include=(Content.SCHEDULED_TIME,),
                    source=_ANNOUNCED_VIA,
                ),
                CANCELLATION,
            ),
            source="In case of emergency maintenance",
        ),
    ),
)

# --- seed 002 ---------------------------------------------------------------------------

SHUTDOWN_REMINDERS = NoticeSpec(
    NoticeKind.SHUTDOWN_REMINDERS,
    offsets=(dt.timedelta(days=3), dt.timedelta(days=1), dt.timedelta(minutes=15)),
    source="Nevertheless, for operations that require a system shut-down, notifications will be "
    "sent on several different occasions as well as just before the shut-down takes place.",
)
RELEASE_NOTICE = NoticeSpec(
    NoticeKind.RELEASE,
    must_include=(Content.RELEASE_NOTES,),
    source="authorized support contacts are notified via email each time a new version of the "
    "product is released.",
)
_ANNOUNCE_MAINTENANCE = NoticeSpec(
    NoticeKind.ANNOUNCEMENT,
    must_include=(Content.SCHEDULED_TIME,),
    source="This work is always scheduled so the client will be notified of this.",
)


SEED_002 = Policy(
    slug="seed-002",
    name="Athento maintenance and continuous improvement policy",
    calendar_slug="es-business",
    time_zone="Europe/Madrid",
    source=SEED_FILES["seed-002"],
    work_types=(
        WorkType(
            slug="hotfix",
            name="hotfix or plugin update",
            notice=NoticeRule(
                NoticeUnit.AFTER_COMPLETION,
                0,
                source="Hotfix and plugin updates | Once the update has been done | 5 minutes",
            ),
            default_duration=dt.timedelta(minutes=5),
            notices=(
                NoticeSpec(
                    NoticeKind.AFTER_COMPLETION,
                    must_include=(Content.WHAT,),
                    source="Once the update has been done",
                ),
                SHUTDOWN_REMINDERS,
            ),
            source="Solving Bugs and Hotfixes",
        ),
        WorkType(
            slug="minor-version",
            name="minor version update",
            notice=NoticeRule(
                NoticeUnit.ON_RELEASE,
                0,
                source="Minor version update | Once the version has been released | 30 minutes",
            ),
            default_duration=dt.timedelta(minutes=30),
            notices=(RELEASE_NOTICE, SHUTDOWN_REMINDERS),
            source="Minor Version",
        ),
        WorkType(
            slug="major-version",
            name="major version update",
            notice=NoticeRule(
                NoticeUnit.CALENDAR_DAYS,
                15,
                source="Major version update | 15 calendar days before the update | 4 hours",
            ),
            default_duration=dt.timedelta(hours=4),
            notices=(_ANNOUNCE_MAINTENANCE, RELEASE_NOTICE, SHUTDOWN_REMINDERS, CANCELLATION),
            # Work that cannot wait is a hotfix; a firm notice period is not overridden.
            override_allowed=False,
            source="Major Versions",
        ),
        WorkType(
            slug="api-change",
            name="API change",
            notice=NoticeRule(
                NoticeUnit.BUSINESS_DAYS,
                15,
                source="Changes in the API | 15 working days before the update. | 5 minutes",
            ),
            default_duration=dt.timedelta(minutes=5),
            notices=(_ANNOUNCE_MAINTENANCE, SHUTDOWN_REMINDERS, CANCELLATION),
            override_allowed=False,
            source="Changes in the API",
        ),
        WorkType(
            slug="scheduled-maintenance",
            name="scheduled maintenance",
            notice=NoticeRule(
                NoticeUnit.CALENDAR_DAYS,
                7,
                source="Scheduled maintenance | 7 calendar days | 3 hours",
            ),
            default_duration=dt.timedelta(hours=3),
            notices=(_ANNOUNCE_MAINTENANCE, SHUTDOWN_REMINDERS, CANCELLATION),
            override_allowed=False,
            source="Maintenance Operations and Notifications",
        ),
    ),
)

# --- seed 003 ---------------------------------------------------------------------------

_SEED_003_NOTICES = (
    NoticeSpec(
        NoticeKind.ANNOUNCEMENT,
        must_include=(Content.SCHEDULED_TIME, Content.EXPECTED_IMPACT),
        source="we provide a window in which the work will occur and detail any anticipated "
        "impacts to customers during that window.",
    ),
    NoticeSpec(
        NoticeKind.START,
        only_if_interrupting=True,
        source="We also send out reminder email notifications at the start of maintenance "
        "windows if the end-user interruption is expected",
    ),
    NoticeSpec(
        NoticeKind.COMPLETION,
        condition="once the work is complete and monitoring shows the affected components healthy",
        source="a closing email at the end of a maintenance window or when maintenance is "
        "complete and monitoring shows healthy instances.",
    ),
    NoticeSpec(
        NoticeKind.EXTENSION,
        must_include=(Content.REASON, Content.NEW_END_OR_NEXT_UPDATE),
        source="Should a maintenance window need to be extended, we will reach out to all "
        "affected customers and inform them of the extension, the reasons the extension is "
        "necessary, and either a new target end time or a guideline on when they can expect the "
        "next update. This will continue until the maintenance window is closed successfully.",
    ),
    CANCELLATION,
)

SEED_003 = Policy(
    slug="seed-003",
    name="Stack Overflow for Teams Enterprise customer notification process",
    calendar_slug="nl-business",
    time_zone="Europe/Amsterdam",
    source=SEED_FILES["seed-003"],
    work_types=(
        WorkType(
            slug="maintenance",
            name="maintenance",
            notice=NoticeRule(
                NoticeUnit.BUSINESS_DAYS,
                1,
                where_possible=True,
                source="Where possible, we provide a minimum of one business day notice on all "
                "notifications.",
            ),
            notices=_SEED_003_NOTICES,
            source="Maintenance windows",
        ),
        WorkType(
            slug="emergency-maintenance",
            name="emergency maintenance",
            notice=NoticeRule(
                NoticeUnit.ASAP,
                source="Notifications following the above guidelines will be sent out as soon as "
                "possible, though due to the time-sensitive nature of critical issue work they "
                "may provide little notice.",
            ),
            notices=_SEED_003_NOTICES,
            source="If a critical issue is discovered requiring immediate response, we will begin "
            "work as soon as is practical.",
        ),
    ),
)

# --- seed 004 ---------------------------------------------------------------------------

_VIA_CHAT_AND_EMAIL = (
    "Any update, upgrades, releases, or other modifications to the platform shall be provided "
    "via Intercom chat and email."
)
_VALIDATED = (
    "Notification of patches and updates affecting security, and applying, testing, and "
    "validating the appropriate patches and updates and / or workarounds on a test version of "
    "the application before distribution;"
)

SEED_004 = Policy(
    slug="seed-004",
    name="Playvox support and maintenance",
    calendar_slug="us-support",
    time_zone="America/New_York",
    source=SEED_FILES["seed-004"],
    work_types=(
        WorkType(
            slug="security-patch",
            name="security patch",
            notice=NoticeRule(NoticeUnit.ASAP, source=_VALIDATED),
            notices=(
                NoticeSpec(
                    NoticeKind.ANNOUNCEMENT,
                    channels=(NoticeChannel.CHAT, NoticeChannel.EMAIL),
                    must_include=(Content.WHAT, Content.SECURITY_IMPACT),
                    source=_VIA_CHAT_AND_EMAIL,
                ),
                CANCELLATION,
            ),
            requires_validation_on_test_environment=True,
            source=_VALIDATED,
        ),
        WorkType(
            slug="update",
            name="update",
            notice=NoticeRule(
                NoticeUnit.ASAP,
                source="Providing and facilitating the installation of updates, upgrades and "
                "release as they are made available to other Playvox customers;",
            ),
            notices=(
                NoticeSpec(
                    NoticeKind.ANNOUNCEMENT,
                    channels=(NoticeChannel.CHAT, NoticeChannel.EMAIL),
                    must_include=(Content.WHAT, Content.DOCUMENTATION_CHANGES),
                    source="Notification of new or updated information pertaining to the platform "
                    "and user documentation; and",
                ),
                CANCELLATION,
            ),
            requires_validation_on_test_environment=True,
            source=_VALIDATED,
        ),
    ),
)

PRESETS: dict[str, Policy] = {p.slug: p for p in (SEED_000, SEED_001, SEED_002, SEED_003, SEED_004)}


def preset(slug: str) -> Policy:
    """A shipped policy by slug; an unknown slug raises ``PolicyError`` naming ``policy``."""
    try:
        return PRESETS[slug]
    except KeyError:
        known = ", ".join(PRESETS)
        raise PolicyError("policy", f"No policy preset {slug!r}; there are {known}.") from None

"""The notification plan: which notices a window gets, when each is due, and on which channel."""

import datetime as dt
from zoneinfo import ZoneInfo

from forewarn.calendars.engine import preset as calendar_preset
from forewarn.policies.plan import EventNotice, PlannedNotice, Work, notification_plan
from forewarn.policies.presets import SEED_000
from forewarn.policies.rules import (
    Content,
    NoticeChannel,
    NoticeKind,
    NoticeRule,
    NoticeSpec,
    WorkType,
)

AMS = ZoneInfo("Europe/Amsterdam")
NL = calendar_preset("nl-business")
# Announced 8 business hours ahead, reminded a week, a day and an hour before, started on the page.
CHANGE = WorkType(
    slug="change",
    name="change",
    notice=NoticeRule("business_hours", 8),
    notices=(
        NoticeSpec(NoticeKind.ANNOUNCEMENT),
        NoticeSpec(
            NoticeKind.REMINDER,
            offsets=(dt.timedelta(days=7), dt.timedelta(days=1), dt.timedelta(hours=1)),
        ),
        NoticeSpec(NoticeKind.START, channels=(NoticeChannel.STATUS_PAGE,)),
    ),
)


def ams(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=AMS)


def work(work_type: WorkType, now: dt.datetime) -> Work:
    return Work(work_type, NL, AMS, shutdown=False, interrupting=False, now=now.astimezone(dt.UTC))


def test_reminders_before_the_announcement_are_left_out():
    timed, events = notification_plan(
        work(CHANGE, ams(2026, 10, 5, 9)),
        ams(2026, 10, 14, 22).astimezone(dt.UTC),
        ams(2026, 10, 14, 23).astimezone(dt.UTC),
    )
    # Wednesday is open 08:30-17:00, so 8 business hours before 22:00 is 09:00; the reminders
    # 7 days and 1 day before would precede the announcement.
    assert timed == [
        PlannedNotice(
            NoticeKind.ANNOUNCEMENT,
            ams(2026, 10, 14, 9),
            "Announcement, at least 8 business hours before the start.",
        ),
        PlannedNotice(
            NoticeKind.REMINDER, ams(2026, 10, 14, 21), "Reminder 1 hour before the start."
        ),
        PlannedNotice(
            NoticeKind.START,
            ams(2026, 10, 14, 22),
            "The work begins.",
            channels=(NoticeChannel.STATUS_PAGE,),
        ),
    ]
    assert events == []


def test_a_change_or_cancellation_is_sent_when_it_happens():
    service_update = SEED_000.work_type("service-update")
    timed, events = notification_plan(
        work(service_update, ams(2026, 10, 1, 9)),
        ams(2026, 10, 13, 10).astimezone(dt.UTC),
        ams(2026, 10, 13, 12).astimezone(dt.UTC),
    )
    assert [(n.kind, n.due_at) for n in timed] == [
        (NoticeKind.ANNOUNCEMENT, ams(2026, 10, 8, 10)),
        (NoticeKind.START, ams(2026, 10, 13, 10)),
        (NoticeKind.COMPLETION, ams(2026, 10, 13, 12)),
    ]
    assert events == [
        EventNotice(
            NoticeKind.RESCHEDULE,
            "the window changes",
            "Notice of the new window.",
            channels=(NoticeChannel.STATUS_PAGE,),
        ),
        EventNotice(
            NoticeKind.CANCELLATION,
            "the work is cancelled",
            "Cancellation notice.",
            channels=(NoticeChannel.EMAIL, NoticeChannel.STATUS_PAGE),
        ),
    ]
    assert timed[0].must_include == (Content.SCHEDULED_TIME, Content.EXPECTED_IMPACT)

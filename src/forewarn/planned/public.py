"""What the public status page, its feeds and its Statuspage v2 JSON show of planned work.

Only published work (never a draft), and of it only public components. The status page reads
this module; nothing here knows of the status page: the caller hands in how a component is
written in JSON (``component_json``) and the page's id, as ``incidents.public`` does.

Each window is one scheduled maintenance in Statuspage's shape
(``/api/v2/scheduled-maintenances.json``): ``id`` (the work's public id, with ``-<n>`` per
occurrence of a recurring work), ``name``, ``status`` (``scheduled | in_progress | verifying
| completed``), ``created_at``, ``updated_at``, ``monitoring_at``, ``resolved_at``, ``impact``
(``none`` when every component stays operational, else ``maintenance``), ``shortlink``,
``started_at``, ``page_id``, ``incident_updates`` (``updates``), ``components``,
``scheduled_for`` and ``scheduled_until``.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Prefetch, QuerySet

from forewarn.catalog.models import Component, Visibility
from forewarn.catalog.statuses import LABELS, Status
from forewarn.incidents.public import changes_json, iso, month_bounds
from forewarn.markup import render_markdown
from forewarn.record.models import Event

from .lifecycle import PlannedState
from .models import AffectedComponent, Justification, PlannedWork, Window
from .notices import public_url
from .updates import Happening, Update, statuspage_status, window_updates

RECENT = 50  # Statuspage's scheduled-maintenances.json: "the 50 most recent"
SHOWN = [s for s in PlannedState if s.is_public]
RUNNING = [PlannedState.IN_PROGRESS, PlannedState.VERIFYING]
SUBJECT = "planned.plannedwork"
# The recorded kinds the page turns into updates (``updates``).
SAID = [
    "planned.published",
    "planned.rescheduled",
    "planned.started",
    "planned.ended",
    "planned.overrunning",
    "planned.extended",
    "planned.completed",
    "planned.cancelled",
]


@dataclass(frozen=True)
class PublicWindow:
    """One window of published work as a visitor sees it."""

    work: PlannedWork
    window: Window
    updates: list[Update]  # newest first
    components: list[Component]  # the public ones it affects
    expected: dict[int, str]  # component id -> the status it takes during the window

    @property
    def id(self) -> str:
        """Statuspage's id: the work's, and the occurrence's number when it repeats."""
        work = self.work
        return f"{work.public_id}-{self.window.index}" if work.rrule else work.public_id

    @property
    def status(self) -> str:
        return statuspage_status(self.window.state)

    @property
    def is_cancelled(self) -> bool:
        return self.window.state == PlannedState.CANCELLED

    @property
    def state_label(self) -> str:
        return self.window.get_state_display()

    @property
    def impact(self) -> str:
        held = {s for s in self.expected.values()}
        return "none" if held <= {"operational"} else "maintenance"

    @property
    def url(self) -> str:
        return public_url(self.work)

    @property
    def resolved_at(self) -> datetime | None:
        return self.window.completed_at or self.window.cancelled_at

    @property
    def updated_at(self) -> datetime:
        times = [self.work.published_at or self.work.created_at, *(u.at for u in self.updates)]
        return max(times)

    def affected(self) -> list[tuple[Component, str]]:
        """Each public component with the status it takes during the window, in words."""
        return [(c, LABELS[Status(self.expected[c.pk])]) for c in self.components]


@dataclass(frozen=True)
class PublicWork:
    """A published work item with all its windows: its own page."""

    work: PlannedWork
    windows: list[PublicWindow]
    description_html: str
    justifications: list[Justification]

    @property
    def url(self) -> str:
        return public_url(self.work)

    @property
    def next_window(self) -> PublicWindow | None:
        """The window running now, else the next one to come, else the last one."""
        for states in (RUNNING, [PlannedState.SCHEDULED]):
            found = [w for w in self.windows if w.window.state in states]
            if found:
                return found[0]
        return self.windows[-1] if self.windows else None

    @property
    def later_windows(self) -> list[PublicWindow]:
        """The scheduled windows after ``next_window``."""
        shown = self.next_window
        return [
            w
            for w in self.windows
            if w.window.state == PlannedState.SCHEDULED
            and shown
            and w.window.index > shown.window.index
        ]


def _windows() -> QuerySet[Window]:
    return (
        Window.objects.filter(state__in=SHOWN, work__state__in=SHOWN)
        .select_related("work__work_type")
        .prefetch_related(
            Prefetch(
                "work__affected",
                queryset=AffectedComponent.objects.select_related("component__group"),
            )
        )
    )


def _happenings(works: Iterable[PlannedWork]) -> dict[str, list[Happening]]:
    ids = {str(w.pk) for w in works}
    found: dict[str, list[Happening]] = {i: [] for i in ids}
    rows = Event.objects.filter(
        subject_type=SUBJECT, subject_id__in=ids, kind__in=SAID
    ).values_list("pk", "kind", "at", "details", "subject_id")
    for pk, kind, at, details, subject in rows:
        found[subject].append(Happening(pk, kind, at, details))
    return found


def _zone() -> ZoneInfo:
    return ZoneInfo(settings.PROVIDER_TIME_ZONE)


def _shown(windows: list[Window]) -> list[PublicWindow]:
    said = _happenings({w.work for w in windows})
    zone = _zone()
    found = []
    for window in windows:
        work = window.work
        effects = [a for a in work.affected.all()]
        public = [a.component for a in effects if a.component.visibility == Visibility.PUBLIC]
        found.append(
            PublicWindow(
                work=work,
                window=window,
                updates=window_updates(
                    said[str(work.pk)],
                    window.index,
                    zone=zone,
                    work_type=work.work_type.name,
                    impact=work.impact_text,
                    prefix=f"{work.public_id}-",
                ),
                components=sorted(public, key=lambda c: (c.position, c.name)),
                expected={a.component_id: a.expected_status for a in effects},
            )
        )
    return found


def upcoming() -> list[PublicWindow]:
    """Scheduled windows, soonest first (Statuspage's ``upcoming.json``)."""
    return _shown(list(_windows().filter(state=PlannedState.SCHEDULED).order_by("start_at", "pk")))


def active() -> list[PublicWindow]:
    """Windows in progress or verifying, the earliest begun first (``active.json``)."""
    return _shown(list(_windows().filter(state__in=RUNNING).order_by("start_at", "pk")))


def current() -> list[PublicWindow]:
    """What ``summary.json`` lists: the active windows, then the upcoming ones (one query)."""
    found = _windows().filter(state__in=[*RUNNING, PlannedState.SCHEDULED])
    return _shown(
        sorted(found, key=lambda w: (w.state == PlannedState.SCHEDULED, w.start_at, w.pk))
    )


def recent(limit: int = RECENT) -> list[PublicWindow]:
    """The latest windows by their start, whatever their state (``scheduled-maintenances.json``)."""
    return _shown(list(_windows().order_by("-start_at", "-pk")[:limit]))


def in_month(year: int, month: int, zone: ZoneInfo) -> list[PublicWindow]:
    """The windows that began (or begin) in a month of ``zone``, newest first (the history)."""
    start, end = month_bounds(year, month, zone)
    found = _windows().filter(start_at__gte=start, start_at__lt=end)
    return _shown(list(found.order_by("-start_at", "-pk")))


def first_month(zone: ZoneInfo) -> date | None:
    """The first day of the month of the earliest published window (None without any)."""
    earliest = _windows().order_by("start_at").first()
    return earliest.start_at.astimezone(zone).date().replace(day=1) if earliest else None


def for_component(component: Component) -> list[PublicWindow]:
    """Every published window affecting ``component``, by start (its calendar feed)."""
    found = _windows().filter(work__affected__component=component).order_by("start_at", "pk")
    return _shown(list(found))


def every_window() -> list[PublicWindow]:
    """Every published window, by start (the calendar feed of all work)."""
    return _shown(list(_windows().order_by("start_at", "pk")))


def page_sections() -> tuple[list[PublicWork], list[PublicWork]]:
    """The page's two lists: work in progress, and work to come (each work once, shown by its
    next window)."""
    works: dict[int, list[PublicWindow]] = {}
    for shown in sorted(current(), key=lambda w: (w.window.start_at, w.window.index)):
        works.setdefault(shown.work.pk, []).append(shown)
    items = [_work(found[0].work, found, with_text=False) for found in works.values()]
    running = [i for i in items if i.next_window.window.state in RUNNING]
    coming = [i for i in items if i not in running]
    return running, coming


def by_public_id(public_id: str) -> PublicWork | None:
    """A published work item with every window, for its own page."""
    work = PlannedWork.objects.filter(public_id=public_id, state__in=SHOWN).first()
    if work is None:
        return None
    windows = _shown(list(_windows().filter(work=work).order_by("index")))
    return _work(work, windows, with_text=True)


def _work(work: PlannedWork, windows: list[PublicWindow], *, with_text: bool) -> PublicWork:
    return PublicWork(
        work=work,
        windows=windows,
        description_html=render_markdown(work.description) if with_text else "",
        justifications=list(work.justifications.all()) if with_text else [],
    )


def recent_updates(limit: int = RECENT) -> list[tuple[PublicWindow, Update]]:
    """The latest updates of published work, newest first, with their window (the Atom feed)."""
    found = [(shown, u) for shown in recent(limit) for u in shown.updates]
    found.sort(key=lambda pair: pair[1].at, reverse=True)
    return found[:limit]


# Statuspage v2 JSON ---------------------------------------------------------------------------


def maintenance_json(
    shown: PublicWindow, *, page_id: str, component_json: Callable[[Component], dict]
) -> dict:
    """One window as a Statuspage scheduled maintenance."""
    window = shown.window
    codes = {c.slug: c for c in shown.components}
    return {
        "id": shown.id,
        "name": shown.work.title,
        "status": shown.status,
        "created_at": iso(shown.work.published_at or shown.work.created_at),
        "updated_at": iso(shown.updated_at),
        "monitoring_at": None,
        "resolved_at": iso(shown.resolved_at),
        "impact": shown.impact,
        "shortlink": shown.url,
        "started_at": iso(window.started_at or window.start_at),
        "page_id": page_id,
        "incident_updates": [_update_json(u, shown, codes) for u in shown.updates],
        "components": [component_json(c) for c in shown.components],
        "scheduled_for": iso(window.start_at),
        "scheduled_until": iso(window.end_at),
    }


# The step a notice of planned work tells, as Statuspage's status of a scheduled maintenance
# (the others, an extension or a release notice, keep the status the window had).
NOTICE_STATUS = {
    "announcement": "scheduled",
    "reminder": "scheduled",
    "shutdown_reminders": "scheduled",
    "reschedule": "scheduled",
    "start": "in_progress",
    "completion": "completed",
    "cancellation": "completed",
}


def notice_json(
    notice, *, page_id: str, component_json: Callable[[Component], dict]
) -> dict | None:
    """The window a notice of planned work is about, as Statuspage sends a scheduled
    maintenance to its webhook subscribers (an ``incident`` with ``scheduled_for``,
    ``scheduled_until`` and impact ``maintenance``), *as it stood when the notice was due*: the
    updates posted by then, newest first, and the status of the step the notice tells, even
    when it is delivered (or retried) later. None when the notice is not about a published
    window (its key is ``planned:<work>:<window>:…``, ``notices.queue``)."""
    parts = notice.key.split(":")
    if len(parts) < 3 or parts[0] != "planned" or not (parts[1] + parts[2]).isdigit():
        return None
    window = _windows().filter(work_id=int(parts[1]), index=int(parts[2])).first()
    if window is None:
        return None
    (shown,) = _shown([window])
    told = _told(shown.updates, notice)
    step = NOTICE_STATUS.get(notice.kind.removeprefix("planned."))
    status = step or (told[0].status if told else shown.status)
    found = maintenance_json(
        replace(shown, updates=told), page_id=page_id, component_json=component_json
    )
    found["status"] = status
    if status != "completed":
        found["resolved_at"] = None
    return found


def _told(updates: list[Update], notice) -> list[Update]:
    """The updates (newest first) posted by the time ``notice`` was due or made. The step that
    queued it is recorded just after it, in the same transaction: that update is told too."""
    cutoff = max(notice.created_at, notice.due_at)
    told = [u for u in updates if u.at <= cutoff]
    step = NOTICE_STATUS.get(notice.kind.removeprefix("planned."))
    later = [u for u in reversed(updates) if u.at > cutoff]  # oldest first
    if step and later and later[0].status == step and (not told or told[0].status != step):
        told = [later[0], *told]
    return told


def _update_json(update: Update, shown: PublicWindow, codes: dict[str, Component]) -> dict:
    return {
        "id": update.id,
        "status": update.status,
        "body": update.body,
        "incident_id": shown.id,
        "created_at": iso(update.at),
        "updated_at": iso(update.at),
        "display_at": iso(update.at),
        "affected_components": changes_json(list(update.changes), codes),
        "deliver_notifications": True,
    }

"""Pure Python, no Django. Response-time attainment (docs/support.md, "Reports"): per
organization, priority and quarter, how many first responses met their target and how many
breached it, and the median and 90th percentile of the first-response time in business
minutes.

A request counts in the quarter its response clock started (its creation; for an
informational request opened by a notice, when the customer first wrote), in the provider's
zone. Its first response is ``measure``'d on its clock: business time to the first answer
(staff's first public reply, or solving it, or putting it out of scope), pauses left out,
against the target it had then. Outcomes:

- **met**: answered within the target; **breached**: answered late, or not answered and
  already past due; **pending**: not answered and not yet due (left out of the attainment).
- ``attainment_pct`` = met / (met + breached) × 100; none when nothing has an outcome yet.
- The median and the 90th percentile are over the answered requests (an unanswered one has
  no response time yet); the percentile is the nearest rank: the smallest time that at least
  90 % of the answers took no longer than.
"""

import json
import math
import statistics
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from enum import StrEnum, unique

from forewarn.csvexport import csv_text

from .clocks import Clock
from .lifecycle import Priority

_ZERO = timedelta(0)
PRIORITY_ORDER = {p.value: i for i, p in enumerate(Priority)}


@unique
class Outcome(StrEnum):
    MET = "met"
    BREACHED = "breached"
    PENDING = "pending"


@dataclass(frozen=True, slots=True)
class Sample:
    """One request's first response as the report counts it."""

    organization: str  # slug
    organization_name: str
    priority: str
    quarter: str  # 2026-Q4
    outcome: Outcome
    business_minutes: float | None  # to the first response; None while unanswered
    target_minutes: float
    reference: str = ""


def measure(
    clock: Clock, responded_at: datetime | None, now: datetime
) -> tuple[Outcome, float | None]:
    """The outcome of a first-response clock at ``now`` and, once answered, its business minutes."""
    if responded_at is not None:
        elapsed = clock.elapsed(responded_at)
        outcome = Outcome.MET if elapsed <= clock.target else Outcome.BREACHED
        return outcome, round(elapsed.total_seconds() / 60, 1)
    return (Outcome.BREACHED if clock.left(now) < _ZERO else Outcome.PENDING), None


def quarter_of(local: datetime) -> str:
    """``2026-Q4`` for a local time."""
    return f"{local.year}-Q{(local.month - 1) // 3 + 1}"


def nearest_rank(values: list[float], percent: float) -> float | None:
    """The nearest-rank percentile of ``values`` (sorted or not); None for none."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(percent / 100 * len(ordered)) - 1)]


@dataclass(frozen=True, slots=True)
class Line:
    """Attainment of one organization's requests of one priority in one quarter."""

    quarter: str
    organization: str
    organization_name: str
    priority: str
    requests: int
    met: int
    breached: int
    pending: int
    attainment_pct: float | None
    median_minutes: float | None
    p90_minutes: float | None
    target_minutes: float | None  # the target when all shared it, else None
    breached_requests: tuple[str, ...] = ()


def attainment(samples: Iterable[Sample]) -> list[Line]:
    """One line per quarter, organization and priority that has requests, in that order
    (organizations by name, priorities High, Normal, unclassified)."""
    groups: dict[tuple[str, str, str], list[Sample]] = {}
    names: dict[str, str] = {}
    for sample in samples:
        groups.setdefault((sample.quarter, sample.organization, sample.priority), []).append(sample)
        names[sample.organization] = sample.organization_name
    lines = []
    for (quarter, organization, priority), found in groups.items():
        count = {o: sum(1 for s in found if s.outcome == o) for o in Outcome}
        decided = count[Outcome.MET] + count[Outcome.BREACHED]
        times = [s.business_minutes for s in found if s.business_minutes is not None]
        targets = {s.target_minutes for s in found}
        lines.append(
            Line(
                quarter=quarter,
                organization=organization,
                organization_name=names[organization],
                priority=priority,
                requests=len(found),
                met=count[Outcome.MET],
                breached=count[Outcome.BREACHED],
                pending=count[Outcome.PENDING],
                attainment_pct=round(100 * count[Outcome.MET] / decided, 1) if decided else None,
                median_minutes=round(statistics.median(times), 1) if times else None,
                p90_minutes=nearest_rank(times, 90),
                target_minutes=targets.pop() if len(targets) == 1 else None,
                breached_requests=tuple(
                    s.reference for s in found if s.outcome == Outcome.BREACHED and s.reference
                ),
            )
        )
    lines.sort(
        key=lambda line: (
            line.quarter,
            line.organization_name.casefold(),
            line.organization,
            PRIORITY_ORDER.get(line.priority, len(PRIORITY_ORDER)),
        )
    )
    return lines


# Exports ---------------------------------------------------------------------------------

CSV_COLUMNS = [
    "quarter",
    "organization",
    "organization_name",
    "priority",
    "requests",
    "met",
    "breached",
    "pending",
    "attainment_pct",
    "median_business_minutes",
    "p90_business_minutes",
    "target_business_minutes",
    "breached_requests",
]


def as_json(lines: list[Line], *, period: str, zone: str, generated_at: datetime) -> dict:
    """What the API and the console's JSON download give."""
    return {
        "period": period,
        "zone": zone,
        "generated_at": generated_at.isoformat(),
        "percentile": "nearest rank, over answered requests",
        "lines": [
            {
                **{k: v for k, v in asdict(line).items() if k != "breached_requests"},
                "breached_requests": list(line.breached_requests),
            }
            for line in lines
        ],
    }


def as_csv(lines: list[Line]) -> str:
    """The lines as CSV (RFC 4180, formulas neutralised by ``csvexport``)."""
    return csv_text(
        CSV_COLUMNS,
        (
            [
                line.quarter,
                line.organization,
                line.organization_name,
                line.priority,
                line.requests,
                line.met,
                line.breached,
                line.pending,
                line.attainment_pct,
                line.median_minutes,
                line.p90_minutes,
                line.target_minutes,
                " ".join(line.breached_requests),
            ]
            for line in lines
        ),
    )


def as_json_text(lines: list[Line], **context) -> str:
    return json.dumps(as_json(lines, **context), ensure_ascii=False, indent=1)

"""What a notification means: which alerts each rule takes, the components, statuses and priority.

Pure Python, no Django.

A rule (as an admin writes it, in order) has label matchers, the components its alerts
concern, the status those components take while its alerts fire, a priority, optional
overrides by the alerts' severity label (``{"critical": {"priority": "P1", "status":
"major_outage"}}``) and whether the incident is published at once. Each firing alert is taken
by the first rule it matches; an alert no rule matches is ignored. The group's incident gets
the most urgent priority among its alerts, each component the worst status any alert gives it,
and is published at once if any matched rule says so.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from forewarn.catalog.statuses import SEVERITY, Status
from forewarn.incidents.priorities import Priority

from .matchers import Matcher, matches_all
from .payload import Alert

DEFAULT_SEVERITY_LABEL = "severity"


class RuleError(ValueError):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Outcome:
    """What a severity (or a rule's default) leads to."""

    priority: Priority
    status: Status


@dataclass(frozen=True)
class Rule:
    key: int  # the stored rule's id
    matchers: tuple[Matcher, ...]
    components: tuple[str, ...]  # slugs
    default: Outcome
    by_severity: Mapping[str, Outcome] = field(default_factory=dict)
    severity_label: str = DEFAULT_SEVERITY_LABEL
    publish_at_once: bool = False

    def takes(self, alert: Alert) -> bool:
        return matches_all(self.matchers, alert.labels)

    def outcome(self, alert: Alert) -> Outcome:
        return self.by_severity.get(alert.labels.get(self.severity_label, ""), self.default)


@dataclass(frozen=True)
class Plan:
    """What the firing alerts of a group call for; ``statuses`` empty: nothing matched."""

    statuses: dict[str, Status]  # component slug -> status
    priority: Priority | None
    publish_at_once: bool
    taken: dict[str, int]  # alert fingerprint -> rule key
    ignored: tuple[str, ...]  # fingerprints no rule matched


def plan(alerts: Iterable[Alert], rules: Iterable[Rule]) -> Plan:
    rules = list(rules)
    statuses: dict[str, Status] = {}
    priority, publish, taken, ignored = None, False, {}, []
    for alert in alerts:
        rule = next((r for r in rules if r.takes(alert)), None)
        if rule is None:
            ignored.append(alert.fingerprint)
            continue
        taken[alert.fingerprint] = rule.key
        outcome = rule.outcome(alert)
        if priority is None or outcome.priority.rank < priority.rank:
            priority = outcome.priority
        publish = publish or rule.publish_at_once
        for slug in rule.components:
            now = statuses.get(slug)
            if now is None or SEVERITY[outcome.status] > SEVERITY[now]:
                statuses[slug] = outcome.status
    return Plan(statuses, priority, publish, taken, tuple(ignored))


# --- reading what an admin wrote ----------------------------------------------------------------

ALERT_STATUSES = tuple(s for s in Status if s != Status.OPERATIONAL)


def outcome_of(priority: str, status: str, field: str) -> Outcome:
    try:
        chosen = Priority(priority)
    except ValueError:
        raise RuleError(
            field, f"'{priority}' is not a priority; use one of {', '.join(Priority)}."
        ) from None
    if status not in ALERT_STATUSES:
        raise RuleError(
            field,
            f"'{status}' is not a status an alert can set; use one of {', '.join(ALERT_STATUSES)}.",
        )
    return Outcome(chosen, Status(status))


def severity_map(raw: object) -> dict[str, Outcome]:
    """``{"critical": {"priority": "P1", "status": "major_outage"}, …}`` read and checked."""
    if not isinstance(raw, dict):
        raise RuleError(
            "by_severity", 'Expected {"<severity>": {"priority": "P1", "status": "major_outage"}}.'
        )
    if len(raw) > 20:
        raise RuleError("by_severity", "At most 20 severities.")
    found = {}
    for severity, entry in raw.items():
        if (
            not isinstance(entry, dict)
            or set(entry) - {"priority", "status"}
            or len(severity) > 100
        ):
            raise RuleError(
                "by_severity", f'{severity[:100]}: expected {{"priority": …, "status": …}}.'
            )
        found[severity] = outcome_of(
            entry.get("priority", ""), entry.get("status", ""), "by_severity"
        )
    return found

"""Alertmanager's webhook notification, version 4, read into plain values.

Pure Python, no Django.

The shape (Alertmanager's ``notify/webhook`` and its documentation): ``version`` "4",
``groupKey``, ``truncatedAlerts``, ``status`` (``firing`` | ``resolved``), ``receiver``,
``groupLabels``, ``commonLabels``, ``commonAnnotations``, ``externalURL`` and ``alerts``, each
with ``status``, ``labels``, ``annotations``, ``startsAt``, ``endsAt``, ``generatorURL`` and
``fingerprint``. ``read`` checks what Forewarn relies on and bounds its size; anything else
is ignored. A problem raises ``PayloadError`` naming the field.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

VERSION = "4"
STATUSES = ("firing", "resolved")
MAX_ALERTS = 1_000
MAX_TEXT = 2_000  # a label's or an annotation's value
MAX_LABELS = 100
MAX_KEY = 200  # a group key is Alertmanager's route path and group labels


class PayloadError(ValueError):
    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field


@dataclass(frozen=True)
class Alert:
    status: str
    labels: dict[str, str]
    annotations: dict[str, str]
    starts_at: datetime | None
    fingerprint: str

    @property
    def is_firing(self) -> bool:
        return self.status == "firing"


@dataclass(frozen=True)
class Notification:
    group_key: str
    status: str
    receiver: str
    group_labels: dict[str, str]
    common_labels: dict[str, str]
    common_annotations: dict[str, str]
    external_url: str
    alerts: tuple[Alert, ...]
    digest: str  # of the notification as sent: a retry or duplicate has the same

    @property
    def firing(self) -> tuple[Alert, ...]:
        return tuple(a for a in self.alerts if a.is_firing)


def read(body: object) -> Notification:
    """The notification in ``body`` (parsed JSON); PayloadError naming the first bad field."""
    if not isinstance(body, dict):
        raise PayloadError("body", "expected a JSON object (Alertmanager's webhook payload).")
    version = body.get("version")
    if version != VERSION:
        raise PayloadError("version", f'expected "{VERSION}", got {json.dumps(version)[:40]}.')
    status = _word(body, "status", STATUSES)
    alerts = body.get("alerts")
    if not isinstance(alerts, list) or not alerts:
        raise PayloadError("alerts", "expected a list of at least one alert.")
    if len(alerts) > MAX_ALERTS:
        raise PayloadError("alerts", f"at most {MAX_ALERTS} alerts in one notification.")
    return Notification(
        group_key=_text(body, "groupKey", MAX_KEY, required=True),
        status=status,
        receiver=_text(body, "receiver", MAX_KEY),
        group_labels=_labels(body, "groupLabels"),
        common_labels=_labels(body, "commonLabels"),
        common_annotations=_labels(body, "commonAnnotations"),
        external_url=_text(body, "externalURL", MAX_TEXT),
        alerts=tuple(_alert(a, f"alerts.{n}") for n, a in enumerate(alerts)),
        digest=hashlib.sha256(
            json.dumps(body, sort_keys=True, separators=(",", ":")).encode()
        ).hexdigest(),
    )


def _alert(raw: object, where: str) -> Alert:
    if not isinstance(raw, dict):
        raise PayloadError(where, "expected an object.")
    labels = _labels(raw, "labels", where)
    fingerprint = _text(raw, "fingerprint", 64, where=where)
    return Alert(
        status=_word(raw, "status", STATUSES, where),
        labels=labels,
        annotations=_labels(raw, "annotations", where),
        starts_at=_instant(raw, "startsAt", where),
        # Alertmanager sends a fingerprint of the labels; compute one the same way if absent.
        fingerprint=fingerprint or label_fingerprint(labels),
    )


def label_fingerprint(labels: dict[str, str]) -> str:
    text = "\xff".join(f"{k}\xff{v}" for k, v in sorted(labels.items()))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _name(where: str, field: str) -> str:
    return f"{where}.{field}" if where else field


def _word(raw: dict, field: str, allowed: tuple[str, ...], where: str = "") -> str:
    value = raw.get(field)
    if value not in allowed:
        raise PayloadError(
            _name(where, field),
            f"expected one of {', '.join(allowed)}, got {json.dumps(value)[:40]}.",
        )
    return value


def _text(raw: dict, field: str, limit: int, *, required: bool = False, where: str = "") -> str:
    value = raw.get(field, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise PayloadError(_name(where, field), "expected a string.")
    if required and not value:
        raise PayloadError(_name(where, field), "is required.")
    if len(value) > limit:
        raise PayloadError(_name(where, field), f"at most {limit} characters.")
    return value


def _labels(raw: dict, field: str, where: str = "") -> dict[str, str]:
    value = raw.get(field) or {}
    name = _name(where, field)
    if not isinstance(value, dict):
        raise PayloadError(name, "expected an object of strings.")
    if len(value) > MAX_LABELS:
        raise PayloadError(name, f"at most {MAX_LABELS} entries.")
    for key, text in value.items():
        if not isinstance(text, str) or len(key) > MAX_KEY or len(text) > MAX_TEXT:
            raise PayloadError(
                f"{name}.{key[:MAX_KEY]}", f"expected a string of at most {MAX_TEXT} characters."
            )
    return dict(value)


def _instant(raw: dict, field: str, where: str) -> datetime | None:
    value = raw.get(field)
    if value in (None, ""):
        return None
    if not isinstance(value, str) or len(value) > 64:
        raise PayloadError(_name(where, field), "expected an RFC 3339 instant.")
    try:
        # Go writes nanoseconds; Python reads at most microseconds.
        head, dot, tail = value.partition(".")
        if dot:
            digits = "".join(c for c in tail if c.isdigit())
            tail = digits[:6] + tail[len(digits) :]
        parsed = datetime.fromisoformat(head + dot + tail if dot else head)
    except ValueError:
        raise PayloadError(_name(where, field), f"'{value}' is not an RFC 3339 instant.") from None
    if parsed.utcoffset() is None:
        raise PayloadError(_name(where, field), f"'{value}' has no UTC offset.")
    return parsed

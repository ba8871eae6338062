"""Deprecations made machine-readable: the values of the ``Deprecation`` (RFC 9745) and
``Sunset`` (RFC 8594) response headers, and the ``Link`` relations that go with them.

Pure Python, no Django. ``Deprecation`` is a Structured Field Date, ``@`` and the Unix
seconds (RFC 9745 §2.1); ``Sunset`` is an HTTP-date (RFC 8594 §3, IMF-fixdate). Both in UTC.
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime


class SunsetError(ValueError):
    """A deprecation whose dates cannot be published; names the field."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def deprecation_header(at: datetime) -> str:
    """RFC 9745: ``Deprecation: @1688169599``."""
    if at.tzinfo is None:
        raise SunsetError("deprecated_at", "Must carry a time zone.")
    return f"@{int(at.timestamp())}"


def sunset_header(at: datetime) -> str:
    """RFC 8594: ``Sunset: Sat, 31 Dec 2027 23:59:59 GMT``."""
    if at.tzinfo is None:
        raise SunsetError("sunset_at", "Must carry a time zone.")
    return format_datetime(at.astimezone(UTC), usegmt=True)


def check(deprecated_at: datetime, sunset_at: datetime | None) -> None:
    """RFC 9745 §3: the sunset must not come before the deprecation."""
    if sunset_at is not None and sunset_at < deprecated_at:
        raise SunsetError("sunset_at", "The sunset cannot come before the deprecation.")


@dataclass(frozen=True)
class Headers:
    deprecation: str
    sunset: str
    link: str

    def as_dict(self) -> dict[str, str]:
        found = {"Deprecation": self.deprecation}
        if self.sunset:
            found["Sunset"] = self.sunset
        if self.link:
            found["Link"] = self.link
        return found


def headers(deprecated_at: datetime, sunset_at: datetime | None, link: str = "") -> Headers:
    """The header values a provider copies into the responses of what is deprecated."""
    check(deprecated_at, sunset_at)
    links = []
    if link:
        links.append(f'<{link}>; rel="deprecation"; type="text/html"')
        if sunset_at is not None:
            links.append(f'<{link}>; rel="sunset"; type="text/html"')
    return Headers(
        deprecation=deprecation_header(deprecated_at),
        sunset=sunset_header(sunset_at) if sunset_at else "",
        link=", ".join(links),
    )

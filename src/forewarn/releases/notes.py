"""Release notes: their sections, their Markdown, and the words of each release notice.

Pure Python, no Django. A version's notes are Markdown per section (new, improved, fixed,
security, breaking changes, API changes); rendering goes through ``forewarn.markup`` like
every other text, so nothing unsafe survives. The notices say what was released, which
kind of release it is, the security advisories and the documentation it changed (seed 004:
"notification of updated documentation") and link to the notes on the web.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from forewarn import limits


class Section(StrEnum):
    NEW = "new"
    IMPROVED = "improved"
    FIXED = "fixed"
    SECURITY = "security"
    BREAKING = "breaking"
    API = "api"


SECTION_TITLES = {
    Section.NEW: "New",
    Section.IMPROVED: "Improved",
    Section.FIXED: "Fixed",
    Section.SECURITY: "Security",
    Section.BREAKING: "Breaking changes",
    Section.API: "API changes",
}


class NotesError(ValueError):
    """Notes that cannot be kept: an unknown section or a text too long; names the section."""

    def __init__(self, section: str, message: str):
        super().__init__(message)
        self.section = section


def clean(notes: Mapping[str, str] | None) -> dict[str, str]:
    """The notes with known sections only, stripped, empty ones dropped, in section order."""
    given = dict(notes or {})
    unknown = sorted(set(given) - {s.value for s in Section})
    if unknown:
        known = ", ".join(s.value for s in Section)
        raise NotesError(unknown[0], f"Unknown section {unknown[0]!r}; use one of {known}.")
    cleaned = {}
    for section in Section:
        text = str(given.get(section.value) or "").strip()
        if len(text) > limits.TEXT:
            raise NotesError(section.value, f"At most {limits.TEXT} characters.")
        if text:
            cleaned[section.value] = text
    return cleaned


def markdown(notes: Mapping[str, str]) -> str:
    """All sections as one Markdown document, each under its heading."""
    parts = []
    for section in Section:
        text = (notes.get(section.value) or "").strip()
        if text:
            parts.append(f"### {SECTION_TITLES[section]}\n\n{text}")
    return "\n\n".join(parts)


@dataclass(frozen=True)
class Page:
    title: str
    url: str


@dataclass(frozen=True)
class About:
    """What a release notice talks about."""

    product: str
    number: str
    kind_label: str
    url: str
    notes: Mapping[str, str] = field(default_factory=dict)
    security: bool = False
    advisories: Sequence[str] = ()
    documentation: Sequence[Page] = ()
    organization: str = ""  # a client-specific hotfix: made for this organization
    reason: str = ""  # a withdrawal's reason


def subject(about: About, *, withdrawn: bool = False) -> str:
    if withdrawn:
        return f"Withdrawn: {about.product} {about.number}"
    prefix = "Security release" if about.security else about.kind_label
    return f"{prefix}: {about.product} {about.number}"


def body(about: About, *, withdrawn: bool = False) -> str:
    lines = []
    if withdrawn:
        lines.append(f"**{about.product} {about.number}** has been withdrawn.")
        if about.reason:
            lines.append(f"Reason: {about.reason}")
    else:
        lines.append(
            f"**{about.product} {about.number}** ({about.kind_label.lower()}) is released."
        )
        if about.organization:
            lines.append(f"This hotfix was made for {about.organization}.")
        if about.security:
            advisories = ", ".join(about.advisories) or "see the notes"
            lines.append(f"It fixes security vulnerabilities ({advisories}).")
        text = markdown(about.notes)
        if text:
            lines.append(text)
        if about.documentation:
            pages = "\n".join(f"- [{p.title}]({p.url})" for p in about.documentation)
            lines.append(f"### Updated documentation\n\n{pages}")
    if about.url:
        lines.append(f"Release notes: <{about.url}>")
    return "\n\n".join(lines)


def announcement_subject(about: About) -> str:
    return f"Coming: {about.product} {about.number} ({about.kind_label.lower()})"


def announcement(about: About) -> str:
    """Ahead of a major version or an API change (seed 002: 15 calendar days, 15 working
    days): what is coming, when (the time below, in the reader's zone) and its notes."""
    lines = [
        f"**{about.product} {about.number}** ({about.kind_label.lower()}) is planned for the "
        "time below."
    ]
    text = markdown(about.notes)
    if text:
        lines.append(text)
    if about.url:
        lines.append(f"Release notes: <{about.url}>")
    return "\n\n".join(lines)


def planned_description(about: About) -> str:
    """The description of the planned work a major version or an API change comes with: it
    carries the notes, so the announcement tells what is coming."""
    text = markdown(about.notes)
    head = f"{about.product} {about.number} ({about.kind_label.lower()})."
    link = f"Release notes: <{about.url}>" if about.url else ""
    return "\n\n".join(p for p in (head, text, link) if p)

"""The JSON shapes of versions and deprecations, shared by the public endpoints and the API."""

from forewarn.markup import render_markdown

from . import notes, sunset
from .models import Deprecation, Version
from .notices import public_url


def notes_html(version: Version) -> list[dict]:
    """Each section of the notes, rendered (sanitised) for a page or a feed."""
    return [
        {
            "section": section.value,
            "title": notes.SECTION_TITLES[section],
            "html": render_markdown(version.notes[section.value]),
        }
        for section in notes.Section
        if version.notes.get(section.value)
    ]


def deprecation_json(found: Deprecation) -> dict:
    values = sunset.headers(found.deprecated_at, found.sunset_at, found.link)
    return {
        "subject": found.subject,
        "replacement": found.replacement,
        "deprecated_at": found.deprecated_at.isoformat(),
        "sunset_at": found.sunset_at.isoformat() if found.sunset_at else None,
        "link": found.link,
        "headers": values.as_dict(),
    }


def version_json(version: Version) -> dict:
    return {
        "product": version.product.slug,
        "number": version.number,
        "kind": version.kind,
        "state": version.state,
        "title": version.title,
        "release_at": version.release_at.isoformat(),
        "released_at": version.released_at.isoformat() if version.released_at else None,
        "withdrawn_at": version.withdrawn_at.isoformat() if version.withdrawn_at else None,
        "withdrawn_reason": version.withdrawn_reason,
        "security": version.security,
        "advisories": list(version.advisories),
        "documentation": list(version.documentation),
        "api_change": version.api_change,
        "notes": {
            "markdown": dict(version.notes),
            "html": notes_html(version),
        },
        "deprecations": [deprecation_json(d) for d in version.deprecations.all()],
        "url": public_url(version),
    }

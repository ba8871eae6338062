"""Seed 002's version numbers, the kind of each release, and the pure header values."""

from datetime import UTC, datetime

import pytest

from forewarn.releases import notes, sunset
from forewarn.releases.numbering import (
    Number,
    ReleaseKind,
    State,
    VersionError,
    is_transition_allowed,
    kind_after,
    parse,
)


def test_numbers_as_seed_002_writes_them():
    assert parse("7.12") == Number(7, 12, 0)
    assert parse("7.05") == Number(7, 5, 0)
    assert parse("7.05").minor == 5
    assert parse("7.12.3") == Number(7, 12, 3)
    assert str(parse("7.05")) == "7.05"
    assert str(parse(" 7.12.3 ")) == "7.12.3"


@pytest.mark.parametrize("text", ["7.1", "7", "7.123", "v7.12", "7.12.0", "07.12", "", "7.12.3.1"])
def test_a_number_that_does_not_fit_is_refused_with_the_expected_form(text):
    with pytest.raises(VersionError) as caught:
        parse(text)
    assert "N.NN" in str(caught.value)
    assert repr(text.strip()) in str(caught.value)


@pytest.mark.parametrize(
    ("previous", "number", "kind"),
    [
        ("7.09", "7.10", ReleaseKind.MINOR),
        ("7.99", "8.00", ReleaseKind.MAJOR),
        ("7.12", "7.12.3", ReleaseKind.HOTFIX),
        ("7.12", "8.01", ReleaseKind.MAJOR),
        (None, "1.00", ReleaseKind.MAJOR),
        (None, "4.07", ReleaseKind.MINOR),
    ],
)
def test_the_kind_follows_from_the_previous_version(previous, number, kind):
    assert kind_after(parse(previous) if previous else None, parse(number)) is kind


def test_states_move_forward_only():
    assert is_transition_allowed(State.PLANNED, State.RELEASED)
    assert is_transition_allowed(State.RELEASED, State.WITHDRAWN)
    assert is_transition_allowed(State.PLANNED, State.WITHDRAWN)
    assert not is_transition_allowed(State.WITHDRAWN, State.RELEASED)
    assert not is_transition_allowed(State.RELEASED, State.PLANNED)


def test_notes_keep_known_sections_in_order():
    assert notes.clean({"fixed": " a ", "new": "b", "api": ""}) == {"new": "b", "fixed": "a"}
    with pytest.raises(notes.NotesError) as caught:
        notes.clean({"gossip": "x"})
    assert caught.value.section == "gossip"
    text = notes.markdown({"new": "Scanning.", "breaking": "Old API gone."})
    assert text == "### New\n\nScanning.\n\n### Breaking changes\n\nOld API gone."


def test_deprecation_and_sunset_header_values():
    deprecated = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)
    sunset_at = datetime(2027, 12, 31, 23, 59, 59, tzinfo=UTC)
    found = sunset.headers(deprecated, sunset_at, "https://docs.example.com/api/v1")
    assert found.deprecation == f"@{int(deprecated.timestamp())}" == "@1799053200"
    assert found.sunset == "Fri, 31 Dec 2027 23:59:59 GMT"
    assert found.as_dict()["Link"] == (
        '<https://docs.example.com/api/v1>; rel="deprecation"; type="text/html", '
        '<https://docs.example.com/api/v1>; rel="sunset"; type="text/html"'
    )
    assert "Sunset" not in sunset.headers(deprecated, None).as_dict()
    with pytest.raises(sunset.SunsetError) as caught:
        sunset.headers(sunset_at, deprecated)
    assert caught.value.field == "sunset_at"

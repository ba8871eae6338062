"""Peak hours are read one way: what the parser accepts, the notice check measures as written."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from forewarn.catalog.peak_hours import PeakHoursError, describe, parse_peak_hours
from forewarn.policies.rules import Region

T = dt.time


@pytest.mark.parametrize(
    ("ranges", "parsed"),
    [
        ([], ()),
        (None, ()),
        ([{"weekday": 0, "start": "08:00", "end": "20:00"}], ((0, T(8), T(20)),)),
        # An end at or before the start runs past midnight, as policies.rules.Region reads it.
        ([{"weekday": 4, "start": "22:00", "end": "02:00"}], ((4, T(22), T(2)),)),
        ([{"weekday": 6, "start": "20:00", "end": "00:00"}], ((6, T(20), T(0)),)),
        ([{"weekday": 2, "start": "00:00", "end": "00:00"}], ((2, T(0), T(0)),)),
        (
            ({"start": "23:59", "end": "00:01", "weekday": 5},),
            ((5, T(23, 59), T(0, 1)),),
        ),
    ],
)
def test_ranges_are_read_as_weekday_start_and_end(ranges, parsed):
    assert parse_peak_hours(ranges) == parsed


@pytest.mark.parametrize(
    ("ranges", "message"),
    [
        (
            [{"weekday": 0, "start": "20:00", "end": "24:00"}],
            "Range 1: end '24:00' is not a time of day; write 00:00 to end at midnight (an end at "
            "or before the start runs past midnight).",
        ),
        (
            [
                {"weekday": 0, "start": "08:00", "end": "20:00"},
                {"weekday": 9, "start": "25:99", "end": "x"},
            ],
            "Range 2: weekday must be 0 (Monday) to 6 (Sunday), not 9.",
        ),
        (
            [{"weekday": 1, "start": "25:99", "end": "20:00"}],
            "Range 1: start must be a wall-clock time HH:MM such as 08:00 (00:00 for midnight), "
            "not '25:99'.",
        ),
        (
            [{"weekday": 1, "start": "8:00", "end": "20:00"}],
            "Range 1: start must be a wall-clock time HH:MM such as 08:00 (00:00 for midnight), "
            "not '8:00'.",
        ),
        (
            [{"weekday": 1, "start": "08:00:00", "end": "20:00"}],
            "Range 1: start must be a wall-clock time HH:MM such as 08:00 (00:00 for midnight), "
            "not '08:00:00'.",
        ),
        (
            [{"weekday": 1, "start": "08:00", "end": 20}],
            "Range 1: end must be a wall-clock time HH:MM such as 08:00 (00:00 for midnight), "
            "not 20.",
        ),
        (
            [{"weekday": True, "start": "08:00", "end": "20:00"}],
            "Range 1: weekday must be 0 (Monday) to 6 (Sunday), not True.",
        ),
        (
            [{"weekday": "0", "start": "08:00", "end": "20:00"}],
            "Range 1: weekday must be 0 (Monday) to 6 (Sunday), not '0'.",
        ),
        (
            [{"weekday": 0, "start": "08:00", "end": "20:00", "end_tz": "UTC"}],
            "Range 1: unknown key 'end_tz'; use weekday, start, end.",
        ),
        (
            [{"weekday": 0, "end": "20:00"}],
            "Range 1: start is missing; give all of weekday, start, end.",
        ),
        (
            ["08:00-20:00"],
            "Range 1 must be an object such as "
            '{"weekday": 0, "start": "08:00", "end": "20:00"}, not \'08:00-20:00\'.',
        ),
        (
            "Mon-Fri 08:00-20:00",
            'Give a list of ranges such as [{"weekday": 0, "start": "08:00", "end": "20:00"}], '
            "not 'Mon-Fri 08:00-20:00'.",
        ),
    ],
)
def test_a_bad_range_is_refused_naming_it(ranges, message):
    with pytest.raises(PeakHoursError) as error:
        parse_peak_hours(ranges)
    assert str(error.value) == message
    assert error.value.field == "peak_hours"


def test_ranges_are_described_for_the_console():
    ranges = parse_peak_hours(
        [
            {"weekday": 0, "start": "08:00", "end": "20:00"},
            {"weekday": 4, "start": "22:00", "end": "02:00"},
            {"weekday": 5, "start": "20:00", "end": "00:00"},
            {"weekday": 6, "start": "00:00", "end": "00:00"},
        ]
    )
    assert describe(ranges) == (
        "Mon 08:00–20:00, Fri 22:00–02:00 (next day), Sat 20:00–00:00, Sun 00:00–00:00 (24 hours)"
    )
    assert describe(()) == "none"


clock = st.tuples(st.integers(0, 23), st.integers(0, 59))


@given(weekday=st.integers(0, 6), start=clock, end=clock)
def test_every_accepted_range_lasts_in_the_notice_check_what_its_text_says(weekday, start, end):
    """Whatever the parser accepts, the core takes as is: its length is end − start, past
    midnight when the end is not after the start (a full day when they are equal)."""
    text = {
        "weekday": weekday,
        "start": f"{start[0]:02d}:{start[1]:02d}",
        "end": f"{end[0]:02d}:{end[1]:02d}",
    }
    [(day, begins, ends)] = parse_peak_hours([text])
    region = Region("r", "UTC", [(day, begins, ends)])
    monday = dt.datetime(2026, 11, 2, tzinfo=dt.UTC)
    found = [
        (lo, hi)
        for lo, hi in region.peak_intervals(monday, monday + dt.timedelta(days=7))
        if lo >= monday
    ]
    minutes = (end[0] * 60 + end[1] - start[0] * 60 - start[1]) % 1440 or 1440
    assert found == [
        (
            monday + dt.timedelta(days=weekday, hours=start[0], minutes=start[1]),
            monday + dt.timedelta(days=weekday, hours=start[0], minutes=start[1] + minutes),
        )
    ]

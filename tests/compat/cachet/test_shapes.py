"""The pure core of the Cachet surface: numbers, booleans, times, pages, bodies."""

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from forewarn.catalog.statuses import Status
from forewarn.compat.cachet import inputs, shapes
from forewarn.incidents.lifecycle import IncidentStatus


def test_every_status_has_one_number_both_ways():
    for status in Status:
        assert shapes.component_status(shapes.COMPONENT_STATUS[status]) is status
    for status in IncidentStatus:
        assert shapes.incident_status(shapes.INCIDENT_STATUS[status]) is status
    assert sorted(shapes.COMPONENT_STATUS.values()) == [0, 1, 2, 3, 4]
    assert sorted(shapes.INCIDENT_STATUS.values()) == [1, 2, 3, 4]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (True, True),
        ("True", True),
        ("true", True),
        ("1", True),
        (1, True),
        ("on", True),
        (False, False),
        ("False", False),
        ("0", False),
        (0, False),
        ("", False),
        ("off", False),
        (None, None),
    ],
)
def test_cachet_booleans(value, expected):
    assert shapes.boolean(value, "enabled") is expected


@pytest.mark.parametrize("value", ["maybe", 2, [], {}])
def test_a_boolean_that_is_not_one_names_the_field(value):
    with pytest.raises(shapes.InputError) as refused:
        shapes.boolean(value, "enabled")
    assert refused.value.field == "enabled"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-24 10:15:30", datetime(2026, 11, 24, 9, 15, 30, tzinfo=UTC)),
        ("2026-11-24 10:15", datetime(2026, 11, 24, 9, 15, tzinfo=UTC)),
        ("2026-11-24T10:15:00+00:00", datetime(2026, 11, 24, 10, 15, tzinfo=UTC)),
    ],
)
def test_times_are_read_in_cachets_zone(text, expected):
    assert shapes.instant(text, "occurred_at", "Europe/Amsterdam") == expected


def test_times_are_written_in_cachets_zone():
    at = datetime(2026, 7, 1, 22, 30, tzinfo=UTC)
    assert shapes.timestamp(at, "Europe/Amsterdam") == "2026-07-02 00:30:00"
    assert shapes.timestamp(None, "UTC") is None


def test_pagination_as_laravel_gives_it():
    wanted = shapes.listing(
        {"page": "2", "per_page": "2", "sort": "name", "order": "DESC", "name": "API", "x": "1"},
        sortable=["name"],
        searchable=["name"],
        max_per_page=500,
        max_page=10**9,
    )
    assert (wanted.page, wanted.per_page, wanted.sort, wanted.descending, wanted.filters) == (
        2,
        2,
        "name",
        True,
        {"name": "API"},
    )
    meta = shapes.pagination(5, 2, wanted, lambda n: f"?page={n}")["pagination"]
    assert meta == {
        "total": 5,
        "count": 2,
        "per_page": 2,
        "current_page": 2,
        "total_pages": 3,
        "links": {"next_page": "?page=3", "previous_page": "?page=1"},
    }


@given(total=st.integers(0, 10_000), per_page=st.integers(1, 500))
def test_the_pages_cover_the_total(total, per_page):
    wanted = shapes.listing(
        {"per_page": per_page}, sortable=[], searchable=[], max_per_page=500, max_page=10**9
    )
    meta = shapes.pagination(total, 0, wanted, str)["pagination"]
    assert (meta["total_pages"] - 1) * per_page <= max(total - 1, 0) < meta[
        "total_pages"
    ] * per_page or total == 0


def test_forms_make_lists_and_dicts():
    found = inputs.form_fields("a=1&a=2&b%5B%5D=3&meta%5Bpriority%5D=P2&c=&d=x")
    assert found == {"a": ["1", "2"], "b": ["3"], "meta": {"priority": "P2"}, "c": "", "d": "x"}


def test_the_body_wins_over_the_query():
    found = inputs.fields("name=q&status=1", b'{"name": "body"}', "application/json")
    assert found == {"name": "body", "status": "1"}


@pytest.mark.parametrize(
    ("value", "expected"),
    [("1,2", [1, 2]), (["3", 4], [3, 4]), (5, [5]), (None, None), ("", None)],
)
def test_id_lists(value, expected):
    assert inputs.id_list(value, "components", 10) == expected

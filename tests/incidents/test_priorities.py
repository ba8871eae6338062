"""Seed 001 §6's priorities: names, descriptions, visibility, cadence and escalation, as data."""

import os
import re
from datetime import timedelta
from pathlib import Path

import pytest

from forewarn.incidents.priorities import (
    DEFINITIONS,
    EscalationTiming,
    Priority,
    choices,
    definition,
)

SEEDS_DIR = Path(
    os.environ.get("FOREWARN_SEEDS") or Path(__file__).resolve().parents[2] / "docs" / "seeds"
)


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def test_priority_names_and_descriptions_are_seed_001_word_for_word():
    if not SEEDS_DIR.is_dir():
        pytest.skip(f"seed documents not found in {SEEDS_DIR}")
    seed = _squash((SEEDS_DIR / "001_25d6cf5193044294.txt").read_text())
    for d in DEFINITIONS.values():
        assert f"{d.priority.value} {d.name} {d.description}" in seed, d.priority


def test_seed_001_table_as_data():
    table = {
        d.priority.value: (d.name, d.is_public, d.update_interval, d.escalation)
        for d in DEFINITIONS.values()
    }
    assert table == {
        "P1": ("Critical", True, timedelta(minutes=15), EscalationTiming.IMMEDIATELY),
        "P2": ("Major", True, timedelta(minutes=30), EscalationTiming.IMMEDIATELY),
        "P3": ("Significant", True, timedelta(minutes=120), EscalationTiming.BUSINESS_HOURS),
        "P4": ("Limited", False, None, EscalationTiming.PLANNED),
        "P5": ("Minor", False, None, EscalationTiming.PLANNED),
    }


def test_priorities_rank_from_p1_most_severe():
    assert [p.rank for p in Priority] == [1, 2, 3, 4, 5]


def test_choices_show_the_seed_definition_where_an_operator_picks_one():
    assert choices()[0] == (
        "P1",
        "P1 Critical — Multiple products where the majority of the users are not able to use the product",
    )
    assert [value for value, _ in choices()] == ["P1", "P2", "P3", "P4", "P5"]


def test_unknown_priority_names_the_choices():
    with pytest.raises(
        ValueError, match=r"'P9' is not a priority; use one of P1, P2, P3, P4, P5\."
    ):
        definition("P9")
    assert definition("P2").label == "P2 Major"

"""The registry of kinds: one list, named <subject>.<verb>, each saying what it records."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

from forewarn.record.kinds import Kind, UnknownEventKind, known, subjects


def test_every_kind_is_a_subject_and_a_verb_in_lower_case():
    badly_named = [k.value for k in Kind if not re.fullmatch(r"[a-z_]+\.[a-z_]+", k.value)]
    assert badly_named == []


def test_every_kind_says_what_it_records_in_a_sentence():
    # Shown by GET /api/v1/record/kinds and in docs/record.md: add one with each new kind.
    undescribed = [k.value for k in Kind if not k.description.endswith(".")]
    assert undescribed == []


def test_known_gives_the_member_and_refuses_anything_else():
    assert known("notice.delivered") is Kind.NOTICE_DELIVERED
    assert (Kind.WORK_TYPE_DELETED.subject, Kind.WORK_TYPE_DELETED.verb) == ("work_type", "deleted")
    with pytest.raises(UnknownEventKind, match=r"'policy\.work_type_created' is not a kind"):
        known("policy.work_type_created")


def test_subjects_are_listed_once_in_registry_order():
    assert subjects() == [
        "component",
        "component_group",
        "category",
        "region",
        "organization",
        "contact",
        "calendar",
        "policy",
        "work_type",
        "policy_version",
        "exclusion",
        "subscriber",
        "notice",
        "staff",
        "incident",
        "cadence_policy",
        "escalation_settings",
        "escalation_contact",
        "incident_template",
        "planned",
        "product",
        "version",
        "announcement",
        "sla_version",
        "metric",
        "alert_integration",
        "alert_rule",
        "alert_group",
        "support_request",
        "conversation",
        "support_settings",
        "portal_session",
        "contact_token",
        "support_page",
    ]


def test_the_registry_loads_no_django():
    script = "import sys, forewarn.record.kinds; print(sorted(m for m in sys.modules if m.startswith('django')))"
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False
    )
    assert (result.returncode, result.stdout, result.stderr) == (0, "[]\n", "")


def test_the_docs_list_every_kind_with_its_sentence():
    page = (Path(__file__).parents[2] / "docs" / "record.md").read_text()
    rows = re.findall(r"^\| `([a-z_]+\.[a-z_]+)` \| (.+) \|$", page, flags=re.MULTILINE)
    assert rows == [(k.value, k.description) for k in Kind]

"""The pure core of incidents loads without Django, and its words match the ones they mirror."""

import subprocess
import sys

import pytest

from forewarn.availability.intervals import REASONS
from forewarn.availability.models import ExclusionReason
from forewarn.catalog.models import ROLE_ORDER, ComponentStatus
from forewarn.incidents import access, lifecycle
from forewarn.incidents.causes import Cause, exclusion_reason

PURE = [
    "forewarn.incidents.priorities",
    "forewarn.incidents.lifecycle",
    "forewarn.incidents.causes",
    "forewarn.incidents.cadence",
    "forewarn.incidents.escalation",
    "forewarn.incidents.access",
    "forewarn.incidents.report",
]


@pytest.mark.parametrize("module", PURE)
def test_pure_module_imports_without_django(module):
    code = (
        f"import sys, {module} as m; "
        "assert m.__doc__.startswith('Pure Python, no Django.'), 'docstring'; "
        "loaded = sorted(n for n in sys.modules if n == 'django' or n.startswith('django.')); "
        "print(loaded); sys.exit(1 if loaded else 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_roles_are_the_catalogs_in_order():
    assert access.ROLES == tuple(r.value for r in ROLE_ORDER)


def test_impact_knows_every_component_status():
    assert set(lifecycle.STATUS_IMPACT) == set(ComponentStatus.values)


def test_excluded_causes_are_availability_exclusion_reasons():
    excluded = [exclusion_reason(c) for c in Cause if c.is_excluded]
    assert excluded == ["third_party", "client_caused", "force_majeure"]
    assert set(excluded) <= set(REASONS)
    assert set(excluded) <= set(ExclusionReason.values)
    assert exclusion_reason("own") is None

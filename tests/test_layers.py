"""The layering: pure modules load without Django, no import cycles, no borrowed private names."""

import ast
import subprocess
import sys
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
FILES = {
    ".".join(path.relative_to(SRC).with_suffix("").parts).removesuffix(".__init__"): path
    for path in (SRC / "forewarn").rglob("*.py")
}
TREES = {name: ast.parse(path.read_text()) for name, path in FILES.items()}
PURE = sorted(
    name
    for name, tree in TREES.items()
    if "Pure Python, no Django." in " ".join((ast.get_docstring(tree) or "").split())
)
# A new pure module joins PURE by saying so in its docstring; these must never leave it.
KNOWN_PURE = {
    *(f"forewarn.calendars.{m}" for m in ("engine", "definitions", "holiday_sets", "timeline")),
    *(f"forewarn.policies.{m}" for m in ("rules", "validator", "plan", "presets")),
    *(
        f"forewarn.availability.{m}"
        for m in ("engine", "figures", "intervals", "columns", "specs", "reasons")
    ),
    *("forewarn.catalog.statuses", "forewarn.catalog.peak_hours", "forewarn.record.kinds"),
    "forewarn.catalog.instants",
    *("forewarn.statuspage.site_files", "forewarn.statuspage.upload"),
    "forewarn.limits",
    *("forewarn.markup", "forewarn.csvexport"),
    *(
        f"forewarn.incidents.{m}"
        for m in ("priorities", "lifecycle", "causes", "cadence", "escalation", "access", "report")
    ),
    *(f"forewarn.planned.{m}" for m in ("lifecycle", "occurrences", "scope", "ics", "wording")),
    *("forewarn.compat.cachet.shapes", "forewarn.compat.cachet.inputs"),
    *("forewarn.metrics.series", "forewarn.metrics.chart"),
    *(f"forewarn.compat.alertmanager.{m}" for m in ("payload", "matchers", "rules")),
    *(f"forewarn.support.{m}" for m in ("lifecycle", "clocks", "mail", "attachments")),
    "forewarn.planned.updates",
    *(f"forewarn.releases.{m}" for m in ("numbering", "notes", "sunset")),
}


def imports(name: str):
    """(imported module, name taken from it or None) for every import in ``name``, at any level."""
    package = name if FILES[name].name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(TREES[name]):
        if isinstance(node, ast.Import):
            yield from ((alias.name, None) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            module = node.module
            if node.level:
                parts = package.split(".")[: len(package.split(".")) + 1 - node.level]
                module = ".".join([*parts, node.module] if node.module else parts)
            for alias in node.names:
                submodule = f"{module}.{alias.name}"
                yield (submodule, None) if submodule in FILES else (module, alias.name)


def test_the_known_pure_modules_say_so():
    assert KNOWN_PURE <= set(PURE)


@pytest.mark.parametrize("module", PURE)
def test_a_pure_module_imports_without_django(module):
    script = f"import sys, {module}; print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))"
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert (result.returncode, result.stdout.strip()) == (0, "[]"), result.stderr


def test_no_import_cycles_among_forewarn_modules():
    graph = {name: {m for m, _ in imports(name) if m in FILES and m != name} for name in FILES}
    try:
        TopologicalSorter(graph).prepare()
    except CycleError as error:
        pytest.fail(f"import cycle, each imports the next: {' -> '.join(reversed(error.args[1]))}")


def test_no_module_imports_another_modules_private_names():
    borrowed = {
        (name, module, taken)
        for name in FILES
        for module, taken in imports(name)
        if module in FILES and module != name and taken and taken.startswith("_")
    }
    assert borrowed == set()


def is_api_module(name: str) -> bool:
    """A domain's JSON API: ``forewarn.<app>.api`` or ``forewarn.<app>.api_<part>``, or the
    API package itself (``forewarn.api.*``: tokens, fields, the routers' mount point)."""
    last = name.rpartition(".")[2]
    return name.startswith("forewarn.api.") or last == "api" or last.startswith("api_")


def test_only_the_api_and_the_url_map_import_an_api_module():
    # Views, console pages, jobs and services reach the domain through its services and
    # reads, never through the HTTP layer of the API (whose functions take requests).
    borrowed = {
        (name, module)
        for name in FILES
        if not is_api_module(name) and name != "forewarn.urls"
        for module, _ in imports(name)
        if module in FILES
        and is_api_module(module)
        and module != "forewarn.api"
        and not module.startswith("forewarn.api.")
    }
    assert borrowed == set()

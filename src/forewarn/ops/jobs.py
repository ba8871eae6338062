"""Import the modules that register scheduler jobs, so every worker runs the same set."""

from importlib import import_module

JOB_MODULES: list[str] = []


def load_jobs() -> None:
    for name in JOB_MODULES:
        import_module(name)

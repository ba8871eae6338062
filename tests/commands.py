"""Running ``forewarn`` in a test as a user runs it: a process of its own, on its own SQLite
file in a folder of the test's, never the test run's DATABASE_URL."""

import os
import socket
import subprocess
import sys
from pathlib import Path

COMMAND = (sys.executable, "-m", "forewarn.cli")


def command_env(data_dir: Path | str | None = None, **extra: str) -> dict[str, str]:
    """The test run's environment without DATABASE_URL, logging warnings only, unbuffered;
    ``data_dir`` is FOREWARN_DATA_DIR (the SQLite file's folder); ``extra`` added last."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | {
        "FOREWARN_LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }
    if data_dir is not None:
        env["FOREWARN_DATA_DIR"] = str(data_dir)
    return env | extra


def run_command(
    *args: str, env: dict[str, str], timeout: float = 120, check: bool = False
) -> subprocess.CompletedProcess:
    """``forewarn *args`` to its end, its output captured as text."""
    return subprocess.run(
        [*COMMAND, *args], env=env, capture_output=True, text=True, timeout=timeout, check=check
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]

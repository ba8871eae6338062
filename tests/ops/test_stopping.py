"""Web, worker and demo stop cleanly on SIGINT or SIGTERM, also when the signal comes twice."""

import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request

import pytest

from forewarn.ops.stopping import SignalStop
from tests.commands import COMMAND, command_env, free_port


class RecordingEvent(threading.Event):
    """An event that remembers which threads set it."""

    def __init__(self):
        super().__init__()
        self.set_by: list[str] = []

    def set(self):
        self.set_by.append(threading.current_thread().name)
        super().set()


def test_the_handler_never_sets_the_event_itself():
    """Event.set() takes a lock: a handler calling it deadlocks when a second signal interrupts it."""
    stop = RecordingEvent()
    said = []
    guard = SignalStop(stop, on_signal=said.append).install()
    try:
        os.kill(os.getpid(), signal.SIGTERM)
        os.kill(os.getpid(), signal.SIGTERM)
        os.kill(os.getpid(), signal.SIGINT)
        assert stop.wait(5)
        time.sleep(0.1)  # any later signal would set it again by now
    finally:
        guard.uninstall()
    assert stop.set_by == ["signal-stop"]
    assert said == ["SIGTERM"]


def test_uninstall_puts_the_previous_handlers_back():
    before = signal.getsignal(signal.SIGTERM)
    guard = SignalStop(threading.Event()).install()
    assert signal.getsignal(signal.SIGTERM) != before
    guard.uninstall()
    assert signal.getsignal(signal.SIGTERM) == before


# Real processes ------------------------------------------------------------------

ROUNDS = 6
BURST = tuple([signal.SIGINT, signal.SIGTERM] * 50)
ORDERS = [(signal.SIGTERM, signal.SIGTERM), (signal.SIGINT, signal.SIGTERM), BURST]
ORDER_IDS = ["SIGTERM-SIGTERM", "SIGINT-SIGTERM", "burst-of-100"]


def _env(data_dir) -> dict:
    return command_env(data_dir)


def _forewarn(*args, env, **popen) -> subprocess.Popen:
    return subprocess.Popen([*COMMAND, *args], env=env, text=True, **popen)


def _wait_for_line(process: subprocess.Popen, text: str, timeout: float) -> None:
    found = threading.Event()

    def read():
        for line in process.stdout:
            if text in line:
                found.set()
        # keep draining until the process closes its output

    threading.Thread(target=read, daemon=True).start()
    if not found.wait(timeout):
        process.kill()
        raise AssertionError(f"no {text!r} within {timeout:.0f} s")


def _wait_for_http(port: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2).read()
            return
        except OSError:
            assert time.monotonic() < deadline, f"nothing answered on {port} within {timeout:.0f} s"
            time.sleep(0.1)


def _signal_and_wait(process: subprocess.Popen, order, within: float) -> int:
    """Send the signals back to back; the exit code, or AssertionError after ``within`` seconds."""
    for signum in order:
        process.send_signal(signum)
    try:
        return process.wait(timeout=within)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)
        names = ", ".join(s.name for s in order[:4])
        raise AssertionError(f"still running {within:.0f} s after {names}…") from None


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    folder = tmp_path_factory.mktemp("stopping")
    done = subprocess.run(
        [sys.executable, "-m", "forewarn.cli", "migrate", "-v", "0"],
        env=_env(folder),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return folder


@pytest.mark.slow
@pytest.mark.parametrize("order", ORDERS, ids=ORDER_IDS)
def test_the_worker_stops_within_seconds_on_two_signals(migrated, order):
    for _ in range(ROUNDS):
        worker = _forewarn(
            "worker", "--interval", "0.05", env=_env(migrated), stdout=subprocess.PIPE
        )
        _wait_for_line(worker, "Forewarn worker running", 60)
        assert _signal_and_wait(worker, order, within=5) == 0


@pytest.mark.slow
@pytest.mark.parametrize("order", ORDERS, ids=ORDER_IDS)
def test_the_web_process_stops_within_seconds_on_two_signals(migrated, order):
    for _ in range(2):
        port = free_port()
        web = _forewarn(
            "web", "--bind", f"127.0.0.1:{port}", "--workers", "2", env=_env(migrated),
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        _wait_for_http(port, 60)
        assert _signal_and_wait(web, order, within=10) == 0


@pytest.mark.slow
@pytest.mark.parametrize("order", ORDERS, ids=ORDER_IDS)
def test_the_demo_stops_within_seconds_on_two_signals(tmp_path, order):
    for _ in range(2):
        port = free_port()
        # Its own port for support mail: the demo's default, 2525, is one for all the tests.
        env = _env(tmp_path) | {"FOREWARN_INBOUND_SMTP_PORT": str(free_port())}
        demo = _forewarn(
            "demo", "--port", str(port), env=env, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        _wait_for_line(demo, "Ctrl-C stops everything.", 120)
        _wait_for_http(port, 60)
        assert _signal_and_wait(demo, order, within=15) == 0

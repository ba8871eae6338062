"""``forewarn inbound-smtp --processes N``: N receivers on one port, each filing what it takes;
one that dies is replaced; SIGTERM stops them all. A real command on its own SQLite file, real
SMTP clients."""

import os
import signal
import smtplib
import socket
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from email.message import EmailMessage
from pathlib import Path

import pytest

from tests.commands import COMMAND, command_env, free_port, run_command

pytestmark = pytest.mark.slow

SETUP = (
    "from forewarn.catalog.models import AuthorizedContact, Organization;"
    "acme = Organization.objects.create(slug='acme', name='Acme');"
    "AuthorizedContact.objects.create(organization=acme, name='Anna', email='anna@acme.example')"
)
COUNT = "from forewarn.support.models import SupportRequest; print(SupportRequest.objects.count())"


def _env(data_dir: Path) -> dict:
    return command_env(data_dir, FOREWARN_SUPPORT_EMAIL="support@forewarn.example")


def _forewarn(env: dict, *args: str) -> str:
    return run_command(*args, env=env, check=True).stdout


def _children(parent: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rpartition(")")[2].split()[1]) == parent:
                found.add(int(entry.name))
    return found


def _two(parent: int) -> set[int] | None:
    found = _children(parent)
    return found if len(found) == 2 else None


def _wait(condition, seconds: float = 30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError("waited in vain")


def _send(port: int, n: int) -> str:
    message = EmailMessage()
    message["From"], message["To"] = "anna@acme.example", "support@forewarn.example"
    message["Subject"], message["Message-ID"] = f"Trunk {n} drops calls", f"<p{n}@acme.example>"
    message.set_content("Every call drops after 30 seconds.")
    with smtplib.SMTP("127.0.0.1", port, timeout=60) as smtp:
        smtp.ehlo()
        smtp.mail("anna@acme.example")
        smtp.rcpt("support@forewarn.example")
        code, reply = smtp.data(message.as_bytes())
    return f"{code} {reply.decode()}"


def test_processes_share_the_port_are_replaced_and_stop_together(tmp_path):
    env = _env(tmp_path)
    _forewarn(env, "migrate", "-v0")
    _forewarn(env, "shell", "-c", SETUP)
    port = free_port()
    receiver = subprocess.Popen(
        [*COMMAND, "inbound-smtp", "--port", str(port), "--processes", "2"],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert "2 processes" in receiver.stdout.readline()
        first = _wait(lambda: _two(receiver.pid))
        with ThreadPoolExecutor(8) as pool:
            replies = list(pool.map(lambda n: _send(port, n), range(8)))
        assert all(r.startswith("250 2.0.0 Filed as SR-") for r in replies), replies
        assert len({r.rpartition(" ")[2] for r in replies}) == 8

        killed = min(first)
        os.kill(killed, signal.SIGKILL)
        after = _wait(lambda: (found := _two(receiver.pid)) and killed not in found and found)
        assert after - first  # a new process took its place
        assert _send(port, 8).startswith("250 2.0.0 Filed as SR-")

        receiver.send_signal(signal.SIGTERM)
        assert receiver.wait(timeout=30) == 0
        assert not any(Path(f"/proc/{pid}").exists() for pid in after)  # no process left behind
        with socket.socket() as probe:
            assert probe.connect_ex(("127.0.0.1", port)) != 0  # nobody listens any more
    finally:
        if receiver.poll() is None:
            receiver.kill()
            receiver.wait()
    assert _forewarn(env, "shell", "-c", COUNT).split()[-1] == "9"


def test_a_number_of_processes_below_one_is_refused(tmp_path):
    done = subprocess.run(
        [*COMMAND, "inbound-smtp", "--processes", "0"],
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0
    assert "--processes takes a number from 1 up." in done.stderr

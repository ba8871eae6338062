"""``forewarn inbound-smtp --processes N``: N receivers on one port, each filing what it takes
(on SQLite taking turns at the database); one that dies is replaced; SIGTERM stops them all. A
real command on its own SQLite file, real SMTP clients."""

import contextlib
import os
import shutil
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


@pytest.fixture(scope="module")
def migrated(tmp_path_factory) -> Path:
    """A database with Acme and Anna, migrated once for the module (migrating takes ~20 s)."""
    data_dir = tmp_path_factory.mktemp("migrated")
    env = _env(data_dir)
    _forewarn(env, "migrate", "-v0")
    _forewarn(env, "shell", "-c", SETUP)
    return data_dir / "forewarn.sqlite3"


@pytest.fixture
def database(migrated, tmp_path) -> Path:
    """A copy of the migrated database of this test's own."""
    return Path(shutil.copy(migrated, tmp_path / migrated.name))


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


def _alive(pid: int) -> bool:
    """A process that runs (not ended, not a zombie waiting to be reaped)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"


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


def _message(n: int) -> bytes:
    message = EmailMessage()
    message["From"], message["To"] = "anna@acme.example", "support@forewarn.example"
    message["Subject"], message["Message-ID"] = f"Trunk {n} drops calls", f"<p{n}@acme.example>"
    message.set_content("Every call drops after 30 seconds.")
    return message.as_bytes()


def _send(port: int, *numbers: int) -> list[str]:
    """The answers to the mails ``numbers``, sent one after the other on one connection."""
    replies = []
    with smtplib.SMTP("127.0.0.1", port, timeout=60) as smtp:
        smtp.ehlo()
        for n in numbers:
            smtp.mail("anna@acme.example")
            smtp.rcpt("support@forewarn.example")
            code, reply = smtp.data(_message(n))
            replies.append(f"{code} {reply.decode()}")
    return replies


@contextlib.contextmanager
def _receiver(env: dict, port: int, *args: str):
    """``forewarn inbound-smtp`` on ``port`` (with ``args``), after its first line. At the end
    whatever a test left running is killed: the command and every process it forked (a
    session of their own), not only the command, whose children would live on."""
    receiver = subprocess.Popen(
        [*COMMAND, "inbound-smtp", "--port", str(port), *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        receiver.first_line = receiver.stdout.readline()
        yield receiver
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(receiver.pid, signal.SIGKILL)
        receiver.wait()


def test_processes_share_the_port_are_replaced_and_stop_together(database):
    env = _env(database.parent)
    port = free_port()
    with _receiver(env, port, "--processes", "2") as receiver:
        assert "2 processes" in receiver.first_line
        first = _wait(lambda: _two(receiver.pid))
        with ThreadPoolExecutor(8) as pool:
            replies = [r for rs in pool.map(lambda n: _send(port, n), range(8)) for r in rs]
        assert all(r.startswith("250 2.0.0 Filed as SR-") for r in replies), replies
        assert len({r.rpartition(" ")[2] for r in replies}) == 8

        killed = min(first)
        (its_filer,) = _children(killed)  # each receiver files in a process of its own
        os.kill(killed, signal.SIGKILL)
        after = _wait(lambda: (found := _two(receiver.pid)) and killed not in found and found)
        assert after - first  # a new process took its place
        _wait(lambda: not _alive(its_filer))  # and the killed one's filer ended with it
        assert _send(port, 8)[0].startswith("250 2.0.0 Filed as SR-")

        receiver.send_signal(signal.SIGTERM)
        assert receiver.wait(timeout=30) == 0
        assert not any(Path(f"/proc/{pid}").exists() for pid in after)  # no process left behind
        with socket.socket() as probe:
            assert probe.connect_ex(("127.0.0.1", port)) != 0  # nobody listens any more
    assert _forewarn(env, "shell", "-c", COUNT).split()[-1] == "9"


def test_two_processes_on_one_sqlite_file_file_every_mail_of_concurrent_clients(database):
    env = _env(database.parent)
    port = free_port()
    with _receiver(env, port, "--processes", "2") as receiver:
        _wait(lambda: _two(receiver.pid))
        with ThreadPoolExecutor(8) as pool:  # 8 clients, 5 mails each on its connection
            replies = [
                r
                for rs in pool.map(lambda c: _send(port, *range(c * 5, c * 5 + 5)), range(8))
                for r in rs
            ]
        receiver.send_signal(signal.SIGTERM)
        assert receiver.wait(timeout=30) == 0
    assert all(r.startswith("250 2.0.0 Filed as SR-") for r in replies), replies
    assert len({r.rpartition(" ")[2] for r in replies}) == 40
    assert _forewarn(env, "shell", "-c", COUNT).split()[-1] == "40"
    assert (database.parent / "forewarn.sqlite3.inbound-lock").exists()  # their turn's lock


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


def test_one_receiver_files_in_a_process_of_its_own_and_stops_with_it(database):
    env = _env(database.parent)
    port = free_port()
    with _receiver(env, port) as receiver:
        assert "Forewarn inbound SMTP on" in receiver.first_line
        (filer,) = _wait(lambda: _children(receiver.pid))
        with ThreadPoolExecutor(8) as pool:
            replies = [r for rs in pool.map(lambda c: _send(port, c, c + 8), range(8)) for r in rs]
        receiver.send_signal(signal.SIGTERM)
        assert receiver.wait(timeout=30) == 0
        _wait(lambda: not Path(f"/proc/{filer}").exists(), 10)  # the filing process ended too
    assert all(r.startswith("250 2.0.0 Filed as SR-") for r in replies), replies
    assert len({r.rpartition(" ")[2] for r in replies}) == 16
    assert _forewarn(env, "shell", "-c", COUNT).split()[-1] == "16"


def test_a_receiver_whose_filing_process_dies_stops_with_an_error(database):
    env = _env(database.parent)
    port = free_port()
    with _receiver(env, port) as receiver:
        assert "Forewarn inbound SMTP on" in receiver.first_line
        (filer,) = _wait(lambda: _children(receiver.pid))
        os.kill(filer, signal.SIGKILL)
        assert receiver.wait(timeout=30) != 0  # for its supervisor to start it again, whole
        assert "The filing process ended; the receiver stopped." in receiver.stderr.read()


def test_a_sender_that_leaves_before_its_answer_does_not_stop_the_answers_to_others(database):
    env = _env(database.parent)
    port = free_port()
    with _receiver(env, port) as receiver:
        assert "Forewarn inbound SMTP on" in receiver.first_line
        for n in range(3):  # each hangs up right after its mail, before the answer
            with socket.create_connection(("127.0.0.1", port), timeout=10) as gone:
                reader = gone.makefile("rb")
                reader.readline()  # 220
                for line in (b"HELO acme.example", b"MAIL FROM:<anna@acme.example>"):
                    gone.sendall(line + b"\r\n")
                    reader.readline()
                gone.sendall(b"RCPT TO:<support@forewarn.example>\r\nDATA\r\n")
                reader.readline(), reader.readline()
                gone.sendall(_message(100 + n).replace(b"\n", b"\r\n") + b"\r\n.\r\n")
        assert _send(port, 1)[0].startswith("250 2.0.0 Filed as SR-")
        receiver.send_signal(signal.SIGTERM)
        assert receiver.wait(timeout=30) == 0

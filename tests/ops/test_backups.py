"""`forewarn backup` copies the embedded database online and consistently; `forewarn restore`
refuses what is not a sound Forewarn database and a database in use, and keeps the record's
append-only triggers. Run as an operator runs them: commands in their own processes."""

import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.commands import command_env, run_command

pytestmark = pytest.mark.slow

RECIPIENTS = 5
WRITER = f"""
import pathlib, sys, time
import django
django.setup()
from forewarn.delivery import operators
stop = pathlib.Path(sys.argv[1])
deadline = time.monotonic() + 120
written = 0
while not stop.exists() and time.monotonic() < deadline:
    # One transaction: a notice, its {RECIPIENTS} deliveries and its event in the record.
    operators.send_test_notice(
        addresses=[f"u{{i}}@example.com" for i in range({RECIPIENTS})], actor="writer"
    )
    written += 1
print(written)
"""


def _env(data_dir: Path) -> dict:
    return command_env(
        data_dir, DJANGO_SETTINGS_MODULE="forewarn.settings", SECRET_KEY="backup-test-secret"
    )


def forewarn(data_dir: Path, *args, **env) -> subprocess.CompletedProcess:
    return run_command(*args, env=_env(data_dir) | env)


def rows(path: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(path) as db:
        return db.execute(sql).fetchall()


@pytest.fixture
def live(tmp_path):
    """A migrated data folder."""
    folder = tmp_path / "live"
    done = forewarn(folder, "migrate", "-v", "0")
    assert done.returncode == 0, done.stderr
    return folder


def test_a_backup_taken_while_a_writer_writes_restores_consistently(live, tmp_path):
    database = live / "forewarn.sqlite3"
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    stop = tmp_path / "stop-writing"
    writer = subprocess.Popen(
        [sys.executable, str(script), str(stop)], env=_env(live), stdout=subprocess.PIPE, text=True
    )
    try:
        deadline = time.monotonic() + 60
        while rows(database, "SELECT COUNT(*) FROM delivery_notice")[0][0] < 20:
            assert time.monotonic() < deadline, "the writer wrote nothing"
            time.sleep(0.1)
        backup = tmp_path / "backups" / "forewarn-backup.sqlite3"
        done = forewarn(live, "backup", str(backup))
        assert done.returncode == 0, done.stderr
        assert writer.poll() is None, "the writer stopped before the backup ended"
    finally:
        stop.touch()
        written = int(writer.communicate(timeout=60)[0])

    restored_dir = tmp_path / "restored"
    done = forewarn(restored_dir, "restore", str(backup))
    assert done.returncode == 0, done.stderr
    restored = restored_dir / "forewarn.sqlite3"

    notices = rows(restored, "SELECT id FROM delivery_notice ORDER BY id")
    assert 20 <= len(notices) < written  # taken in the middle of the writing
    # Consistent: every notice with all its deliveries and its one event, nothing half-written.
    assert rows(
        restored,
        "SELECT COUNT(*) FROM delivery_notice n WHERE"
        f" (SELECT COUNT(*) FROM delivery_delivery d WHERE d.notice_id = n.id) != {RECIPIENTS}",
    ) == [(0,)]
    assert rows(
        restored, "SELECT COUNT(*) FROM record_event WHERE kind = 'notice.test_queued'"
    ) == [(len(notices),)]
    # The record and the deliveries are the live database's, row for row, up to the backup.
    last_event = rows(restored, "SELECT MAX(id) FROM record_event")[0][0]
    events = "SELECT * FROM record_event WHERE id <= {} ORDER BY id"
    assert rows(restored, events.format(last_event)) == rows(database, events.format(last_event))
    last_notice = notices[-1][0]
    deliveries = "SELECT * FROM delivery_delivery WHERE notice_id <= {} ORDER BY id"
    assert rows(restored, deliveries.format(last_notice)) == rows(
        database, deliveries.format(last_notice)
    )
    # The record is still append-only, and the schema is up to date.
    with pytest.raises(sqlite3.DatabaseError, match="The record is append-only"):
        rows(restored, "UPDATE record_event SET actor = 'someone else'")
    with pytest.raises(sqlite3.DatabaseError, match="The record is append-only"):
        rows(restored, "DELETE FROM record_event")
    assert forewarn(restored_dir, "migrate", "--check").returncode == 0


def test_restore_refuses_while_a_worker_uses_the_database(live, tmp_path):
    backup = tmp_path / "b.sqlite3"
    assert forewarn(live, "backup", str(backup)).returncode == 0
    worker = subprocess.Popen(
        [sys.executable, "-m", "forewarn.cli", "worker"],
        env=_env(live) | {"PYTHONUNBUFFERED": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert "Forewarn worker running" in worker.stdout.readline()
        done = forewarn(live, "restore", str(backup))
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    assert done.returncode == 1
    assert "is in use by a running Forewarn process (web, worker or demo): stop them first" in (
        done.stderr
    )
    done = forewarn(live, "restore", str(backup))
    assert done.returncode == 0, done.stderr
    (kept,) = live.glob("forewarn.sqlite3.before-restore-*")
    assert f"The database it replaces is kept as {kept}." in done.stdout


def test_restore_refuses_a_process_that_has_the_file_open(live, tmp_path):
    backup = tmp_path / "b.sqlite3"
    assert forewarn(live, "backup", str(backup)).returncode == 0
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sqlite3, sys; db = sqlite3.connect(sys.argv[1]); print('open', flush=True);"
            " sys.stdin.read()",
            str(live / "forewarn.sqlite3"),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline() == "open\n"
        done = forewarn(live, "restore", str(backup))
    finally:
        holder.communicate("", timeout=10)
    assert done.returncode == 1
    assert f"is open in process(es) {holder.pid}: stop them first" in done.stderr


def test_restore_refuses_what_is_not_a_sound_forewarn_database(live, tmp_path):
    text = tmp_path / "notes.txt"
    text.write_text("not a database")
    other = tmp_path / "other.sqlite3"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE t (x)")
    rewritable = tmp_path / "rewritable.sqlite3"
    assert forewarn(live, "backup", str(rewritable)).returncode == 0
    with sqlite3.connect(rewritable) as db:
        db.execute("DROP TRIGGER record_event_no_update")
    before = (live / "forewarn.sqlite3").read_bytes()
    answers = {
        path.name: forewarn(live, "restore", str(path)).stderr.strip()
        for path in (text, other, rewritable, tmp_path / "missing.sqlite3")
    }
    assert answers == {
        "notes.txt": f"CommandError: {text} is not an SQLite database.",
        "other.sqlite3": f"CommandError: {other} is not a Forewarn database (no table django_migrations, record_event, delivery_delivery, catalog_component).",
        "rewritable.sqlite3": f"CommandError: {rewritable} lacks the record's append-only triggers (record_event_no_update): its record could have been rewritten.",
        "missing.sqlite3": f"CommandError: {tmp_path / 'missing.sqlite3'} is not a file.",
    }
    assert (live / "forewarn.sqlite3").read_bytes() == before


def test_backup_does_not_overwrite_and_points_postgresql_to_pg_dump(live, tmp_path):
    backup = tmp_path / "b.sqlite3"
    backup.write_text("keep me")
    done = forewarn(live, "backup", str(backup))
    assert (done.returncode, done.stderr.strip()) == (
        1,
        f"CommandError: {backup} exists already; choose a new name.",
    )
    assert backup.read_text() == "keep me"
    done = forewarn(
        live, "backup", str(tmp_path / "pg.sqlite3"), DATABASE_URL="postgres://u@127.0.0.1:1/x"
    )
    assert done.returncode == 1
    assert "back up PostgreSQL with pg_dump and restore it with pg_restore" in done.stderr

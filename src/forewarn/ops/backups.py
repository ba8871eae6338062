"""Back up and restore the embedded SQLite database (``forewarn backup`` / ``forewarn restore``).

A backup is online and consistent: SQLite's backup API copies the live database in one step,
inside one read transaction, so the copy is the database at one instant while the web and the
worker go on writing (WAL lets them).  The copy is checked before it takes the backup's name.

A restore refuses a file that is not a sound Forewarn database (integrity check, the tables
and migrations it must have, the record's append-only triggers), and refuses while any
process uses the database: every web, worker and demo process holds a shared lock on
``<database>.in-use`` for as long as it runs, and on Linux a process that merely has the
file open is found too.  The database it replaces is kept beside it first.

PostgreSQL has its own tools (``pg_dump`` / ``pg_restore``): docs/developers/production.md.
"""

import fcntl
import os
import sqlite3
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings

REQUIRED_TABLES = ("django_migrations", "record_event", "delivery_delivery", "catalog_component")
RECORD_TRIGGERS = ("record_event_no_update", "record_event_no_delete")

_held_in_use: list[int] = []  # file descriptors of this process's shared locks


class BackupError(Exception):
    """Why a backup or restore cannot be done; nothing was changed."""


@dataclass(frozen=True)
class Summary:
    """What a database file holds, as the commands report it."""

    path: Path
    events: int
    notices: int
    deliveries: int
    migrations: int


def database_path() -> Path:
    """The embedded database's file; BackupError when the database is not SQLite."""
    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.sqlite3":
        raise BackupError(
            "The database is not the embedded SQLite one: back up PostgreSQL with pg_dump "
            "and restore it with pg_restore (docs/developers/production.md#backup-and-restore)."
        )
    return Path(database["NAME"]).resolve()


def _lock_file(database: Path) -> Path:
    return database.with_name(database.name + ".in-use")


def mark_in_use() -> None:
    """Hold a shared lock on the embedded database for this process's life (web, worker, demo).

    Waits while a restore holds it exclusively.  Does nothing on PostgreSQL.
    """
    try:
        database = database_path()
    except BackupError:
        return
    if _held_in_use:
        return
    database.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(_lock_file(database), os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    fcntl.flock(fd, fcntl.LOCK_SH)
    _held_in_use.append(fd)


@contextmanager
def _used_by_nobody_else(database: Path):
    """Hold the database's lock exclusively; BackupError when another process uses it."""
    fd = os.open(_lock_file(database), os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BackupError(
                f"{database} is in use by a running Forewarn process (web, worker or demo): "
                "stop them first, then restore."
            ) from None
        holders = _processes_with_open(database)
        if holders:
            raise BackupError(
                f"{database} is open in process(es) {', '.join(map(str, holders))}: "
                "stop them first, then restore."
            )
        yield
    finally:
        os.close(fd)


def _processes_with_open(database: Path) -> list[int]:
    """Other processes that have the database (or its WAL files) open; [] where /proc is missing."""
    names = {str(database), f"{database}-wal", f"{database}-shm"}
    found = []
    proc = Path("/proc")
    if not proc.is_dir():
        return found
    for entry in proc.iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            links = {os.readlink(fd) for fd in (entry / "fd").iterdir()}
        except OSError:  # gone meanwhile, or another user's
            continue
        if links & names:
            found.append(int(entry.name))
    return sorted(found)


def check_database(path: Path) -> Summary:
    """A summary of ``path`` if it is a sound Forewarn database; BackupError saying why not."""
    if not path.is_file():
        raise BackupError(f"{path} is not a file.")
    with path.open("rb") as file:
        if file.read(16) != b"SQLite format 3\x00":
            raise BackupError(f"{path} is not an SQLite database.")
    try:
        with _read_only(path) as db:
            problems = [row[0] for row in db.execute("PRAGMA integrity_check")]
            if problems != ["ok"]:
                raise BackupError(f"{path} is damaged: {'; '.join(problems[:3])}")
            found = {
                (kind, name) for kind, name in db.execute("SELECT type, name FROM sqlite_master")
            }
            missing = [t for t in REQUIRED_TABLES if ("table", t) not in found]
            if missing:
                raise BackupError(
                    f"{path} is not a Forewarn database (no table {', '.join(missing)})."
                )
            absent = [t for t in RECORD_TRIGGERS if ("trigger", t) not in found]
            if absent:
                raise BackupError(
                    f"{path} lacks the record's append-only triggers ({', '.join(absent)}): "
                    "its record could have been rewritten."
                )
            return Summary(
                path=path,
                events=_count(db, "record_event"),
                notices=_count(db, "delivery_notice"),
                deliveries=_count(db, "delivery_delivery"),
                migrations=_count(db, "django_migrations"),
            )
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} cannot be read as a database: {exc}") from None


def _count(db: sqlite3.Connection, table: str) -> int:
    return db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


@contextmanager
def _read_only(path: Path):
    with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=20)) as db:
        yield db


def _copy(source: Path, destination: Path) -> None:
    """SQLite's backup API in one step: the source as it was at one instant."""
    with closing(sqlite3.connect(source, timeout=20)) as reading:
        with closing(sqlite3.connect(destination)) as writing:
            reading.backup(writing)


def backup(destination: Path) -> Summary:
    """Copy the live embedded database to ``destination`` (a new file), checked."""
    database = database_path()
    if not database.is_file():
        raise BackupError(f"There is no database at {database} yet (run forewarn migrate).")
    destination = destination.resolve()
    if destination == database:
        raise BackupError("The backup cannot replace the database it copies.")
    if destination.exists():
        raise BackupError(f"{destination} exists already; choose a new name.")
    destination.parent.mkdir(parents=True, exist_ok=True)
    partial = destination.with_name(destination.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        _copy(database, partial)
        with closing(sqlite3.connect(partial)) as db:
            db.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        summary = check_database(partial)
        os.replace(partial, destination)
    finally:
        partial.unlink(missing_ok=True)
    return Summary(
        destination, summary.events, summary.notices, summary.deliveries, summary.migrations
    )


def restore(source: Path, *, now: datetime | None = None) -> tuple[Summary, Path | None]:
    """Make ``source`` the embedded database; returns its summary and where the old one was kept."""
    source = source.resolve()
    check_database(source)
    database = database_path()
    if source == database:
        raise BackupError("That is the database itself.")
    database.parent.mkdir(parents=True, exist_ok=True)
    with _used_by_nobody_else(database):
        incoming = database.with_name(database.name + ".restoring")
        incoming.unlink(missing_ok=True)
        kept = None
        try:
            _copy(source, incoming)
            summary = check_database(incoming)
            if database.exists():
                stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
                kept = database.with_name(f"{database.name}.before-restore-{stamp}")
                _copy(database, kept)
            for leftover in (Path(f"{database}-wal"), Path(f"{database}-shm")):
                leftover.unlink(missing_ok=True)  # they belong to the database being replaced
            os.replace(incoming, database)
        finally:
            incoming.unlink(missing_ok=True)
    return Summary(
        database, summary.events, summary.notices, summary.deliveries, summary.migrations
    ), kept

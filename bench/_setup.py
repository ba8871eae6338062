"""The set-up every database benchmark shares: a temporary data folder, a fresh database, Django.

Each benchmark script starts with the same three lines, before any other import::

    HERE = Path(__file__).resolve().parent
    sys.path = [p for p in sys.path if Path(p or ".").resolve() != HERE]
    sys.path.insert(0, str(HERE.parent))

``bench/`` holds ``calendar.py``, which would shadow the standard library's (Django imports
it), so the folder leaves the import path and the repository's root takes its place: then
``from bench._setup import django_bench`` finds this module.

``django_bench(name)`` runs its block with ``FOREWARN_DATA_DIR`` in a new temporary folder
(SQLite's file is there), ``FOREWARN_LOG_LEVEL`` WARNING unless set, and Django set up. With
``DATABASE_URL`` set (and ``postgres=True``), the block gets a fresh, empty PostgreSQL database
beside that one instead, named ``forewarn_bench_<name>_<pid>`` (the URL's own database need not
exist), dropped afterwards; ``postgres=False`` always uses SQLite. Everything is removed
however the block ends.
"""

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path


def temporary_postgres(url: str, name: str) -> tuple[str, Callable[[], None]]:
    """A fresh database ``name`` beside DATABASE_URL's, and a function that drops it."""
    import psycopg

    base, _, _ = url.rpartition("/")
    maintenance = f"{base}/postgres"  # the named database need not exist
    with psycopg.connect(maintenance, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(maintenance, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return f"{base}/{name}", drop


@contextmanager
def django_bench(
    name: str, *, postgres: bool = True, prefix: str = "forewarn-bench-"
) -> Iterator[Path]:
    """Django set up over a fresh database for the block; yields the temporary data folder."""
    workdir = Path(tempfile.mkdtemp(prefix=prefix))
    drop_database = None
    try:
        os.environ["FOREWARN_DATA_DIR"] = str(workdir)
        os.environ.setdefault("FOREWARN_LOG_LEVEL", "WARNING")
        if not postgres:
            os.environ.pop("DATABASE_URL", None)
        elif os.environ.get("DATABASE_URL"):
            os.environ["DATABASE_URL"], drop_database = temporary_postgres(
                os.environ["DATABASE_URL"], f"forewarn_bench_{name}_{os.getpid()}"
            )
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "forewarn.settings")
        import django

        django.setup()
        yield workdir
    finally:
        if drop_database:
            from django.db import connections

            connections.close_all()
            drop_database()
        shutil.rmtree(workdir, ignore_errors=True)

"""Make the record append-only in the database itself: UPDATE, DELETE and TRUNCATE are refused.

``Event.objects`` already refuses ``update()`` and ``delete()``; these triggers also stop a
raw SQL statement, a shell session or another program. Both refuse with a message that says
the record is append-only.

- PostgreSQL: one function raising an exception (SQLSTATE 23000, so Django raises
  ``IntegrityError``), a ``BEFORE UPDATE OR DELETE`` trigger and a ``BEFORE TRUNCATE`` one,
  both per statement, so even a statement that matches no row is refused.
- SQLite: ``BEFORE UPDATE`` and ``BEFORE DELETE`` triggers that ``RAISE(ABORT, …)`` (SQLite
  has no TRUNCATE; its ``DELETE FROM`` without WHERE fires the trigger too).
- Any other database: nothing.

A later migration that rebuilds ``record_event`` on SQLite (Django does that for most
``AlterField`` operations there) drops its triggers with the old table and must create them
again; ``tests/record/test_immutability.py`` fails if it does not. A data migration that
must change rows would have to disable the triggers explicitly, in the open.
"""

from django.db import migrations

POSTGRESQL_INSTALL = """
CREATE OR REPLACE FUNCTION record_event_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'The record is append-only: % on record_event is refused.', TG_OP
        USING ERRCODE = 'integrity_constraint_violation',
              HINT = 'Recorded events are never changed or removed; append a new event instead.';
END;
$$;
CREATE TRIGGER record_event_no_update_or_delete
    BEFORE UPDATE OR DELETE ON record_event
    FOR EACH STATEMENT EXECUTE FUNCTION record_event_append_only();
CREATE TRIGGER record_event_no_truncate
    BEFORE TRUNCATE ON record_event
    FOR EACH STATEMENT EXECUTE FUNCTION record_event_append_only();
"""

POSTGRESQL_REMOVE = """
DROP TRIGGER IF EXISTS record_event_no_truncate ON record_event;
DROP TRIGGER IF EXISTS record_event_no_update_or_delete ON record_event;
DROP FUNCTION IF EXISTS record_event_append_only();
"""

SQLITE_INSTALL = [
    f"""
    CREATE TRIGGER record_event_no_{operation.lower()} BEFORE {operation} ON record_event
    BEGIN
        SELECT RAISE(ABORT, 'The record is append-only: {operation} on record_event is refused.');
    END
    """
    for operation in ("UPDATE", "DELETE")
]

SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS record_event_no_update",
    "DROP TRIGGER IF EXISTS record_event_no_delete",
]


def _run(schema_editor, postgresql, sqlite):
    vendor = schema_editor.connection.vendor
    # No parameters (None): the PL/pgSQL format string's % must reach the server as it is.
    if vendor == "postgresql":
        schema_editor.execute(postgresql, None)
    elif vendor == "sqlite":
        for statement in sqlite:
            schema_editor.execute(statement, None)


def install(apps, schema_editor):
    _run(schema_editor, POSTGRESQL_INSTALL, SQLITE_INSTALL)


def remove(apps, schema_editor):
    _run(schema_editor, POSTGRESQL_REMOVE, SQLITE_REMOVE)


class Migration(migrations.Migration):
    dependencies = [("record", "0002_event_kind_vocabulary")]

    operations = [migrations.RunPython(install, remove)]

"""The record in the permission matrix: every staff role reads it; nobody writes it by hand."""

from forewarn.record.kinds import Kind
from forewarn.record.services import append
from tests.permission_rows import VIEWER, Console, Page

API = {
    "GET /api/v1/record": VIEWER,
    "GET /api/v1/record.csv": VIEWER,
    "GET /api/v1/record.json": VIEWER,
    "GET /api/v1/record/kinds": VIEWER,
}

CONSOLE = {"record.event": Console(make=lambda: append(next(iter(Kind)), description="test"))}

PAGES = {"admin:record_event_export": Page(VIEWER)}

"""Planned work's rows of the permission matrix: viewers read and check, responders draft and
run the work, communicators publish, reschedule and cancel (admins publish over a firm
violation, which the service checks)."""

from tests.permission_rows import COMMUNICATOR, RESPONDER, VIEWER

API = {
    "GET /api/v1/planned-work": VIEWER,
    "POST /api/v1/planned-work": RESPONDER,
    "GET /api/v1/planned-work/{work_id}": VIEWER,
    "PATCH /api/v1/planned-work/{work_id}": RESPONDER,
    "POST /api/v1/planned-work/{work_id}/check": VIEWER,
    "POST /api/v1/planned-work/{work_id}/publish": COMMUNICATOR,
    "POST /api/v1/planned-work/{work_id}/reschedule": COMMUNICATOR,
    "POST /api/v1/planned-work/{work_id}/cancel": COMMUNICATOR,
    "POST /api/v1/planned-work/{work_id}/extend": RESPONDER,
    "POST /api/v1/planned-work/{work_id}/complete": RESPONDER,
    "POST /api/v1/planned-work/{work_id}/release": RESPONDER,
}
CONSOLE = {}

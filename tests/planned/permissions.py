"""Planned work's rows of the permission matrix: viewers read and check, responders draft and
run the work, communicators publish, reschedule and cancel (admins publish over a firm
violation, which the service checks). A PATCH of published work's words needs a communicator,
which the service checks too (``test_api``)."""

from tests.permission_rows import COMMUNICATOR, RESPONDER, VIEWER, Console, Page

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
CONSOLE = {
    # The change page is the work's page (its forms go through the services, each checking its
    # step's role); no object pages of Django's own here.
    "planned.plannedwork": Console(add=RESPONDER),
}
PAGES = {
    "admin:planned_plannedwork_act": Page(RESPONDER, {"pk": "999999", "name": "nothing"}),
    "admin:planned_plannedwork_check": Page(VIEWER, {"pk": "999999"}),
    "admin:planned_plannedwork_revise": Page(RESPONDER, {"pk": "999999"}),
}

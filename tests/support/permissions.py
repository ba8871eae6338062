"""Support's rows of the permission matrix: viewers read requests, responders handle them,
admins keep the targets, rotas and chat widgets."""

from forewarn.support import configuration
from forewarn.support.models import ChatWidget, OnCallRota
from tests.permission_rows import ADMIN, RESPONDER, VIEWER, Console, Page

API = {
    "GET /api/v1/support/requests": VIEWER,
    "POST /api/v1/support/requests": RESPONDER,
    "GET /api/v1/support/requests/{request_id}": VIEWER,
    "POST /api/v1/support/requests/{request_id}/replies": RESPONDER,
    "POST /api/v1/support/requests/{request_id}/notes": RESPONDER,
    "POST /api/v1/support/requests/{request_id}/messages": RESPONDER,
    "POST /api/v1/support/requests/{request_id}/status": RESPONDER,
    "POST /api/v1/support/requests/{request_id}/reclassify": RESPONDER,
    "PUT /api/v1/support/requests/{request_id}/assignee": RESPONDER,
    "POST /api/v1/support/requests/{request_id}/escalations": RESPONDER,
    "POST /api/v1/support/conversations": RESPONDER,
    "GET /api/v1/support/targets": VIEWER,
    "POST /api/v1/support/targets": ADMIN,
    "DELETE /api/v1/support/targets/{target_id}": ADMIN,
    "GET /api/v1/support/reports/response-times": VIEWER,
    # On-call rotas: viewers read them, admins keep them, as in the console.
    "GET /api/v1/support/rotas": VIEWER,
    "POST /api/v1/support/rotas": ADMIN,
    "GET /api/v1/support/rotas/{rota_id}": VIEWER,
    "PATCH /api/v1/support/rotas/{rota_id}": ADMIN,
    "DELETE /api/v1/support/rotas/{rota_id}": ADMIN,
    "POST /api/v1/support/rotas/{rota_id}/shifts": ADMIN,
    "DELETE /api/v1/support/rotas/{rota_id}/shifts/{shift_id}": ADMIN,
    # Chat widgets: admins only, as in the console (their secrets sign contacts in).
    "GET /api/v1/support/chat-widgets": ADMIN,
    "POST /api/v1/support/chat-widgets": ADMIN,
    "GET /api/v1/support/chat-widgets/{key}": ADMIN,
    "PATCH /api/v1/support/chat-widgets/{key}": ADMIN,
    "DELETE /api/v1/support/chat-widgets/{key}": ADMIN,
    "POST /api/v1/support/chat-widgets/{key}/rotate-secret": ADMIN,
}


def _rota() -> OnCallRota:
    return configuration.save_rota(OnCallRota(name="Nights"), actor="test", role=ADMIN)


def _widget() -> ChatWidget:
    return configuration.save_widget(ChatWidget(name="Product"), actor="test", role=ADMIN)


CONSOLE = {
    "support.supportrequest": Console(view=VIEWER),
    "support.responsetarget": Console(add=ADMIN, change=ADMIN, delete=ADMIN),
    "support.oncallrota": Console(add=ADMIN, change=ADMIN, delete=ADMIN, make=_rota),
    "support.conversation": Console(view=VIEWER),
    # Admins only, reading too: the page shows the secret users are signed with.
    "support.chatwidget": Console(
        view=ADMIN,
        add=ADMIN,
        change=ADMIN,
        delete=ADMIN,
        actions={"rotate_secret": ADMIN},
        make=_widget,
    ),
}

PAGES = {
    "admin:support_supportrequest_act": Page(RESPONDER, {"pk": "999999", "name": "reply"}),
    "admin:support_supportrequest_attachment": Page(VIEWER, {"pk": "999999"}),
    "admin:support_chatwidget_preview": Page(ADMIN, {"pk": "999999"}),
    "support_reports:response_times": Page(VIEWER),
}

"""The portal's rows of the permission matrix: the contact operations take only contacts'
tokens (no staff caller); admins keep the support page's links, viewers read them."""

from tests.permission_rows import ADMIN, CONTACT, Console

API = {
    "GET /api/v1/contact/requests": CONTACT,
    "POST /api/v1/contact/requests": CONTACT,
    "GET /api/v1/contact/requests/{request_id}": CONTACT,
    "POST /api/v1/contact/requests/{request_id}/messages": CONTACT,
    "POST /api/v1/contact/requests/{request_id}/close": CONTACT,
}

CONSOLE = {
    "portal.supportpage": Console(add=ADMIN, change=ADMIN, delete=ADMIN),
}

"""The chat widget over HTTP: the script, and the two JSON calls it makes. Thin over ``chat``.

``GET /support/chat.js``: the widget.
``GET /support/chat/<key>/conversation?after=<id>&request=<SR-12|new>``: who is signed in, the
support hours, the contact's requests, and the chosen request (else the current chat request)
with its public messages after ``after``.
``POST /support/chat/<key>/messages`` ``{"body": …, "emergency": false, "request": "SR-12"}``:
write (``"request"``: optional, a reference or ``"new"``).

Both calls carry the user's chat token as ``Authorization: Bearer <token>``: 401 when it does
not prove who the user is, 403 naming the reason when they are not an authorized contact
(nothing is filed), 422 for bad input naming the field.

**CORS.** The widget runs on the provider's own pages, another origin: a call from an origin
the widget's admin listed (or from Forewarn's own) is answered with that origin in
``Access-Control-Allow-Origin``; any other origin gets 403 and nothing is done, and its
preflight is refused, so its browser never sends the write.

**Why no CSRF token.** CSRF abuses credentials a browser attaches on its own (cookies, HTTP
authentication). These calls use none: the widget sends ``credentials: "omit"``, and what
proves the user is the bearer token, which the provider's page put into the widget and no
other site can read or make a browser attach. A forged cross-site request arrives without
it and is refused (401). So the views are ``csrf_exempt``, and they never look at a session.
"""

import json
from functools import cache
from pathlib import Path

from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from . import chat
from .services import NotAuthorized

SCRIPT = Path(__file__).parent / "static" / "support" / "chat.js"
PREFLIGHT_MAX_AGE = 600


@cache
def _script() -> bytes:
    return SCRIPT.read_bytes()


@require_GET
def script(request):
    response = HttpResponse(_script(), content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "public, max-age=300"
    # Loaded by other origins' pages as a classic script: let them.
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response


def _own_origin(request) -> str:
    return f"{request.scheme}://{request.get_host()}"


def _problem(message: str, status: int, detail: dict | None = None) -> JsonResponse:
    body = {"message": message}
    if detail:
        body["detail"] = detail
    return JsonResponse(body, status=status)


def _with_cors(response, origin: str | None):
    response["Vary"] = "Origin"
    if origin:
        response["Access-Control-Allow-Origin"] = origin
    response["Cache-Control"] = "no-store"
    return response


def _endpoint(methods: tuple[str, ...]):
    """The widget's CORS and token handling around ``view(request, contact)``."""

    def wrap(view):
        @csrf_exempt
        def handler(request, key: str):
            origin = request.headers.get("Origin")
            try:
                widget = chat.widget(key)
            except chat.UnknownWidget as error:
                return _problem(str(error), 404)
            allowed = origin is None or origin == _own_origin(request) or origin in widget.origins()
            if not allowed:
                return _problem(
                    f"The chat widget may not run on {origin}: an admin adds it to the "
                    "widget's allowed origins.",
                    403,
                )
            if request.method == "OPTIONS":
                response = HttpResponse(status=204)
                response["Access-Control-Allow-Methods"] = ", ".join((*methods, "OPTIONS"))
                response["Access-Control-Allow-Headers"] = "Authorization, Content-Type, Accept"
                response["Access-Control-Max-Age"] = str(PREFLIGHT_MAX_AGE)
                return _with_cors(response, origin)
            if request.method not in methods:
                response = _problem(f"Use {' or '.join(methods)}.", 405)
                response["Allow"] = ", ".join((*methods, "OPTIONS"))
                return _with_cors(response, origin)
            header = request.headers.get("Authorization", "")
            token = header[7:] if header[:7].lower() == "bearer " else ""
            try:
                contact = chat.identify(widget, token)
                response = view(request, contact)
            except chat.BadToken as error:
                response = _problem(str(error), 401)
            except NotAuthorized as error:
                response = _problem(str(error), 403)
            except ValidationError as error:
                detail = error.message_dict if hasattr(error, "message_dict") else {}
                text = "; ".join(f"{f}: {' '.join(m)}" for f, m in detail.items())
                response = _problem(text or " ".join(error.messages), 422, detail)
            return _with_cors(response, origin)

        return handler

    return wrap


@_endpoint(("GET",))
def conversation(request, contact):
    try:
        after = max(0, int(request.GET.get("after") or 0))
    except ValueError:
        raise ValidationError({"after": "Give a message id (a whole number)."}) from None
    choice = request.GET.get("request") or None
    return JsonResponse(chat.conversation(contact, after=after, request=choice))


@_endpoint(("POST",))
def messages(request, contact):
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        raise ValidationError({"body": 'Send JSON: {"body": "…"}.'}) from None
    if not isinstance(data, dict):
        raise ValidationError({"body": "Send a JSON object."})
    body, emergency = data.get("body"), data.get("emergency", False)
    choice = data.get("request")
    if not isinstance(body, str):
        raise ValidationError({"body": "Write a message (text)."})
    if not isinstance(emergency, bool):
        raise ValidationError({"emergency": "true or false."})
    if choice is not None and not isinstance(choice, str):
        raise ValidationError({"request": 'A request\'s reference ("SR-12"), or "new".'})
    posted = chat.post(contact, body=body, emergency=emergency, request=choice or None)
    return JsonResponse(
        {
            "reference": posted.request.reference,
            "message_id": posted.message.pk,
            "opened": posted.opened,
            "on_call": posted.request.on_call,
        },
        status=201,
    )

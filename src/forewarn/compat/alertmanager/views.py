"""``POST /hooks/alertmanager``: Alertmanager's webhook receiver, thin over ``receiver``.

Authentication is the integration's bearer token (``Authorization: Bearer fwam_…``, which
Alertmanager sends from ``http_config.authorization``); an API token or a Cachet token opens
nothing here. Answers are JSON in the shape of Prometheus' and Alertmanager's own API:
``{"status": "success", …}`` or ``{"status": "error", "errorType": …, "error": …}``. Bad input
is a 4xx, which Alertmanager does not retry; nothing is half-saved.
"""

import json

from django.core.exceptions import RequestDataTooBig, ValidationError
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt

from . import receiver
from .models import AlertIntegration
from .payload import PayloadError


def _error(status: int, kind: str, message: str) -> JsonResponse:
    response = JsonResponse({"status": "error", "errorType": kind, "error": message}, status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="alertmanager"'
    return response


def _integration(request) -> AlertIntegration | None:
    scheme, _, raw = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not raw.strip():
        return None
    return AlertIntegration.authenticate(raw.strip())


@csrf_exempt
def hook(request):
    if request.method != "POST":
        response = _error(405, "bad_request", "Send Alertmanager's notifications with POST.")
        response["Allow"] = "POST"
        return response
    integration = _integration(request)
    if integration is None:
        return _error(
            401,
            "unauthorized",
            "Send 'Authorization: Bearer <token>' with the token of an active Alertmanager "
            "integration.",
        )
    try:
        body = json.loads(request.body)
    except RequestDataTooBig:
        return _error(413, "bad_data", "The notification is too large.")
    except (ValueError, UnicodeDecodeError):
        return _error(400, "bad_data", "The body is not JSON (Alertmanager sends JSON).")
    try:
        outcome = receiver.receive(integration, body)
    except PayloadError as error:
        return _error(400, "bad_data", str(error))
    except receiver.Revoked:
        return _error(401, "unauthorized", "This integration was revoked.")
    except ValidationError as error:
        return _error(422, "bad_data", " ".join(error.messages))
    return JsonResponse(outcome.as_json())

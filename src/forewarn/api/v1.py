"""Forewarn's own JSON API: one NinjaAPI, one router per domain, OpenAPI at /api/v1/openapi.json.

Only deliberate domain errors become 4xx answers: Django's ``ValidationError``, the policy
engine's ``PolicyError`` and a calendar's ``DefinitionError`` (422), a service's refusal of the
caller's role, ``PermissionDenied`` (403), a conflict with a unique key (409), what does not
exist (404). Anything else is a bug or an outage: it propagates, is
logged, and the caller gets a 500 with a request id (``forewarn.ops.request_id``).
"""

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import IntegrityError
from django.http import Http404
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from forewarn.availability.api import router as availability_router
from forewarn.calendars.api import router as calendars_router
from forewarn.calendars.definitions import DefinitionError
from forewarn.catalog.api import router as catalog_router
from forewarn.catalog.api_contracts import router as contracts_router
from forewarn.compat.alertmanager.api import router as alertmanager_router
from forewarn.delivery.api import router as delivery_router
from forewarn.incidents.api import router as incidents_router
from forewarn.incidents.api_settings import router as incident_settings_router
from forewarn.metrics.api import router as metrics_router
from forewarn.planned.api import router as planned_router
from forewarn.policies.api import router as policies_router
from forewarn.policies.rules import PolicyError
from forewarn.portal.api import router as contact_router
from forewarn.record.api import router as record_router
from forewarn.releases.api import router as releases_router
from forewarn.support.api import router as support_router
from forewarn.support.api_rotas import router as support_rotas_router
from forewarn.support.api_widgets import router as support_widgets_router

from .auth import AUTH
from .openapi import ForewarnAPI

api = ForewarnAPI(
    title="Forewarn API",
    version="1",
    description="Everything the operator console does. Authenticate with `Authorization: Bearer <token>` "
    "(create one with `forewarn token create USER`).",
    auth=AUTH,
    urls_namespace="api-v1",
)


def _message_from_validation(errors: list[dict]) -> str:
    parts = []
    for error in errors:
        loc = ".".join(
            str(p) for p in error.get("loc", []) if p not in ("body", "query", "path", "payload")
        )
        parts.append(f"{loc}: {error.get('msg')}" if loc else str(error.get("msg")))
    return "; ".join(parts)


@api.exception_handler(NinjaValidationError)
def on_invalid(request, exc):
    return api.create_response(
        request, {"message": _message_from_validation(exc.errors), "detail": exc.errors}, status=422
    )


@api.exception_handler(ValidationError)
def on_domain_invalid(request, exc):
    if hasattr(exc, "message_dict"):
        message = "; ".join(
            f"{field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items()
        )
        detail = exc.message_dict
    else:
        message = " ".join(exc.messages)
        detail = exc.messages
    return api.create_response(request, {"message": message, "detail": detail}, status=422)


@api.exception_handler(PolicyError)
def on_policy_error(request, exc):
    message = str(exc)
    return api.create_response(
        request, {"message": message, "detail": {exc.field: [message]}}, status=422
    )


@api.exception_handler(DefinitionError)
def on_definition_error(request, exc):
    detail = {field: [message] for field, message in exc.errors.items()}
    return api.create_response(request, {"message": str(exc), "detail": detail}, status=422)


@api.exception_handler(PermissionDenied)
def on_forbidden(request, exc):
    return api.create_response(
        request, {"message": str(exc) or "Your role does not allow this."}, status=403
    )


@api.exception_handler(IntegrityError)
def on_conflict(request, exc):
    return api.create_response(
        request,
        {"message": "This conflicts with an existing record (a slug, name or email already used)."},
        status=409,
    )


@api.exception_handler(ObjectDoesNotExist)
def on_missing(request, exc):
    return api.create_response(request, {"message": "Not found."}, status=404)


@api.exception_handler(Http404)
def on_404(request, exc):
    return api.create_response(request, {"message": str(exc) or "Not found."}, status=404)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request, exc):
    return api.create_response(
        request,
        {"message": "Authentication required: send 'Authorization: Bearer <token>'."},
        status=401,
    )


@api.exception_handler(HttpError)
def on_http_error(request, exc):
    return api.create_response(request, {"message": exc.message}, status=exc.status_code)


api.add_router("/", catalog_router)
api.add_router("/", contracts_router)
api.add_router("/", calendars_router)
api.add_router("/", policies_router)
api.add_router("/", delivery_router)
api.add_router("/", availability_router)
api.add_router("/", record_router)
api.add_router("/", incident_settings_router)
api.add_router("/", incidents_router)
api.add_router("/", planned_router)
api.add_router("/", releases_router)
api.add_router("/", metrics_router)
api.add_router("/", alertmanager_router)
api.add_router("/", support_router)
api.add_router("/", support_widgets_router)
api.add_router("/", support_rotas_router)
api.add_router("/", contact_router)

"""The frame every Cachet endpoint runs in: who calls, what they sent, and Cachet's answers.

``X-Cachet-Token`` carries a Forewarn API token of the Cachet surface (``forewarn token create
USER --surface cachet``); a token of Forewarn's own API is refused here like an unknown one.
As in Cachet, a read with no token, or a wrong one, is a guest's read (public rows only); a
write, and any read of subscribers, needs a valid token (401) whose user has the role the
operation needs (403). The role is Forewarn's: the same as the console's and ``/api/v1``'s.

Every refusal is Cachet's error body (``shapes.error``): 400 for bad input naming the field
(Forewarn's ``ValidationError`` and this surface's ``InputError``), 401, 403, 404, 405.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import IntegrityError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from forewarn import limits
from forewarn.api.models import ApiToken, Surface
from forewarn.catalog.models import has_role, role_of

from . import inputs, shapes

TOKEN_HEADER = "HTTP_X_CACHET_TOKEN"


class Unauthorized(Exception):
    """No valid Cachet token where one is needed."""


class NotAllowed(Exception):
    """An operation this surface does not offer on a resource; the message says why."""

    def __init__(self, message: str, allow: str):
        super().__init__(message)
        self.allow = allow


@dataclass
class Call:
    """One request to the Cachet surface: its caller (None: a guest) and its fields."""

    request: HttpRequest
    user: object | None

    @cached_property
    def fields(self) -> dict[str, object]:
        return inputs.fields(
            self.request.META.get("QUERY_STRING", ""),
            self.request.body,
            self.request.META.get("CONTENT_TYPE", ""),
        )

    @property
    def zone(self) -> str:
        return settings.FOREWARN_CACHET_TIME_ZONE

    @property
    def is_staff_reader(self) -> bool:
        """Whether the caller sees what guests do not (Cachet's "authenticated" reads)."""
        return self.user is not None and has_role(self.user, "viewer")

    @property
    def role(self) -> str | None:
        return role_of(self.user)

    @property
    def actor(self) -> str:
        return self.user.get_username() if self.user is not None else "anonymous"

    def require(self, role: str | None = None):
        """The caller, who must have a valid token (401) and, if given, ``role`` or above (403)."""
        if self.user is None:
            raise Unauthorized()
        if role is not None and not has_role(self.user, role):
            raise PermissionDenied(f"This needs the '{role}' role or above.")
        return self.user

    def timestamp(self, at) -> str | None:
        return shapes.timestamp(at, self.zone)

    def instant(self, field: str):
        return shapes.instant(self.fields.get(field), field, self.zone)


def caller(request: HttpRequest):
    raw = request.META.get(TOKEN_HEADER, "").strip()
    if not raw or len(raw) > 200:
        return None
    return ApiToken.authenticate(raw, surface=Surface.CACHET)


def item(data) -> JsonResponse:
    return JsonResponse({"data": data})


def no_content() -> HttpResponse:
    return HttpResponse(status=204)


def wanted(call: Call, *, sortable, filters) -> shapes.Listing:
    """The page, sort and filters a list request asks for, bounded."""
    return shapes.listing(
        call.fields,
        sortable=sortable,
        searchable=filters,
        max_per_page=limits.PAGE,
        max_page=limits.OFFSET,
    )


def envelope(call: Call, asked: shapes.Listing, total: int, data: list) -> JsonResponse:
    """``data`` as one page of ``total`` rows, with Cachet's ``meta.pagination`` and links."""
    query = [(k, v) for k, v in call.request.GET.items() if k != "page"]

    def page_url(number: int) -> str:
        return call.request.build_absolute_uri(
            call.request.path + "?" + urlencode([*query, ("page", number)])
        )

    meta = shapes.pagination(total, len(data), asked, page_url)
    return JsonResponse({"meta": meta, "data": data})


def page_of(
    call: Call,
    rows: QuerySet,
    present: Callable,
    *,
    sortable: dict[str, str],
    filters: dict[str, Callable],
    default_order: tuple[str, ...] = ("pk",),
) -> JsonResponse:
    """One page of ``rows`` in Cachet's envelope, sorted and filtered as Cachet allows.

    ``sortable`` maps Cachet's column to the ordering field; ``filters`` maps Cachet's column to
    a function of (rows, value) returning the filtered rows (raising ``InputError``).
    """
    asked = wanted(call, sortable=sortable, filters=filters)
    for name, value in asked.filters.items():
        rows = filters[name](rows, value)
    if asked.sort:
        field = sortable[asked.sort]
        rows = rows.order_by(("-" if asked.descending else "") + field, "pk")
    else:
        rows = rows.order_by(*default_order)
    total = rows.count()
    found = list(rows[asked.offset : asked.offset + asked.per_page])
    return envelope(call, asked, total, present(found))


def failure(status: int, details=(), detail: str | None = None, **headers) -> JsonResponse:
    response = JsonResponse(shapes.error(status, details, detail), status=status)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def _messages(error: ValidationError, names: dict[str, str]) -> list[str]:
    if hasattr(error, "message_dict"):
        return [
            f"{names.get(field, field)}: {message}"
            for field, messages in error.message_dict.items()
            for message in messages
        ]
    return list(error.messages)


def resource(names: dict[str, str] | None = None, **handlers: Callable) -> Callable:
    """The view of one Cachet path: ``GET=``, ``POST=``, ``PUT=``, ``DELETE=`` handlers, each
    ``handler(call, **url_kwargs)``. ``names`` turns Forewarn's field names in error messages
    into Cachet's (``{"title": "name"}``)."""
    names = names or {}
    allow = ", ".join(sorted(handlers))

    @csrf_exempt
    def view(request: HttpRequest, **kwargs) -> HttpResponse:
        handler = handlers.get(request.method)
        if handler is None:
            return failure(405, Allow=allow)
        try:
            return handler(Call(request, caller(request)), **kwargs)
        except inputs.BodyError as error:
            return failure(error.status, [str(error)], error.message)
        except shapes.InputError as error:
            field = names.get(error.field, error.field)
            return failure(400, [f"{field}: {error.message}"], f"{field}: {error.message}")
        except ValidationError as error:
            messages = _messages(error, names)
            return failure(400, messages, messages[0] if messages else None)
        except Unauthorized:
            return failure(401)
        except PermissionDenied as error:
            return failure(403, detail=str(error) or None)
        except (ObjectDoesNotExist, Http404):
            return failure(404)
        except NotAllowed as error:
            return failure(405, detail=str(error), Allow=error.allow)
        except IntegrityError:
            return failure(400, detail="This conflicts with an existing record.")

    return view

"""Chat widgets in the JSON API, for admins (as in the console: a widget's secret signs contacts
in): list, add, read, change, remove, and rotate a widget's secret, all through
``configuration``, the console's write path.

A widget is named by its key (public, the script tag's ``data-widget``). Its secret is in two
answers only: the one that adds the widget and the one that rotates its secret; lists and
reads never show it. Bad input is a 422 naming the field, and nothing changes.
"""

from datetime import datetime
from typing import Annotated

from django.core.exceptions import ValidationError
from django.http import Http404
from ninja import Field, Router, Schema, Status

from forewarn import limits
from forewarn.api.auth import actor_and_role, needs
from forewarn.api.fields import Name, Url, bounded_list
from forewarn.api.validation import refuse_nulls
from forewarn.catalog.models import Role

from . import configuration
from .chat import script_tag
from .models import ChatWidget

router = Router(tags=["support"])

WidgetKey = Annotated[
    str, Field(min_length=1, max_length=12, description="the widget's key (its data-widget)")
]
Origins = Annotated[
    bounded_list(Url, limits.ITEMS),
    Field(
        description="the origins (scheme://host[:port]) of the pages the widget may run on, "
        "e.g. https://app.example.com"
    ),
]
SECRET_SHOWN_HERE = (
    "Shown in this answer only (adding the widget, rotating its secret), never when widgets "
    "are listed or read: keep it in your product's backend, which signs each user's chat "
    "token with it (HS256)."
)


class ChatWidgetOut(Schema):
    key: str = Field(description="public: the script tag's data-widget")
    name: str
    allowed_origins: list[str]
    is_active: bool = Field(description="false: the widget answers nobody")
    updated_at: datetime
    script_tag: str = Field(description="what your product's pages add (with a token)")


class ChatWidgetSecretOut(ChatWidgetOut):
    secret: str = Field(description=SECRET_SHOWN_HERE)


class ChatWidgetIn(Schema):
    name: Name = Field(description="unique, e.g. the product the widget is in")
    allowed_origins: Origins = []
    is_active: bool = True


class ChatWidgetPatch(Schema):
    name: Name | None = None
    allowed_origins: Origins | None = None
    is_active: bool | None = None


def widget_out(widget: ChatWidget) -> dict:
    return {
        "key": widget.key,
        "name": widget.name,
        "allowed_origins": widget.origins(),
        "is_active": widget.is_active,
        "updated_at": widget.updated_at,
        "script_tag": script_tag(widget),
    }


def with_secret(widget: ChatWidget) -> dict:
    return widget_out(widget) | {"secret": widget.secret}


def _origins_text(origins: list[str]) -> str:
    """The model's one-origin-a-line text; each item must be one origin, not blank lines."""
    for number, origin in enumerate(origins, start=1):
        if not origin.strip() or "\n" in origin or "\r" in origin:
            raise ValidationError(
                {
                    "allowed_origins": f"Item {number} is not an origin; give one an item, "
                    "e.g. https://app.example.com"
                }
            )
    return "\n".join(origin.strip() for origin in origins)


def _assign(widget: ChatWidget, data: dict) -> ChatWidget:
    for field, value in data.items():
        setattr(widget, field, _origins_text(value) if field == "allowed_origins" else value)
    return widget


def _widget(key: str) -> ChatWidget:
    found = ChatWidget.objects.filter(key=key).first()
    if found is None:
        raise Http404(f"No chat widget '{key}'.")
    return found


@router.get("/support/chat-widgets", response=list[ChatWidgetOut], auth=needs(Role.ADMIN))
def list_widgets(request):
    """Every chat widget, by name, active or not. Secrets are not shown: a widget's secret is in
    the answers that add it and rotate its secret only."""
    return [widget_out(w) for w in ChatWidget.objects.order_by("name", "pk")]


@router.post("/support/chat-widgets", response={201: ChatWidgetSecretOut}, auth=needs(Role.ADMIN))
def create_widget(request, payload: ChatWidgetIn):
    """Add a widget: Forewarn gives it a key and a random secret. This answer is the only one
    besides a rotation that shows the secret."""
    widget = _assign(ChatWidget(), payload.dict())
    return Status(201, with_secret(configuration.save_widget(widget, **actor_and_role(request))))


@router.get("/support/chat-widgets/{key}", response=ChatWidgetOut, auth=needs(Role.ADMIN))
def get_widget(request, key: WidgetKey):
    """One widget, without its secret (rotate it to get a new one)."""
    return widget_out(_widget(key))


@router.patch("/support/chat-widgets/{key}", response=ChatWidgetOut, auth=needs(Role.ADMIN))
def update_widget(request, key: WidgetKey, payload: ChatWidgetPatch):
    """Change the name, the allowed origins (the whole list) or whether it is active; fields
    left out keep their value. The answer does not show the secret."""
    widget = _widget(key)
    data = refuse_nulls(payload.dict(exclude_unset=True))
    return widget_out(configuration.save_widget(_assign(widget, data), **actor_and_role(request)))


@router.delete("/support/chat-widgets/{key}", response={204: None}, auth=needs(Role.ADMIN))
def delete_widget(request, key: WidgetKey):
    """Remove a widget: its script tag stops working at once; the record keeps what it was."""
    configuration.delete_widget(_widget(key), **actor_and_role(request))
    return Status(204, None)


@router.post(
    "/support/chat-widgets/{key}/rotate-secret",
    response=ChatWidgetSecretOut,
    auth=needs(Role.ADMIN),
)
def rotate_secret(request, key: WidgetKey):
    """Give the widget a new random secret, shown in this answer only: chat tokens signed with
    the old one are refused from now on, so put the new one in your backend straight away."""
    widget = configuration.rotate_widget_secret(_widget(key), **actor_and_role(request))
    return with_secret(widget)

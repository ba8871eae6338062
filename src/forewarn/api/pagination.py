"""The API's one way to page a list: ``?limit=`` (1 to 500, default 100) and ``?offset=``
(up to a billion; further is a 422 naming the field, not a database error)."""

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

from forewarn import limits


class Pages(LimitOffsetPagination):
    """``{"items": [...], "count": N}`` from ``limit`` and ``offset``, both bounded."""

    class Input(Schema):
        limit: int = Field(100, ge=1, le=limits.PAGE, description="items on this page")
        offset: int = Field(0, ge=0, le=limits.OFFSET, description="items to skip")

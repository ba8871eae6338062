"""Bounded input types for the API's schemas: each carries its limit into the OpenAPI document.

Every string an operation reads has a maximum length (or a fixed vocabulary), every number a
minimum and a maximum, every list a maximum number of items (``forewarn.limits``);
``tests/api/test_bounds.py`` walks the document to keep it so. A vocabulary is a ``Literal``
of its enum's values (``one_of(ComponentStatus.values)``), so the document lists them.
"""

import datetime as dt
import re
from decimal import Decimal
from typing import Annotated, Any, Literal

from ninja import Field
from pydantic import PlainValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from forewarn import limits
from forewarn.calendars.definitions import FIRST_YEAR, LAST_YEAR

Slug = Annotated[str, Field(min_length=1, max_length=limits.SLUG)]
Name = Annotated[str, Field(min_length=1, max_length=limits.NAME)]
ShortText = Annotated[str, Field(max_length=limits.SHORT_TEXT)]
Text = Annotated[str, Field(max_length=limits.TEXT)]
TimeZoneName = Annotated[str, Field(max_length=limits.TIME_ZONE, description="IANA zone")]
Email = Annotated[str, Field(max_length=limits.EMAIL)]
Reference = Annotated[str, Field(max_length=64)]
Url = Annotated[str, Field(max_length=limits.URL)]
Count = Annotated[int, Field(ge=0, le=limits.COUNT)]
Minutes = Annotated[int, Field(ge=0, le=limits.OBJECTIVE_MINUTES)]
Position = Annotated[int, Field(ge=0, le=limits.POSITION)]
ObjectId = Annotated[int, Field(ge=1, le=limits.ID)]
Slugs = Annotated[list[Slug], Field(max_length=limits.ITEMS)]


def one_of(values) -> Any:
    """The type of a field whose value is one of ``values`` (an enum's), listed in the document."""
    return Literal[tuple(values)]


def word_of(values) -> Any:
    """A word from ``values`` (an enum's), listed in the document, that the domain checks itself.

    For fields whose refusal the service words better than a schema could ("'P7' is not a
    priority; use one of P1, …"): the document lists the words, the service refuses the rest.
    """
    words = [str(v) for v in values]
    return Annotated[
        str, Field(max_length=max(map(len, words), default=1), json_schema_extra={"enum": words})
    ]


def bounded_list(item: Any = Any, size: int = limits.ITEMS) -> Any:
    """A list of at most ``size`` items, each ``item`` (checked further by the domain)."""
    return Annotated[list[item], Field(max_length=size)]


def percent(low: int, high: int) -> Any:
    """A Decimal from ``low`` to ``high`` with up to four decimals, documented as a number."""
    return Annotated[
        Decimal,
        Field(ge=low, le=high, max_digits=7, decimal_places=4),
        WithJsonSchema({"type": "number", "minimum": low, "maximum": high}),
    ]


# --- instants and days ------------------------------------------------------------------------

# "+01:00" arrives as " 01:00" when a client puts it in a query string unencoded.
_UNENCODED_OFFSET = re.compile(r"^(.*T.*\d) (\d\d(?::?\d\d)?)$")


def parse_instant(value: Any) -> dt.datetime:
    """An aware datetime from ISO 8601 text; naive or unreadable values are refused."""
    if isinstance(value, dt.datetime):
        parsed = value
    else:
        text = _UNENCODED_OFFSET.sub(r"\1+\2", str(value).strip())
        try:
            parsed = dt.datetime.fromisoformat(text)
        except ValueError:
            raise PydanticCustomError(
                "datetime_format",
                "'{value}' is not an ISO 8601 date and time such as 2026-12-28T10:00:00+01:00",
                {"value": text},
            ) from None
    if parsed.utcoffset() is None:
        raise PydanticCustomError(
            "naive_datetime",
            "'{value}' has no UTC offset; add one, such as +01:00 or Z, so the instant is exact",
            {"value": parsed.isoformat()},
        )
    if not FIRST_YEAR <= parsed.year <= LAST_YEAR:
        raise PydanticCustomError(
            "datetime_range",
            "'{value}' is outside the years {first}–{last} Forewarn works with",
            {"value": parsed.isoformat(), "first": FIRST_YEAR, "last": LAST_YEAR},
        )
    return parsed


Instant = Annotated[
    dt.datetime,
    PlainValidator(parse_instant),
    WithJsonSchema(
        {
            "type": "string",
            "format": "date-time",
            "description": "ISO 8601 with a UTC offset",
            "example": "2026-12-25T16:00:00+01:00",
        }
    ),
]


def parse_day(value: Any) -> dt.date:
    """A date from ISO 8601 text (2026-12-28), within the years Forewarn works with."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        parsed = value
    else:
        try:
            parsed = dt.date.fromisoformat(str(value).strip())
        except ValueError:
            raise PydanticCustomError(
                "date_format", "'{value}' is not a date such as 2026-12-28", {"value": str(value)}
            ) from None
    if not FIRST_YEAR <= parsed.year <= LAST_YEAR:
        raise PydanticCustomError(
            "date_range",
            "'{value}' is outside the years {first}–{last} Forewarn works with",
            {"value": parsed.isoformat(), "first": FIRST_YEAR, "last": LAST_YEAR},
        )
    return parsed


Day = Annotated[
    dt.date,
    PlainValidator(parse_day),
    WithJsonSchema({"type": "string", "format": "date", "example": "2026-12-28"}),
]

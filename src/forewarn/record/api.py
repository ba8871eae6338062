"""The system of record in the JSON API: read it, filter it, export it (viewer and up).

There is nothing to write here: events are appended by the services that make the changes.
"""

from datetime import datetime
from typing import Annotated, Literal

from django.http import StreamingHttpResponse
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from forewarn import limits
from forewarn.api.auth import needs
from forewarn.api.fields import Instant, bounded_list, one_of
from forewarn.api.pagination import Pages
from forewarn.catalog.models import Role

from . import queries
from .kinds import Kind

router = Router(tags=["record"])

KindName = one_of(k.value for k in Kind)


class EventOut(Schema):
    id: int
    at: datetime = Field(description="the instant the event claims")
    entered_at: datetime | None = Field(
        description="when it was appended (the server's clock); null for older events"
    )
    kind: KindName
    actor: str = Field(description="who did it: a username, 'system', 'public', 'subscriber'")
    contact: str = Field(description="the customer contact involved, if any")
    subject_type: str = Field(description="what it is about, e.g. catalog.component")
    subject_id: str
    description: str
    details: dict


class KindOut(Schema):
    kind: KindName
    subject: str
    verb: str
    description: str


Short = Annotated[str, Field(max_length=64)]
Person = Annotated[str, Field(max_length=limits.NAME)]


class RecordQuery(Schema):
    subject_type: Short | None = Field(None, description="e.g. catalog.component")
    subject_id: Short | None = Field(None, description="with subject_type: one subject's timeline")
    kind: bounded_list(Short, 100) = Field(
        default_factory=list,
        description="kinds, or a subject's prefix such as 'component.'; repeat for several",
    )
    since: Instant | None = Field(None, description="from this instant (included), with offset")
    until: Instant | None = Field(None, description="to this instant (excluded), with offset")
    actor: Person | None = None
    contact: Person | None = Field(None, description="case ignored")


class ListQuery(RecordQuery):
    order: Literal["newest", "oldest"] = "newest"


class ExportQuery(RecordQuery):
    order: Literal["newest", "oldest"] = "oldest"


def _events(filters: RecordQuery, order: str):
    found = queries.timeline(
        subject_type=filters.subject_type,
        subject_id=filters.subject_id,
        kinds=filters.kind,
        since=filters.since,
        until=filters.until,
        actor=filters.actor,
        contact=filters.contact,
    )
    return found.reverse() if order == "newest" else found


@router.get("/record", response=list[EventOut], auth=needs(Role.VIEWER))
@paginate(Pages)
def list_events(request, filters: Query[ListQuery]):
    """Events, newest first by default; filter by subject, kind (or prefix), time, actor, contact."""
    return _events(filters, filters.order)


@router.get("/record.csv", auth=needs(Role.VIEWER))
def export_csv(request, filters: Query[ExportQuery]):
    """Every matching event as CSV (oldest first by default), times in UTC and the provider's zone."""
    events = _events(filters, filters.order)
    response = StreamingHttpResponse(
        queries.export_csv(events), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="record.csv"'
    return response


@router.get("/record.json", auth=needs(Role.VIEWER))
def export_json(request, filters: Query[ExportQuery]):
    """Every matching event as a JSON array (oldest first by default)."""
    events = _events(filters, filters.order)
    response = StreamingHttpResponse(queries.export_json(events), content_type="application/json")
    response["Content-Disposition"] = 'attachment; filename="record.json"'
    return response


@router.get("/record/kinds", response=list[KindOut], auth=needs(Role.VIEWER))
def list_kinds(request):
    """Every kind of event the record keeps, with what it means."""
    return [
        {"kind": k.value, "subject": k.subject, "verb": k.verb, "description": k.description}
        for k in Kind
    ]

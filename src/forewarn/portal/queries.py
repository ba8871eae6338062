"""Everything a contact may see, each function taking its organization: the portal's views
and the contact API read only through here, so one organization's contact cannot reach
another's rows (a row of another organization is simply not found: 404).

- components: those the organization uses that are public, and those private to it (S1);
  never internal ones;
- incidents: public incidents that affected one of those components;
- planned work: published windows of work affecting one of them;
- notices: what the outbox addressed to the organization's contacts;
- support requests: the organization's, with their public thread (never internal notes).
"""

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from forewarn.catalog.models import Component, Organization, Visibility
from forewarn.delivery.models import Delivery, Notice
from forewarn.incidents.models import Incident, IncidentUpdate
from forewarn.planned.models import Window
from forewarn.planned.public import SHOWN
from forewarn.support.lifecycle import MessageKind
from forewarn.support.models import RequestMessage, SupportRequest

LISTED = 100  # rows per list page


def components(organization: Organization) -> QuerySet[Component]:
    return (
        Component.objects.filter(
            Q(visibility=Visibility.PUBLIC, organizations=organization)
            | Q(visibility=Visibility.PRIVATE, visible_to=organization)
        )
        .select_related("group")
        .distinct()
        .order_by("group__position", "group__name", "position", "name")
    )


def incidents(organization: Organization, *, open_only: bool = False) -> QuerySet[Incident]:
    found = Incident.objects.filter(
        is_public=True, affected__component__in=components(organization)
    )
    if open_only:
        found = found.filter(resolved_at__isnull=True)
    return (
        Incident.objects.filter(pk__in=found.values("pk"))
        .prefetch_related(
            Prefetch("updates", queryset=IncidentUpdate.objects.order_by("-posted_at", "-id"))
        )
        .order_by("-created_at", "-id")
    )


def planned(organization: Organization) -> QuerySet[Window]:
    found = Window.objects.filter(
        state__in=SHOWN,
        work__state__in=SHOWN,
        work__affected__component__in=components(organization),
    )
    return (
        Window.objects.filter(pk__in=found.values("pk"))
        .select_related("work__work_type")
        .order_by("-start_at", "-pk")
    )


def notices(organization: Organization) -> QuerySet[Notice]:
    addressed = Delivery.objects.filter(contact__organization=organization).values("notice_id")
    return Notice.objects.filter(pk__in=addressed).order_by("-due_at", "-pk")


def notice(organization: Organization, pk: int) -> Notice:
    return _one(notices(organization), pk)


def requests(organization: Organization) -> QuerySet[SupportRequest]:
    return SupportRequest.objects.filter(organization=organization).select_related(
        "requester", "component"
    )


def request(organization: Organization, pk: int) -> SupportRequest:
    return _one(requests(organization), pk)


def thread(support_request: SupportRequest) -> QuerySet[RequestMessage]:
    """What the customer sees of a request: everything but staff's internal notes."""
    return (
        support_request.messages.exclude(kind=MessageKind.NOTE)
        .prefetch_related("attachments")
        .order_by("created_at", "id")
    )


def _one(queryset: QuerySet, pk) -> object:
    try:
        return queryset.get(pk=int(pk))
    except (ValueError, TypeError, queryset.model.DoesNotExist):
        raise Http404("Not found.") from None

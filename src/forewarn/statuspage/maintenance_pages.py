"""The status page's planned work: a page per work item, its calendar feeds and its Atom feed.

Thin over ``planned.public`` and ``planned.feeds``, cached with the page version like the rest
of the page: every change the page shows (publishing, a window starting or ending, an
extension, a cancellation) moves the version in the service's transaction.
"""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from forewarn.catalog.models import Component, Visibility
from forewarn.planned import feeds, public

from .atom import StableAtom1Feed
from .caching import public_cached

CALENDAR_TYPE = "text/calendar; charset=utf-8"


@public_cached
def maintenance(request, public_id: str):
    """One published work item: every window, its updates, the components it affects."""
    shown = public.by_public_id(public_id)
    if shown is None:
        raise Http404("No such planned work on this page.")
    return render(request, "statuspage/maintenance.html", {"shown": shown})


def _calendar(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=CALENDAR_TYPE)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@public_cached
def calendar(request):
    """Every published window, as an iCalendar feed calendar programs subscribe to."""
    name = f"{settings.PAGE_NAME}: planned work"
    return _calendar(feeds.calendar(public.every_window(), name=name), "maintenance.ics")


@public_cached
def component_calendar(request, slug: str):
    """The published windows affecting one public component."""
    component = Component.objects.filter(slug=slug, visibility=Visibility.PUBLIC).first()
    if component is None:
        raise Http404("No such component on this page.")
    name = f"{settings.PAGE_NAME}: planned work on {component.name}"
    body = feeds.calendar(public.for_component(component), name=name)
    return _calendar(body, f"maintenance-{component.slug}.ics")


class MaintenanceFeed(Feed):
    """Every public update of planned work, newest first (Atom)."""

    feed_type = StableAtom1Feed
    description_template = "statuspage/feed_maintenance_update.html"

    def title(self):
        return f"{settings.PAGE_NAME} status: planned work"

    def link(self):
        return reverse("statuspage:index")

    def subtitle(self):
        return f"Planned maintenance and its updates on the {settings.PAGE_NAME} status page."

    def items(self):
        return public.recent_updates()

    def item_title(self, item):
        shown, update = item
        return f"{update.label}: {shown.work.title}"

    def item_link(self, item):
        return reverse("statuspage:maintenance", args=[item[0].work.public_id])

    def item_guid(self, item):
        return f"{item[0].url}#update-{item[1].id}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item[1].at

    def item_updateddate(self, item):
        return item[1].at

    def get_context_data(self, **kwargs):
        shown, update = kwargs["item"]
        return {"shown": shown, "update": update}


@public_cached
def feed(request):
    return MaintenanceFeed()(request)

"""The status page's incident pages: one per incident, the history by month (with the planned
work of the month), the Atom feed.

Thin over ``incidents.public``, cached with the page version like the rest of the page.
Following an incident by email is the incidents' own form (``incidents.views``); its page
here only shows it.
"""

import re
from datetime import date
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from forewarn.incidents import public
from forewarn.planned import public as planned

from .atom import StableAtom1Feed
from .caching import public_cached

MONTH = re.compile(r"(\d{4})-(\d{2})")


def _zone() -> ZoneInfo:
    return ZoneInfo(settings.PROVIDER_TIME_ZONE)


@public_cached
def incident(request, public_id: str):
    """One public incident: every update, the components it affected, its postmortem."""
    shown = public.by_public_id(public_id)
    if shown is None:
        raise Http404("No such incident on this page.")
    return render(request, "statuspage/incident.html", {"shown": shown})


def _month(value: str | None, today: date) -> date:
    if not value:
        return today.replace(day=1)
    match = MONTH.fullmatch(value)
    if not match or not 1 <= int(match[2]) <= 12:
        raise Http404("Give the month as YYYY-MM.")
    return date(int(match[1]), int(match[2]), 1)


def _shift(month: date, months: int) -> date:
    index = month.year * 12 + month.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@public_cached
def history(request):
    """The public incidents and planned work of one month (``?month=YYYY-MM``; default this
    month), newest first."""
    zone = _zone()
    today = timezone.localdate(timezone.now(), zone)
    month = _month(request.GET.get("month"), today)
    firsts = [f for f in (public.first_month(zone), planned.first_month(zone)) if f]
    first = min(firsts, default=today.replace(day=1))
    earlier, later = _shift(month, -1), _shift(month, 1)
    context = {
        "month": month,
        "incidents": public.in_month(month.year, month.month, zone),
        "maintenance": planned.in_month(month.year, month.month, zone),
        "earlier": earlier if earlier >= first else None,
        "later": later if later <= today else None,
    }
    return render(request, "statuspage/history.html", context)


class IncidentFeed(Feed):
    """Every update of the public incidents, newest first (Atom)."""

    feed_type = StableAtom1Feed
    description_template = "statuspage/feed_update.html"

    def title(self):
        return f"{settings.PAGE_NAME} status: incidents"

    def link(self):
        return reverse("statuspage:history")

    def subtitle(self):
        return f"Incidents and their updates on the {settings.PAGE_NAME} status page."

    def items(self):
        return public.recent_updates()

    def item_title(self, item):
        shown, update = item
        return f"{update.get_status_display()}: {shown.incident.title}"

    def item_link(self, item):
        return reverse("statuspage:incident", args=[item[0].incident.public_id])

    def item_guid(self, item):
        return f"{item[0].url}#update-{item[1].public_id}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item[1].posted_at

    def item_updateddate(self, item):
        return item[1].posted_at

    def get_context_data(self, **kwargs):
        shown, update = kwargs["item"]
        return {"shown": shown, "update": update}


@public_cached
def feed(request):
    return IncidentFeed()(request)

"""Following one incident from its public page: ask, confirm by the link sent, stop.

Thin over ``followers``; never cached, never indexed. Whatever ``follow`` does (a link sent,
already following, rate-limited), the visitor sees the same page, so nobody learns who
follows. Confirming and stopping ask on GET and act on POST, so a mail scanner fetching the
link changes nothing.
"""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from forewarn.delivery.subscriptions import InvalidLink
from forewarn.delivery.views import client_ip

from . import followers
from .models import Incident

PAGES = "incidents/follow/"


def _public(public_id: str) -> Incident:
    incident = Incident.objects.filter(public_id=public_id, is_public=True).first()
    if incident is None:
        raise Http404("No such incident on this page.")
    return incident


# The form sits on the incident's public page, which is cached and the same for everyone, so it
# can carry no CSRF token (and the page sets no cookie). Nothing needs one: a forged request can
# only do what anyone can do directly, ask for a confirmation link to be sent to an address
# (double opt-in, rate-limited per address and per client), and the answer is the same page
# whatever happened.
@csrf_exempt
@never_cache
@require_POST
def follow(request, public_id: str):
    incident = _public(public_id)
    try:
        followers.follow(incident, request.POST.get("email", ""), client_ip=client_ip(request))
    except ValidationError as error:
        context = {
            "incident": incident,
            "errors": error.messages,
            "email": request.POST.get("email", ""),
        }
        return render(request, PAGES + "follow.html", context, status=400)
    return redirect("incidents:follow-sent", public_id=public_id)


@never_cache
def follow_sent(request, public_id: str):
    return render(request, PAGES + "sent.html", {"incident": _public(public_id)})


@never_cache
@require_http_methods(["GET", "POST"])
def confirm(request, token: str):
    try:
        follower = followers.follower_to_confirm(token)
        if request.method == "POST":
            follower = followers.confirm(token)
    except InvalidLink as error:
        return render(request, PAGES + "invalid_link.html", {"message": str(error)}, status=400)
    return render(request, PAGES + "confirm.html", {"follower": follower})


@never_cache
@require_http_methods(["GET", "POST"])
def stop(request, token: str):
    try:
        follower = followers.follower_to_stop(token)
        if request.method == "POST":
            follower = followers.stop(token)
    except InvalidLink as error:
        return render(request, PAGES + "invalid_link.html", {"message": str(error)}, status=404)
    return render(request, PAGES + "stop.html", {"follower": follower})

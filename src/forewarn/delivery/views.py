"""Public subscription pages: thin over ``subscriptions``; none of them is behind the page cache.

Token pages (confirm, preferences, unsubscribe) are personal: never cached, never indexed.
"""

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from . import subscriptions, tokens
from .forms import ALL, CHOSEN, PreferencesForm, SubscribeForm
from .subscriptions import InvalidLink

PAGES = "delivery/pages/"


def client_ip(request) -> str:
    """The visitor's address; behind FOREWARN_NUM_PROXIES trusted proxies, from X-Forwarded-For."""
    proxies = getattr(settings, "FOREWARN_NUM_PROXIES", 0)
    if proxies:
        hops = [
            h.strip() for h in request.headers.get("X-Forwarded-For", "").split(",") if h.strip()
        ]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR", "")


@never_cache
@require_http_methods(["GET", "POST"])
def subscribe(request):
    form = SubscribeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # Whatever happens (sent, rate-limited, already subscribed, honeypot), the visitor
        # sees the same page: nobody can learn whether an address is subscribed.
        if not form.is_trapped:
            subscriptions.subscribe(
                form.cleaned_data["email"],
                components=form.chosen_components(),
                time_zone=form.cleaned_data["time_zone"],
                client_ip=client_ip(request),
            )
        return redirect("delivery:subscribe-sent")
    status = 400 if form.is_bound else 200
    return render(request, PAGES + "subscribe.html", {"form": form}, status=status)


def subscribe_sent(request):
    return render(request, PAGES + "sent.html")


@never_cache
@require_http_methods(["GET", "POST"])
def confirm(request, token: str):
    """GET shows a button; only the POST confirms, so mail scanners fetching links confirm nothing."""
    try:
        subscriber = subscriptions.subscriber_for_confirmation(token)
        if request.method == "POST":
            subscriber = subscriptions.confirm(token)
            return redirect(_preferences_path(subscriber) + "?confirmed=1")
    except InvalidLink as exc:
        return _invalid(request, str(exc), status=400)
    return render(request, PAGES + "confirm.html", {"subscriber": subscriber})


@never_cache
@require_http_methods(["GET", "POST"])
def preferences(request, token: str):
    try:
        subscriber = subscriptions.subscriber_from_link(token, tokens.PREFERENCES)
    except InvalidLink as exc:
        return _invalid(request, str(exc), status=404)
    chosen = list(subscriber.components.all())
    form = PreferencesForm(
        request.POST or None,
        initial={
            "scope": CHOSEN if chosen else ALL,
            "components": chosen,
            "time_zone": subscriber.time_zone,
        },
    )
    if request.method == "POST" and form.is_valid() and subscriber.unsubscribed_at is None:
        subscriptions.update_preferences(
            subscriber,
            components=form.chosen_components(),
            time_zone=form.cleaned_data["time_zone"],
        )
        return redirect(request.path + "?saved=1")
    context = {
        "form": form,
        "subscriber": subscriber,
        "state": subscriptions.state_of(subscriber),
        "unsubscribe_path": reverse(
            "delivery:unsubscribe", args=[tokens.unsubscribe_token(subscriber)]
        ),
        "saved": request.GET.get("saved") == "1",
        "confirmed": request.GET.get("confirmed") == "1",
    }
    return render(request, PAGES + "preferences.html", context, status=400 if form.errors else 200)


# RFC 8058: mail clients POST "List-Unsubscribe=One-Click" to the link without any cookie
# or CSRF token.  The signed token in the URL is the authority, so the view is exempt.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    """GET asks (mail scanners prefetch links); POST unsubscribes, from the page or one-click."""
    one_click = request.POST.get("List-Unsubscribe") == "One-Click"
    try:
        subscriber = subscriptions.subscriber_from_link(token, tokens.UNSUBSCRIBE)
    except InvalidLink as exc:
        if one_click:
            return HttpResponse(str(exc), status=404, content_type="text/plain; charset=utf-8")
        return _invalid(request, str(exc), status=404)
    if request.method == "POST":
        subscriber = subscriptions.unsubscribe(subscriber, via="one-click" if one_click else "link")
        if one_click:
            return HttpResponse("Unsubscribed.", content_type="text/plain; charset=utf-8")
    context = {
        "subscriber": subscriber,
        "done": subscriber.unsubscribed_at is not None,
        "preferences_path": _preferences_path(subscriber),
    }
    return render(request, PAGES + "unsubscribe.html", context)


def _preferences_path(subscriber) -> str:
    return reverse(
        "delivery:preferences", args=[tokens.subscriber_token(subscriber, tokens.PREFERENCES)]
    )


def _invalid(request, message: str, status: int):
    return render(request, PAGES + "invalid_link.html", {"message": message}, status=status)

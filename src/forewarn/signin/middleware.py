"""Sessions that expire, and staff who must use a second factor kept to setting one up."""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from . import services

STARTED = "forewarn.signin.started_at"
LAST_SEEN = "forewarn.signin.last_seen_at"
SEEN_EVERY = 60  # seconds: how often the idle clock is written to the session


def start_session_clock(sender, request, user, **kwargs) -> None:
    """At sign-in (``user_logged_in``): the session's lifetime and idle time count from now."""
    if request is not None and hasattr(request, "session"):
        now = time.time()
        request.session[STARTED] = now
        request.session[LAST_SEEN] = now


class SessionLifetimeMiddleware:
    """End a staff session after ``FOREWARN_SESSION_IDLE_MINUTES`` idle or ``SESSION_COOKIE_AGE`` in all.

    Django's cookie age alone would be renewed by every write to the session; the instants
    kept here are not.  An ended session is logged out, so the console asks to sign in again.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            started = request.session.get(STARTED)
            last_seen = request.session.get(LAST_SEEN, started)
            idle = settings.FOREWARN_SESSION_IDLE_MINUTES * 60
            if started is None:  # a session from before these clocks: they start now
                request.session[STARTED] = request.session[LAST_SEEN] = now
            elif now - started > settings.SESSION_COOKIE_AGE or now - last_seen > idle:
                logout(request)
            elif now - last_seen >= SEEN_EVERY:
                request.session[LAST_SEEN] = now
        return self.get_response(request)


class SecondFactorMiddleware:
    """Staff who must use an authenticator and have not proved one reach only its set-up page.

    The console's login asks for the code of anyone who has an authenticator, so this stops
    only those who signed in with a password before they had one (or before it was required):
    they are sent to set one up; the API refuses their session with 403.
    """

    OPEN = ("/console/authenticator/", "/console/logout/", "/console/login/", "/static/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(self.OPEN)
            and not user.is_verified()
            and services.must_use_second_factor(user)
        ):
            if services.authenticator(user) is not None:
                logout(request)  # signed in before the authenticator existed: sign in with it
            elif request.path.startswith("/api/"):
                if "Authorization" not in request.headers:
                    return JsonResponse(
                        {"message": "Set up your authenticator in the console first."}, status=403
                    )
            elif request.path.startswith("/console/"):
                return redirect(reverse("signin-authenticator"))
        return self.get_response(request)

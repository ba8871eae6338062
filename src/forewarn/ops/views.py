"""Liveness and readiness checks for load balancers and orchestrators."""

from django.db import connection
from django.http import HttpResponse


def healthz(request):
    """Alive: the process answers. Touches nothing else (also the benchmark's baseline request)."""
    return HttpResponse("ok\n", content_type="text/plain")


def readyz(request):
    """Ready: the database answers too."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # any database failure means not ready
        return HttpResponse(
            f"database unavailable: {exc.__class__.__name__}\n",
            status=503,
            content_type="text/plain",
        )
    return HttpResponse("ok\n", content_type="text/plain")

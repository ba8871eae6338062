"""Cachet's ``ping`` and ``version``: what a client checks before it starts."""

from django.http import JsonResponse

from . import shapes
from .http import Call, item


def ping(call: Call):
    return item("Pong!")


def version(call: Call):
    latest = {"tag_name": f"v{shapes.API_VERSION}", "prelease": False, "draft": False}
    return JsonResponse({"meta": {"on_latest": True, "latest": latest}, "data": shapes.API_VERSION})

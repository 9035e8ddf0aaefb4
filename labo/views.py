"""The base's own pages: the health check, the login cool-off, error pages Django sends bare."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from labo.lib.http import HtmxHttpRequest


@require_GET
def healthz(request: HtmxHttpRequest) -> HttpResponse:
    """200 when the database answers, 503 when it does not (a load balancer then sends no
    traffic here)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "down"}, status=503)
    return JsonResponse({"status": "ok"})


def too_many_requests(request: HtmxHttpRequest) -> HttpResponse:
    """The French page of a 429, for whatever limits how often something may be asked."""
    return render(request, "429.html", status=429)


def locked_out(request: HtmxHttpRequest, credentials=None, *args, **kwargs) -> HttpResponse:
    """What django-axes answers to a login while its username and address cool off."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "registration/locked_out.html", {"minutes": minutes}, status=429)


class MethodNotAllowedPageMiddleware:
    """The French page for a 405, which Django's require_POST sends with an empty body: an
    action's address opened directly (a bookmark, a link pasted) says what to do instead.
    An htmx request keeps the bare answer (htmx shows no error body)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if response.status_code != 405 or getattr(request, "htmx", False):
            return response
        if getattr(response, "streaming", False) or response.content:  # type: ignore[attr-defined]
            return response
        page = render(request, "405.html", status=405)
        page["Allow"] = response.get("Allow", "")
        return page

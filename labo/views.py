"""The base's own pages: the health check and the login cool-off."""

from __future__ import annotations

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpResponse, JsonResponse
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

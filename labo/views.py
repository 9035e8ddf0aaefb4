"""The base's own pages: health and readiness, the login cool-off, error pages Django sends bare."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.core.cache import caches
from django.core.files.storage import default_storage
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import render
from django.utils.crypto import get_random_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from labo.lib.http import HtmxHttpRequest

logger = logging.getLogger(__name__)
READY_KEY = "labo-readyz"


@require_GET
def healthz(request: HtmxHttpRequest) -> HttpResponse:
    """200 while the process answers: nothing else is asked (a supervisor restarts a
    process that stops answering; whether it can serve is /readyz)."""
    return JsonResponse({"status": "ok"})


@require_GET
@never_cache
def readyz(request: HtmxHttpRequest) -> HttpResponse:
    """200 when the database, the shared cache and the media storage answer; 503 naming the
    parts that do not (a load balancer then sends no traffic here). Nothing of the lab is
    read or written: a cache key of its own, the storage asked whether a name exists."""
    parts = {
        "database": _database_answers,
        "cache": _cache_answers,
        "storage": _storage_answers,
    }
    failing = {}
    for name, answers in parts.items():
        try:
            answers()
        except Exception as error:  # any failure of a part is that part down, said by name
            logger.warning("readyz: %s is down: %s", name, error)
            failing[name] = type(error).__name__
    if failing:
        return JsonResponse({"status": "unavailable", "failing": failing}, status=503)
    return JsonResponse({"status": "ok"})


def _database_answers() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _cache_answers() -> None:
    cache = caches[settings.SHARED_CACHE]
    token = get_random_string(12)
    cache.set(READY_KEY, token, timeout=30)
    if cache.get(READY_KEY) != token:
        raise RuntimeError("the shared cache does not keep what it is given")


def _storage_answers() -> None:
    default_storage.exists(READY_KEY)


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

"""Refuse a request body larger than the largest upload before anything reads it."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string


class RequestSizeLimitMiddleware:
    """413 when the announced Content-Length is over LABO_MAX_REQUEST_BYTES. Bodies without a
    length (chunked) are bounded by Django's own DATA_UPLOAD_MAX_MEMORY_SIZE and by each
    form's file checks."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.LABO_MAX_REQUEST_BYTES:
            megabytes = settings.LABO_MAX_REQUEST_BYTES // (1024 * 1024)
            body = render_to_string("413.html", {"megabytes": megabytes})
            return HttpResponse(body, status=413)
        return self.get_response(request)

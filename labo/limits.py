"""Refuse a request body larger than the largest upload before anything reads it, and a
visitor without an account who asks too often."""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

from labo.lib.http import client_address


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


# Rate limits on the endpoints reached without an account --------------------------------
#
# Declared here, one line per named URL, as the access policy is (labo/access.py). Each
# counts the requests of one visitor's address (labo.lib.http.client_address) in a minute;
# a guest's cookie (or, for a logged-in visitor, their account) is counted on its own as
# well, so that one phone cannot use up a whole room's allowance behind one office address.


@dataclass(frozen=True)
class RateLimit:
    per_address: str  # the setting holding the requests allowed per address and minute
    per_guest: str = ""  # same, per guest cookie (ateliers.guests)
    methods: frozenset[str] = frozenset({"GET", "HEAD", "POST"})


GUEST_COOKIE = "labo_guest"

RATE_LIMITS: dict[str, RateLimit] = {
    "ateliers:guest": RateLimit("LABO_GUEST_REQUESTS_PER_MINUTE", "LABO_GUEST_POSTS_PER_MINUTE"),
    "sessions:personal-feed": RateLimit("LABO_FEED_REQUESTS_PER_MINUTE"),
    "live:join": RateLimit("LABO_GUEST_REQUESTS_PER_MINUTE", "LABO_GUEST_POSTS_PER_MINUTE"),
    "live:room": RateLimit("LABO_LIVE_REQUESTS_PER_MINUTE", "LABO_LIVE_POSTS_PER_MINUTE"),
    "live:stream": RateLimit("LABO_LIVE_REQUESTS_PER_MINUTE"),
}


def _over(key: str, allowed: int) -> bool:
    """Count one more request under this key in the current minute; True past the limit."""
    cache = caches[settings.SHARED_CACHE]
    key = f"labo:rate:{key}:{int(time.time() // 60)}"
    if cache.add(key, 1, 61):
        return allowed < 1
    try:
        count = cache.incr(key)
    except ValueError:  # expired between the two calls
        cache.add(key, 1, 61)
        count = 1
    return count > allowed


def over_limit(request: HttpRequest, view_name: str) -> bool:
    limit = RATE_LIMITS.get(view_name)
    if limit is None or request.method not in limit.methods:
        return False
    address = client_address(request)
    if _over(f"{view_name}:a:{address}", getattr(settings, limit.per_address)):
        return True
    # One device: its guest cookie, or the account it is logged in with.
    user = getattr(request, "user", None)
    device = request.COOKIES.get(GUEST_COOKIE, "") or (
        f"u{user.pk}" if user is not None and user.is_authenticated else ""
    )
    if limit.per_guest and device and request.method == "POST":
        digest = hashlib.sha256(device.encode()).hexdigest()[:32]
        return _over(f"{view_name}:g:{digest}", getattr(settings, limit.per_guest))
    return False


class RateLimitMiddleware:
    """429 for a visitor past the limit declared for the URL (RATE_LIMITS), before the view
    reads anything."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or not over_limit(request, match.view_name):
            return None
        body = render_to_string("labo/rate_limited.html", request=request)
        response = HttpResponse(body, status=429)
        response["Retry-After"] = "60"
        return response

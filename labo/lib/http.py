import functools
import ipaddress
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.urls import reverse
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


_PLACEHOLDER = 987654321


@functools.cache
def _pattern(name: str) -> str:
    return reverse(name, args=[_PLACEHOLDER]).replace(str(_PLACEHOLDER), "{pk}")


def object_url(name: str, pk: int) -> str:
    """reverse(name, args=[pk]), the pattern reversed once per process and then filled in:
    a page with hundreds of cards or blocks would otherwise reverse each link again."""
    return _pattern(name).format(pk=pk)


def client_address(request: HttpRequest) -> str:
    """The visitor's address. Behind LABO_TRUSTED_PROXIES reverse proxies, the one the
    outermost trusted proxy saw, read from the right of X-Forwarded-For: what lies further
    left was written by the client and proves nothing. Without proxies the header is ignored."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    proxies = settings.LABO_TRUSTED_PROXIES
    if proxies <= 0:
        return remote
    forwarded = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    if not forwarded:
        return remote
    candidate = forwarded[-proxies] if len(forwarded) >= proxies else forwarded[0]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


# Downloads that carry people's data (PDFs, exports, calendars, JSON) must not stay in a
# shared or browser cache; a response that chose its own caching (photos) keeps it.
NO_STORE = "private, no-store"


class ResponseHeadersMiddleware:
    """Headers every response carries: the Permissions-Policy (LABO_PERMISSIONS_POLICY), and
    ``Cache-Control: private, no-store`` on every download (a Content-Disposition) that did
    not set its own."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.LABO_PERMISSIONS_POLICY)
        if response.has_header("Content-Disposition") and not response.has_header("Cache-Control"):
            response["Cache-Control"] = NO_STORE
        return response

import functools
import ipaddress
from collections.abc import Callable
from typing import TypeVar, cast

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase, QueryDict
from django.urls import reverse
from django_htmx.middleware import HtmxDetails

from labo.lib.text import clean_text, has_controls


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


_PLACEHOLDER = 987654321


@functools.cache
def _pattern(name: str, count: int) -> str:
    placeholders = [str(_PLACEHOLDER + n) for n in range(count)]
    url = reverse(name, args=placeholders).replace("{", "{{").replace("}", "}}")
    for n, placeholder in enumerate(placeholders):
        url = url.replace(placeholder, f"{{{n}}}")
    return url


def object_url(name: str, *args: int | str) -> str:
    """reverse(name, args=args), the pattern reversed once per process and then filled in:
    a page with hundreds of cards, blocks or results would otherwise reverse each link again.
    The arguments are ids and slugs (nothing to quote)."""
    return _pattern(name, len(args)).format(*args)


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


_Q = TypeVar("_Q", bound=QueryDict)


def _cleaned(data: _Q) -> _Q:
    if not any(
        has_controls(key) or any(has_controls(value) for value in values)
        for key, values in data.lists()
    ):
        return data
    cleaned = QueryDict(mutable=True, encoding=data.encoding)
    for key, values in data.lists():
        cleaned.setlist(clean_text(key), [clean_text(value) for value in values])
    cleaned._mutable = False
    return cast(_Q, cleaned)


class CleanInputMiddleware:
    """Every query string and form post without control characters (tab and newline kept,
    line ends as \\n), before any form or view reads it: stored text can then hold none."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.GET = _cleaned(request.GET)
        if request.method == "POST":
            # A body Django cannot read (too large, too many fields, malformed) raises here
            # and is answered by its 400 page: nothing further reads it.
            request.POST = _cleaned(request.POST)
        return self.get_response(request)

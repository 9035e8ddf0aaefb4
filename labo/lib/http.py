import functools
from typing import TypeVar, cast

from django.http import HttpRequest, HttpResponse, QueryDict
from django.urls import reverse
from django_htmx.middleware import HtmxDetails

from labo.lib.text import clean_text, has_controls


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

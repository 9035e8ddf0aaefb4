import functools

from django.http import HttpRequest
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

from __future__ import annotations

from typing import TYPE_CHECKING

from django import template

from commandes.models import Status

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

register = template.Library()
LABELS = dict(Status.choices)


@register.filter
def status_label(value: str) -> StrOrPromise:
    return LABELS.get(value, value)

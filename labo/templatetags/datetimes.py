"""Times as machines read them: `<time datetime="{{ when|iso }}">`."""

from __future__ import annotations

import datetime

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def iso(value: datetime.datetime | datetime.date | None) -> str:
    """ISO 8601 to the second, with the offset of the lab's time zone (no microseconds: a
    reader of the page has no use for them, and some parsers refuse them)."""
    if value is None or value == "":
        return ""
    if not isinstance(value, datetime.datetime):
        return value.isoformat()
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.replace(microsecond=0).isoformat(timespec="seconds")

"""What a history entry is about, in words, where a page names one (an undo message)."""

from __future__ import annotations

from auditlog.models import LogEntry
from django import template
from django.utils.functional import Promise

from labo.history.display import describe

register = template.Library()


@register.filter
def entry_name(entry: LogEntry) -> str | Promise:
    """`{{ entry|entry_name }}`: the entry's object by its name, never a file's path."""
    return describe([entry])[0].what

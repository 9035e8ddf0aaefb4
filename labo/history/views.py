"""The history pages, drawn from the audit log (each app has its own: a session's, a
commande's)."""

from __future__ import annotations

from dataclasses import dataclass

from auditlog.models import LogEntry
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.functional import Promise

from labo.history import audit
from labo.history.display import Described, describe
from labo.lib.http import HtmxHttpRequest

PER_PAGE = 50


@dataclass(frozen=True)
class Line:
    """One entry of the log as the page shows it."""

    entry: LogEntry
    kind: str | Promise  # what was changed: the model's name
    can_restore: bool
    shown: Described  # what it is about and what changed, in words


def render_history(
    request: HtmxHttpRequest,
    entries: QuerySet[LogEntry],
    *,
    title: str,
    back: str,
    restore: bool,
) -> HttpResponse:
    page = Paginator(entries, PER_PAGE).get_page(request.GET.get("page"))
    entries_of_page = list(page)
    lines = []
    for entry, shown in zip(entries_of_page, describe(entries_of_page), strict=True):
        model = entry.content_type.model_class()
        lines.append(
            Line(
                entry=entry,
                kind=model._meta.verbose_name if model else entry.content_type.model,
                can_restore=restore and audit.restorable(entry),
                shown=shown,
            )
        )
    context = {"page": page, "lines": lines, "title": title, "back": back}
    return render(request, "labo/history.html", context)

"""The history pages, drawn from the audit log (each app has its own: a session's, a
commande's)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render

from labo.history import audit
from labo.lib.http import HtmxHttpRequest

PER_PAGE = 50


def render_history(request: HtmxHttpRequest, entries, *, title: str, back: str, restore: bool):
    page = Paginator(entries, PER_PAGE).get_page(request.GET.get("page"))
    for entry in page:
        model = entry.content_type.model_class()
        entry.kind = model._meta.verbose_name if model else entry.content_type.model
        entry.can_restore = restore and audit.restorable(entry)
    context = {"page": page, "title": title, "back": back}
    return render(request, "labo/history.html", context)

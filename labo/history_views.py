"""The history pages (from the audit log) and the restore of a deleted result."""

from __future__ import annotations

import rules
from auditlog.models import LogEntry
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from labo import audit
from labo.http import HtmxHttpRequest

PER_PAGE = 50


def render_history(request: HtmxHttpRequest, entries, *, title: str, back: str, restore: bool):
    page = Paginator(entries, PER_PAGE).get_page(request.GET.get("page"))
    for entry in page:
        model = entry.content_type.model_class()
        entry.kind = model._meta.verbose_name if model else entry.content_type.model
        entry.can_restore = restore and audit.restorable(entry)
    context = {"page": page, "title": title, "back": back}
    return render(request, "labo/history.html", context)


@require_POST
def history_restore(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Only the facilitators of the session the result belonged to may bring it back."""
    from sessions.models import Session

    entry = get_object_or_404(LogEntry.objects.select_related("content_type"), pk=pk)
    session_id = (entry.additional_data or {}).get("session")
    session = get_object_or_404(Session, pk=session_id) if session_id else None
    if session is None or not rules.test_rule("sessions.change_session", request.user, session):
        raise PermissionDenied
    back = reverse("sessions:session-history", args=[session.pk])
    try:
        audit.restore(entry)
    except audit.RestoreRefused as refused:
        messages.error(request, str(refused))
        return redirect(back)
    messages.success(
        request, _("“%(what)s” is back where it was.") % {"what": entry.object_repr[:80]}
    )
    return redirect(back)

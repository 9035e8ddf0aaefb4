from __future__ import annotations

import rules
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from ateliers.models import Atelier
from labo.http import HtmxHttpRequest
from sessions.agenda import cascade, total_minutes
from sessions.models import AgendaItem, Day, Session
from sessions.queries import visible_sessions


def get_session_for(request: HtmxHttpRequest, pk: int, *, write: bool = False) -> Session:
    """The session, if the user may see it (else 404) and change it when asked (else 403)."""
    session = get_object_or_404(Session.objects.select_related("programme"), pk=pk)
    if not rules.test_rule("sessions.view_session", request.user, session):
        raise Http404
    if write and not rules.test_rule("sessions.change_session", request.user, session):
        raise PermissionDenied
    return session


@require_GET
def session_list(request: HtmxHttpRequest) -> HttpResponse:
    sessions = (
        visible_sessions(request.user)
        .select_related("programme")
        .annotate(day_count=Count("days", distinct=True))
        .order_by("-starts_on")
    )
    return render(request, "sessions/session_list.html", {"sessions": sessions})


@require_GET
def session_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    session = get_session_for(request, pk)
    items = (
        AgendaItem.objects.filter(parent__isnull=True)
        .select_related("atelier")
        .prefetch_related("facilitators", "subgroups")
    )
    days = (
        Day.objects.filter(session=session)
        .annotate(attendee_count=Count("attendances", distinct=True))
        .prefetch_related(Prefetch("items", queryset=items, to_attr="top_items"))
    )
    agenda = [
        {
            "day": day,
            "slots": cascade(day.top_items, day.starts_at, day.ends_at),
            "total": total_minutes(day.top_items),
        }
        for day in days
    ]
    ateliers = Atelier.objects.filter(session=session).prefetch_related("facilitators")
    context = {
        "session": session,
        "agenda": agenda,
        "ateliers": ateliers,
        "facilitators": session.facilitators.all(),
    }
    return render(request, "sessions/session_detail.html", context)

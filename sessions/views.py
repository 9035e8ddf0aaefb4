from __future__ import annotations

import rules
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ateliers.models import Atelier
from labo.http import HtmxHttpRequest
from labo.pdf import pdf_response, render_pdf
from sessions.calendar import build_calendar, person_from_token
from sessions.models import Day, Session
from sessions.queries import agenda_of, sessions_of, visible_sessions


def check_session_access(request: HtmxHttpRequest, session: Session, *, write: bool) -> None:
    """404 for who may not see the session, 403 for who may see but not change it."""
    if not rules.test_rule("sessions.view_session", request.user, session):
        raise Http404
    if write and not rules.test_rule("sessions.change_session", request.user, session):
        raise PermissionDenied


def get_session_for(request: HtmxHttpRequest, pk: int, *, write: bool = False) -> Session:
    """The session, if the user may see it (else 404) and change it when asked (else 403)."""
    session = get_object_or_404(Session.objects.select_related("programme"), pk=pk)
    check_session_access(request, session, write=write)
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
    days = Day.objects.filter(session=session).annotate(
        attendee_count=Count("attendances", distinct=True)
    )
    agenda = agenda_of(days)
    ateliers = Atelier.objects.filter(session=session).prefetch_related("facilitators")
    context = {
        "session": session,
        "agenda": agenda,
        "ateliers": ateliers,
        "facilitators": session.facilitators.all(),
        "can_edit": rules.test_rule("sessions.change_session", request.user, session),
    }
    return render(request, "sessions/session_detail.html", context)


def _ics_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
def session_ics(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    session = get_session_for(request, pk)
    agenda = agenda_of(Day.objects.filter(session=session).select_related("session"))
    content = build_calendar(agenda, name=str(session))
    return _ics_response(content, f"session-{session.number}.ics")


@require_GET
def personal_feed(request: HtmxHttpRequest, token: str) -> HttpResponse:
    person = person_from_token(token)
    if person is None:
        raise Http404
    days = Day.objects.filter(session__in=sessions_of(person)).select_related("session")
    content = build_calendar(
        agenda_of(days), name=_("Labo — %(name)s") % {"name": person.full_name}
    )
    return _ics_response(content, "labo.ics")


@require_GET
def day_agenda_pdf(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    day = get_object_or_404(Day.objects.select_related("session__programme"), pk=pk)
    check_session_access(request, day.session, write=False)
    entry = agenda_of(Day.objects.filter(pk=day.pk).select_related("session"))[0]
    content = render_pdf(
        "sessions/pdf/agenda.html", {"session": day.session, "day": day, "entry": entry}
    )
    return pdf_response(content, f"deroule-{day.date:%Y-%m-%d}.pdf")


SIGN_IN_BLANK_ROWS = 8


@require_GET
def day_sign_in_pdf(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    day = get_object_or_404(Day.objects.select_related("session__programme"), pk=pk)
    check_session_access(request, day.session, write=True)
    attendances = day.attendances.select_related("person__direction").order_by(
        "person__last_name", "person__first_name"
    )
    context = {
        "session": day.session,
        "day": day,
        "attendances": attendances,
        "blanks": range(SIGN_IN_BLANK_ROWS),
    }
    content = render_pdf("sessions/pdf/sign_in.html", context)
    return pdf_response(content, f"emargement-{day.date:%Y-%m-%d}.pdf")

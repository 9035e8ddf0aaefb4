from __future__ import annotations

import datetime

from django.contrib import messages
from django.db.models import Count
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from labo.access import may
from labo.documents import request_document
from labo.history import audit
from labo.history.audit import history
from labo.history.views import render_history
from labo.lib import sse
from labo.lib.exports import table_response
from labo.lib.http import HtmxHttpRequest
from labo.lib.pdf import pdf_response, render_pdf
from labo.lib.versions import StaleVersion, rebind
from labo.models import DocumentKind, DocumentStatus
from labo.roles import FACILITATOR, MANAGEMENT, roles_of
from sessions import exports, services
from sessions.access import get_day_for, get_restorable_entry_for, get_session_for
from sessions.agenda import run_state
from sessions.calendar import build_calendar, person_from_token
from sessions.docx import DOCX_TYPE, synthesis_docx
from sessions.forms import KeyMessagesForm, RunActionForm, SynthesisForm
from sessions.models import Day, DayRun, RunAction, Session
from sessions.queries import (
    agenda_of,
    printed_agenda_of,
    sessions_of,
    sign_in_rows,
    visible_sessions,
)
from sessions.synthesis import synthesis_of


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
    days = (
        Day.objects.filter(session=session)
        .annotate(attendee_count=Count("attendances", distinct=True))
        .order_by("date", "pk")  # Meta.ordering is not kept with GROUP BY
    )
    agenda = agenda_of(days)
    ateliers = session.ateliers.prefetch_related("facilitators")  # declared by ateliers
    context = {
        "session": session,
        "agenda": agenda,
        "ateliers": ateliers,
        "facilitators": session.facilitators.all(),
        "syntheses": session.documents.filter(status=DocumentStatus.READY)[:3]
        if roles_of(request.user) & {FACILITATOR, MANAGEMENT}
        else [],
    }
    return render(request, "sessions/session_detail.html", context)


@require_GET
def session_history(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Every change to the session, its agenda, attendance, workshops and results."""

    session = get_session_for(request, pk, write=True)
    back = reverse("sessions:session-detail", args=[session.pk])
    return render_history(
        request, history(session=session.pk), title=str(session), back=back, restore=True
    )


@require_http_methods(["GET", "POST"])
def session_synthesis(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Preview the synthesis as HTML, choose its workshops and photos, write its "À retenir",
    then generate it."""
    session = get_session_for(request, pk, write=True)
    action = request.POST.get("action")
    messages_form = KeyMessagesForm(
        request.POST if action == "messages" else None, instance=session, prefix="messages"
    )
    # The messages' form sends the choice along only through htmx (hx-include).
    bound = request.POST if action != "messages" or request.htmx else None
    form = SynthesisForm(bound or None, session=session)
    valid = form.is_valid() if form.is_bound else True
    status = 200 if valid else 422
    if action == "messages":
        messages_form, status = _save_key_messages(session, messages_form)
        if status == 200 and not request.htmx:
            return redirect(reverse("sessions:session-synthesis", args=[pk]) + "#key-messages")
    elif valid and action == "docx":  # the form's own button: the boxes ticked, no script
        return _synthesis_docx(session, form.chosen_ids())
    elif valid and action == "generate":
        document = request_document(
            kind=DocumentKind.SYNTHESIS,
            programme=session.programme,
            session=session,
            title=_("Synthesis of session #%(number)s: %(title)s")
            % {"number": session.number, "title": session.title},
            options=form.chosen_ids(),
            user=request.user,
        )
        if request.htmx:
            documents = session.documents.select_related("session")[:5]
            return render(request, "labo/_documents.html", {"documents": documents})
        return redirect(
            reverse("sessions:session-synthesis", args=[pk]) + f"#document-{document.pk}"
        )
    chosen = form.chosen_ids() if form.is_bound and valid else {}
    context = synthesis_of(
        session, atelier_ids=chosen.get("ateliers"), photo_ids=chosen.get("photos")
    )
    context.update(
        form=form,
        key_messages_form=messages_form,
        documents=session.documents.select_related("session")[:5],
    )
    template = "sessions/synthesis.html#preview" if request.htmx else "sessions/synthesis.html"
    return render(request, template, context, status=status)


def _save_key_messages(session: Session, form: KeyMessagesForm) -> tuple[KeyMessagesForm, int]:
    """Save the "À retenir" if the form is valid and still current. Returns the form to show
    (a fresh one once saved; else with its errors, or rebound over the session as it is
    now) and the status to answer."""
    if not form.is_valid():
        return form, 422
    try:
        services.save_key_messages(
            session=session,
            key_messages=form.cleaned_data["key_messages"],
            version=form.cleaned_data.get("version"),
        )
    except StaleVersion:
        session.refresh_from_db()
        return rebind(form, session), 409
    return KeyMessagesForm(instance=session, prefix="messages"), 200


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


def _agenda_pdf(day: Day, *, for_facilitators: bool) -> HttpResponse:
    entry = agenda_of(Day.objects.filter(pk=day.pk).select_related("session"))[0]
    context = {
        "session": day.session,
        "day": day,
        "entry": entry,
        "blocks": printed_agenda_of(entry),
        "for_facilitators": for_facilitators,
    }
    content = render_pdf("sessions/pdf/agenda.html", context)
    suffix = "-animation" if for_facilitators else ""
    return pdf_response(content, f"deroule-{day.date:%Y-%m-%d}{suffix}.pdf")


@require_GET
def day_agenda_pdf(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The participants' agenda: times, titles, groups and rounds; no plan B, no materials."""
    day = get_day_for(request, pk)
    return _agenda_pdf(day, for_facilitators=False)


@require_GET
def day_agenda_facilitators_pdf(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The facilitators' agenda: the participants' one with who runs each block, its
    materials and plan B, the gaps between blocks and the warnings."""
    day = get_day_for(request, pk, write=True)
    return _agenda_pdf(day, for_facilitators=True)


@require_GET
def day_sign_in_pdf(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    day = get_day_for(request, pk, write=True)
    orientation = request.GET.get("orientation", "portrait")
    if orientation not in ("portrait", "landscape"):
        message = _("The sheet is printed in portrait or in landscape.")
        return HttpResponse(message, status=422, content_type="text/plain; charset=utf-8")
    groups, blanks = sign_in_rows(day)
    context = {
        "session": day.session,
        "day": day,
        "groups": groups,
        "blanks": blanks,
        "landscape": orientation == "landscape",
    }
    content = render_pdf("sessions/pdf/sign_in.html", context)
    suffix = "-paysage" if orientation == "landscape" else ""
    return pdf_response(content, f"emargement-{day.date:%Y-%m-%d}{suffix}.pdf")


def _run_view(day_pk: int) -> dict:
    """What run mode shows of a day, for the console, the projector and its stream. The day
    (and its revision, the version sent) is read first: a state is never sent under a
    version newer than itself, at worst a newer state under an older one, sent again."""
    entry = agenda_of(Day.objects.filter(pk=day_pk).select_related("session"))[0]
    day = entry.day
    rehearsal = day.runs_as_rehearsal()
    run = DayRun.objects.filter(day=day, rehearsal=rehearsal).first()
    shift = datetime.timedelta(0)
    if rehearsal and run and run.started_at and entry.slots:
        began = timezone.localtime(run.started_at)
        shift = began - datetime.datetime.combine(
            began.date(), entry.slots[0].start, tzinfo=began.tzinfo
        )
    state = run_state(
        entry.slots,
        run.current_item_id if run else None,
        timezone.localtime(run.item_started_at) if run and run.item_started_at else None,
        run.extra_minutes if run else 0,
        timezone.localtime(),
        shift=shift,
    )
    return {
        "session": day.session,
        "day": day,
        "entry": entry,
        "run": run,
        "started": bool(run and run.has_started),
        "rehearsal": rehearsal,
        "state": state,
        "version": day.revision,
    }


def _run_context(request: HtmxHttpRequest, day: Day, **extra) -> dict:
    return {
        **_run_view(day.pk),
        "can_run": may(request, "sessions:day-run-action", day.session),
        "actions": RunAction,
        **extra,
    }


@require_GET
def day_run(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The console; with ?projector=1 the room's screen, which follows day_run_stream."""
    day = get_day_for(request, pk)
    if request.GET.get("projector") == "1":
        page = "sessions/run_projector.html"
        return render(request, f"{page}#state" if request.htmx else page, _run_view(day.pk))
    template = "sessions/run.html#state" if request.htmx else "sessions/run.html"
    return render(request, template, _run_context(request, day))


@require_GET
def day_run_stream(request: HtmxHttpRequest, pk: int) -> StreamingHttpResponse:
    """The projector's part of run mode, sent again each time the day moves on."""
    day = get_day_for(request, pk)

    def read() -> sse.State:
        view = _run_view(day.pk)
        html = render_to_string("sessions/run_projector.html#state", view)
        return sse.State(version=view["version"], data=html.strip())

    return sse.stream(request, topic=services.run_topic(day.pk), read=read)


@require_POST
def day_run_action(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    day = get_day_for(request, pk, write=True)
    form = RunActionForm(request.POST)
    extra: dict = {}
    if not form.is_valid():
        status = 422
    else:
        try:
            services.run_action(
                day=day,
                action=form.cleaned_data["action"],
                rehearsal=day.runs_as_rehearsal(),
                confirm=form.cleaned_data["confirm"],
            )
            status = 200
        except services.ConfirmationNeeded as needed:
            # Nothing changed: the same page asks the question, with a form that confirms.
            extra = {"confirming": form.cleaned_data["action"], "question": str(needed)}
            status = 409
        except services.AgendaError as refused:
            extra = {"refusal": str(refused)}
            status = 422
    if request.htmx:
        template = "sessions/run.html#state"
    elif status == 200 or not extra:  # done, or a form the page never sends: back to it
        return redirect("sessions:day-run", pk=day.pk)
    else:
        template = "sessions/run.html"
    return render(request, template, _run_context(request, day, **extra), status=status)


@require_GET
def session_export(request: HtmxHttpRequest, pk: int, what: str, fmt: str) -> HttpResponse:
    """Attendance or results of a session as CSV or XLSX (grades stay out: HR data)."""

    session = get_session_for(request, pk)
    if fmt not in ("csv", "xlsx") or what not in ("attendance", "results"):
        raise Http404
    if what == "attendance":
        header, rows = exports.attendance_header(), exports.attendance_rows(session)
    else:
        header, rows = exports.results_header(), exports.result_rows(session)
    return table_response(rows, header, fmt=fmt, filename=f"session-{session.number}-{what}")


@require_POST
def history_restore(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Only the facilitators of the session the result belonged to may bring it back."""

    entry, session = get_restorable_entry_for(request, pk)
    back = reverse("sessions:session-history", args=[session.pk])
    wanted = request.POST.get("next", "")
    if wanted and url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()}):
        back = wanted  # the undo offered on a workshop's page goes back there
    try:
        audit.restore(entry)
    except audit.RestoreRefused as refused:
        messages.error(request, str(refused))
        return redirect(back)
    messages.success(
        request, _("“%(what)s” is back where it was.") % {"what": entry.object_repr[:80]}
    )
    return redirect(back)


@require_GET
def session_synthesis_docx(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The synthesis as an editable Word document, from the same content as the PDF (the
    workshops and photos of the query, as the preview's form names them; all by default).
    The preview's form asks for it through ``session_synthesis`` (action "docx")."""
    session = get_session_for(request, pk, write=True)
    form = SynthesisForm(request.GET or None, session=session)
    if form.is_bound and not form.is_valid():  # never everything in place of a wrong choice
        errors = " ".join(str(error) for errors in form.errors.values() for error in errors)
        return HttpResponse(errors, status=422, content_type="text/plain; charset=utf-8")
    return _synthesis_docx(session, form.chosen_ids() if form.is_bound else {})


def _synthesis_docx(session: Session, chosen: dict[str, list[int]]) -> HttpResponse:
    context = synthesis_of(
        session, atelier_ids=chosen.get("ateliers"), photo_ids=chosen.get("photos"), for_pdf=True
    )
    response = HttpResponse(synthesis_docx(context), content_type=DOCX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="synthese-{session.number}.docx"'
    return response

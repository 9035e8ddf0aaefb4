"""Workshops and their results. Loggers post through htmx and get the results fragment
back; every form also works as a plain POST."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple
from urllib.parse import urlsplit

import rules
from auditlog.models import LogEntry
from django import forms
from django.contrib import messages
from django.contrib.auth.models import User
from django.db import IntegrityError, models
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBase, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import get_conditional_response
from django.utils.http import quote_etag
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ateliers import forms as f
from ateliers import guests, offline, photos, reports, services
from ateliers.access import (
    check_part,
    get_atelier_for,
    get_deletable_in,
    get_guest_link_by_token,
    get_guest_link_for,
    get_photo_for,
    get_question_for,
    get_result_in,
    get_suggestion_for,
)
from ateliers.formats import SECTIONS, Part
from ateliers.kinds import KINDS, kinds_for
from ateliers.models import Atelier, DebateQuestion, DemarreurReport
from ateliers.queries import IdeaOrder, Results, grid_of, results_of
from labo.access import may
from labo.history import audit
from labo.idempotency import idempotent
from labo.lib.http import HtmxHttpRequest
from labo.lib.pdf import pdf_response, render_pdf
from labo.lib.versions import StaleVersion, edited, rebind
from labo.queries import person_of
from sessions.access import get_session_for

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise  # a development dependency: types only

PAGE = "ateliers/atelier_detail.html"
QUESTION = "ateliers/formats/_debat_mouvant.html#question"


class Editable(NamedTuple):
    """A result listed on the page with its edit form, for who may log."""

    obj: models.Model
    form: forms.ModelForm | None


def _editable(
    atelier: Atelier,
    results: Results,
    *,
    can_log: bool,
    refused: tuple[str, int, forms.ModelForm] | None = None,
) -> dict[str, list[Editable]]:
    """Few per workshop (statements, cases, stands): each gets its edit form, or the
    one that was just refused (kind, id, form), with the user's input."""
    listed: dict[str, Sequence[models.Model]] = {
        "question": results.questions,
        "case": results.cases,
        "stand": results.stands,
    }

    def form_for(kind: str, obj: models.Model) -> forms.ModelForm | None:
        if not can_log:
            return None
        if refused is not None and refused[:2] == (kind, obj.pk):
            return refused[2]
        return KINDS[kind].bind(atelier, instance=obj)

    return {
        kind: [Editable(obj, form_for(kind, obj)) for obj in objects]
        for kind, objects in listed.items()
    }


# The forms a part of a format adds to the page, for who may log; a bound form given by
# the view that refused it is shown instead, with its errors.
PartForms = Callable[[Atelier, dict[str, Any]], dict[str, forms.BaseForm]]


def _report_forms(atelier: Atelier, extra: dict[str, Any]) -> dict[str, forms.BaseForm]:
    return {
        "report_form": extra.get("report_form")
        or f.DemarreurReportForm(instance=services.report_of(atelier=atelier), prefix="report")
    }


def _grid_forms(atelier: Atelier, extra: dict[str, Any]) -> dict[str, forms.BaseForm]:
    return {
        "grid_form": extra.get("grid_form")
        or f.CriteriaGridForm(instance=grid_of(atelier), prefix="grid")
    }


def _stands_forms(atelier: Atelier, extra: dict[str, Any]) -> dict[str, forms.BaseForm]:
    return {"rotation_form": extra.get("rotation_form") or f.RotationForm(prefix="rotation")}


PART_FORMS: dict[Part, PartForms] = {
    Part.REPORT: _report_forms,
    Part.GRID: _grid_forms,
    Part.STANDS: _stands_forms,
}


def results_context(request: HtmxHttpRequest, atelier: Atelier, **extra: Any) -> dict[str, Any]:
    # The policy's answer, as the page's buttons ask it (labo.access.may, kept on the request).
    can_log = may(request, "ateliers:result-add", atelier)
    can_run = rules.test_rule("ateliers.run_atelier", request.user, atelier)
    can_change_report = (
        can_log
        and Part.REPORT in atelier.parts
        and rules.test_rule("ateliers.report_open", request.user, atelier)
    )
    me = f"p{request.user.pk}"
    results = results_of(
        atelier,
        voter=me,
        rater=services.rater_key(atelier=atelier, identity=me) if can_log else None,
        ideas=_idea_order(request),
    )
    blank = {kind: KINDS[kind].bind(atelier) for kind in kinds_for(atelier)} if can_log else {}
    if results.my_rating is not None and "rating" in blank:  # rating again replaces it
        blank["rating"] = f.RatingForm(prefix="rating", instance=results.my_rating)
    context: dict[str, Any] = {
        "atelier": atelier,
        "session": atelier.session,
        "can_log": can_log,
        "can_run": can_run,
        "can_change_report": can_change_report,
        "results": results,
        "blank": blank,
        "sections": SECTIONS,
        **extra,
        "editable": _editable(atelier, results, can_log=can_log, refused=extra.get("refused")),
    }
    if can_log:
        for part in atelier.parts:
            if part in PART_FORMS and (part != Part.REPORT or can_change_report):
                context |= PART_FORMS[part](atelier, extra)
        context["photo_form"] = extra.get("photo_form") or f.PhotoForm(prefix="photo")
    if can_run:
        context["guest_form"] = f.GuestLinkForm(prefix="guest")
        report = results.report
        if report is not None and report.is_reviewed:
            context["outbox"] = reports.email(report.reviewed_content)
        if report is not None and (report.is_reviewed or report.changed_after_review):
            # Also what changed outside the report (an address, the title): "send" will refuse.
            context["report_changes"] = reports.changes(report)
    refused = extra.get("refused")
    if refused is not None and refused[0] not in context["editable"]:
        # A kind the page lists without edit forms (actions): the refused form is shown
        # on its own, above the results, with the user's input.
        context["refused_elsewhere"] = refused
    if extra.get("bound"):
        blank[extra["bound_kind"]] = extra["bound"]
    return context


def _idea_order(request: HtmxHttpRequest) -> IdeaOrder:
    """The wall in the order ideas came, by dots only when asked (``?tri=points``): asked by
    the address, by the vote form's field (a plain POST) or by the page htmx posts from."""
    asked = request.GET.get("tri") or request.POST.get("tri")
    if not asked and request.htmx and request.htmx.current_url:
        asked = QueryDict(urlsplit(request.htmx.current_url).query).get("tri")
    return IdeaOrder.DOTS if asked == "points" else IdeaOrder.ARRIVAL


def _answer(
    request: HtmxHttpRequest, atelier: Atelier, *, status: int = 200, **extra: Any
) -> HttpResponse:
    if request.htmx:
        return render(
            request, f"{PAGE}#results", results_context(request, atelier, **extra), status=status
        )
    if status >= 400:
        return render(request, PAGE, results_context(request, atelier, **extra), status=status)
    if extra.get("notice"):
        messages.success(request, extra["notice"])
    sorted_ = "?tri=points" if _idea_order(request) == IdeaOrder.DOTS else ""
    return redirect(reverse("ateliers:atelier-detail", args=[atelier.pk]) + sorted_ + "#results")


def _replay(notice: StrOrPromise | None = None) -> Callable[..., HttpResponse]:
    """What a repeat of a submission already done gets (labo.idempotency): the workshop as
    it is now, with the notice the first answer gave."""

    def replay(request: HtmxHttpRequest, pk: int, *args: Any, **kwargs: Any) -> HttpResponse:
        atelier = get_atelier_for(request, pk, write=True)
        return _answer(request, atelier, notice=str(notice) if notice else None)

    return replay


SAVED = _replay(gettext_lazy("Saved."))


@require_GET
def atelier_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    atelier = get_atelier_for(request, pk)
    return render(request, PAGE, results_context(request, atelier, undo=_undo(request, atelier)))


def _undo(request: HtmxHttpRequest, atelier: Atelier) -> LogEntry | None:
    """The deletion just made on this workshop (``?undo=``), for who may bring it back."""
    pk = request.GET.get("undo", "")
    if not pk.isdigit() or not rules.test_rule(
        "sessions.change_session", request.user, atelier.session
    ):
        return None
    entry = (
        LogEntry.objects.select_related("content_type")
        .filter(pk=pk, action=LogEntry.Action.DELETE, additional_data__atelier=atelier.pk)
        .first()
    )
    return entry if entry is not None and audit.restorable(entry) else None


def _atelier_fields(form: f.AtelierForm) -> dict[str, Any]:
    return {
        name: value
        for name, value in form.cleaned_data.items()
        if name not in ("facilitators", "participants")
    }


@require_http_methods(["GET", "POST"])
def atelier_create(request: HtmxHttpRequest, session_pk: int) -> HttpResponse:
    session = get_session_for(request, session_pk, write=True)
    form = f.AtelierForm(
        request.POST or None, session=session, initial={"agenda_item": request.GET.get("item")}
    )
    if request.method == "POST" and form.is_valid():
        atelier = services.create_atelier(
            session=session,
            facilitators=form.cleaned_data["facilitators"],
            participants=form.cleaned_data["participants"],
            **_atelier_fields(form),
        )
        return redirect("ateliers:atelier-detail", atelier.pk)
    status = 422 if request.method == "POST" else 200
    return render(
        request, "ateliers/atelier_form.html", {"form": form, "session": session}, status=status
    )


@require_http_methods(["GET", "POST"])
def atelier_edit(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    atelier = get_atelier_for(request, pk, run=True)
    form = f.AtelierForm(request.POST or None, instance=atelier, session=atelier.session)
    status = 422 if request.method == "POST" else 200
    if request.method == "POST" and form.is_valid():
        try:
            services.update_atelier(
                atelier=atelier,
                facilitators=form.cleaned_data["facilitators"],
                participants=form.cleaned_data["participants"],
                **_atelier_fields(form),
            )
        except StaleVersion:
            atelier.refresh_from_db()
            form, status = rebind(form, atelier, session=atelier.session), 409
        else:
            return redirect("ateliers:atelier-detail", atelier.pk)
    return render(
        request,
        "ateliers/atelier_form.html",
        {"form": form, "session": atelier.session, "atelier": atelier},
        status=status,
    )


@require_POST
@idempotent(SAVED)
def result_add(request: HtmxHttpRequest, pk: int, kind: str) -> HttpResponse:
    atelier = get_atelier_for(request, pk, write=True)
    if kind not in KINDS or kind not in kinds_for(atelier):
        raise Http404
    form = KINDS[kind].bind(atelier, request.POST)
    if not form.is_valid():
        return _answer(request, atelier, status=422, bound=form, bound_kind=kind)
    if kind == "rating":
        return _rate(request, atelier, form.cleaned_data)
    try:
        services.add_result(
            atelier=atelier, kind=kind, fields=form.cleaned_data, author=person_of(request.user)
        )
    except IntegrityError:
        # A twin saved at the same moment by someone else: said on the form, nothing saved.
        form.add_error(None, _("This is already recorded: nothing was added."))
        return _answer(request, atelier, status=422, bound=form, bound_kind=kind)
    except services.ReportSent as error:
        return _answer(request, atelier, status=409, error=str(error))
    return _answer(request, atelier, notice=_("Saved."), saved=kind)


def _rate(request: HtmxHttpRequest, atelier: Atelier, data: dict[str, Any]) -> HttpResponse:
    """A logged-in person rates the methods once; rating again changes their rating."""
    try:
        _rating, created = services.rate(
            atelier=atelier,
            rater=services.rater_key(atelier=atelier, identity=f"p{request.user.pk}"),
            score=data["score"],
            comment=data["comment"],
        )
    except services.ResultError as error:
        return _answer(request, atelier, status=422, error=str(error))
    notice = _("Saved.") if created else _("Your rating is changed: it counts once.")
    return _answer(request, atelier, notice=notice, saved="rating")


def _errors_line(form: forms.BaseForm) -> str:
    """A refused form's errors on one line, each after its field's label (if it has one)."""
    return " ".join(
        f"{form.fields[name].label} : {' '.join(str(m) for m in messages_)}"
        if name in form.fields and form.fields[name].label
        else " ".join(str(m) for m in messages_)
        for name, messages_ in form.errors.items()
    )


@require_POST
@idempotent(SAVED)
def result_update(request: HtmxHttpRequest, pk: int, kind: str, obj_pk: int) -> HttpResponse:
    atelier = get_atelier_for(request, pk, write=True)
    if kind not in KINDS or not KINDS[kind].editable:
        raise Http404
    instance = get_result_in(atelier, kind, obj_pk)
    form = KINDS[kind].bind(atelier, request.POST, instance=instance)
    if not form.is_valid():
        # Drawn again where it was typed, with the user's text and each error by its field.
        return _answer(request, atelier, status=422, refused=(kind, obj_pk, form))
    try:
        services.update_result(
            obj=instance, fields=edited(form), version=form.cleaned_data["version"]
        )
    except services.ReportSent as error:
        return _answer(request, atelier, status=409, error=str(error))
    except StaleVersion:
        fresh = get_result_in(atelier, kind, obj_pk)
        again = rebind(form, fresh)
        # The refused form says it (once), where the user typed.
        return _answer(request, atelier, status=409, refused=(kind, obj_pk, again))
    return _answer(request, atelier, notice=_("Saved."))


@require_POST
@idempotent(_replay(gettext_lazy("Deleted.")))
def result_delete(request: HtmxHttpRequest, pk: int, kind: str, obj_pk: int) -> HttpResponse:
    """Any result of the workshop, photos included; the answer offers to bring it back."""
    atelier = get_atelier_for(request, pk, run=True)
    try:
        entry = services.delete_result(obj=get_deletable_in(atelier, kind, obj_pk))
    except services.ReportSent as error:
        return _answer(request, atelier, status=409, error=str(error))
    # The undo is the history's restore, offered to who may use it there.
    if entry is None or not rules.test_rule(
        "sessions.change_session", request.user, atelier.session
    ):
        return _answer(request, atelier, notice=_("Deleted."))
    if not request.htmx:
        messages.success(request, _("Deleted."))
        return redirect(
            reverse("ateliers:atelier-detail", args=[atelier.pk]) + f"?undo={entry.pk}#results"
        )
    return _answer(request, atelier, undo=entry)


@require_POST
@idempotent(SAVED)
def report_update(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    atelier = get_atelier_for(request, pk, write=True)
    check_part(atelier, Part.REPORT)
    report = services.report_of(atelier=atelier)
    form = f.DemarreurReportForm(request.POST, instance=report, prefix="report")
    if not form.is_valid():
        return _answer(request, atelier, status=422, report_form=form)
    try:
        services.update_report(
            report=report, fields=edited(form), version=form.cleaned_data.get("version")
        )
    except services.ReportSent as error:
        return _answer(request, atelier, status=409, error=str(error))
    except StaleVersion:
        report = DemarreurReport.objects.get(atelier=atelier)
        return _answer(request, atelier, status=409, report_form=rebind(form, report))
    return _answer(request, atelier, notice=_("Saved."))


@require_POST
@idempotent(_replay())
def report_transition(request: HtmxHttpRequest, pk: int, action: str) -> HttpResponse:
    atelier = get_atelier_for(request, pk, run=True)
    check_part(atelier, Part.REPORT)
    report = services.report_of(atelier=atelier)
    try:
        if action == "review":
            services.review_report(report=report, reviewer=person_of(request.user))
            notice = _("The report is reviewed: check the outbox, then send it.")
        elif action == "send":
            count = services.send_report(report=report)
            notice = ngettext(
                "The report was sent to %(count)d person.",
                "The report was sent to %(count)d people.",
                count,
            ) % {"count": count}
        else:
            raise Http404
    except services.ResultError as error:
        return _answer(request, atelier, status=422, error=str(error))
    return _answer(request, atelier, notice=notice)


def _replay_tap(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    question = get_question_for(request, pk, write=True)
    return _tap_answer(request, question, status=200, error=None)


@require_POST
@idempotent(_replay_tap)
def tap(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    question = get_question_for(request, pk, write=True)
    form = f.TapForm(request.POST)
    if not form.is_valid():
        return _tap_answer(request, question, status=422, error=_errors_line(form))
    data, status, error = form.cleaned_data, 200, None
    try:
        if data["delta"] is not None:
            services.tap(question=question, position=data["position"], delta=data["delta"])
        else:
            services.correct_count(
                question=question,
                position=data["position"],
                value=data["set_to"],
                replacing=data["replacing"],
            )
    except StaleVersion as stale:
        status, error = 409, str(stale)
    return _tap_answer(request, question, status=status, error=error)


def _tap_answer(
    request: HtmxHttpRequest, question: DebateQuestion, *, status: int, error: str | None
) -> HttpResponse:
    atelier = question.atelier
    if request.htmx:
        context = {
            "question": question,
            "atelier": atelier,
            "can_log": True,
            "question_error": error,
        }
        return render(request, QUESTION, context, status=status)
    if error:
        return _answer(request, atelier, status=status, error=error)
    return redirect(
        reverse("ateliers:atelier-detail", args=[atelier.pk]) + f"#question-{question.pk}"
    )


@require_POST
@idempotent(_replay(gettext_lazy("The ideas are revealed.")))
def reveal(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    atelier = get_atelier_for(request, pk, run=True)
    services.reveal_ideas(atelier=atelier)
    return _answer(request, atelier, notice=_("The ideas are revealed."))


@require_POST
@idempotent(_replay())
def vote(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """One form for the whole wall: the button pressed names the idea (dot or remove)."""
    atelier = get_atelier_for(request, pk, write=True)
    remove = request.POST.get("remove", "")
    idea = get_result_in(atelier, "idea", remove or request.POST.get("idea", ""))
    voter = f"p{request.user.pk}"
    try:
        if remove:
            services.unvote(idea=idea, voter=voter)
        else:
            services.vote(idea=idea, voter=voter)
    except services.ResultError as error:
        return _answer(request, atelier, status=422, error=str(error))
    return _answer(request, atelier)


@require_POST
@idempotent(_replay())
def action_toggle(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    atelier = get_atelier_for(request, pk, write=True)
    action = get_result_in(atelier, "action", request.POST.get("action", ""))
    services.toggle_action(action=action)
    return _answer(request, atelier)


@require_POST
@idempotent(_replay())
def idea_classify(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    atelier = get_atelier_for(request, pk, write=True)
    form = f.ClassifyIdeaForm(request.POST, atelier=atelier)
    if not form.is_valid():
        return _answer(
            request,
            atelier,
            status=422,
            error=_("Choose an idea of this workshop and place it between 0 and 100 on each axis."),
        )
    services.classify_idea(
        idea=form.cleaned_data["idea"],
        theme=form.cleaned_data["theme"],
        x=form.cleaned_data.get("x"),  # absent where the format has no grid
        y=form.cleaned_data.get("y"),
    )
    return _answer(request, atelier)


@require_POST
@idempotent(SAVED)
def grid_update(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    atelier = get_atelier_for(request, pk, write=True)
    check_part(atelier, Part.GRID)
    form = f.CriteriaGridForm(request.POST, instance=grid_of(atelier), prefix="grid")
    if not form.is_valid():
        return _answer(request, atelier, status=422, grid_form=form)
    try:
        services.save_grid(
            atelier=atelier, fields=edited(form), version=form.cleaned_data.get("version")
        )
    except StaleVersion:
        return _answer(
            request, atelier, status=409, grid_form=rebind(form, grid_of(atelier) or form.instance)
        )
    return _answer(request, atelier, notice=_("Saved."))


@require_POST
@idempotent(SAVED)
def rotation(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    atelier = get_atelier_for(request, pk, write=True)
    check_part(atelier, Part.STANDS)
    form = f.RotationForm(request.POST, prefix="rotation")
    if not form.is_valid():
        return _answer(request, atelier, status=422, rotation_form=form)
    try:
        services.plan_rotation(atelier=atelier, groups=form.cleaned_data["groups"])
    except services.ResultError as error:
        form.add_error("groups", str(error))
        return _answer(request, atelier, status=422, rotation_form=form)
    return _answer(request, atelier, notice=_("The rotation is planned."))


def _replay_adopt(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    suggestion = get_suggestion_for(request, pk, write=True)
    return _answer(request, suggestion.stand.atelier, notice=_("The offer is added to the stand."))


@require_POST
@idempotent(_replay_adopt)
def offer_adopt(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    suggestion = get_suggestion_for(request, pk, write=True)
    services.adopt_offer(suggestion=suggestion)
    return _answer(request, suggestion.stand.atelier, notice=_("The offer is added to the stand."))


@require_POST
@idempotent(_replay(gettext_lazy("The photo is added.")))
def photo_add(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    atelier = get_atelier_for(request, pk, write=True)
    form = f.PhotoForm(request.POST, request.FILES, prefix="photo")
    if form.is_valid():
        try:
            services.add_photo(
                atelier=atelier,
                upload=form.cleaned_data["image"],
                caption=form.cleaned_data["caption"],
                author=person_of(request.user),
            )
        except photos.PhotoError as error:
            form.add_error("image", str(error))
    if form.errors:
        return _answer(request, atelier, status=422, photo_form=form)
    return _answer(request, atelier, notice=_("The photo is added."))


@require_GET
def service_worker(request: HtmxHttpRequest) -> HttpResponse:
    """The capture pages' service worker, served from /ateliers/ so that its scope is them."""
    response = render(
        request, "ateliers/sw.js", offline.worker_context(), content_type="text/javascript"
    )
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def photo_file(request: HtmxHttpRequest, pk: int, size: str) -> HttpResponseBase:
    photo = get_photo_for(request, pk)
    file = photo.thumbnail if size == "thumb" else photo.image
    # A photo never changes (a new one is a new photo): revalidation is a 304, after the check.
    etag = quote_etag(f"photo-{photo.pk}-{size}-{file.name}")
    unchanged = get_conditional_response(
        request, etag=etag, last_modified=math.ceil(photo.created_at.timestamp())
    )
    if unchanged is not None:
        return unchanged
    response = FileResponse(file.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    response["ETag"] = etag
    return response


# Guests ------------------------------------------------------------------------------


@require_POST
@idempotent(_replay(gettext_lazy("The guest link is ready.")))
def guest_link_create(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    atelier = get_atelier_for(request, pk, run=True)
    form = f.GuestLinkForm(request.POST, prefix="guest")
    if not form.is_valid():
        return _answer(request, atelier, status=422, error=_("Choose what the guests will do."))
    services.create_guest_link(
        atelier=atelier,
        purpose=form.cleaned_data["purpose"],
        created_by=request.user if isinstance(request.user, User) else None,
    )
    return _answer(request, atelier, notice=_("The guest link is ready."))


def _replay_revoke(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    link = get_guest_link_for(request, pk, run=True)
    return _answer(request, link.atelier, notice=_("The guest link no longer works."))


@require_POST
@idempotent(_replay_revoke)
def guest_link_revoke(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    link = get_guest_link_for(request, pk, run=True)
    services.revoke(link=link)
    return _answer(request, link.atelier, notice=_("The guest link no longer works."))


def _replay_guest(request: HtmxHttpRequest, token: str) -> HttpResponse:
    get_guest_link_by_token(token)
    return redirect("ateliers:guest", token=token)


@require_http_methods(["GET", "POST"])
@idempotent(_replay_guest)
def guest(request: HtmxHttpRequest, token: str) -> HttpResponse:
    """What a guest without an account can do through a link: vote, rate or observe."""
    link = get_guest_link_by_token(token)
    return guests.answer(request, link, token)


@require_GET
def report_pdf(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    atelier = get_atelier_for(request, pk)
    report = get_object_or_404(
        DemarreurReport.objects.select_related(
            "atelier__session", "atelier__commande__commanditaire__direction", "reviewed_by"
        ).prefetch_related("roles__person__direction", "questions", "observations"),
        atelier=atelier,
    )
    content = render_pdf("ateliers/pdf/demarreur.html", reports.pdf_context(report))
    return pdf_response(content, f"demarreur-{atelier.pk}.pdf")

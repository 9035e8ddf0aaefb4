"""Workshops and their results. Loggers post through htmx and get the results fragment
back; every form also works as a plain POST."""

from __future__ import annotations

from dataclasses import dataclass, field

import rules
from django import forms
from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import get_conditional_response
from django.utils.http import quote_etag
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ateliers import forms as f
from ateliers import guests, photos, services
from ateliers.models import (
    Action,
    Atelier,
    CriteriaGrid,
    DebateQuestion,
    DemarreurReport,
    DemarreurRole,
    GuestLink,
    Idea,
    InterviewQuestion,
    Observation,
    Photo,
    Rating,
    RetroEntry,
    Stand,
    StandFeedback,
    SuggestedOffer,
    Theme,
    TribunalCase,
)
from ateliers.queries import results_of
from commandes.models import Commande, TeamMember
from labo.lib.http import HtmxHttpRequest
from labo.lib.pdf import pdf_response, render_pdf
from labo.models import Person, Programme
from labo.queries import person_of
from sessions.access import check_session_access
from sessions.models import Attendance, Session

PAGE = "ateliers/atelier_detail.html"


def get_atelier_for(
    request: HtmxHttpRequest, pk: int, *, write: bool = False, run: bool = False
) -> Atelier:
    """404 for who may not see the workshop, 403 for who may not log (or run) it."""
    atelier = get_object_or_404(
        Atelier.objects.select_related("session__programme", "commande", "agenda_item"), pk=pk
    )
    if not rules.test_rule("ateliers.view_atelier", request.user, atelier):
        raise Http404
    if write and not rules.test_rule("ateliers.log_results", request.user, atelier):
        raise PermissionDenied
    if run and not rules.test_rule("ateliers.run_atelier", request.user, atelier):
        raise PermissionDenied
    return atelier


@dataclass
class Kind:
    """One kind of result: its form, its model, and how it hangs on the workshop."""

    form: type[forms.ModelForm]
    model: type
    parent: str = "atelier"  # or "report", or "stand"
    editable: bool = False
    extra: dict = field(default_factory=dict)


KINDS: dict[str, Kind] = {
    "question": Kind(f.DebateQuestionForm, DebateQuestion, editable=True),
    "case": Kind(f.TribunalCaseForm, TribunalCase, editable=True),
    "role": Kind(f.DemarreurRoleForm, DemarreurRole, parent="report"),
    "interview": Kind(f.InterviewQuestionForm, InterviewQuestion, parent="report"),
    "observation": Kind(f.ObservationForm, Observation, parent="report"),
    "stand": Kind(f.StandForm, Stand, editable=True),
    "feedback": Kind(f.StandFeedbackForm, StandFeedback, parent="stand"),
    "suggestion": Kind(f.SuggestedOfferForm, SuggestedOffer, parent="stand"),
    "retro": Kind(f.RetroEntryForm, RetroEntry),
    "idea": Kind(f.IdeaForm, Idea),
    "theme": Kind(f.ThemeForm, Theme),
    "action": Kind(f.ActionForm, Action, editable=True),
    "rating": Kind(f.RatingForm, Rating),
}


FORMAT_KINDS = {
    "debat_mouvant": {"question"},
    "tribunal": {"case"},
    "demarreur": {"role", "interview", "observation"},
    "labo_stands": {"stand", "feedback", "suggestion"},
    "retrospective": {"retro"},
}
COMMON_KINDS = {"action", "rating"}
IDEA_KINDS = {"idea", "theme"}


def kinds_for(atelier: Atelier) -> set[str]:
    """The results a workshop's page shows, hence the only ones it accepts."""
    kinds = COMMON_KINDS | FORMAT_KINDS.get(atelier.format, set())
    return kinds | IDEA_KINDS if atelier.collects_ideas else kinds


def _report(atelier: Atelier) -> DemarreurReport:
    return DemarreurReport.objects.get_or_create(atelier=atelier)[0]


def _bind(kind: str, atelier: Atelier, data=None, instance=None) -> forms.ModelForm:
    spec = KINDS[kind]
    prefix = f"{kind}{instance.pk}" if instance is not None else kind
    form = spec.form(data, instance=instance, prefix=prefix)
    if data is not None and instance is None:
        # The parent is known before validation so that duplicates are caught on the form.
        if spec.parent == "atelier":
            form.instance.atelier = atelier
        elif spec.parent == "report":
            report = DemarreurReport.objects.filter(atelier=atelier).first()
            if report is not None:
                form.instance.report = report
    if "stand" in form.fields:
        form.fields["stand"].queryset = Stand.objects.filter(atelier=atelier)
    for name in ("person", "owner"):
        if name in form.fields:
            form.fields[name].queryset = people_around(atelier)
    return form


def people_around(atelier: Atelier):
    """Who may own an action or hold a role: the people of the session, of the workshop, of
    its commande and the programme's facilitators (not the whole administration: a select
    of hundreds of names helps nobody on a phone)."""

    # One UNION of small id lists (OR-ing joins or subqueries makes the database scan people).
    session = atelier.session_id
    groups = [
        Attendance.objects.filter(day__session=session).values_list("person", flat=True),
        Atelier.facilitators.through.objects.filter(atelier=atelier).values_list(
            "person", flat=True
        ),
        Atelier.participants.through.objects.filter(atelier=atelier).values_list(
            "person", flat=True
        ),
        Programme.facilitators.through.objects.filter(programme__sessions=session).values_list(
            "person", flat=True
        ),
    ]
    if atelier.commande_id:
        groups.append(
            TeamMember.objects.filter(commande=atelier.commande_id).values_list("person", flat=True)
        )
        groups.append(
            Commande.objects.filter(pk=atelier.commande_id).values_list("commanditaire", flat=True)
        )
    unordered = [group.order_by() for group in groups]  # UNION allows no ORDER BY inside
    ids = set(unordered[0].union(*unordered[1:]))
    return Person.objects.active().filter(pk__in=ids)


def _scoped(kind: str, atelier: Atelier):
    """The kind's objects that belong to this workshop (ids from elsewhere are 404)."""
    spec = KINDS[kind]
    if spec.parent == "report":
        return spec.model.objects.filter(report__atelier=atelier)
    if spec.parent == "stand":
        return spec.model.objects.filter(stand__atelier=atelier)
    return spec.model.objects.filter(atelier=atelier)


def results_context(request, atelier: Atelier, **extra) -> dict:

    can_log = rules.test_rule("ateliers.log_results", request.user, atelier)
    can_run = rules.test_rule("ateliers.run_atelier", request.user, atelier)
    voter = f"p{request.user.pk}"
    context = {
        "atelier": atelier,
        "session": atelier.session,
        "can_log": can_log,
        "can_run": can_run,
        "results": results_of(atelier, voter=voter),
        "blank": {kind: _bind(kind, atelier) for kind in kinds_for(atelier)} if can_log else {},
        **extra,
    }
    if can_log:
        # Few per workshop (statements, cases, stands): each gets its edit form.
        results = context["results"]
        for kind, objects in (
            ("question", results.questions),
            ("case", results.cases),
            ("stand", results.stands),
        ):
            for obj in objects:
                obj.edit_form = _bind(kind, atelier, instance=obj)
    if can_log and atelier.format == "demarreur":
        context["report_form"] = extra.get("report_form") or f.DemarreurReportForm(
            instance=_report(atelier), prefix="report"
        )
    if can_log and atelier.format == "criteria_grid":
        grid = CriteriaGrid.objects.filter(atelier=atelier).first()
        context["grid_form"] = extra.get("grid_form") or f.CriteriaGridForm(
            instance=grid, prefix="grid"
        )
    if can_log and atelier.format == "labo_stands":
        context["rotation_form"] = extra.get("rotation_form") or f.RotationForm(prefix="rotation")
    if can_log:
        context["photo_form"] = extra.get("photo_form") or f.PhotoForm(prefix="photo")
    if can_run:
        context["guest_form"] = f.GuestLinkForm(prefix="guest")
        report = context["results"].report
        if report is not None and report.status == "reviewed":
            context["outbox"] = services.outbox(report)
    if extra.get("bound"):
        context["blank"][extra["bound_kind"]] = extra["bound"]
    return context


def _answer(request: HtmxHttpRequest, atelier: Atelier, *, status: int = 200, **extra):
    if request.htmx:
        return render(
            request, f"{PAGE}#results", results_context(request, atelier, **extra), status=status
        )
    if status >= 400:
        return render(request, PAGE, results_context(request, atelier, **extra), status=status)
    if extra.get("notice"):
        messages.success(request, extra["notice"])
    return redirect(reverse("ateliers:atelier-detail", args=[atelier.pk]) + "#results")


@require_GET
def atelier_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    atelier = get_atelier_for(request, pk)
    return render(request, PAGE, results_context(request, atelier))


@require_http_methods(["GET", "POST"])
def atelier_create(request: HtmxHttpRequest, session_pk: int) -> HttpResponse:
    session = get_object_or_404(Session.objects.select_related("programme"), pk=session_pk)
    check_session_access(request, session, write=True)
    form = f.AtelierForm(
        request.POST or None, session=session, initial={"agenda_item": request.GET.get("item")}
    )
    if request.method == "POST" and form.is_valid():
        atelier = form.save(commit=False)
        atelier.session = session
        atelier.save()
        form.save_m2m()
        return redirect("ateliers:atelier-detail", atelier.pk)
    status = 422 if request.method == "POST" else 200
    return render(
        request, "ateliers/atelier_form.html", {"form": form, "session": session}, status=status
    )


@require_http_methods(["GET", "POST"])
def atelier_edit(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    atelier = get_atelier_for(request, pk, run=True)
    form = f.AtelierForm(request.POST or None, instance=atelier, session=atelier.session)
    if request.method == "POST" and form.is_valid():
        form.save()
        return redirect("ateliers:atelier-detail", atelier.pk)
    status = 422 if request.method == "POST" else 200
    return render(
        request,
        "ateliers/atelier_form.html",
        {"form": form, "session": atelier.session, "atelier": atelier},
        status=status,
    )


@require_POST
def result_add(request: HtmxHttpRequest, pk: int, kind: str) -> HttpResponse:
    atelier = get_atelier_for(request, pk, write=True)
    if kind not in KINDS or kind not in kinds_for(atelier):
        raise Http404
    form = _bind(kind, atelier, request.POST)
    if not form.is_valid():
        return _answer(request, atelier, status=422, bound=form, bound_kind=kind)
    try:
        _save_new(request, atelier, kind, form)
    except IntegrityError:
        # A twin saved at the same moment by someone else: said on the form, nothing saved.
        form.add_error(None, _("This is already recorded: nothing was added."))
        return _answer(request, atelier, status=422, bound=form, bound_kind=kind)
    return _answer(request, atelier, notice=_("Saved."), saved=kind)


def _save_new(request: HtmxHttpRequest, atelier: Atelier, kind: str, form) -> None:
    with transaction.atomic():
        if kind == "idea":
            services.add_idea(
                atelier=atelier,
                text=form.cleaned_data["text"],
                author=person_of(request.user),
                anonymous=form.cleaned_data["anonymous"],
            )
        else:
            obj = form.save(commit=False)
            spec = KINDS[kind]
            if spec.parent == "atelier":
                obj.atelier = atelier
            elif spec.parent == "report":
                obj.report = _report(atelier)
            if hasattr(obj, "created_by_id"):
                obj.created_by = person_of(request.user)
            obj.save()
            form.save_m2m()


@require_POST
def result_update(request: HtmxHttpRequest, pk: int, kind: str, obj_pk: int) -> HttpResponse:
    atelier = get_atelier_for(request, pk, write=True)
    if kind not in KINDS or not KINDS[kind].editable:
        raise Http404
    instance = get_object_or_404(_scoped(kind, atelier), pk=obj_pk)
    form = _bind(kind, atelier, request.POST, instance=instance)
    if not form.is_valid():
        errors = " ".join(
            f"{form.fields[name].label} : {' '.join(messages_)}"
            if name in form.fields
            else " ".join(messages_)
            for name, messages_ in form.errors.items()
        )
        return _answer(request, atelier, status=422, error=errors)
    form.save()
    return _answer(request, atelier, notice=_("Saved."))


@require_POST
def result_delete(request: HtmxHttpRequest, pk: int, kind: str, obj_pk: int) -> HttpResponse:
    atelier = get_atelier_for(request, pk, run=True)
    if kind not in KINDS:
        raise Http404
    get_object_or_404(_scoped(kind, atelier), pk=obj_pk).delete()
    return _answer(request, atelier, notice=_("Deleted."))


@require_POST
def report_update(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    atelier = get_atelier_for(request, pk, write=True)
    form = f.DemarreurReportForm(request.POST, instance=_report(atelier), prefix="report")
    if not form.is_valid():
        return _answer(request, atelier, status=422, report_form=form)
    if form.instance.status == "sent":
        return _answer(
            request,
            atelier,
            status=422,
            error=_("The report has been sent: it can no longer change."),
        )
    form.save()
    return _answer(request, atelier, notice=_("Saved."))


@require_POST
def report_transition(request: HtmxHttpRequest, pk: int, action: str) -> HttpResponse:
    atelier = get_atelier_for(request, pk, run=True)
    report = _report(atelier)
    try:
        if action == "review":
            services.review_report(report=report, reviewer=person_of(request.user))
            notice = _("The report is reviewed: check the outbox, then send it.")
        elif action == "send":
            count = services.send_report(report=report)
            notice = _("The report was sent to %(count)d people.") % {"count": count}
        else:
            raise Http404
    except services.ResultError as error:
        return _answer(request, atelier, status=422, error=str(error))
    return _answer(request, atelier, notice=notice)


@require_POST
def tap(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    question = get_object_or_404(DebateQuestion.objects.select_related("atelier"), pk=pk)
    atelier = get_atelier_for(request, question.atelier_id, write=True)
    form = f.TapForm(request.POST)
    if not form.is_valid():
        return HttpResponse(_("Unknown position."), status=422)
    services.tap(
        question=question, position=form.cleaned_data["position"], delta=form.cleaned_data["delta"]
    )
    if request.htmx:
        return render(
            request, f"{PAGE}#question", {"question": question, "atelier": atelier, "can_log": True}
        )
    return redirect(reverse("ateliers:atelier-detail", args=[atelier.pk]) + f"#question-{pk}")


@require_POST
def reveal(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    atelier = get_atelier_for(request, pk, run=True)
    services.reveal_ideas(atelier=atelier)
    return _answer(request, atelier, notice=_("The ideas are revealed."))


@require_POST
def vote(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """One form for the whole wall: the button pressed names the idea (dot or remove)."""
    atelier = get_atelier_for(request, pk, write=True)
    remove = request.POST.get("remove", "")
    wanted = remove or request.POST.get("idea", "")
    idea = get_object_or_404(Idea, pk=wanted if wanted.isdigit() else 0, atelier=atelier)
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
def action_toggle(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    atelier = get_atelier_for(request, pk, write=True)
    wanted = request.POST.get("action", "")
    action = get_object_or_404(Action, pk=wanted if wanted.isdigit() else 0, atelier=atelier)
    Action.objects.filter(pk=action.pk).update(done=not action.done)
    return _answer(request, atelier)


@require_POST
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
    idea = form.cleaned_data["idea"]
    idea.theme = form.cleaned_data["theme"]
    idea.x, idea.y = form.cleaned_data["x"], form.cleaned_data["y"]
    idea.save(update_fields=["theme", "x", "y"])
    return _answer(request, atelier)


@require_POST
def grid_update(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    atelier = get_atelier_for(request, pk, write=True)
    grid = CriteriaGrid.objects.filter(atelier=atelier).first() or CriteriaGrid(atelier=atelier)
    form = f.CriteriaGridForm(request.POST, instance=grid, prefix="grid")
    if not form.is_valid():
        return _answer(request, atelier, status=422, grid_form=form)
    form.save()
    return _answer(request, atelier, notice=_("Saved."))


@require_POST
def rotation(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    atelier = get_atelier_for(request, pk, write=True)
    form = f.RotationForm(request.POST, prefix="rotation")
    if not form.is_valid():
        return _answer(request, atelier, status=422, rotation_form=form)
    try:
        services.plan_rotation(atelier=atelier, groups=form.cleaned_data["groups"])
    except services.ResultError as error:
        form.add_error("groups", str(error))
        return _answer(request, atelier, status=422, rotation_form=form)
    return _answer(request, atelier, notice=_("The rotation is planned."))


@require_POST
def offer_adopt(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    suggestion = get_object_or_404(SuggestedOffer.objects.select_related("stand"), pk=pk)
    atelier = get_atelier_for(request, suggestion.stand.atelier_id, write=True)
    services.adopt_offer(suggestion=suggestion)
    return _answer(request, atelier, notice=_("The offer is added to the stand."))


@require_POST
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
def photo_file(request: HtmxHttpRequest, pk: int, size: str) -> FileResponse:
    photo = get_object_or_404(Photo, pk=pk)
    get_atelier_for(request, photo.atelier_id)
    file = photo.thumbnail if size == "thumb" else photo.image
    # A photo never changes (a new one is a new photo): revalidation is a 304, after the check.
    etag = quote_etag(f"photo-{photo.pk}-{size}-{file.name}")
    unchanged = get_conditional_response(
        request, etag=etag, last_modified=photo.created_at.timestamp()
    )
    if unchanged is not None:
        return unchanged
    response = FileResponse(file.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    response["ETag"] = etag
    return response


# Guests ------------------------------------------------------------------------------

GUEST_SALT = "labo.guest-link"
GUEST_COOKIE = "labo_guest"


def guest_token(link: GuestLink) -> str:
    return signing.dumps(link.pk, salt=GUEST_SALT)


@require_POST
def guest_link_create(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    atelier = get_atelier_for(request, pk, run=True)
    form = f.GuestLinkForm(request.POST, prefix="guest")
    if not form.is_valid():
        return _answer(request, atelier, status=422, error=_("Choose what the guests will do."))
    GuestLink.objects.create(
        atelier=atelier, purpose=form.cleaned_data["purpose"], created_by=request.user
    )
    return _answer(request, atelier, notice=_("The guest link is ready."))


@require_POST
def guest_link_revoke(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    link = get_object_or_404(GuestLink, pk=pk)
    atelier = get_atelier_for(request, link.atelier_id, run=True)
    services.revoke(link=link)
    return _answer(request, atelier, notice=_("The guest link no longer works."))


def _guest_link(token: str) -> GuestLink:
    try:
        pk = signing.loads(token, salt=GUEST_SALT)
    except signing.BadSignature as error:
        raise Http404 from error
    link = GuestLink.objects.select_related("atelier__session").filter(pk=pk).first()
    if link is None or not link.active:
        raise Http404
    return link


@require_http_methods(["GET", "POST"])
def guest(request: HtmxHttpRequest, token: str) -> HttpResponse:
    """What a guest without an account can do through a link: vote, rate or observe."""

    link = _guest_link(token)
    return guests.answer(request, link, token)


@require_GET
def report_pdf(request: HtmxHttpRequest, pk: int) -> HttpResponse:

    atelier = get_atelier_for(request, pk)
    report = get_object_or_404(
        DemarreurReport.objects.prefetch_related(
            "roles__person__direction", "questions", "observations"
        ),
        atelier=atelier,
    )
    content = render_pdf("ateliers/pdf/demarreur.html", {"atelier": atelier, "report": report})
    return pdf_response(content, f"demarreur-{atelier.pk}.pdf")

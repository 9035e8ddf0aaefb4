"""Commandes: the board, the file of each commande, its gate, team, tasks and deliverables."""

from __future__ import annotations

import rules
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from commandes import forms as f
from commandes import workflow
from commandes.models import Commande, Deliverable, GateReview, Task, TeamMember
from commandes.queries import board, suggestions, team_warnings, timeline
from labo.history.audit import history
from labo.history.views import render_history
from labo.lib.http import HtmxHttpRequest, object_url
from labo.lib.pdf import pdf_response, render_pdf
from labo.queries import person_of
from labo.roles import FACILITATOR, MANAGEMENT, roles_of


def visible_commandes(user):
    if roles_of(user) & {FACILITATOR, MANAGEMENT}:
        return Commande.objects.all()
    return Commande.objects.filter(team__person__user=user).distinct()


def get_commande_for(
    request: HtmxHttpRequest, pk: int, *, write: bool = False, review: bool = False
) -> Commande:
    """404 for who may not see the commande, 403 for who may not change (or review) it."""
    commande = get_object_or_404(
        Commande.objects.select_related("programme", "commanditaire", "direction"), pk=pk
    )
    if not rules.test_rule("commandes.view_commande", request.user, commande):
        raise Http404
    if write and not rules.test_rule("commandes.change_commande", request.user, commande):
        raise PermissionDenied
    if review and not rules.test_rule("commandes.review_commande", request.user, commande):
        raise PermissionDenied
    return commande


def _board_context(request, form, **extra) -> dict:
    commandes = visible_commandes(request.user)
    if form.is_valid():
        commandes = form.filter(commandes)
    columns = board(commandes)
    for _status, _label, cards, _more in columns:
        for card in cards:
            card.moves = workflow.allowed_moves(card, request.user)
            card.detail_url = object_url("commandes:commande-detail", card.pk)
            card.move_url = object_url("commandes:commande-move", card.pk)
    return {"form": form, "columns": columns, **extra}


@require_GET
def commande_board(request: HtmxHttpRequest) -> HttpResponse:
    form = f.BoardFilterForm(request.GET or None)
    template = "commandes/board.html#board" if request.htmx else "commandes/board.html"
    return render(request, template, _board_context(request, form))


@require_GET
def commande_list(request: HtmxHttpRequest) -> HttpResponse:
    form = f.BoardFilterForm(request.GET or None)
    commandes = visible_commandes(request.user).select_related("commanditaire", "direction")
    if form.is_valid():
        commandes = form.filter(commandes)
    return render(request, "commandes/list.html", {"form": form, "commandes": commandes})


@require_http_methods(["GET", "POST"])
def commande_create(request: HtmxHttpRequest) -> HttpResponse:
    form = f.CommandeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        commande = form.save()
        commande.history.create(
            to_status=commande.status,
            changed_by=request.user,
            changed_at=timezone.now(),
            comment=_("Commande recorded."),
        )
        return redirect("commandes:commande-detail", commande.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "commandes/form.html", {"form": form}, status=status)


def _detail_context(request, commande: Commande, **extra) -> dict:
    can_change = rules.test_rule("commandes.change_commande", request.user, commande)
    can_review = rules.test_rule("commandes.review_commande", request.user, commande)
    wanted = f.WantedSkillsForm(request.GET or None)
    skills = wanted.cleaned_data["skills"] if wanted.is_valid() else []
    reviews = list(commande.reviews.select_related("reviewer"))
    context = {
        "commande": commande,
        "moves": workflow.allowed_moves(commande, request.user),
        "move_form": extra.pop("move_form", None)
        or f.MoveForm(
            initial={
                "expected_status": commande.status,
                "reformulated_wording": commande.reformulated_wording,
            }
        ),
        "can_change": can_change,
        "can_review": can_review,
        "reviews": reviews,
        "review_mean": (sum(r.mean for r in reviews) / len(reviews)) if reviews else None,
        "team": commande.team.select_related("person__direction"),
        "warnings": team_warnings(commande),
        "wanted": wanted,
        "suggested": suggestions(commande, skills) if can_change and skills else [],
        "tasks": commande.tasks.select_related("owner"),
        "deliverables": commande.deliverables.all(),
        "ateliers": commande.ateliers.select_related("session"),
        "timeline": timeline(commande),
        **extra,
    }
    if can_change:
        context.setdefault("member_form", f.TeamMemberForm(commande=commande, prefix="member"))
        context.setdefault("task_form", f.TaskForm(prefix="task"))
        context.setdefault("deliverable_form", f.DeliverableForm(prefix="deliverable"))
    if can_review:
        mine = next((r for r in reviews if r.reviewer_id == request.user.pk), None)
        context.setdefault("review_form", f.GateReviewForm(instance=mine, prefix="review"))
    return context


@require_GET
def commande_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    commande = get_commande_for(request, pk)
    return render(request, "commandes/detail.html", _detail_context(request, commande))


@require_GET
def commande_history(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Every change to the commande, its team, tasks, deliverables and gate reviews."""

    commande = get_commande_for(request, pk, write=True)
    back = reverse("commandes:commande-detail", args=[commande.pk])
    return render_history(
        request, history(commande=commande.pk), title=commande.title, back=back, restore=False
    )


def _again(request, commande, status=422, **forms) -> HttpResponse:
    return render(
        request, "commandes/detail.html", _detail_context(request, commande, **forms), status=status
    )


@require_POST
def commande_move(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    commande = get_commande_for(request, pk)
    form = f.MoveForm(request.POST)
    error = None
    if form.is_valid():
        data = form.cleaned_data
        try:
            workflow.move(
                commande=commande,
                user=request.user,
                move=workflow.Move(
                    to_status=data["to_status"],
                    comment=data["comment"],
                    expected_status=data["expected_status"] or None,
                    reformulated_wording=data["reformulated_wording"],
                    shelved_until=data["shelved_until"],
                    abandon_reason=data["abandon_reason"],
                ),
            )
        except workflow.MoveRefused as refused:
            error = str(refused)
    else:
        error = _("The move is not readable: choose a status.")
    if request.POST.get("from") == "board":
        board_form = f.BoardFilterForm(request.GET or None)
        notice = None
        if not error:
            commande.refresh_from_db()
            notice = _("“%(title)s” is now “%(status)s”.") % {
                "title": commande.title,
                "status": commande.get_status_display(),
            }
        context = _board_context(request, board_form, error=error, notice=notice)
        if request.htmx:
            return render(
                request, "commandes/board.html#board", context, status=409 if error else 200
            )
        if error:
            messages.error(request, error)
        return redirect("commandes:commande-board")
    if error:
        form.add_error(None, error)
        commande.refresh_from_db()
        return _again(request, commande, status=409, move_form=form)
    messages.success(request, _("The commande has moved."))
    return redirect("commandes:commande-detail", commande.pk)


@require_POST
def commande_review(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    commande = get_commande_for(request, pk, review=True)
    mine = GateReview.objects.filter(commande=commande, reviewer=request.user).first()
    form = f.GateReviewForm(request.POST, instance=mine, prefix="review")
    if not form.is_valid():
        return _again(request, commande, review_form=form)
    review = form.save(commit=False)
    review.commande, review.reviewer = commande, request.user
    review.save()
    messages.success(request, _("Your scorecard is saved."))
    return redirect(reverse("commandes:commande-detail", args=[commande.pk]) + "#gate")


@require_POST
def team_add(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    commande = get_commande_for(request, pk, write=True)
    form = f.TeamMemberForm(request.POST, commande=commande, prefix="member")
    if not form.is_valid():
        return _again(request, commande, member_form=form)
    member = form.save(commit=False)
    member.commande = commande
    member.save()
    return redirect(reverse("commandes:commande-detail", args=[commande.pk]) + "#team")


@require_POST
def team_remove(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    commande = get_commande_for(request, pk, write=True)
    wanted = request.POST.get("member", "")
    member = get_object_or_404(TeamMember, pk=wanted if wanted.isdigit() else 0, commande=commande)
    member.delete()
    return redirect(reverse("commandes:commande-detail", args=[commande.pk]) + "#team")


@require_POST
def task_add(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    commande = get_commande_for(request, pk, write=True)
    form = f.TaskForm(request.POST, prefix="task")
    if not form.is_valid():
        return _again(request, commande, task_form=form)
    task = form.save(commit=False)
    task.commande = commande
    task.save()
    return redirect(reverse("commandes:commande-detail", args=[commande.pk]) + "#tasks")


@require_POST
def task_toggle(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    task = get_object_or_404(Task.objects.select_related("commande", "owner"), pk=pk)
    commande = get_commande_for(request, task.commande_id)
    person = person_of(request.user)
    if not (
        rules.test_rule("commandes.change_commande", request.user, commande)
        or (person is not None and task.owner_id == person.pk)
    ):
        raise PermissionDenied
    Task.objects.filter(pk=task.pk).update(done=not task.done)
    if request.POST.get("next") == "home":
        return redirect("labo:home")
    return redirect(reverse("commandes:commande-detail", args=[commande.pk]) + "#tasks")


@require_POST
def deliverable_add(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    commande = get_commande_for(request, pk, write=True)
    form = f.DeliverableForm(request.POST, request.FILES, prefix="deliverable")
    if not form.is_valid():
        return _again(request, commande, deliverable_form=form)
    deliverable = form.save(commit=False)
    deliverable.commande = commande
    deliverable.save()
    return redirect(reverse("commandes:commande-detail", args=[commande.pk]) + "#deliverables")


@require_GET
def deliverable_file(request: HtmxHttpRequest, pk: int) -> FileResponse:
    deliverable = get_object_or_404(Deliverable, pk=pk)
    get_commande_for(request, deliverable.commande_id)
    if not deliverable.file:
        raise Http404
    # Served as a download, never rendered by the browser.
    return FileResponse(
        deliverable.file.open("rb"), as_attachment=True, content_type="application/octet-stream"
    )


@require_GET
def commande_pdf(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The file submitted to management: wordings, the démarreur's findings, team, calendar."""

    commande = get_commande_for(request, pk)
    context = {
        "commande": commande,
        # The démarreur reports of its workshops, through the relation ateliers declares.
        "reports": [
            atelier.demarreur
            for atelier in commande.ateliers.filter(demarreur__isnull=False)
            .select_related("demarreur")
            .order_by("demarreur__pk")
        ],
        "team": commande.team.select_related("person__direction"),
        "warnings": team_warnings(commande),
        "sessions": commande.sessions.order_by("starts_on"),
        "tasks": commande.tasks.select_related("owner").order_by("due_on"),
    }
    content = render_pdf("commandes/pdf/file.html", context)
    return pdf_response(content, f"commande-{commande.pk}.pdf")

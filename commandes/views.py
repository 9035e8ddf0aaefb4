"""Commandes: the board, the file of each commande, its gate, team, tasks and deliverables."""

from __future__ import annotations

from typing import Any

import rules
from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from commandes import forms as f
from commandes import services, workflow
from commandes.access import (
    acting_user,
    get_commande_for,
    get_deliverable_for,
    get_task_for,
    get_team_member_for,
    visible_commandes,
)
from commandes.models import Commande
from commandes.queries import (
    board,
    board_stages,
    file_context,
    review_mean,
    suggestions,
    team_warnings,
    timeline,
)
from labo.history.audit import history
from labo.history.views import render_history
from labo.lib.http import HtmxHttpRequest
from labo.lib.pdf import pdf_response, render_pdf


def _filters_of(request: HtmxHttpRequest) -> str:
    """The board's filters as a query string, "" without any: every move from the board
    carries them, so that the board answered keeps them."""
    kept = QueryDict(mutable=True)
    for name in f.BoardFilterForm.base_fields:
        if values := [value for value in request.GET.getlist(name) if value]:
            kept.setlist(name, values)
    return f"?{kept.urlencode()}" if kept else ""


def _board_context(request: HtmxHttpRequest, **extra: Any) -> dict[str, Any]:
    commandes = visible_commandes(request.user)
    form = f.BoardFilterForm(request.GET or None, commandes=commandes)
    if form.is_valid():
        commandes = form.filter(commandes)
    columns = board(commandes, user=request.user)
    return {
        "form": form,
        "columns": columns,
        "stages": board_stages(columns),
        "total": sum(column.total for column in columns),
        "filters": _filters_of(request),
        **extra,
    }


@require_GET
def commande_board(request: HtmxHttpRequest) -> HttpResponse:
    template = "commandes/board.html#board" if request.htmx else "commandes/board.html"
    return render(request, template, _board_context(request))


@require_GET
def commande_list(request: HtmxHttpRequest) -> HttpResponse:
    commandes = visible_commandes(request.user).select_related("commanditaire", "direction")
    form = f.BoardFilterForm(request.GET or None, commandes=commandes)
    if form.is_valid():
        commandes = form.filter(commandes)
    return render(request, "commandes/list.html", {"form": form, "commandes": commandes})


@require_http_methods(["GET", "POST"])
def commande_create(request: HtmxHttpRequest) -> HttpResponse:
    form = f.CommandeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        commande = services.record_commande(**form.cleaned_data, user=acting_user(request))
        return redirect("commandes:commande-detail", commande.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "commandes/form.html", {"form": form}, status=status)


def _detail_context(request: HtmxHttpRequest, commande: Commande, **extra: Any) -> dict[str, Any]:
    can_change = rules.test_rule("commandes.change_commande", request.user, commande)
    can_review = rules.test_rule("commandes.review_commande", request.user, commande)
    show_grades = rules.test_rule("labo.view_grades", request.user)
    wanted = f.WantedSkillsForm(request.GET or None)
    skills = wanted.cleaned_data["skills"] if wanted.is_valid() else []
    reviews = list(commande.reviews.select_related("reviewer"))
    moves = workflow.allowed_moves(commande, request.user)
    context = {
        "commande": commande,
        "moves": moves,
        # Only what the moves offered use: management at the gate gets no wording to rewrite.
        "move_fields": {"comment", *workflow.asked_by(moves)},
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
        "review_mean": review_mean(reviews),
        "team": commande.team.select_related("person__direction"),
        "show_grades": show_grades,
        "warnings": team_warnings(commande, grades=show_grades),
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


def _again(
    request: HtmxHttpRequest, commande: Commande, status: int = 422, **forms: Any
) -> HttpResponse:
    return render(
        request, "commandes/detail.html", _detail_context(request, commande, **forms), status=status
    )


def _to_detail(commande_pk: int, section: str) -> HttpResponse:
    return redirect(reverse("commandes:commande-detail", args=[commande_pk]) + f"#{section}")


def _move(request: HtmxHttpRequest, commande: Commande, form: f.MoveForm) -> str | None:
    """Apply the move the form asks for; the reason it was refused, if it was."""
    if not form.is_valid():
        if "expected_status" in form.errors and "to_status" not in form.errors:
            return str(form.errors["expected_status"][0])
        return _("The move is not readable: choose a status.")
    data = form.cleaned_data
    try:
        workflow.move(
            commande=commande,
            user=acting_user(request),
            move=workflow.Move(
                to_status=data["to_status"],
                comment=data["comment"],
                expected_status=data["expected_status"],
                reformulated_wording=data["reformulated_wording"],
                shelved_until=data["shelved_until"],
                abandon_reason=data["abandon_reason"],
            ),
        )
    except workflow.MoveRefused as refused:
        return str(refused)
    return None


@require_POST
def commande_move(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    commande = get_commande_for(request, pk)
    form = f.MoveForm(request.POST)
    error = _move(request, commande, form)
    if request.POST.get("from") == "board":
        return _board_after_move(request, commande, error)
    if error:
        form.add_error(None, error)
        commande.refresh_from_db()
        return _again(request, commande, status=409, move_form=form)
    messages.success(request, _("The commande has moved."))
    return redirect("commandes:commande-detail", commande.pk)


def _board_after_move(
    request: HtmxHttpRequest, commande: Commande, error: str | None
) -> HttpResponse:
    notice = ""
    if not error:
        commande.refresh_from_db()
        notice = _("Commande “%(title)s” moved to “%(status)s”.") % {
            "title": commande.title,
            "status": commande.get_status_display(),
        }
    if request.htmx:
        context = _board_context(request, error=error, notice=notice, focus=commande.pk)
        return render(request, "commandes/board.html#board", context, status=409 if error else 200)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, notice)
    return redirect(reverse("commandes:commande-board") + _filters_of(request))


@require_POST
def commande_review(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    commande = get_commande_for(request, pk, review=True)
    form = f.GateReviewForm(request.POST, prefix="review")
    if not form.is_valid():
        return _again(request, commande, review_form=form)
    services.save_review(commande=commande, reviewer=acting_user(request), **form.cleaned_data)
    messages.success(request, _("Your scorecard is saved."))
    return _to_detail(commande.pk, "gate")


@require_POST
def team_add(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    commande = get_commande_for(request, pk, write=True)
    form = f.TeamMemberForm(request.POST, commande=commande, prefix="member")
    if not form.is_valid():
        return _again(request, commande, member_form=form)
    services.add_team_member(commande=commande, **form.cleaned_data)
    return _to_detail(commande.pk, "team")


@require_POST
def team_remove(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    wanted = request.POST.get("member", "")
    member_pk = int(wanted) if wanted.isascii() and wanted.isdigit() else 0
    member = get_team_member_for(request, member_pk, commande_pk=pk, write=True)
    services.remove_team_member(member=member)
    return _to_detail(pk, "team")


@require_POST
def task_add(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    commande = get_commande_for(request, pk, write=True)
    form = f.TaskForm(request.POST, prefix="task")
    if not form.is_valid():
        return _again(request, commande, task_form=form)
    services.add_task(commande=commande, **form.cleaned_data)
    return _to_detail(commande.pk, "tasks")


@require_POST
def task_toggle(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    task = get_task_for(request, pk, write=True)
    services.toggle_task(task=task)
    if request.POST.get("next") == "home":
        return redirect("labo:home")
    return _to_detail(task.commande_id, "tasks")


@require_POST
def deliverable_add(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    commande = get_commande_for(request, pk, write=True)
    form = f.DeliverableForm(request.POST, request.FILES, prefix="deliverable")
    if not form.is_valid():
        return _again(request, commande, deliverable_form=form)
    services.add_deliverable(commande=commande, **form.cleaned_data)
    return _to_detail(commande.pk, "deliverables")


@require_GET
def deliverable_file(request: HtmxHttpRequest, pk: int) -> FileResponse:
    deliverable = get_deliverable_for(request, pk)
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
    context = file_context(commande)
    content = render_pdf("commandes/pdf/file.html", context)
    return pdf_response(content, f"commande-{commande.pk}.pdf")

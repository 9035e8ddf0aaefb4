"""Who reaches a commande: one helper per model, called on the first line of every view.
404 for who may not see it, 403 for who may see but not change it (rules in rules.py)."""

from __future__ import annotations

import rules
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from commandes.models import Commande, Deliverable, Task, TeamMember
from labo.lib.http import HtmxHttpRequest
from labo.roles import FACILITATOR, MANAGEMENT, roles_of


def acting_user(request: HtmxHttpRequest) -> User:
    """The signed-in user: the access policy (labo.access) lets no anonymous visitor reach
    a view that writes."""
    user = request.user
    if not user.is_authenticated:
        raise PermissionDenied
    return user


def visible_commandes(user: User | AnonymousUser) -> QuerySet[Commande]:
    """The commandes the user may see: every one for facilitators and management, those of
    their teams for the others (the rule commandes.view_commande, as a query)."""
    if roles_of(user) & {FACILITATOR, MANAGEMENT}:
        return Commande.objects.all()
    if not user.is_authenticated:
        return Commande.objects.none()
    return Commande.objects.filter(team__person__user=user).distinct()


def check_commande_access(
    request: HtmxHttpRequest, commande: Commande, *, write: bool = False, review: bool = False
) -> None:
    """404 for who may not see the commande, 403 for who may not change (or review) it."""
    if not rules.test_rule("commandes.view_commande", request.user, commande):
        raise Http404
    if write and not rules.test_rule("commandes.change_commande", request.user, commande):
        raise PermissionDenied
    if review and not rules.test_rule("commandes.review_commande", request.user, commande):
        raise PermissionDenied


def get_commande_for(
    request: HtmxHttpRequest, pk: int, *, write: bool = False, review: bool = False
) -> Commande:
    """The commande, if the user may see it (else 404), change it or review it at the gate
    when asked (else 403)."""
    commande = get_object_or_404(
        Commande.objects.select_related("programme", "commanditaire", "direction"), pk=pk
    )
    check_commande_access(request, commande, write=write, review=review)
    return commande


def get_task_for(request: HtmxHttpRequest, pk: int, *, write: bool = False) -> Task:
    """The task, if the user may see its commande (else 404) and, when asked, tick it off:
    facilitators and the task's owner (else 403)."""
    task = get_object_or_404(Task.objects.select_related("commande", "owner"), pk=pk)
    check_commande_access(request, task.commande)
    if write and not rules.test_rule("commandes.change_task", request.user, task):
        raise PermissionDenied
    return task


def get_deliverable_for(request: HtmxHttpRequest, pk: int, *, write: bool = False) -> Deliverable:
    """The deliverable, if the user may see its commande (else 404) and change it when
    asked (else 403)."""
    deliverable = get_object_or_404(Deliverable.objects.select_related("commande"), pk=pk)
    check_commande_access(request, deliverable.commande, write=write)
    return deliverable


def get_team_member_for(
    request: HtmxHttpRequest, pk: int, *, commande_pk: int, write: bool = False
) -> TeamMember:
    """A member of the commande's team: the commande is checked first (404, or 403 when
    asked to change it), then the member must belong to it (else 404)."""
    commande = get_commande_for(request, commande_pk, write=write)
    member = get_object_or_404(TeamMember, pk=pk, commande=commande)
    member.commande = commande
    return member

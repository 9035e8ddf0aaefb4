"""Every write to a commande and to what belongs to it (team, tasks, deliverables, gate
reviews). A write to a commande's team, tasks, deliverables or reviews locks the commande
first, as a move does (commandes.workflow): the team a move to "in progress" counts cannot
change under it, and a reviewer's two clicks cannot write two scorecards."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import User
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from commandes.models import (
    Commande,
    Deliverable,
    DeliverableKind,
    GateReview,
    StatusChange,
    Task,
    TeamMember,
    TeamRole,
)
from labo.models import Direction, Person, Programme


def _lock(commande: Commande) -> None:
    """Hold the commande's row until the transaction ends (the parent before its children)."""
    Commande.objects.select_for_update().filter(pk=commande.pk).values_list("pk").get()


@transaction.atomic
def record_commande(
    *,
    programme: Programme,
    title: str,
    commanditaire: Person,
    commanditaire_role: str = "",
    direction: Direction | None = None,
    initial_wording: str,
    context: str = "",
    user: User,
) -> Commande:
    """Record a new commande, "received", with the first line of its history."""
    commande = Commande.objects.create(
        programme=programme,
        title=title,
        initial_title=title,
        commanditaire=commanditaire,
        commanditaire_role=commanditaire_role,
        direction=direction,
        initial_wording=initial_wording,
        context=context,
    )
    StatusChange.objects.create(
        commande=commande,
        to_status=commande.status,
        changed_by=user,
        changed_at=timezone.now(),
        comment=_("Commande recorded."),
    )
    return commande


@transaction.atomic
def rename_commande(*, commande: Commande, title: str) -> Commande:
    """Give the commande the title its work found; the title it came with stays as its
    initial title."""
    _lock(commande)
    if not commande.initial_title:
        commande.initial_title = commande.title
    commande.title = title
    commande.save(update_fields=["title", "initial_title", "updated_at"])
    return commande


@transaction.atomic
def backdate_history(
    *, commande: Commande, first_at: datetime.datetime, interval: datetime.timedelta
) -> list[StatusChange]:
    """Date the commande's moves, oldest first, from ``first_at`` and ``interval`` apart:
    for work done before it was entered (the demo lab). A move may not land in the future."""
    if interval <= datetime.timedelta(0):
        raise ValueError("The interval between two moves must be positive.")
    _lock(commande)
    changes = list(StatusChange.objects.filter(commande=commande).order_by("changed_at", "pk"))
    if changes and first_at + interval * (len(changes) - 1) > timezone.now():
        raise ValueError("A move cannot be dated in the future.")
    for number, change in enumerate(changes):
        change.changed_at = first_at + interval * number
    StatusChange.objects.bulk_update(changes, ["changed_at"])
    return changes


@transaction.atomic
def add_team_member(*, commande: Commande, person: Person, role: TeamRole | str) -> TeamMember:
    """Put a person in the commande's team."""
    _lock(commande)
    return TeamMember.objects.create(commande=commande, person=person, role=role)


@transaction.atomic
def remove_team_member(*, member: TeamMember) -> None:
    """Take a person out of the commande's team."""
    _lock(member.commande)
    member.delete()


@transaction.atomic
def add_task(
    *, commande: Commande, title: str, owner: Person | None, due_on: datetime.date | None
) -> Task:
    """Add a task to the commande."""
    _lock(commande)
    return Task.objects.create(commande=commande, title=title, owner=owner, due_on=due_on)


@transaction.atomic
def toggle_task(*, task: Task) -> None:
    """Tick the task off, or reopen it: one statement, so two clicks at once flip it twice
    (never both to the same value read before)."""
    Task.objects.filter(pk=task.pk).update(done=~F("done"))


@transaction.atomic
def add_deliverable(
    *,
    commande: Commande,
    kind: DeliverableKind | str,
    title: str,
    file: UploadedFile | None = None,
    url: str = "",
) -> Deliverable:
    """Attach a file or a link to the commande."""
    _lock(commande)
    deliverable = Deliverable(commande=commande, kind=kind, title=title, url=url)
    if file:
        deliverable.file = file
    deliverable.save()
    return deliverable


@transaction.atomic
def save_review(
    *,
    commande: Commande,
    reviewer: User,
    value: int,
    feasibility: int,
    alignment: int,
    urgency: int,
    comment: str = "",
) -> GateReview:
    """Write the reviewer's scorecard at the gate, or change the one they already wrote."""
    _lock(commande)
    review = GateReview.objects.filter(commande=commande, reviewer=reviewer).first()
    if review is None:
        review = GateReview(commande=commande, reviewer=reviewer)
    review.value, review.feasibility = value, feasibility
    review.alignment, review.urgency = alignment, urgency
    review.comment = comment
    review.save()
    return review

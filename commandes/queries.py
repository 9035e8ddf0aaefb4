"""Reusable reads about commandes."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Case, Count, F, Model, Q, QuerySet, Value, When, Window
from django.db.models.functions import RowNumber
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from commandes import workflow
from commandes.models import Commande, Deliverable, GateReview, Status, StatusChange, Task
from labo.lib.http import object_url
from labo.models import Grade, Person, Skill

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def waiting_at_gate() -> QuerySet[Commande]:
    """Commandes submitted to management and not yet decided."""
    return (
        Commande.objects.filter(status=Status.SUBMITTED)
        .select_related("commanditaire", "programme")
        .order_by("updated_at")
    )


ACTIVE = (Status.VALIDATED, Status.IN_PROGRESS, Status.PROTOTYPE)


# Columns of commandes whose story has ended show their latest cards only: after five years
# they hold hundreds, and the list page has them all.
ENDED = (Status.CLOSED, Status.REFUSED, Status.ABANDONED)
ENDED_CARDS = 8


@dataclass(frozen=True)
class BoardCard:
    """A commande on the board, with the moves the user may make from there."""

    commande: Commande
    team_size: int
    moves: list[Status]
    detail_url: str
    move_url: str


class BoardColumn(NamedTuple):
    status: Status
    label: StrOrPromise
    cards: list[BoardCard]
    more: int  # cards of the column not shown

    @property
    def total(self) -> int:
        return len(self.cards) + self.more


class BoardStage(NamedTuple):
    """A row of the board: the columns of one part of a commande's story."""

    label: StrOrPromise
    columns: list[BoardColumn]
    folded: bool  # its columns show their name and count, and their cards on demand


# The board in three rows of four columns, so that every status is on a laptop's screen
# without scrolling sideways: before management's decision, after it, and the commandes
# set aside ("not now") or whose story has ended, folded as management looks at them last.
STAGES: tuple[tuple[StrOrPromise, tuple[Status, ...], bool], ...] = (
    (
        gettext_lazy("Before management's decision"),
        (Status.RECEIVED, Status.CLARIFICATION, Status.REFORMULATED, Status.SUBMITTED),
        False,
    ),
    (
        gettext_lazy("Validated and under way"),
        (Status.VALIDATED, Status.IN_PROGRESS, Status.PROTOTYPE, Status.DELIVERED),
        False,
    ),
    (
        gettext_lazy("Set aside or ended"),
        (Status.SHELVED, Status.REFUSED, Status.CLOSED, Status.ABANDONED),
        True,
    ),
)


def board_stages(columns: Iterable[BoardColumn]) -> list[BoardStage]:
    """The board's columns grouped in its rows (STAGES)."""
    by_status = {column.status: column for column in columns}
    return [
        BoardStage(label, [by_status[status] for status in statuses], folded)
        for label, statuses, folded in STAGES
    ]


def board(commandes: QuerySet[Commande], *, user: User | AnonymousUser) -> list[BoardColumn]:
    """Columns of the kanban, in pipeline order.

    One query reads the cards shown only: each commande is numbered within its column,
    newest first, and an ended column keeps its ENDED_CARDS first ones."""
    newest_first = [F("updated_at").desc(), F("pk").desc()]
    rows = (
        commandes.select_related("commanditaire", "direction")
        .annotate(
            team_size=Count("team", distinct=True),
            place=Window(RowNumber(), partition_by=[F("status")], order_by=newest_first),
            in_column=Window(Count("pk"), partition_by=[F("status")]),
            shown_at_most=Case(
                When(status__in=ENDED, then=Value(ENDED_CARDS)), default=Value(10**9)
            ),
        )
        .filter(place__lte=F("shown_at_most"))
        .order_by(*newest_first)
    )
    cards: dict[str, list[BoardCard]] = {status: [] for status in Status}
    totals: dict[str, int] = dict.fromkeys(Status, 0)
    for commande in rows:
        cards[commande.status].append(
            BoardCard(
                commande=commande,
                team_size=commande.team_size,
                moves=workflow.allowed_moves(commande, user),
                detail_url=object_url("commandes:commande-detail", commande.pk),
                move_url=object_url("commandes:commande-move", commande.pk),
            )
        )
        totals[commande.status] = commande.in_column
    return [
        BoardColumn(status, status.label, cards[status], totals[status] - len(cards[status]))
        for status in Status
    ]


def team_warnings(commande: Commande, *, grades: bool) -> list[str]:
    """What should be known about the team: its directions and load, and, for those who may
    see each person's grade (``grades``: facilitators building it, never a document), its
    grades. Said of a small team, "no grade B or C" would tell each member's grade."""

    members = list(commande.team.select_related("person__direction"))
    if not members:
        return []
    warnings = []
    if grades and not any(m.person.grade in (Grade.B, Grade.C) for m in members):
        warnings.append(_("No member of grade B or C in the team."))
    directions = {m.person.direction_id for m in members}
    if len(members) > 1 and len(directions) == 1:
        warnings.append(_("Everyone in the team comes from the same direction."))
    limit = settings.LABO_MAX_ACTIVE_COMMANDES
    busy = (
        Person.objects.filter(pk__in=[m.person_id for m in members])
        .annotate(
            active=Count(
                "team_memberships",
                filter=Q(team_memberships__commande__status__in=ACTIVE)
                & ~Q(team_memberships__commande=commande),
                distinct=True,
            )
        )
        .filter(active__gte=limit)
    )
    for person in busy:
        warnings.append(
            _("%(name)s is already in %(count)d active commandes.")
            % {"name": person.full_name, "count": person.active}
        )
    return warnings


@dataclass(frozen=True)
class Suggestion:
    """Someone who could join the team."""

    person: Person
    matches: int  # wanted skills they have, plus those they want to practise
    active: int  # active commandes they are already in


def suggestions(commande: Commande, skills: Iterable[Skill], limit: int = 10) -> list[Suggestion]:
    """Active people ranked by how many of the wanted skills they have or want to practise."""
    team = commande.team.values("person")
    people = (
        Person.objects.active()
        .filter(user__groups__name="ambassador")
        .exclude(pk__in=team)
        .annotate(
            matches=Count("skills", filter=Q(skills__in=skills), distinct=True)
            + Count("appetites", filter=Q(appetites__in=skills), distinct=True),
            active=Count(
                "team_memberships",
                filter=Q(team_memberships__commande__status__in=ACTIVE),
                distinct=True,
            ),
        )
        .filter(matches__gt=0)
        .select_related("direction")
        .order_by("-matches", "active", "last_name")[:limit]
    )
    return [Suggestion(person=p, matches=p.matches, active=p.active) for p in people]


class TimelineEvent(NamedTuple):
    when: datetime.datetime
    kind: Literal["move", "review", "task", "deliverable"]
    obj: StatusChange | GateReview | Task | Deliverable


def timeline(commande: Commande) -> list[TimelineEvent]:
    """Everything that happened, newest first: moves, reviews, tasks, deliverables, workshops."""
    events = []
    for change in commande.history.select_related("changed_by"):
        events.append(TimelineEvent(change.changed_at, "move", change))
    for review in commande.reviews.select_related("reviewer"):
        events.append(TimelineEvent(review.created_at, "review", review))
    for task in commande.tasks.select_related("owner"):
        events.append(TimelineEvent(task.created_at, "task", task))
    for deliverable in commande.deliverables.all():
        events.append(TimelineEvent(deliverable.created_at, "deliverable", deliverable))
    return sorted(events, key=lambda e: e.when, reverse=True)


def review_mean(reviews: Sequence[GateReview]) -> float | None:
    """The mean of the reviewers' means, None before the first scorecard."""
    return (sum(r.mean for r in reviews) / len(reviews)) if reviews else None


def demarreur_reports(commande: Commande) -> list[Model]:
    """The démarreur reports of the commande's workshops, through the relation ateliers
    declares (commandes does not import ateliers)."""
    return [
        atelier.demarreur
        for atelier in commande.ateliers.filter(demarreur__isnull=False)
        .select_related("demarreur")
        .order_by("demarreur__pk")
    ]


class FileFigure(NamedTuple):
    """A key figure of the commande file's summary: a value and what it counts."""

    value: str
    label: str


def file_context(commande: Commande) -> dict[str, Any]:
    """What the commande file shows: a summary first (what, who asked, where it stands,
    the key figures and the decisions), then the details. A document: grades never
    (docs/privacy.md)."""
    reports = demarreur_reports(commande)
    team = list(commande.team.select_related("person__direction"))
    sessions = list(commande.sessions.order_by("starts_on"))
    tasks = list(
        commande.tasks.select_related("owner").order_by(F("due_on").asc(nulls_last=True), "pk")
    )
    decisions = list(commande.history.select_related("changed_by").order_by("changed_at", "pk"))
    done = sum(1 for task in tasks if task.done)
    figures = [
        FileFigure(
            str(len(sessions)), ngettext("session of the lab", "sessions of the lab", len(sessions))
        ),
        FileFigure(
            str(len(reports)),
            ngettext("démarreur interview", "démarreur interviews", len(reports)),
        ),
        FileFigure(str(len(team)), ngettext("person in the team", "people in the team", len(team))),
        FileFigure(f"{done} / {len(tasks)}", _("tasks done")),
    ]
    return {
        "commande": commande,
        "reports": reports,
        "team": team,
        "warnings": team_warnings(commande, grades=False),
        "sessions": sessions,
        "tasks": tasks,
        "decisions": decisions,
        "last_decision": decisions[-1] if decisions else None,
        "figures": figures,
    }

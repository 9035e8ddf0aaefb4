"""Reusable reads about commandes."""

from django.conf import settings
from django.db.models import Case, Count, F, Q, QuerySet, Value, When, Window
from django.db.models.functions import RowNumber
from django.utils.translation import gettext as _

from commandes.models import Commande, Status
from labo.models import Person


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


def board(commandes: QuerySet[Commande]) -> list[tuple[str, str, list[Commande], int]]:
    """Columns of the kanban, in pipeline order: (status, label, cards, cards not shown).

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
    cards: dict[str, list[Commande]] = {value: [] for value in Status.values}
    totals: dict[str, int] = dict.fromkeys(Status.values, 0)
    for commande in rows:
        cards[commande.status].append(commande)
        totals[commande.status] = commande.in_column
    return [
        (value, label, cards[value], totals[value] - len(cards[value]))
        for value, label in Status.choices
    ]


def team_warnings(commande: Commande) -> list[str]:

    members = list(commande.team.select_related("person__direction"))
    if not members:
        return []
    warnings = []
    if not any(m.person.grade in ("B", "C") for m in members):
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


def suggestions(commande: Commande, skills, limit: int = 10):
    """Active people ranked by how many of the wanted skills they have or want to practise."""
    team = commande.team.values("person")
    return (
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


def timeline(commande: Commande) -> list[tuple]:
    """Everything that happened, newest first: moves, reviews, tasks, deliverables, workshops."""
    events = []
    for change in commande.history.select_related("changed_by"):
        events.append((change.changed_at, "move", change))
    for review in commande.reviews.select_related("reviewer"):
        events.append((review.created_at, "review", review))
    for task in commande.tasks.select_related("owner"):
        events.append((task.created_at, "task", task))
    for deliverable in commande.deliverables.all():
        events.append((deliverable.created_at, "deliverable", deliverable))
    return sorted(events, key=lambda e: e[0], reverse=True)

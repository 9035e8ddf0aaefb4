"""Reads about people: their history in the lab and their onboarding."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from labo.models import Person


@dataclass
class History:
    sessions: QuerySet
    ateliers: QuerySet
    commandes: QuerySet


@dataclass
class Onboarding:
    welcome_day_done: bool
    mentor: Person | None
    methods_tried: list[str]
    methods_to_try: list[str]


def person_of(user) -> Person | None:
    """The person behind a user account, if any (cached on the user by Django)."""
    if not user.is_authenticated:
        return None
    try:
        return user.person
    except Person.DoesNotExist:
        return None


def person_id_of(user) -> int | None:
    """The id of the person behind a user account, without reading the person when the
    account was read with it (labo.auth: the visitor of every request)."""
    if not user.is_authenticated:
        return None
    if hasattr(user, "person_pk"):
        return user.person_pk
    person = person_of(user)
    return person.pk if person else None


def history_of(person: Person) -> History:
    from ateliers.models import Atelier
    from commandes.models import Commande
    from sessions.queries import sessions_of

    return History(
        sessions=sessions_of(person).select_related("programme").order_by("-starts_on"),
        ateliers=Atelier.objects.filter(Q(participants=person) | Q(facilitators=person))
        .select_related("session")
        .distinct()
        .order_by("-session__starts_on", "pk"),
        commandes=Commande.objects.filter(Q(team__person=person) | Q(commanditaire=person))
        .distinct()
        .order_by("-updated_at"),
    )


def onboarding_of(person: Person, history: History) -> Onboarding:
    from ateliers.models import Format

    tried = set(history.ateliers.values_list("format", flat=True))
    labels = dict(Format.choices)
    return Onboarding(
        welcome_day_done=person.welcome_day_on is not None,
        mentor=person.mentor,
        methods_tried=[labels[f] for f in Format.values if f in tried],
        methods_to_try=[labels[f] for f in Format.values if f not in tried],
    )


@dataclass
class GradeMix:
    minimum: int
    total: int
    masked: bool
    rows: list[tuple[str, int | None]]


def grade_mix(people: QuerySet) -> GradeMix:
    """Count people per grade; fewer than LABO_MIN_GROUP_SIZE in a cell is shown as masked."""
    from django.conf import settings
    from django.db.models import Count

    from labo.models import Grade

    minimum = settings.LABO_MIN_GROUP_SIZE
    counts = dict(people.order_by().values_list("grade").annotate(n=Count("pk", distinct=True)))
    total = sum(counts.values())
    labels = [*Grade.choices, ("", _("Unknown"))]
    if total < minimum:
        rows = [(label, None) for _grade, label in labels]
        return GradeMix(minimum=minimum, total=total, masked=True, rows=rows)
    rows = []
    for grade, label in labels:
        n = counts.get(grade, 0)
        rows.append((label, n if n >= minimum or n == 0 else None))
    return GradeMix(minimum=minimum, total=total, masked=False, rows=rows)

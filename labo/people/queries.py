"""Reads about people: their history in the lab and their onboarding."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.functional import Promise

from ateliers.models import Atelier, Format
from commandes.models import Commande
from labo.models import Person
from sessions.models import Session
from sessions.queries import sessions_of


@dataclass
class History:
    sessions: QuerySet[Session]
    ateliers: QuerySet[Atelier]
    commandes: QuerySet[Commande]


@dataclass
class Onboarding:
    welcome_day_done: bool
    mentor: Person | None
    methods_tried: list[str | Promise]  # the formats' labels, translated when shown
    methods_to_try: list[str | Promise]


def history_of(person: Person) -> History:
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


def workshops_of(person: Person) -> QuerySet[Atelier]:
    """Every workshop of the sessions a person takes part in, and those they are named in
    elsewhere (a participant of one workshop of a session they do not attend)."""
    named = Q(
        Exists(Atelier.participants.through.objects.filter(atelier=OuterRef("pk"), person=person))
    ) | Q(
        Exists(Atelier.facilitators.through.objects.filter(atelier=OuterRef("pk"), person=person))
    )
    return (
        Atelier.objects.filter(Q(session__in=sessions_of(person)) | named)
        .select_related("session")
        .order_by("-session__starts_on", "pk")
    )


def onboarding_of(person: Person, history: History) -> Onboarding:
    tried = set(history.ateliers.values_list("format", flat=True))
    labels = dict(Format.choices)
    return Onboarding(
        welcome_day_done=person.welcome_day_on is not None,
        mentor=person.mentor,
        methods_tried=[labels[f] for f in Format.values if f in tried],
        methods_to_try=[labels[f] for f in Format.values if f not in tried],
    )

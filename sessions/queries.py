"""Reusable reads about sessions: visibility and membership."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from labo.models import Document, DocumentKind, DocumentStatus, Person
from labo.queries import person_id_of, person_of
from labo.roles import FACILITATOR, MANAGEMENT, roles_of
from sessions.agenda import cascade, total_minutes
from sessions.models import AgendaItem, Attendance, Session


def sessions_of(person: Person | int) -> QuerySet[Session]:
    """Sessions a person takes part in: attending a day or facilitating."""
    attends = Attendance.objects.filter(day__session=OuterRef("pk"), person=person)
    return Session.objects.filter(
        Exists(attends)
        | Exists(Session.facilitators.through.objects.filter(session=OuterRef("pk"), person=person))
    )


def visible_sessions(user) -> QuerySet[Session]:
    """Facilitators and management see every session; others see those they belong to."""
    if roles_of(user) & {FACILITATOR, MANAGEMENT}:
        return Session.objects.all()
    person = person_of(user)
    if person is None:
        return Session.objects.none()
    return sessions_of(person)


def is_member(user, session: Session) -> bool:
    person_id = person_id_of(user)
    return person_id is not None and sessions_of(person_id).filter(pk=session.pk).exists()


def coming_sessions(today) -> QuerySet[Session]:
    return (
        Session.objects.filter(ends_on__gte=today)
        .exclude(status="cancelled")
        .select_related("programme")
        .order_by("starts_on")
    )


def latest_held_sessions(limit: int = 5) -> QuerySet[Session]:
    """The last sessions held, each with its ready syntheses (newest first)."""

    syntheses = Document.objects.filter(
        kind=DocumentKind.SYNTHESIS, status=DocumentStatus.READY
    ).order_by("-created_at", "-pk")
    return (
        Session.objects.filter(status="held")
        .select_related("programme")
        .prefetch_related(Prefetch("documents", queryset=syntheses, to_attr="syntheses"))
        .order_by("-starts_on")[:limit]
    )


def agenda_of(days) -> list[dict]:
    """Each day with its blocks (run by, sub-groups, workshop) and their cascaded times.

    Three queries whatever the number of days and blocks: the days, every block of
    those days (sub-groups included), and who runs them. The tree is built here rather
    than with prefetch_related, which costs a related manager per block.
    """

    days = list(days)
    blocks = list(
        AgendaItem.objects.filter(day__in=days).select_related("atelier").order_by("position", "pk")
    )
    runners = defaultdict(list)
    through = (
        AgendaItem.facilitators.through.objects.filter(agendaitem__in=[b.pk for b in blocks])
        .select_related("person")
        .order_by("person__last_name", "person__first_name")
    )
    for link in through:
        runners[link.agendaitem_id].append(link.person)
    children = defaultdict(list)
    top = defaultdict(list)
    for block in blocks:
        block.runners = runners[block.pk]
        if block.parent_id is None:
            top[block.day_id].append(block)
        else:
            children[block.parent_id].append(block)
    agenda = []
    for day in days:
        for block in top[day.pk]:
            block.subgroup_list = children[block.pk]
        day.top_items = top[day.pk]
        slots = cascade(day.top_items, day.starts_at, day.ends_at)
        agenda.append(
            {
                "day": day,
                "slots": slots,
                "total": total_minutes(day.top_items),
                "ends_at": slots[-1].end if slots else day.starts_at,
                "warnings": sum(1 for s in slots if s.overlaps_pinned or s.past_day_end),
            }
        )
    return agenda

"""Reusable reads about sessions: visibility and membership."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet

from labo.models import Person
from labo.roles import FACILITATOR, MANAGEMENT, roles_of
from sessions.models import Attendance, Session


def _person_of(user) -> Person | None:
    if not user.is_authenticated:
        return None
    try:
        return user.person
    except Person.DoesNotExist:
        return None


def sessions_of(person: Person) -> QuerySet[Session]:
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
    person = _person_of(user)
    if person is None:
        return Session.objects.none()
    return sessions_of(person)


def is_member(user, session: Session) -> bool:
    person = _person_of(user)
    return person is not None and sessions_of(person).filter(pk=session.pk).exists()


def coming_sessions(today) -> QuerySet[Session]:
    return (
        Session.objects.filter(ends_on__gte=today)
        .exclude(status="cancelled")
        .select_related("programme")
        .order_by("starts_on")
    )


def latest_held_sessions(limit: int = 5) -> QuerySet[Session]:
    return (
        Session.objects.filter(status="held")
        .select_related("programme")
        .order_by("-starts_on")[:limit]
    )


def agenda_of(days) -> list[dict]:
    """Each day with its blocks (run by, sub-groups, workshop) and their cascaded times."""
    from django.db.models import Prefetch

    from sessions.agenda import cascade, total_minutes
    from sessions.models import AgendaItem

    items = (
        AgendaItem.objects.filter(parent__isnull=True)
        .select_related("atelier")
        .prefetch_related("facilitators", "subgroups")
        .order_by("position", "pk")
    )
    days = days.prefetch_related(Prefetch("items", queryset=items, to_attr="top_items"))
    agenda = []
    for day in days:
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

"""Reusable reads about sessions: visibility, membership and agendas."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection
from django.db.models import BooleanField, Exists, OuterRef, Prefetch, QuerySet
from django.db.models.expressions import RawSQL

from labo.models import Document, DocumentKind, DocumentStatus, Person, Programme
from labo.queries import person_id_of, person_of
from labo.roles import AMBASSADOR, FACILITATOR, MANAGEMENT, roles_of
from sessions.agenda import cascade, total_minutes
from sessions.models import AgendaItem, Attendance, Day, Session, SessionStatus


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


def facilitates_programme(user, session: Session) -> bool:
    """Whether the user's person facilitates the session's programme (one query)."""
    person_id = person_id_of(user)
    return person_id is not None and session.programme.facilitators.filter(pk=person_id).exists()


def visitor_facilitates(user) -> RawSQL:
    """facilitates_programme as a column, read with the object: whether the user's person
    facilitates the programme of the session in the query (the session's table, joined or
    queried, under its own name)."""
    q = connection.ops.quote_name
    session = q(Session._meta.db_table)
    facilitators = q(Programme.facilitators.through._meta.db_table)
    return RawSQL(
        f"EXISTS (SELECT 1 FROM {facilitators} "
        f"WHERE {facilitators}.{q('programme_id')} = {session}.{q('programme_id')} "
        f"AND {facilitators}.{q('person_id')} = %s)",
        [person_id_of(user)],
        output_field=BooleanField(),
    )


def runners() -> QuerySet[Person]:
    """Who can run a block: people with a facilitator or ambassador account."""
    return Person.objects.filter(user__groups__name__in=[FACILITATOR, AMBASSADOR]).distinct()


def item_in_session(session: Session, pk: int) -> AgendaItem | None:
    """A live block of the session, if it is one."""
    return AgendaItem.objects.filter(pk=pk, day__session=session).first()


def deleted_item_in_session(session: Session, pk: int) -> AgendaItem | None:
    """A block of the session in the bin, if it is one."""
    return AgendaItem.all_objects.filter(
        pk=pk, day__session=session, deleted_at__isnull=False
    ).first()


def coming_sessions(today) -> QuerySet[Session]:
    return (
        Session.objects.filter(ends_on__gte=today)
        .exclude(status=SessionStatus.CANCELLED)
        .select_related("programme")
        .order_by("starts_on")
    )


def latest_held_sessions(limit: int = 5) -> QuerySet[Session]:
    """The last sessions held, each with its ready syntheses (newest first)."""

    syntheses = Document.objects.filter(
        kind=DocumentKind.SYNTHESIS, status=DocumentStatus.READY
    ).order_by("-created_at", "-pk")
    return (
        Session.objects.filter(status=SessionStatus.HELD)
        .select_related("programme")
        .prefetch_related(Prefetch("documents", queryset=syntheses, to_attr="syntheses"))
        .order_by("-starts_on")[:limit]
    )


@dataclass(frozen=True)
class Block:
    """A top-level block placed in its day (its Slot), with who runs it and the sub-groups
    working in parallel during it."""

    item: AgendaItem
    start: datetime.time
    end: datetime.time
    overlaps_pinned: bool  # starts (pinned) before the previous block ends
    past_day_end: bool
    runners: list[Person]
    subgroups: list[AgendaItem]


@dataclass(frozen=True)
class DayAgenda:
    """A day with its blocks in order, their cascaded times, and what they add up to."""

    day: Day
    slots: list[Block]
    total: int  # minutes planned
    ends_at: datetime.time  # the end of the last block (the day's start when it has none)
    warnings: int  # blocks that overlap a pinned one or end after the day


def agenda_of(days: Iterable[Day]) -> list[DayAgenda]:
    """Each day with its blocks (run by, sub-groups, workshop) and their cascaded times.

    Three queries whatever the number of days and blocks: the days, every block of
    those days (sub-groups included), and who runs them. The tree is built here rather
    than with prefetch_related, which costs a related manager per block.
    """

    days = list(days)
    blocks = list(
        AgendaItem.objects.filter(day__in=days).select_related("atelier").order_by("position", "pk")
    )
    runners: defaultdict[int, list[Person]] = defaultdict(list)
    through = (
        AgendaItem.facilitators.through.objects.filter(agendaitem__in=[b.pk for b in blocks])
        .select_related("person")
        .order_by("person__last_name", "person__first_name")
    )
    for link in through:
        runners[link.agendaitem_id].append(link.person)
    children: defaultdict[int, list[AgendaItem]] = defaultdict(list)
    top: defaultdict[int, list[AgendaItem]] = defaultdict(list)
    for block in blocks:
        if block.parent_id is None:
            top[block.day_id].append(block)
        else:
            children[block.parent_id].append(block)
    agenda = []
    for day in days:
        slots = [
            Block(
                item=slot.item,
                start=slot.start,
                end=slot.end,
                overlaps_pinned=slot.overlaps_pinned,
                past_day_end=slot.past_day_end,
                runners=runners[slot.item.pk],
                subgroups=children[slot.item.pk],
            )
            for slot in cascade(top[day.pk], day.starts_at, day.ends_at)
        ]
        agenda.append(
            DayAgenda(
                day=day,
                slots=slots,
                total=total_minutes(top[day.pk]),
                ends_at=slots[-1].end if slots else day.starts_at,
                warnings=sum(1 for s in slots if s.overlaps_pinned or s.past_day_end),
            )
        )
    return agenda

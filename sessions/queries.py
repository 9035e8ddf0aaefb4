"""Reusable reads about sessions: visibility, membership and agendas."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import BooleanField, Exists, F, OuterRef, Prefetch, QuerySet
from django.db.models.expressions import RawSQL

from labo.models import Direction, Document, DocumentKind, DocumentStatus, Person, Programme
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
    group_runners: dict[int, list[Person]] = field(default_factory=dict)  # by sub-group id


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
                group_runners={sub.pk: runners[sub.pk] for sub in children[slot.item.pk]},
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


# The printed agenda (déroulé) -----------------------------------------------------------


@dataclass(frozen=True)
class WorkshopPlan:
    """What the workshop held during a block adds to its printed agenda: who runs the
    workshop, and its stand rotation as (round number, [(group, stand)]) in order."""

    runners: list[Person]
    rounds: list[tuple[int, list[tuple[str, str]]]]


# (agenda item ids) -> {item id: its workshop's plan}; registered at start-up by the app that
# holds the workshops (ateliers), which sessions may not import.
_workshop_plans: list[Callable[[list[int]], dict[int, WorkshopPlan]]] = []


def register_workshop_plans(read: Callable[[list[int]], dict[int, WorkshopPlan]]) -> None:
    """Called once at start-up by the app that holds the workshops."""
    _workshop_plans[:] = [read]


@dataclass(frozen=True)
class Round:
    """A round of a stand rotation, at its time."""

    number: int
    start: datetime.time
    end: datetime.time


@dataclass(frozen=True)
class Rotation:
    """A stand rotation as a timetable: its rounds, and for each group the stand it is at
    in each round ("" when it waits)."""

    rounds: list[Round]
    groups: list[tuple[str, list[str]]]


@dataclass(frozen=True)
class PrintedGroup:
    """A sub-group working in parallel during its block, at its own times."""

    item: AgendaItem
    start: datetime.time
    end: datetime.time
    past_block_end: bool
    runners: list[Person]
    rotation: Rotation | None


@dataclass(frozen=True)
class PrintedBlock:
    """A block as the printed agenda shows it: its times, the free time before it, who runs
    it (its own runners, else its workshop's facilitators), its groups and stand rotation."""

    slot: Block
    gap_before: int  # minutes free between the previous block (or the day's start) and this
    runners: list[Person]
    groups: list[PrintedGroup]
    rotation: Rotation | None

    @property
    def item(self) -> AgendaItem:
        return self.slot.item

    @property
    def gap_starts(self) -> datetime.time:
        return _at(_minutes_of(self.slot.start) - self.gap_before)


def _minutes_of(t: datetime.time) -> int:
    return t.hour * 60 + t.minute


def _at(minutes: int) -> datetime.time:
    minutes = max(0, min(minutes, 24 * 60 - 1))
    return datetime.time(minutes // 60, minutes % 60)


def _rotation(
    plan: WorkshopPlan | None, start: datetime.time, end: datetime.time
) -> Rotation | None:
    """The rotation's rounds share their block's time evenly (the last one takes what a
    division leaves)."""
    if plan is None or not plan.rounds:
        return None
    first, last, count = _minutes_of(start), _minutes_of(end), len(plan.rounds)
    each = (last - first) // count
    rounds = [
        Round(
            number=number,
            start=_at(first + index * each),
            end=_at(last if index == count - 1 else first + (index + 1) * each),
        )
        for index, (number, _visits) in enumerate(plan.rounds)
    ]
    stands: defaultdict[str, list[str]] = defaultdict(lambda: [""] * count)
    for index, (_number, visits) in enumerate(plan.rounds):
        for group, stand in visits:
            stands[group][index] = stand
    return Rotation(rounds=rounds, groups=list(stands.items()))


def printed_agenda_of(entry: DayAgenda) -> list[PrintedBlock]:
    """A day's blocks as the printed agenda shows them (one query more, for the workshops
    held during them: their facilitators and stand rotations)."""
    return printed_agendas_of([entry])[0]


def printed_agendas_of(entries: list[DayAgenda]) -> list[list[PrintedBlock]]:
    """Several days' blocks as printed, with one query for all their workshops."""
    ids = [
        pk
        for entry in entries
        for s in entry.slots
        for pk in [s.item.pk, *(g.pk for g in s.subgroups)]
    ]
    plans = _workshop_plans[0](ids) if _workshop_plans and ids else {}
    return [_printed(entry, plans) for entry in entries]


def _printed(entry: DayAgenda, plans: dict) -> list[PrintedBlock]:
    printed = []
    previous_end = _minutes_of(entry.day.starts_at)
    for slot in entry.slots:
        start = _minutes_of(slot.start)
        groups = []
        for sub in slot.subgroups:
            sub_start = _minutes_of(sub.fixed_start) if sub.fixed_start else start
            sub_end = sub_start + sub.duration_minutes
            plan = plans.get(sub.pk)
            groups.append(
                PrintedGroup(
                    item=sub,
                    start=_at(sub_start),
                    end=_at(sub_end),
                    past_block_end=sub_end > _minutes_of(slot.end),
                    runners=slot.group_runners.get(sub.pk) or (plan.runners if plan else []),
                    rotation=_rotation(plan, _at(sub_start), _at(sub_end)),
                )
            )
        plan = plans.get(slot.item.pk)
        printed.append(
            PrintedBlock(
                slot=slot,
                gap_before=max(0, start - previous_end),
                runners=slot.runners or (plan.runners if plan else []),
                groups=groups,
                rotation=_rotation(plan, slot.start, slot.end),
            )
        )
        previous_end = _minutes_of(slot.end)
    return printed


# Sign-in sheet -------------------------------------------------------------------

SIGN_IN_BLANK_ROWS = 8  # when the expected attendance is unknown
SIGN_IN_SPARE_ROWS = 3  # at least, for who comes unannounced


SignInGroup = tuple[Direction | None, list[tuple[int, Attendance]]]  # numbered lines


def sign_in_rows(day: Day) -> tuple[list[SignInGroup], range]:
    """The registered people grouped by direction (by name, those without one last), each
    with its line number, then the numbers of the blank lines: up to the expected
    attendance, a few when it is unknown."""
    attendances = day.attendances.select_related("person__direction").order_by(
        F("person__direction__name").asc(nulls_last=True),
        "person__last_name",
        "person__first_name",
        "pk",
    )
    groups: list[SignInGroup] = []
    number = 0
    for attendance in attendances:
        number += 1
        direction = attendance.person.direction
        if not groups or groups[-1][0] != direction:
            groups.append((direction, []))
        groups[-1][1].append((number, attendance))
    if day.capacity is None:
        blanks = SIGN_IN_BLANK_ROWS
    else:
        blanks = max(day.capacity - number, SIGN_IN_SPARE_ROWS)
    return groups, range(number + 1, number + blanks + 1)

"""Time arithmetic of an agenda: cascading starts, pinned blocks, overlaps and day end."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar


class Timed(Protocol):
    @property
    def duration_minutes(self) -> int: ...

    @property
    def fixed_start(self) -> datetime.time | None: ...


T = TypeVar("T", bound=Timed)


@dataclass(frozen=True)
class Slot(Generic[T]):
    item: T
    start: datetime.time
    end: datetime.time
    overlaps_pinned: bool
    past_day_end: bool


def _minutes(t: datetime.time) -> int:
    return t.hour * 60 + t.minute


def _time(minutes: int) -> datetime.time:
    # Past midnight is clamped: a day agenda never wraps to the next day.
    minutes = min(minutes, 24 * 60 - 1)
    return datetime.time(minutes // 60, minutes % 60)


def cascade(items: Iterable[T], day_start: datetime.time, day_end: datetime.time) -> list[Slot[T]]:
    """Give each item its start: after the previous one, or at its fixed time if pinned."""
    slots: list[Slot[T]] = []
    cursor = _minutes(day_start)
    for item in items:
        fixed = item.fixed_start
        pinned = fixed is not None
        start = _minutes(fixed) if fixed is not None else cursor
        end = start + item.duration_minutes
        slots.append(
            Slot(
                item=item,
                start=_time(start),
                end=_time(end),
                overlaps_pinned=pinned and cursor > start,
                past_day_end=end > _minutes(day_end),
            )
        )
        cursor = end
    return slots


def total_minutes(items: Iterable[Timed]) -> int:
    return sum(item.duration_minutes for item in items)


class Placed(Protocol):
    """A block placed in its day (a Slot, or a richer record of one)."""

    @property
    def item(self) -> Timed: ...

    @property
    def end(self) -> datetime.time: ...


P = TypeVar("P", bound=Placed)


@dataclass(frozen=True)
class RunState(Generic[P]):
    """Where a day being run stands against its plan."""

    current: P | None
    next: P | None
    ends_at: datetime.datetime | None
    remaining_seconds: int
    delay_minutes: int

    @property
    def ahead_minutes(self) -> int:
        return max(0, -self.delay_minutes)


def run_state(
    slots: Sequence[P],
    current_pk: int | None,
    started_at: datetime.datetime | None,
    extra_minutes: int,
    now: datetime.datetime,
    *,
    shift: datetime.timedelta = datetime.timedelta(0),
) -> RunState[P]:
    """The current block's end, time left, and how far the day is ahead (<0) or behind (>0)
    of its plan, moved by ``shift`` (a rehearsal is measured against the plan as if the day
    had begun when the rehearsal did)."""
    index = next(
        (i for i, s in enumerate(slots) if getattr(s.item, "pk", None) == current_pk), None
    )
    if index is None or started_at is None:
        return RunState(None, None, None, 0, 0)
    slot = slots[index]
    ends_at = started_at + datetime.timedelta(minutes=slot.item.duration_minutes + extra_minutes)
    planned_end = (
        datetime.datetime.combine(started_at.date(), slot.end, tzinfo=started_at.tzinfo) + shift
    )
    delay = round((ends_at - planned_end).total_seconds() / 60)
    return RunState(
        current=slot,
        next=slots[index + 1] if index + 1 < len(slots) else None,
        ends_at=ends_at,
        remaining_seconds=int((ends_at - now).total_seconds()),
        delay_minutes=delay,
    )


class Spanning(Protocol):
    @property
    def start(self) -> datetime.time: ...

    @property
    def end(self) -> datetime.time: ...


def gaps_before(slots: Iterable[Spanning], day_start: datetime.time) -> list[int]:
    """The free minutes before each block: from the previous block's end (the day's start
    for the first) to its start, when a pinned block leaves time unplanned."""
    cursor = _minutes(day_start)
    gaps = []
    for slot in slots:
        start = _minutes(slot.start)
        gaps.append(max(0, start - cursor))
        cursor = max(cursor, _minutes(slot.end))
    return gaps


@dataclass(frozen=True)
class Balance:
    """How a day's plan stands against its hours: time left free at its end, or overrun."""

    free_minutes: int
    overrun_minutes: int


def balance(last_end: datetime.time, day_end: datetime.time) -> Balance:
    """The time left between the last block's end and the day's end, or past it."""
    difference = _minutes(day_end) - _minutes(last_end)
    return Balance(free_minutes=max(0, difference), overrun_minutes=max(0, -difference))


def place_at(
    items: Sequence[T],
    moving: T,
    day_start: datetime.time,
    day_end: datetime.time,
    at: datetime.time,
) -> tuple[int, datetime.time]:
    """Where a block arriving in a day at ``at`` goes: after the blocks that start before
    that time; its position there and the start it then gets (the cascade may push it)."""
    starts = [slot.start for slot in cascade(items, day_start, day_end)]
    position = sum(1 for start in starts if start < at)
    placed = cascade([*items[:position], moving, *items[position:]], day_start, day_end)
    return position, placed[position].start

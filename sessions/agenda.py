"""Time arithmetic of an agenda: cascading starts, pinned blocks, overlaps and day end."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar


class Timed(Protocol):
    duration_minutes: int
    fixed_start: datetime.time | None


T = TypeVar("T", bound="Timed")


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
        pinned = item.fixed_start is not None
        start = _minutes(item.fixed_start) if pinned else cursor
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

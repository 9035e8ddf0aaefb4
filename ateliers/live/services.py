"""Writes of a live room: open and close it, move it from step to step, take an answer.

Lock order: the workshop, then its room (as everywhere: a parent before its children).
Every write moves the room's version on and says so on the room's topic
(``labo.lib.events``), in the same transaction: the projector's stream hears it at
commit. A facilitator's action also moves ``step_version``, which the phones follow.
"""

from __future__ import annotations

import datetime
import secrets
import time
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from ateliers import services
from ateliers.live.steps import (
    CHOICE,
    DOTS,
    IDEAS,
    OBSERVE,
    RATING,
    STANDS,
    WORDS,
    Step,
    keep_steps,
    step_of,
    steps_of,
    words_of,
)
from ateliers.models import Atelier, Idea, LiveAnswer, LiveRoom
from labo.lib import events
from sessions.agenda import cascade

# No 0/O, 1/I/L, 5/S or 2/Z: a code read from the back of a room is typed right.
ALPHABET = "ABCDEFGHJKMNPQRTUVWXY346789"
CODE_LENGTH = 6
GRACE = datetime.timedelta(minutes=30)  # after the workshop's block, the room stays open


class LiveError(services.ResultError):
    """An answer or an action the room refuses, said in French next to what was sent."""


def topic(room: LiveRoom) -> str:
    return f"live:{room.pk}"


def step_topic(room: LiveRoom) -> str:
    return f"live:{room.pk}:step"


def device_key(*, atelier: Atelier, identity: str) -> str:
    """A device, unreadable: a keyed hash of the person (``p<user id>``) or the guest
    (``g<cookie>``) and the workshop."""
    return salted_hmac("labo.live", f"{atelier.pk}:{identity}", algorithm="sha256").hexdigest()


def dot_voter(identity: str) -> str:
    """Whose dots: the account, as on the workshop's page (one limit across both), or the
    guest's cookie."""
    return identity if identity.startswith("p") else f"g:{identity[1:]}"


def is_open(room: LiveRoom, now: datetime.datetime | None = None) -> bool:
    return room.closed_at is None and (now or timezone.now()) < room.closes_at


def closes_at_for(atelier: Atelier, now: datetime.datetime) -> datetime.datetime:
    """The end of the workshop's block today (and a grace), else a few hours from now."""
    fallback = now + datetime.timedelta(hours=settings.LABO_LIVE_HOURS)
    item = atelier.agenda_item
    if item is None or item.parent_id is not None:
        return fallback
    day = item.day
    if day.date != timezone.localdate(now):
        return fallback
    for slot in cascade(day.items.filter(parent=None), day.starts_at, day.ends_at):
        if slot.item.pk == item.pk:
            end = timezone.make_aware(datetime.datetime.combine(day.date, slot.end)) + GRACE
            return max(end, now + datetime.timedelta(hours=1))
    return fallback


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _index in range(CODE_LENGTH))


def _touch(room: LiveRoom, *, step: bool) -> None:
    """Move the room's version (and the phones' one for an action) on, and say so."""
    moved = "version = version + 1" + (", step_version = step_version + 1" if step else "")
    with connection.cursor() as cursor:  # one statement: moved, and the numbers it moved to
        cursor.execute(
            f"UPDATE {LiveRoom._meta.db_table} SET {moved} WHERE id = %s"
            " RETURNING version, step_version",
            [room.pk],
        )
        room.version, room.step_version = cursor.fetchone()
    events.publish(topic(room), str(room.version))
    if step:
        events.publish(step_topic(room), str(room.step_version))


def open_room(*, atelier: Atelier, prompt: str, by, clear: bool = False) -> LiveRoom:
    """The workshop's open room, or a new one with a fresh code; ``clear`` forgets the
    positions and words phones gave before (a rehearsal)."""
    now = timezone.now()
    for _attempt in range(5):
        try:
            with transaction.atomic():
                Atelier.objects.select_for_update().only("pk").get(pk=atelier.pk)
                current = LiveRoom.objects.filter(atelier=atelier, closed_at=None).first()
                if current is not None and is_open(current, now):
                    return current
                if current is not None:  # past its end: closed now, its code with it
                    current.closed_at = current.closes_at
                    current.save(update_fields=["closed_at"])
                if clear:
                    LiveAnswer.objects.filter(atelier=atelier).delete()
                room = LiveRoom.objects.create(
                    atelier=atelier,
                    code=new_code(),
                    prompt=prompt,
                    opened_by=by,
                    closes_at=closes_at_for(atelier, now),
                )
                _touch(room, step=True)
                return room
        except IntegrityError:  # a code already taken: draw another
            continue
    raise LiveError(_("No free join code was found; try again."))


@transaction.atomic
def close_room(*, room: LiveRoom) -> None:
    LiveRoom.objects.filter(pk=room.pk, closed_at=None).update(
        closed_at=timezone.now(), accepting=False
    )
    room.closed_at = room.closed_at or timezone.now()
    room.accepting = False
    _touch(room, step=True)


ACTIONS = ("go", "next", "previous", "lobby", "open", "close", "show", "hide")


@transaction.atomic
def act(*, room: LiveRoom, action: str, step: str = "") -> LiveRoom:
    """The facilitator's console: go to a step (answers open, results shown at once but for
    post-its), open or close answers, show or hide results, go back to joining."""
    room = LiveRoom.objects.select_for_update().select_related("atelier").get(pk=room.pk)
    if not is_open(room):
        raise LiveError(_("This live room is closed."))
    steps = steps_of(room)
    keys = [s.key for s in steps]
    target: Step | None = None
    if action == "go":
        target = next((s for s in steps if s.key == step), None)
        if target is None:
            raise LiveError(_("This step is no longer in the workshop."))
    elif action in ("next", "previous"):
        here = keys.index(room.step) if room.step in keys else -1
        there = here + (1 if action == "next" else -1)
        if action == "previous" and here < 0:
            there = len(keys) - 1
        if not 0 <= there < len(keys):
            raise LiveError(_("There is no step that way."))
        target = steps[there]
    if target is not None:
        room.step, room.accepting, room.revealed = target.key, True, target.shown_at_once
    elif action == "lobby":
        room.step, room.accepting, room.revealed = "", False, False
    elif action in ("open", "close"):
        if not room.step:
            raise LiveError(_("Choose a step first."))
        room.accepting = action == "open"
    elif action in ("show", "hide"):
        if not room.step:
            raise LiveError(_("Choose a step first."))
        room.revealed = action == "show"
        if room.revealed and room.step in (IDEAS, DOTS):
            services.reveal_ideas(atelier=room.atelier)
    else:
        raise LiveError(_("Unknown action."))
    if room.step == DOTS and room.accepting and not room.atelier.ideas_revealed:
        services.reveal_ideas(atelier=room.atelier)  # dots go on ideas the room can read
    room.save(update_fields=["step", "accepting", "revealed"])
    _touch(room, step=True)
    return room


def answer(*, room: LiveRoom, step: str, identity: str, values: Mapping[str, Any]) -> LiveRoom:
    """Take one answer to the room's current step; refused (LiveError) once the step has
    moved on or closed. ``identity`` is ``p<user id>`` or ``g<guest cookie>``.

    Answers go side by side: each holds the room against the facilitator's actions only
    (``FOR KEY SHARE`` on PostgreSQL: an action waits for the answers under way, and they
    for it), and the room's version moves on just after the answer's commit, in a
    statement of its own, so that no answer waits for another one's commit. A state read
    at a version includes every answer that version counts. The room returned gets its new
    version then."""
    with transaction.atomic():
        room = _held(room)
        if not is_open(room):
            raise LiveError(_("This live room is closed: answers are no longer taken."))
        if room.step != step:
            raise LiveError(_("The facilitator has moved on: this question is closed."))
        if not room.accepting:
            raise LiveError(_("Answers to this question are closed."))
        current = step_of(room, step)
        if current is None:
            raise LiveError(_("This question is no longer in the workshop."))
        _take(room, current, identity=identity, values=values)
        transaction.on_commit(lambda: _counted(room))
        return room


def _held(room: LiveRoom) -> LiveRoom:
    """The room's row as it is now, held against the facilitator's actions (``FOR KEY
    SHARE`` on PostgreSQL, in the same statement). ``room`` was read by this request a
    moment ago: its workshop and, if no action moved the step since, its steps stand."""
    if connection.vendor == "postgresql":
        table = LiveRoom._meta.db_table
        held = LiveRoom.objects.raw(
            f"SELECT * FROM {table} WHERE id = %s FOR KEY SHARE",
            [room.pk],
        )[0]
    else:
        held = LiveRoom.objects.get(pk=room.pk)
    held.atelier = room.atelier
    if held.step_version == room.step_version:
        keep_steps(room, held)
    return held


def _counted(room: LiveRoom) -> None:
    """After an answer's commit: the room's version moves on and the streams hear it. This
    short transaction holds the room's row while it commits, and every answer of the room
    passes through it: it does not wait for the disk (a version lost in a crash costs the
    projector one redraw, never an answer, which was committed before)."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        _touch(room, step=False)


def _take(room: LiveRoom, step: Step, *, identity: str, values: Mapping[str, Any]) -> None:
    atelier = room.atelier
    if step.kind in (WORDS, CHOICE):
        value = values["value"]
        if step.kind == CHOICE and value not in dict(step.choices):
            raise LiveError(_("Choose one of the answers shown."))
        if step.kind == WORDS:
            value = ", ".join(words_of(value))
            if not value:
                raise LiveError(_("Write at least one word."))
        # One statement, a new answer or the device's earlier one changed (an upsert).
        LiveAnswer.objects.bulk_create(
            [
                LiveAnswer(
                    atelier=atelier,
                    step=step.key,
                    device=device_key(atelier=atelier, identity=identity),
                    value=value,
                )
            ],
            update_conflicts=True,
            unique_fields=["atelier", "step", "device"],
            update_fields=["value"],
        )
    elif step.kind == IDEAS:
        services.add_idea(atelier=atelier, text=values["text"], author=None, anonymous=True)
    elif step.kind == DOTS:
        voter = dot_voter(identity)
        idea: Idea = values["idea"]
        if values.get("remove"):
            services.unvote(idea=idea, voter=voter)
        else:
            services.vote(idea=idea, voter=voter)
    elif step.kind == STANDS:
        services.add_result(atelier=atelier, kind="feedback", fields=values, author=None)
    elif step.kind == OBSERVE:
        services.add_result(atelier=atelier, kind="observation", fields=values, author=None)
    elif step.kind == RATING:
        services.rate(
            atelier=atelier,
            rater=services.rater_key(atelier=atelier, identity=identity),
            score=values["score"],
            comment=values.get("comment", ""),
        )


def seen(*, room: LiveRoom, identity: str) -> None:
    """A device is in the room (its page or its stream): counted as connected for this
    minute and the next (the shared cache, never the database: a page read writes
    nothing). The first time in a minute, the console and the projector hear it."""
    device = device_key(atelier=room.atelier, identity=identity)[:32]
    minute = int(time.time() // 60)
    cache = caches[settings.SHARED_CACHE]
    if cache.add(f"live:{room.pk}:{minute}:{device}", 1, 130):
        _count(cache, f"live:{room.pk}:{minute}:n")
        if cache.get(f"live:{room.pk}:{minute - 1}:{device}") is None:
            _count(cache, f"live:{room.pk}:{minute}:new")  # not among the last minute's
        events.publish(topic(room), "seen")


def _count(cache, key: str) -> None:
    if not cache.add(key, 1, 130):
        try:
            cache.incr(key)
        except ValueError:  # gone meanwhile
            cache.add(key, 1, 130)


def connected(room: LiveRoom) -> int:
    """The devices seen since the last minute began: those of the last minute and those
    new this minute (one arriving just after a minute began is counted at once)."""
    minute = int(time.time() // 60)
    cache = caches[settings.SHARED_CACHE]
    last, new = f"live:{room.pk}:{minute - 1}:n", f"live:{room.pk}:{minute}:new"
    counts = cache.get_many([last, new])
    return int(counts.get(last, 0)) + int(counts.get(new, 0))

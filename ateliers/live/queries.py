"""Reads of a live room: the room of a code, the board (what the projector and the console
draw) and the phones' answers as they land in the workshop's results."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Avg, Count

from ateliers.live.services import connected, is_open
from ateliers.live.steps import (
    CHOICE,
    DOTS,
    IDEAS,
    OBSERVE,
    RATING,
    STANDS,
    WORDS,
    Step,
    steps_of,
)
from ateliers.models import (
    Atelier,
    DebateQuestion,
    Idea,
    LiveAnswer,
    LiveRoom,
    Observation,
    Rating,
    StandFeedback,
    TribunalCase,
    Vote,
)
from ateliers.queries import phone_positions, words_given

MAX_WORDS_SHOWN = 40
MAX_IDEAS_SHOWN = 24
MAX_DOTS_SHOWN = 10


def open_room_of(atelier: Atelier) -> LiveRoom | None:
    room = LiveRoom.objects.filter(atelier=atelier, closed_at=None).first()
    return room if room is not None and is_open(room) else None


def room_by_code(code: str) -> LiveRoom | None:
    """The open room of this code; None for an unknown or closed one."""
    room = (
        LiveRoom.objects.select_related("atelier__session", "atelier__agenda_item")
        .filter(code=code, closed_at=None)
        .first()
    )
    return room if room is not None and is_open(room) else None


@dataclass(frozen=True)
class Row:
    """A bar: its label, its count, its length (0–100) and its colour (0–4)."""

    label: str
    count: int
    length: float
    colour: int = 0
    before: int | None = None  # an "after" step: the same position before
    length_before: float = 0


@dataclass(frozen=True)
class Word:
    text: str
    count: int
    size: int  # 1–5


@dataclass
class Board:
    room: LiveRoom
    step: Step | None
    steps: list[Step]
    connected: int = 0
    answered: int = 0
    rows: list[Row] = field(default_factory=list)
    in_room: list[Row] = field(default_factory=list)  # counted by the facilitator, apart
    words: list[Word] = field(default_factory=list)
    ideas: list[Idea] = field(default_factory=list)
    average: float | None = None

    @property
    def index(self) -> int:
        return next(
            (i for i, s in enumerate(self.steps) if self.step and s.key == self.step.key), -1
        )


def _rows(pairs: list[tuple[str, int]], *, before: dict[str, int] | None = None) -> list[Row]:
    top = max([count for _label, count in pairs] + list((before or {}).values()) + [1])
    rows = []
    for index, (label, count) in enumerate(pairs):
        earlier = None if before is None else before.get(label, 0)
        rows.append(
            Row(
                label,
                count,
                round(100 * count / top, 1),
                index % 5,
                earlier,
                round(100 * (earlier or 0) / top, 1),
            )
        )
    return rows


def _in_room(step: Step) -> list[Row]:
    """What the facilitator counted of those standing in the room, for the same question."""
    if step.key.startswith("debate-"):
        question = DebateQuestion.objects.filter(pk=step.pk or 0).first()
        if question is None:
            return []
        counts = {"yes": question.yes, "no": question.no, "mixed": question.mixed}
    else:
        case = TribunalCase.objects.filter(pk=step.pk or 0).first()
        if case is None:
            return []
        when = "after" if step.pair else "before"
        counts = {
            choice: getattr(case, f"{when}_{choice}") for choice in ("for", "against", "undecided")
        }
    if not any(counts.values()):
        return []
    return _rows([(str(label), counts[value]) for value, label in step.choices])


def words_counted(atelier: Atelier) -> list[Word]:
    """The word cloud, each word sized 1–5 by how many gave it."""
    common = words_given([atelier.pk], limit=MAX_WORDS_SHOWN).get(atelier.pk, [])
    top = common[0][1] if common else 1
    return [
        Word(text, count, 1 + round(4 * (count - 1) / max(top - 1, 1))) for text, count in common
    ]


def board(room: LiveRoom) -> Board:
    """Everything the projector and the console draw of the room's current step."""
    steps = steps_of(room)
    step = next((s for s in steps if s.key == room.step), None)
    atelier = room.atelier
    result = Board(
        room=room,
        step=step,
        steps=steps,
        connected=connected(room),
    )
    if step is None:
        return result
    if step.kind == CHOICE:
        answered = phone_positions([atelier.pk])  # every step's, in one query
        counts = answered.get((atelier.pk, step.key), {})
        result.answered = sum(counts.values())
        before = None
        if step.pair:
            earlier = answered.get((atelier.pk, step.pair), {})
            before = {str(label): earlier.get(value, 0) for value, label in step.choices}
        result.rows = _rows(
            [(str(label), counts.get(value, 0)) for value, label in step.choices], before=before
        )
        result.in_room = _in_room(step)
    elif step.kind == WORDS:
        result.answered = LiveAnswer.objects.filter(atelier=atelier, step=WORDS).count()
        result.words = words_counted(atelier)
    elif step.kind == IDEAS:
        ideas = Idea.objects.filter(atelier=atelier)
        result.answered = ideas.count()
        result.ideas = list(ideas.order_by("-pk")[:MAX_IDEAS_SHOWN])
    elif step.kind == DOTS:
        ideas = (
            Idea.objects.filter(atelier=atelier)
            .annotate(dots=Count("votes"))
            .order_by("-dots", "pk")[:MAX_DOTS_SHOWN]
        )
        result.rows = _rows([(idea.text, idea.dots) for idea in ideas if idea.dots])
        result.answered = (
            Vote.objects.filter(idea__atelier=atelier).values("voter").distinct().count()
        )
    elif step.kind == STANDS:
        stands = (
            StandFeedback.objects.filter(stand__atelier=atelier)
            .values_list("stand__name")
            .annotate(n=Count("pk"), interest=Avg("interest"))
            .order_by("stand__pk")
        )
        result.rows = _rows([(name, n) for name, n, _interest in stands])
        result.answered = sum(n for _name, n, _interest in stands)
    elif step.kind == OBSERVE:
        result.answered = Observation.objects.filter(report__atelier=atelier).count()
    elif step.kind == RATING:
        ratings = Rating.objects.filter(atelier=atelier)
        scores: dict[int, int] = {
            score: n
            for score, n in ratings.values_list("score")
            .annotate(n=Count("pk"))
            .values_list("score", "n")
        }
        result.rows = _rows([(f"{score}/5", scores.get(score, 0)) for score in range(1, 6)])
        result.answered = sum(scores.values())
        result.average = ratings.aggregate(avg=Avg("score"))["avg"]
    return result

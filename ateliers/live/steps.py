"""What a live room asks, step by step: each part of a format (ateliers.formats) says here
which steps it brings, as each part says elsewhere what its results, forms and charts are.

Every room opens with a word cloud (the room's question) and ends with the rating of the
methods; in between, the steps of the workshop's parts, in the format's order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from ateliers.formats import Part, parts_of
from ateliers.models import Atelier, LiveRoom
from ateliers.queries import WORDS_STEP

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise  # a development dependency: types only

# The word cloud's step key is also its kind; ateliers.queries reads its answers.
WORDS = WORDS_STEP
CHOICE, IDEAS, DOTS, STANDS, OBSERVE, RATING = (
    "choice",
    "ideas",
    "dots",
    "stands",
    "observe",
    "rating",
)

DEBATE_CHOICES = (("yes", _("Yes")), ("no", _("No")), ("mixed", _("Mixed")))
TRIBUNAL_CHOICES = (
    ("for", _("Convinced")),
    ("against", _("Sceptical")),
    ("undecided", _("Undecided")),
)
MAX_WORDS = 3


@dataclass(frozen=True)
class Step:
    key: str  # stored with each answer: "debate-12", "before-5", "words"
    kind: str
    title: str
    choices: tuple[tuple[str, StrOrPromise], ...] = ()
    pk: int | None = None  # the statement or case it asks about
    pair: str = ""  # an "after" step: the key of its "before"

    @property
    def shown_at_once(self) -> bool:
        """Results on the projector from the first answer: only the word cloud, which
        grows as words come. Positions, post-its, dots and ratings wait for the
        facilitator to reveal them (nobody answers after seeing how the room answered);
        meanwhile the screen counts the answers as they come."""
        return self.kind == WORDS


def _debate(atelier: Atelier) -> list[Step]:
    return [
        Step(f"debate-{q.pk}", CHOICE, q.text, DEBATE_CHOICES, pk=q.pk)
        for q in atelier.debate_questions.order_by("position", "pk")
    ]


def _tribunal(atelier: Atelier) -> list[Step]:
    steps: list[Step] = []
    for case in atelier.tribunal_cases.order_by("pk"):
        steps.append(Step(f"before-{case.pk}", CHOICE, case.question, TRIBUNAL_CHOICES, case.pk))
        steps.append(
            Step(
                f"after-{case.pk}",
                CHOICE,
                case.question,
                TRIBUNAL_CHOICES,
                case.pk,
                pair=f"before-{case.pk}",
            )
        )
    return steps


def _ideas(atelier: Atelier) -> list[Step]:
    return [
        Step(IDEAS, IDEAS, str(_("Your ideas, one post-it at a time"))),
        Step(DOTS, DOTS, str(_("Your dots on the ideas"))),
    ]


def _stands(atelier: Atelier) -> list[Step]:
    if not atelier.stands.exists():
        return []
    return [Step(STANDS, STANDS, str(_("Your feedback on the stand you visited")))]


def _report(atelier: Atelier) -> list[Step]:
    return [Step(OBSERVE, OBSERVE, str(_("Observation grid")))]


STEPS_OF_PART: dict[Part, Callable[[Atelier], list[Step]]] = {
    Part.QUESTIONS: _debate,
    Part.CASES: _tribunal,
    Part.REPORT: _report,
    Part.STANDS: _stands,
    Part.GRID: lambda atelier: [],  # ideas are placed on the grid by the facilitator
    Part.RETRO: lambda atelier: [],
    Part.IDEAS: _ideas,
}


def steps_of(room: LiveRoom) -> list[Step]:
    """The room's steps, read once per room object (a request asks several times)."""
    cached: list[Step] | None = getattr(room, "_steps", None)
    if cached is not None:
        return cached
    atelier = room.atelier
    steps = [Step(WORDS, WORDS, room.prompt or str(_("One word for our lab?")))]
    for part in parts_of(atelier.format):
        steps.extend(STEPS_OF_PART[part](atelier))
    steps.append(Step(RATING, RATING, str(_("How useful were the methods today?"))))
    room._steps = steps  # type: ignore[attr-defined]
    return steps


def keep_steps(earlier: LiveRoom, room: LiveRoom) -> None:
    """``room`` is ``earlier`` read again with its step unmoved: the steps read for
    ``earlier`` (if any) serve it too."""
    cached = getattr(earlier, "_steps", None)
    if cached is not None:
        room._steps = cached  # type: ignore[attr-defined]


def step_of(room: LiveRoom, key: str) -> Step | None:
    return next((step for step in steps_of(room) if step.key == key), None)


def words_of(text: str) -> list[str]:
    """The words of an answer to the cloud: lower case, at most MAX_WORDS, split on
    commas, semicolons and line breaks (a word may hold spaces: "service public")."""
    parts = [part.strip().strip(".!?").lower() for part in text.replace(";", ",").split(",")]
    words = [" ".join(part.split()) for part in parts if part.strip()]
    return words[:MAX_WORDS]

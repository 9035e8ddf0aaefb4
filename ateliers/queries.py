"""Reads of a workshop's results, in a fixed number of queries whatever their count."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, TypedDict

from django.db.models import Avg, Count, F, Q, QuerySet, Window
from django.db.models.functions import RowNumber

from ateliers.formats import Part
from ateliers.models import (
    Action,
    Atelier,
    CriteriaGrid,
    DebateQuestion,
    DemarreurReport,
    GuestLink,
    Idea,
    LiveAnswer,
    Photo,
    Rating,
    RetroEntry,
    RetroKind,
    Stand,
    StandVisit,
    Theme,
    TribunalCase,
    Vote,
)
from commandes.models import Commande, TeamMember
from labo.models import Person, Programme
from sessions.models import Attendance
from sessions.queries import WorkshopPlan


class StandScores(TypedDict):
    understanding: float | None
    interest: float | None
    feedback_count: int


class IdeaDots(TypedDict):
    dots: int
    mine: int  # the voter's own dots
    number: int  # its place on the wall, as drawn on the criteria grid (see IdeaOrder)


if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations  # a development dependency

    ScoredStand = WithAnnotations[Stand, StandScores]
    DottedIdea = WithAnnotations[Idea, IdeaDots]


# The orders of the wall. The page lists ideas in the order they came (a dot never moves
# the idea under the next tap) or, on request, the most dotted first; the synthesis groups
# them by theme, the most dotted first. An idea's number is its place in the order it came,
# on the page (the same after every dot), and its place in the synthesis there.
class IdeaOrder(StrEnum):
    ARRIVAL = "arrival"
    DOTS = "dots"
    WALL = "wall"


@dataclass
class Results:
    questions: list[DebateQuestion] = field(default_factory=list)
    cases: list[TribunalCase] = field(default_factory=list)
    report: DemarreurReport | None = None
    stands: list[ScoredStand] = field(default_factory=list)
    rotation: list[tuple[int, list[StandVisit]]] = field(default_factory=list)
    grid: CriteriaGrid | None = None
    retro: dict[str, list[RetroEntry]] = field(default_factory=dict)  # label -> entries
    idea_order: IdeaOrder = IdeaOrder.WALL
    ideas: list[DottedIdea] = field(default_factory=list)
    hidden_ideas: int = 0
    themes: list[Theme] = field(default_factory=list)
    dots_left: int = 0
    photos: list[Photo] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    rating_average: float | None = None
    rating_count: int = 0
    ratings: list[Rating] = field(default_factory=list)
    my_rating: Rating | None = None  # the visitor's own, when results_of is given its rater
    guest_links: list[GuestLink] = field(default_factory=list)
    words: list[tuple[str, int]] = field(default_factory=list)  # the live room's word cloud


# The live room's answers (ateliers.live): positions on statements and cases, and words.
WORDS_STEP = "words"


def phone_positions(atelier_ids: list[int]) -> dict[tuple[int, str], dict[str, int]]:
    """How many phones gave each answer, by workshop and step ("debate-12", "before-5")."""
    counts: defaultdict[tuple[int, str], dict[str, int]] = defaultdict(dict)
    rows = (
        LiveAnswer.objects.filter(atelier__in=atelier_ids)
        .exclude(step=WORDS_STEP)
        .values_list("atelier", "step", "value")
        .annotate(n=Count("pk"))
        .values_list("atelier", "step", "value", "n")
    )
    for atelier_id, step, value, n in rows:
        counts[(atelier_id, step)][value] = n
    return counts


def with_phones(questions: list[DebateQuestion], cases: list[TribunalCase]) -> None:
    """Hang on each statement and case what the phones answered to it."""
    ids = sorted({q.atelier_id for q in questions} | {c.atelier_id for c in cases})
    if not ids:
        return
    counts = phone_positions(ids)
    for q in questions:
        q.phones = counts.get((q.atelier_id, f"debate-{q.pk}"), {})
    for c in cases:
        c.phones_before = counts.get((c.atelier_id, f"before-{c.pk}"), {})
        c.phones_after = counts.get((c.atelier_id, f"after-{c.pk}"), {})


def words_given(atelier_ids: list[int], *, limit: int = 40) -> dict[int, list[tuple[str, int]]]:
    """The words of each workshop's word cloud, the most given first."""
    counters: defaultdict[int, Counter[str]] = defaultdict(Counter)
    for atelier_id, value in LiveAnswer.objects.filter(
        atelier__in=atelier_ids, step=WORDS_STEP
    ).values_list("atelier", "value"):
        counters[atelier_id].update(word for word in value.split(", ") if word)
    return {key: counter.most_common(limit) for key, counter in counters.items()}


def _questions(atelier: Atelier, r: Results, voter: str) -> None:
    r.questions = list(DebateQuestion.objects.filter(atelier=atelier))
    with_phones(r.questions, [])


def _cases(atelier: Atelier, r: Results, voter: str) -> None:
    r.cases = list(TribunalCase.objects.filter(atelier=atelier))
    with_phones([], r.cases)


def _report(atelier: Atelier, r: Results, voter: str) -> None:
    r.report = (
        DemarreurReport.objects.filter(atelier=atelier)
        .prefetch_related("roles__person__direction", "questions", "observations")
        .first()
    )
    if r.report is not None:
        r.report.atelier = atelier


def _stands(atelier: Atelier, r: Results, voter: str) -> None:
    r.stands = list(
        Stand.objects.filter(atelier=atelier)
        .annotate(
            understanding=Avg("feedback__understanding"),
            interest=Avg("feedback__interest"),
            feedback_count=Count("feedback", distinct=True),
        )
        .prefetch_related("suggestions", "feedback")
    )
    rounds: defaultdict[int, list[StandVisit]] = defaultdict(list)
    for visit in StandVisit.objects.filter(stand__atelier=atelier).select_related("stand"):
        rounds[visit.round].append(visit)
    r.rotation = sorted(rounds.items())


def grid_of(atelier: Atelier) -> CriteriaGrid | None:
    return CriteriaGrid.objects.filter(atelier=atelier).first()


def _grid(atelier: Atelier, r: Results, voter: str) -> None:
    r.grid = grid_of(atelier)


def _retro(atelier: Atelier, r: Results, voter: str) -> None:
    entries: defaultdict[str, list[RetroEntry]] = defaultdict(list)
    for entry in RetroEntry.objects.filter(atelier=atelier):
        entries[entry.kind].append(entry)
    r.retro = {str(label): entries[kind] for kind, label in RetroKind.choices}


IDEA_ORDERS = {
    IdeaOrder.ARRIVAL: [F("pk").asc()],
    IdeaOrder.DOTS: [F("dots").desc(), F("pk").asc()],
    IdeaOrder.WALL: [F("theme__name").asc(), F("dots").desc(), F("pk").asc()],
}


def _ideas(atelier: Atelier, r: Results, voter: str) -> None:
    """Hidden ideas are counted, never loaded; authors of anonymous ideas were never stored."""
    order = r.idea_order
    if atelier.ideas_revealed:
        numbered = IDEA_ORDERS[IdeaOrder.WALL if order == IdeaOrder.WALL else IdeaOrder.ARRIVAL]
        r.ideas = list(
            Idea.objects.filter(atelier=atelier)
            .select_related("theme", "created_by")
            .annotate(dots=Count("votes"), mine=Count("votes", filter=Q(votes__voter=voter)))
            .annotate(number=Window(RowNumber(), order_by=numbered))
            .order_by(*IDEA_ORDERS[order])
        )
        used = Vote.objects.filter(idea__atelier=atelier, voter=voter).count()
        r.dots_left = max(0, atelier.votes_per_person - used)
    else:
        r.hidden_ideas = Idea.objects.filter(atelier=atelier).count()
    r.themes = list(Theme.objects.filter(atelier=atelier))


# How each part of a format is read.
LOADERS: dict[Part, Callable[[Atelier, Results, str], None]] = {
    Part.QUESTIONS: _questions,
    Part.CASES: _cases,
    Part.REPORT: _report,
    Part.STANDS: _stands,
    Part.GRID: _grid,
    Part.RETRO: _retro,
    Part.IDEAS: _ideas,
}


def rating_by(atelier: Atelier, *, rater: str) -> Rating | None:
    """The rating a person or a guest gave the workshop (``rater``: services.rater_key)."""
    return Rating.objects.filter(atelier=atelier, rater=rater).first()


def results_of(
    atelier: Atelier,
    *,
    voter: str,
    rater: str | None = None,
    ideas: IdeaOrder = IdeaOrder.WALL,
) -> Results:
    """What the page shows: the parts of the workshop's format (its ideas in the order
    ``ideas``), then what every workshop has (photos, actions, ratings, guest links), and
    the visitor's rating if ``rater``."""
    r = Results(idea_order=ideas)
    for part in atelier.parts:
        LOADERS[part](atelier, r, voter)
    r.photos = list(Photo.objects.filter(atelier=atelier))
    r.actions = list(Action.objects.filter(atelier=atelier).select_related("owner"))
    stats = Rating.objects.filter(atelier=atelier).aggregate(avg=Avg("score"), n=Count("pk"))
    r.rating_average, r.rating_count = stats["avg"], stats["n"]
    r.ratings = list(Rating.objects.filter(atelier=atelier).exclude(comment="")[:50])
    r.guest_links = list(GuestLink.objects.filter(atelier=atelier, revoked_at__isnull=True))
    r.words = words_given([atelier.pk]).get(atelier.pk, [])
    if rater is not None:
        r.my_rating = rating_by(atelier, rater=rater)
    return r


def people_around(atelier: Atelier) -> QuerySet[Person]:
    """Who may own an action or hold a role: the people of the session, of the workshop, of
    its commande and the programme's facilitators (not the whole administration: a select
    of hundreds of names helps nobody on a phone)."""

    # One UNION of small id lists (OR-ing joins or subqueries makes the database scan people).
    session = atelier.session_id
    groups = [
        Attendance.objects.filter(day__session=session).values_list("person", flat=True),
        Atelier.facilitators.through.objects.filter(atelier=atelier).values_list(
            "person", flat=True
        ),
        Atelier.participants.through.objects.filter(atelier=atelier).values_list(
            "person", flat=True
        ),
        Programme.facilitators.through.objects.filter(programme__sessions=session).values_list(
            "person", flat=True
        ),
    ]
    if atelier.commande_id:
        groups.append(
            TeamMember.objects.filter(commande=atelier.commande_id).values_list("person", flat=True)
        )
        groups.append(
            Commande.objects.filter(pk=atelier.commande_id).values_list("commanditaire", flat=True)
        )
    unordered = [group.order_by() for group in groups]  # UNION allows no ORDER BY inside
    ids = set(unordered[0].union(*unordered[1:]))
    return Person.objects.active().filter(pk__in=ids)


def agenda_plans(item_ids: list[int]) -> dict[int, WorkshopPlan]:
    """For the printed agenda (sessions.queries.printed_agenda_of): the facilitators and the
    stand rotation of the workshop held during each of these blocks. Two queries."""
    runners: defaultdict[int, list[Person]] = defaultdict(list)
    links = (
        Atelier.facilitators.through.objects.filter(atelier__agenda_item__in=item_ids)
        .select_related("person", "atelier")
        .order_by("person__last_name", "person__first_name")
    )
    for link in links:
        if link.atelier.agenda_item_id is not None:
            runners[link.atelier.agenda_item_id].append(link.person)
    rounds: defaultdict[int, defaultdict[int, list[tuple[str, str]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    visits = (
        StandVisit.objects.filter(stand__atelier__agenda_item__in=item_ids)
        .order_by("round", "pk")  # groups in the order the rotation was planned
        .values_list("stand__atelier__agenda_item", "round", "group", "stand__name")
    )
    for item_id, round_, group, stand in visits:
        rounds[item_id][round_].append((group, stand))
    return {
        item_id: WorkshopPlan(runners=runners[item_id], rounds=sorted(rounds[item_id].items()))
        for item_id in set(runners) | set(rounds)
    }

"""Reads of workshops' results, in a fixed number of queries whatever their count and how many
workshops are read together (the synthesis reads a whole session's at once)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, TypedDict, TypeVar

from django.db.models import Avg, Count, F, Model, Q, QuerySet, Window
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


# Each loader reads one part for all the workshops given (``found``: their results, by
# workshop id), in a fixed number of queries whatever how many workshops and results: the
# synthesis reads a whole session's workshops at once.
Found = dict[int, Results]
Row = TypeVar("Row", bound=Model)


def _by_atelier(rows: Iterable[Row]) -> defaultdict[int, list[Row]]:
    """Rows grouped by their workshop, each group in the rows' order."""
    groups: defaultdict[int, list[Row]] = defaultdict(list)
    for row in rows:
        groups[row.atelier_id].append(row)  # type: ignore[attr-defined]
    return groups


def _questions(ateliers: list[Atelier], found: Found, voter: str) -> None:
    questions = list(DebateQuestion.objects.filter(atelier__in=ateliers))
    with_phones(questions, [])
    for atelier_id, rows in _by_atelier(questions).items():
        found[atelier_id].questions = rows


def _cases(ateliers: list[Atelier], found: Found, voter: str) -> None:
    cases = list(TribunalCase.objects.filter(atelier__in=ateliers))
    with_phones([], cases)
    for atelier_id, rows in _by_atelier(cases).items():
        found[atelier_id].cases = rows


def _report(ateliers: list[Atelier], found: Found, voter: str) -> None:
    by_id = {atelier.pk: atelier for atelier in ateliers}
    reports = DemarreurReport.objects.filter(atelier__in=ateliers).prefetch_related(
        "roles__person__direction", "questions", "observations"
    )
    for report in reports:
        report.atelier = by_id[report.atelier_id]
        found[report.atelier_id].report = report


def _stands(ateliers: list[Atelier], found: Found, voter: str) -> None:
    stands = (
        Stand.objects.filter(atelier__in=ateliers)
        .annotate(
            understanding=Avg("feedback__understanding"),
            interest=Avg("feedback__interest"),
            feedback_count=Count("feedback", distinct=True),
        )
        .prefetch_related("suggestions", "feedback")
    )
    for atelier_id, rows in _by_atelier(stands).items():
        found[atelier_id].stands = rows
    rounds: defaultdict[int, defaultdict[int, list[StandVisit]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for visit in StandVisit.objects.filter(stand__atelier__in=ateliers).select_related("stand"):
        rounds[visit.stand.atelier_id][visit.round].append(visit)
    for atelier_id, visits in rounds.items():
        found[atelier_id].rotation = sorted(visits.items())


def grid_of(atelier: Atelier) -> CriteriaGrid | None:
    return CriteriaGrid.objects.filter(atelier=atelier).first()


def _grid(ateliers: list[Atelier], found: Found, voter: str) -> None:
    for grid in CriteriaGrid.objects.filter(atelier__in=ateliers):
        found[grid.atelier_id].grid = grid


def _retro(ateliers: list[Atelier], found: Found, voter: str) -> None:
    entries = _by_atelier(RetroEntry.objects.filter(atelier__in=ateliers))
    for atelier in ateliers:
        kinds: defaultdict[str, list[RetroEntry]] = defaultdict(list)
        for entry in entries[atelier.pk]:
            kinds[entry.kind].append(entry)
        found[atelier.pk].retro = {str(label): kinds[kind] for kind, label in RetroKind.choices}


IDEA_ORDERS = {
    IdeaOrder.ARRIVAL: [F("pk").asc()],
    IdeaOrder.DOTS: [F("dots").desc(), F("pk").asc()],
    IdeaOrder.WALL: [F("theme__name").asc(), F("dots").desc(), F("pk").asc()],
}


def _ideas(ateliers: list[Atelier], found: Found, voter: str) -> None:
    """Hidden ideas are counted, never loaded; authors of anonymous ideas were never stored."""
    revealed = [atelier for atelier in ateliers if atelier.ideas_revealed]
    hidden = [atelier for atelier in ateliers if not atelier.ideas_revealed]
    if revealed:
        order = found[revealed[0].pk].idea_order  # the same for every workshop read
        numbered = IDEA_ORDERS[IdeaOrder.WALL if order == IdeaOrder.WALL else IdeaOrder.ARRIVAL]
        ideas = (
            Idea.objects.filter(atelier__in=revealed)
            .select_related("theme", "created_by")
            .annotate(dots=Count("votes"), mine=Count("votes", filter=Q(votes__voter=voter)))
            .annotate(number=Window(RowNumber(), partition_by=[F("atelier")], order_by=numbered))
            .order_by("atelier", *IDEA_ORDERS[order])
        )
        for atelier_id, rows in _by_atelier(ideas).items():
            found[atelier_id].ideas = rows
        used = dict(
            Vote.objects.filter(idea__atelier__in=revealed, voter=voter)
            .values_list("idea__atelier")
            .annotate(n=Count("pk"))
        )
        for atelier in revealed:
            found[atelier.pk].dots_left = max(0, atelier.votes_per_person - used.get(atelier.pk, 0))
    if hidden:
        counts = dict(
            Idea.objects.filter(atelier__in=hidden).values_list("atelier").annotate(n=Count("pk"))
        )
        for atelier in hidden:
            found[atelier.pk].hidden_ideas = counts.get(atelier.pk, 0)
    for atelier_id, themes in _by_atelier(Theme.objects.filter(atelier__in=ateliers)).items():
        found[atelier_id].themes = themes


# How each part of a format is read.
LOADERS: dict[Part, Callable[[list[Atelier], Found, str], None]] = {
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


RATING_COMMENTS = 50  # the comments of a workshop's ratings shown, the first given first


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
    return results_of_many([atelier], voter=voter, rater=rater, ideas=ideas)[atelier.pk]


def results_of_many(
    ateliers: Iterable[Atelier],
    *,
    voter: str,
    rater: str | None = None,
    ideas: IdeaOrder = IdeaOrder.WALL,
) -> dict[int, Results]:
    """``results_of`` for several workshops, by workshop id, in a fixed number of queries
    whatever their count: one or a few per kind of result, never one per workshop."""
    ateliers = list(ateliers)
    found: Found = {atelier.pk: Results(idea_order=ideas) for atelier in ateliers}
    if not ateliers:
        return found
    for part, load in LOADERS.items():
        having = [atelier for atelier in ateliers if part in atelier.parts]
        if having:
            load(having, found, voter)
    ids = list(found)
    for atelier_id, photos in _by_atelier(Photo.objects.filter(atelier__in=ids)).items():
        found[atelier_id].photos = photos
    actions = Action.objects.filter(atelier__in=ids).select_related("owner")
    for atelier_id, decided in _by_atelier(actions).items():
        found[atelier_id].actions = decided
    stats = (
        Rating.objects.filter(atelier__in=ids)
        .values_list("atelier")
        .annotate(avg=Avg("score"), n=Count("pk"))
        .values_list("atelier", "avg", "n")
    )
    for atelier_id, average, count in stats:
        found[atelier_id].rating_average, found[atelier_id].rating_count = average, count
    comments: Iterable[Rating] = (
        Rating.objects.filter(atelier__in=ids)
        .exclude(comment="")
        .annotate(rank=Window(RowNumber(), partition_by=[F("atelier")], order_by=[F("pk").asc()]))
        .filter(rank__lte=RATING_COMMENTS)
        .order_by("atelier_id", "pk")  # grouped by workshop below: no need of their order
    )
    for atelier_id, commented in _by_atelier(comments).items():
        found[atelier_id].ratings = commented
    links = GuestLink.objects.filter(atelier__in=ids, revoked_at__isnull=True)
    for atelier_id, active in _by_atelier(links).items():
        found[atelier_id].guest_links = active
    for atelier_id, words in words_given(ids).items():
        found[atelier_id].words = words
    if rater is not None:
        for rating in Rating.objects.filter(atelier__in=ids, rater=rater):
            found[rating.atelier_id].my_rating = rating
    return found


def rating_counts(atelier_ids: list[int]) -> dict[int, dict[int, int]]:
    """How many gave each score (1 to 5), by workshop: one query."""
    counts: defaultdict[int, dict[int, int]] = defaultdict(dict)
    rows = (
        Rating.objects.filter(atelier__in=atelier_ids)
        .values_list("atelier", "score")
        .annotate(n=Count("pk"))
        .values_list("atelier", "score", "n")
    )
    for atelier_id, score, n in rows:
        counts[atelier_id][score] = n
    return counts


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

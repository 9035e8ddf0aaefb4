"""Reads of a workshop's results, in a fixed number of queries whatever their count."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Avg, Count, Q

from ateliers.models import (
    Action,
    Atelier,
    CriteriaGrid,
    DebateQuestion,
    DemarreurReport,
    GuestLink,
    Idea,
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


@dataclass
class Results:
    questions: list = field(default_factory=list)
    cases: list = field(default_factory=list)
    report: DemarreurReport | None = None
    stands: list = field(default_factory=list)
    rotation: list = field(default_factory=list)
    grid: CriteriaGrid | None = None
    retro: dict = field(default_factory=dict)
    ideas: list = field(default_factory=list)
    hidden_ideas: int = 0
    themes: list = field(default_factory=list)
    dots_left: int = 0
    photos: list = field(default_factory=list)
    actions: list = field(default_factory=list)
    rating_average: float | None = None
    rating_count: int = 0
    ratings: list = field(default_factory=list)
    guest_links: list = field(default_factory=list)


def results_of(atelier: Atelier, *, voter: str) -> Results:
    """What the page shows. Hidden ideas are counted, never loaded; authors of anonymous
    ideas were never stored."""
    r = Results()
    fmt = atelier.format
    if fmt == "debat_mouvant":
        r.questions = list(DebateQuestion.objects.filter(atelier=atelier))
    if fmt == "tribunal":
        r.cases = list(TribunalCase.objects.filter(atelier=atelier))
    if fmt == "demarreur":
        r.report = (
            DemarreurReport.objects.filter(atelier=atelier)
            .prefetch_related("roles__person", "questions", "observations")
            .first()
        )
    if fmt == "labo_stands":
        r.stands = list(
            Stand.objects.filter(atelier=atelier)
            .annotate(
                understanding=Avg("feedback__understanding"),
                interest=Avg("feedback__interest"),
                feedback_count=Count("feedback", distinct=True),
            )
            .prefetch_related("suggestions", "feedback")
        )
        rounds = defaultdict(list)
        for visit in StandVisit.objects.filter(stand__atelier=atelier).select_related("stand"):
            rounds[visit.round].append(visit)
        r.rotation = sorted(rounds.items())
    if fmt == "criteria_grid":
        r.grid = CriteriaGrid.objects.filter(atelier=atelier).first()
    if fmt == "retrospective":
        entries = defaultdict(list)
        for entry in RetroEntry.objects.filter(atelier=atelier):
            entries[entry.kind].append(entry)
        r.retro = {label: entries[kind] for kind, label in RetroKind.choices}
    if atelier.collects_ideas:
        if atelier.ideas_revealed:
            r.ideas = list(
                Idea.objects.filter(atelier=atelier)
                .select_related("theme", "created_by")
                .annotate(dots=Count("votes"), mine=Count("votes", filter=Q(votes__voter=voter)))
                .order_by("theme__name", "-dots", "pk")
            )
            for idea in r.ideas:
                # SVG counts y downwards; the grid's "top" end is 100.
                idea.cy = None if idea.y is None else 100 - idea.y
            used = Vote.objects.filter(idea__atelier=atelier, voter=voter).count()
            r.dots_left = max(0, atelier.votes_per_person - used)
        else:
            r.hidden_ideas = Idea.objects.filter(atelier=atelier).count()
        r.themes = list(Theme.objects.filter(atelier=atelier))
    r.photos = list(Photo.objects.filter(atelier=atelier))
    r.actions = list(Action.objects.filter(atelier=atelier).select_related("owner"))
    stats = Rating.objects.filter(atelier=atelier).aggregate(avg=Avg("score"), n=Count("pk"))
    r.rating_average, r.rating_count = stats["avg"], stats["n"]
    r.ratings = list(Rating.objects.filter(atelier=atelier).exclude(comment="")[:50])
    r.guest_links = list(GuestLink.objects.filter(atelier=atelier, revoked_at__isnull=True))
    return r

"""Search over what the lab produced: workshops and their results, revealed ideas,
démarreur reports, commandes and sessions.

On PostgreSQL: full text with the French configuration (stemming, stop words, ranking).
Elsewhere (SQLite in development): every word must appear in one of the fields.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

PER_SOURCE = 20
SNIPPET_WORDS = 30


@dataclass(frozen=True)
class Source:
    label: str
    fields: tuple[str, ...]
    queryset: callable  # () -> QuerySet
    title: callable  # (obj) -> str
    url: callable  # (obj) -> str


@dataclass
class Hit:
    source: str
    title: str
    snippet: str
    url: str
    rank: float


def _atelier_url(obj) -> str:
    return reverse("ateliers:atelier-detail", args=[obj.atelier_id])


def sources() -> list[Source]:
    from ateliers.models import (
        Action,
        Atelier,
        DebateQuestion,
        DemarreurReport,
        Idea,
        Observation,
        Rating,
        RetroEntry,
        Stand,
        StandFeedback,
        TribunalCase,
    )
    from commandes.models import Commande
    from sessions.models import Session

    return [
        Source(
            _("Commande"),
            ("title", "initial_title", "initial_wording", "reformulated_wording", "context"),
            lambda: Commande.objects.all(),
            lambda c: c.title,
            lambda c: reverse("commandes:commande-detail", args=[c.pk]),
        ),
        Source(
            _("Session"),
            ("title", "objectives", "debrief", "next_steps"),
            lambda: Session.objects.all(),
            lambda s: str(s),
            lambda s: reverse("sessions:session-detail", args=[s.pk]),
        ),
        Source(
            _("Workshop"),
            ("title", "objectives", "summary"),
            lambda: Atelier.objects.all(),
            lambda a: a.title,
            lambda a: reverse("ateliers:atelier-detail", args=[a.pk]),
        ),
        Source(
            _("Idea"),
            ("text",),
            # Ideas still hidden by the facilitator are not found.
            lambda: Idea.objects.filter(atelier__ideas_revealed=True).select_related("atelier"),
            lambda i: i.atelier.title,
            lambda i: _atelier_url(i) + f"#idea-{i.pk}",
        ),
        Source(
            _("Démarreur report"),
            (
                "phases_observed",
                "reformulated_request",
                "hypotheses",
                "options_retained",
                "next_steps",
            ),
            lambda: DemarreurReport.objects.select_related("atelier"),
            lambda r: r.atelier.title,
            _atelier_url,
        ),
        Source(
            _("Statement"),
            ("text", "arguments"),
            lambda: DebateQuestion.objects.select_related("atelier"),
            lambda q: q.atelier.title,
            _atelier_url,
        ),
        Source(
            _("Tribunal case"),
            ("question", "prosecution", "defence", "verdict", "lessons"),
            lambda: TribunalCase.objects.select_related("atelier"),
            lambda c: c.atelier.title,
            _atelier_url,
        ),
        Source(
            _("Stand"),
            ("name", "offers"),
            lambda: Stand.objects.select_related("atelier"),
            lambda s: f"{s.atelier.title} — {s.name}",
            _atelier_url,
        ),
        Source(
            _("Stand feedback"),
            ("comment",),
            lambda: StandFeedback.objects.select_related("stand__atelier"),
            lambda f: f"{f.stand.atelier.title} — {f.stand.name}",
            lambda f: reverse("ateliers:atelier-detail", args=[f.stand.atelier_id]),
        ),
        Source(
            _("Observation"),
            ("phase", "note"),
            lambda: Observation.objects.select_related("report__atelier"),
            lambda o: o.report.atelier.title,
            lambda o: reverse("ateliers:atelier-detail", args=[o.report.atelier_id]),
        ),
        Source(
            _("Action"),
            ("what",),
            lambda: Action.objects.select_related("atelier"),
            lambda a: a.atelier.title,
            _atelier_url,
        ),
        Source(
            _("Rating"),
            ("comment",),
            lambda: Rating.objects.exclude(comment="").select_related("atelier"),
            lambda r: r.atelier.title,
            _atelier_url,
        ),
        Source(
            _("Retrospective"),
            ("step", "text"),
            lambda: RetroEntry.objects.select_related("atelier"),
            lambda e: e.atelier.title,
            _atelier_url,
        ),
    ]


def _snippet(obj, fields: tuple[str, ...], words: list[str]) -> str:
    texts = [str(getattr(obj, name) or "") for name in fields]
    lowered = [w.lower() for w in words]
    best = next((t for t in texts if any(w in t.lower() for w in lowered)), texts[0])
    return Truncator(" ".join(best.split())).words(SNIPPET_WORDS)


def _matching(source: Source, q: str, words: list[str]) -> QuerySet:
    queryset = source.queryset()
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        vector = SearchVector(*source.fields, config="french")
        query = SearchQuery(q, config="french", search_type="websearch")
        return (
            queryset.annotate(search=vector, rank=SearchRank(vector, query))
            .filter(search=query)
            .order_by("-rank", "-pk")
        )
    condition = Q()
    for word in words:
        any_field = Q()
        for name in source.fields:
            any_field |= Q(**{f"{name}__icontains": word})
        condition &= any_field
    return queryset.filter(condition).order_by("-pk")


def search(q: str) -> list[Hit]:
    """Hits from every source, best first; at most PER_SOURCE per source."""
    words = q.split()
    hits = []
    for source in sources():
        for obj in _matching(source, q, words)[:PER_SOURCE]:
            hits.append(
                Hit(
                    source=str(source.label),
                    title=source.title(obj),
                    snippet=_snippet(obj, source.fields, words),
                    url=source.url(obj),
                    rank=float(getattr(obj, "rank", 0.0)),
                )
            )
    hits.sort(key=lambda hit: -hit.rank)
    return hits

"""Search over what the lab produced: workshops and their results, revealed ideas,
démarreur reports, commandes and sessions.

On PostgreSQL: full text with the French configuration (stemming, stop words, ranking),
over a vector each table stores (labo migration 0007). Elsewhere (SQLite in development):
every word must appear in one of the fields.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db import connection
from django.db.models import Model, Q, QuerySet, Value
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

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

PER_SOURCE = 20
RANKED = 50
# What each source searches, by model: on PostgreSQL, each table stores the French vector of
# these fields in SEARCH_COLUMN, indexed with GIN (labo migration 0007 holds the same list).
SEARCH_COLUMN = "search_vector"
FIELDS = {
    "commandes.commande": (
        "title",
        "initial_title",
        "initial_wording",
        "reformulated_wording",
        "context",
    ),
    "labo_sessions.session": ("title", "objectives", "debrief", "next_steps"),
    "ateliers.atelier": ("title", "objectives", "summary"),
    "ateliers.idea": ("text",),
    "ateliers.demarreurreport": (
        "phases_observed",
        "reformulated_request",
        "hypotheses",
        "options_retained",
        "next_steps",
    ),
    "ateliers.debatequestion": ("text", "arguments"),
    "ateliers.tribunalcase": ("question", "prosecution", "defence", "verdict", "lessons"),
    "ateliers.stand": ("name", "offers"),
    "ateliers.standfeedback": ("comment",),
    "ateliers.observation": ("phase", "note"),
    "ateliers.action": ("what",),
    "ateliers.rating": ("comment",),
    "ateliers.retroentry": ("step", "text"),
}
SNIPPET_WORDS = 30


@dataclass(frozen=True)
class Source:
    label: str | Promise
    fields: tuple[str, ...]
    # Each source reads its own model: its functions take that model's objects (Any here).
    queryset: Callable[[], QuerySet[Any]]
    title: Callable[[Any], str]
    url: Callable[[Any], str]
    shown: tuple[str, ...] = ()  # what title and url read besides the fields (only() those)


@dataclass
class Hit:
    source: str
    title: str
    snippet: str
    url: str
    rank: float


# One source's best matches, each with its rank (0 where nothing ranks them).
Found = list[tuple[Model, float]]


def _atelier_url(obj: Any) -> str:
    return reverse("ateliers:atelier-detail", args=[obj.atelier_id])


def sources() -> list[Source]:
    return [
        Source(
            _("Commande"),
            FIELDS["commandes.commande"],
            lambda: Commande.objects.all(),
            lambda c: c.title,
            lambda c: reverse("commandes:commande-detail", args=[c.pk]),
        ),
        Source(
            _("Session"),
            FIELDS["labo_sessions.session"],
            lambda: Session.objects.all(),
            lambda s: str(s),
            lambda s: reverse("sessions:session-detail", args=[s.pk]),
            shown=("number",),
        ),
        Source(
            _("Workshop"),
            FIELDS["ateliers.atelier"],
            lambda: Atelier.objects.all(),
            lambda a: a.title,
            lambda a: reverse("ateliers:atelier-detail", args=[a.pk]),
        ),
        Source(
            _("Idea"),
            FIELDS["ateliers.idea"],
            # Ideas still hidden by the facilitator are not found.
            lambda: Idea.objects.filter(atelier__ideas_revealed=True).select_related("atelier"),
            lambda i: i.atelier.title,
            lambda i: _atelier_url(i) + f"#idea-{i.pk}",
            shown=("atelier", "atelier__title"),
        ),
        Source(
            _("Démarreur report"),
            FIELDS["ateliers.demarreurreport"],
            lambda: DemarreurReport.objects.select_related("atelier"),
            lambda r: r.atelier.title,
            _atelier_url,
            shown=("atelier", "atelier__title"),
        ),
        Source(
            _("Statement"),
            FIELDS["ateliers.debatequestion"],
            lambda: DebateQuestion.objects.select_related("atelier"),
            lambda q: q.atelier.title,
            _atelier_url,
            shown=("atelier", "atelier__title"),
        ),
        Source(
            _("Tribunal case"),
            FIELDS["ateliers.tribunalcase"],
            lambda: TribunalCase.objects.select_related("atelier"),
            lambda c: c.atelier.title,
            _atelier_url,
            shown=("atelier", "atelier__title"),
        ),
        Source(
            _("Stand"),
            FIELDS["ateliers.stand"],
            lambda: Stand.objects.select_related("atelier"),
            lambda s: f"{s.atelier.title} — {s.name}",
            _atelier_url,
            shown=("atelier", "atelier__title"),
        ),
        Source(
            _("Stand feedback"),
            FIELDS["ateliers.standfeedback"],
            lambda: StandFeedback.objects.select_related("stand__atelier"),
            lambda f: f"{f.stand.atelier.title} — {f.stand.name}",
            lambda f: reverse("ateliers:atelier-detail", args=[f.stand.atelier_id]),
            shown=("stand", "stand__name", "stand__atelier", "stand__atelier__title"),
        ),
        Source(
            _("Observation"),
            FIELDS["ateliers.observation"],
            lambda: Observation.objects.select_related("report__atelier"),
            lambda o: o.report.atelier.title,
            lambda o: reverse("ateliers:atelier-detail", args=[o.report.atelier_id]),
            shown=("report", "report__atelier", "report__atelier__title"),
        ),
        Source(
            _("Action"),
            FIELDS["ateliers.action"],
            lambda: Action.objects.select_related("atelier"),
            lambda a: a.atelier.title,
            _atelier_url,
            shown=("atelier", "atelier__title"),
        ),
        Source(
            _("Rating"),
            FIELDS["ateliers.rating"],
            lambda: Rating.objects.exclude(comment="").select_related("atelier"),
            lambda r: r.atelier.title,
            _atelier_url,
            shown=("atelier", "atelier__title"),
        ),
        Source(
            _("Retrospective"),
            FIELDS["ateliers.retroentry"],
            lambda: RetroEntry.objects.select_related("atelier"),
            lambda e: e.atelier.title,
            _atelier_url,
            shown=("atelier", "atelier__title"),
        ),
    ]


def _snippet(obj: Model, fields: tuple[str, ...], words: list[str]) -> str:
    texts = [str(getattr(obj, name) or "") for name in fields]
    lowered = [w.lower() for w in words]
    best = next((t for t in texts if any(w in t.lower() for w in lowered)), texts[0])
    return Truncator(" ".join(best.split())).words(SNIPPET_WORDS)


def _best_postgresql(sources_: list[Source], q: str) -> list[Found]:
    """Per source, its best matches (at most PER_SOURCE), each with its ``rank``.

    One query finds, for every source, the newest RANKED matches and their rank (PostgreSQL
    computes the rank of those rows only, from the stored vectors: a word found in
    thousands of post-its costs no more than a rare one); then one query per source that
    matched reads its best ones."""

    query = SearchQuery(q, config="french", search_type="websearch")
    quote = connection.ops.quote_name
    branches = []
    for index, source in enumerate(sources_):
        queryset = source.queryset()
        table = quote(queryset.model._meta.db_table)
        vector = RawSQL(f"{table}.{quote(SEARCH_COLUMN)}", [], output_field=SearchVectorField())
        branches.append(
            queryset.annotate(search=vector)
            .filter(search=query)
            .annotate(source=Value(index), rank=SearchRank(vector, query))
            .values_list("source", "pk", "rank")
            .order_by("-pk")[:RANKED]
        )
    ranks: list[dict[int, float]] = [{} for _ in sources_]
    for index, pk, rank in branches[0].union(*branches[1:], all=True):
        ranks[index][pk] = rank
    found = []
    for source, ranked in zip(sources_, ranks, strict=True):
        best = sorted(ranked, key=lambda pk: (-ranked[pk], -pk))[:PER_SOURCE]
        objects = (
            source.queryset().only(*source.fields, *source.shown).in_bulk(best) if best else {}
        )
        found.append([(objects[pk], ranked[pk]) for pk in best])
    return found


def _best_elsewhere(sources_: list[Source], words: list[str]) -> list[Found]:
    """Per source, its newest matches (at most PER_SOURCE): every word in one of the fields."""
    found = []
    for source in sources_:
        condition = Q()
        for word in words:
            any_field = Q()
            for name in source.fields:
                any_field |= Q(**{f"{name}__icontains": word})
            condition &= any_field
        matches = source.queryset().only(*source.fields, *source.shown).filter(condition)
        found.append([(obj, 0.0) for obj in matches.order_by("-pk")[:PER_SOURCE]])
    return found


def search(q: str) -> list[Hit]:
    """Hits from every source, best first; at most PER_SOURCE per source."""
    words = q.split()
    sources_ = sources()
    if connection.vendor == "postgresql":
        found = _best_postgresql(sources_, q)
    else:
        found = _best_elsewhere(sources_, words)
    hits = []
    for source, matches in zip(sources_, found, strict=True):
        for obj, rank in matches:
            hits.append(
                Hit(
                    source=str(source.label),
                    title=source.title(obj),
                    snippet=_snippet(obj, source.fields, words),
                    url=source.url(obj),
                    rank=float(rank),
                )
            )
    hits.sort(key=lambda hit: -hit.rank)
    return hits

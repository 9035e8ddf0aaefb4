"""The workshops' part of a session's synthesis: each workshop in the shape of its format,
its photos and the actions. Registered with sessions.synthesis at start-up."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from django.db.models import F, QuerySet
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.text import Truncator
from django.utils.timezone import localdate
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ateliers.formats import Part
from ateliers.models import Action, Atelier, Photo
from ateliers.photos import print_copy
from ateliers.queries import Results, rating_counts, results_of_many
from labo.lib.charts import BarChart, bar_chart
from sessions.models import Session

if TYPE_CHECKING:
    from ateliers.queries import DottedIdea

# The synthesis is read by people who did not vote: no idea is marked as "mine".
NO_VOTER = ""


@dataclass(frozen=True)
class PartPhoto:
    """A photo of the boards as the synthesis shows it: from the site, or embedded in a PDF,
    captioned with its workshop and the moment (the workshop's day, or when it was taken)."""

    src: str
    caption: str
    workshop: str = ""
    moment: date | None = None


@dataclass
class WorkshopPart:
    atelier: Atelier
    results: Results
    charts: list[BarChart] = field(default_factory=list)  # bar charts of the whole workshop
    themes: list[tuple[str, list[DottedIdea]]] = field(default_factory=list)
    photos: list[PartPhoto] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        """Nothing was logged: the synthesis names the workshop in one line, no section."""
        r = self.results
        logged = (
            r.questions
            or r.cases
            or r.report
            or r.stands
            or r.grid
            or any(r.retro.values())
            or r.ideas
            or r.hidden_ideas
            or r.words
            or r.rating_count
            or r.actions
        )
        return not (logged or self.photos or self.atelier.summary)


def choices_of(session: Session) -> tuple[QuerySet[Atelier], QuerySet[Photo]]:
    """What the facilitator may leave out: the workshops and the photos of the session."""
    # The same order on every database (SQLite puts NULL first, PostgreSQL last): the
    # workshops on no day first, then by day.
    day = F("agenda_item__day__date").asc(nulls_first=True)
    ateliers = Atelier.objects.filter(session=session).order_by(day, "pk")
    photos = Photo.objects.filter(atelier__session=session).select_related("atelier")
    return ateliers, photos


def _stands_charts(results: Results) -> list[BarChart]:
    if not results.stands:
        return []
    charts = []
    for attr, title in (
        ("understanding", _("Understanding of each stand (average, out of 5)")),
        ("interest", _("Interest in each stand (average, out of 5)")),
    ):
        rows: list[tuple[str, float | None]] = [
            (stand.name, getattr(stand, attr) or 0) for stand in results.stands
        ]
        charts.append(bar_chart(title, rows, maximum=5, unit="/5", decimals=1))
    return charts


# The charts a part of a format gives the whole workshop (a statement or a case draws its
# own: see their ``chart``).
CHARTS: dict[Part, Callable[[Results], list[BarChart]]] = {
    Part.STANDS: _stands_charts,
}


def _ratings_chart(counts: dict[int, int]) -> BarChart | None:
    """How many gave each score (``counts``: score -> how many)."""
    if not counts:
        return None
    rows: list[tuple[str, float | None]] = [
        (f"{score}/5", counts.get(score, 0)) for score in range(5, 0, -1)
    ]
    return bar_chart(_("Ratings of the methods"), rows)


def _charts(atelier: Atelier, results: Results, scores: dict[int, int]) -> list[BarChart]:
    charts = []
    for part in atelier.parts:
        if part in CHARTS:
            charts.extend(CHARTS[part](results))
    ratings = _ratings_chart(scores)
    if ratings:
        charts.append(ratings)
    return charts


def _themes(results: Results) -> list[tuple[str, list[DottedIdea]]]:
    groups: defaultdict[str, list[DottedIdea]] = defaultdict(list)
    for idea in results.ideas:
        groups[idea.theme.name if idea.theme else _("No theme")].append(idea)
    themes = []
    for name, ideas in groups.items():
        ideas.sort(key=lambda idea: (-idea.dots, idea.pk))
        themes.append((name, ideas))
    return themes


HEADLINE_QUOTE = 45  # characters of a statement, an idea or a request quoted in a headline
HEADLINE_SUMMARY = 120  # characters of a workshop's summary, when its results tell nothing


def _quoted(text: str) -> str:
    return f"« {Truncator(' '.join(text.split())).chars(HEADLINE_QUOTE)} »"


def _questions_headline(results: Results) -> str | None:
    voted = [(q, q.counts) for q in results.questions if sum(q.counts.values())]
    if not voted:
        return None

    def clearness(item) -> float:
        counts = item[1]
        return abs(counts["yes"] - counts["no"]) / sum(counts.values())

    clearest, counts = max(voted, key=clearness)
    if counts["yes"] > counts["no"]:
        side = _("a majority for")
    elif counts["no"] > counts["yes"]:
        side = _("a majority against")
    else:
        side = _("a split room")
    line = _("%(side)s %(statement)s (yes %(yes)s, no %(no)s, mixed %(mixed)s)") % {
        "side": side,
        "statement": _quoted(clearest.text),
        **counts,
    }
    if len(voted) > 1:
        line += " " + ngettext(
            "— %(n)s other statement in the details",
            "— %(n)s other statements in the details",
            len(voted) - 1,
        ) % {"n": len(voted) - 1}
    return line


MAX_SHIFTS_IN_HEADLINE = 3


def _cases_headline(results: Results) -> str | None:
    """Convinced and sceptical before → after (room and phones), each trial or their sum."""
    judged = [(c.positions("before"), c.positions("after")) for c in results.cases]
    judged = [(before, after) for before, after in judged if any(before) or any(after)]
    if not judged:
        return None
    if len(judged) == 1:
        (before_for, before_against, _b), (after_for, after_against, _a) = judged[0]
        return _("convinced %(before)s → %(after)s, sceptical %(sb)s → %(sa)s") % {
            "before": before_for,
            "after": after_for,
            "sb": before_against,
            "sa": after_against,
        }
    if len(judged) > MAX_SHIFTS_IN_HEADLINE:  # one line: the trials' sum, each in the detail
        return _("convinced %(before)s → %(after)s over %(n)s trials") % {
            "before": sum(before[0] for before, _after in judged),
            "after": sum(after[0] for _before, after in judged),
            "n": len(judged),
        }
    shifts = ", ".join(f"{before[0]} → {after[0]}" for before, after in judged)
    return ngettext(
        "convinced %(shifts)s (%(n)s trial)", "convinced %(shifts)s (%(n)s trials)", len(judged)
    ) % {"shifts": shifts, "n": len(judged)}


def _report_headline(results: Results) -> str | None:
    report = results.report
    if report is None or not report.reformulated_request.strip():
        return None
    return _("request reformulated: %(request)s") % {
        "request": _quoted(report.reformulated_request)
    }


def _stands_headline(results: Results) -> str | None:
    scored = [stand for stand in results.stands if stand.interest is not None]
    if not scored:
        return None
    best = max(scored, key=lambda stand: (stand.interest, stand.understanding or 0))
    return _("%(stand)s convinced most (interest %(interest)s/5)") % {
        "stand": _quoted(best.name),
        "interest": number_format(best.interest or 0, 1),
    }


def _retro_headline(results: Results) -> str | None:
    counts = [(label, len(entries)) for label, entries in results.retro.items() if entries]
    if not counts:
        return None
    return " · ".join(f"{label} : {n}" for label, n in counts)


TOP_IDEAS = 2


def _ideas_headline(results: Results) -> str | None:
    if results.hidden_ideas:
        return ngettext(
            "%(n)s idea, not revealed yet", "%(n)s ideas, not revealed yet", results.hidden_ideas
        ) % {"n": results.hidden_ideas}
    voted = sorted(
        (idea for idea in results.ideas if idea.dots), key=lambda idea: (-idea.dots, idea.pk)
    )
    if not voted:
        if not results.ideas:
            return None
        return ngettext("%(n)s idea, no vote", "%(n)s ideas, no vote", len(results.ideas)) % {
            "n": len(results.ideas)
        }
    top = ", ".join(
        ngettext("%(idea)s (%(n)s dot)", "%(idea)s (%(n)s dots)", idea.dots)
        % {"idea": _quoted(idea.text), "n": idea.dots}
        for idea in voted[:TOP_IDEAS]
    )
    return _("most voted: %(top)s") % {"top": top}


# A workshop's result in one line, for the synthesis's first page: the first part of its
# format that has something to say gives it (a tribunal's shift before its ideas).
HEADLINES: dict[Part, Callable[[Results], str | None]] = {
    Part.QUESTIONS: _questions_headline,
    Part.CASES: _cases_headline,
    Part.REPORT: _report_headline,
    Part.STANDS: _stands_headline,
    Part.RETRO: _retro_headline,
    Part.IDEAS: _ideas_headline,
}


@dataclass(frozen=True)
class Headline:
    title: str
    text: str  # "" when the workshop recorded nothing that a part can tell


def headline_of(atelier: Atelier, results: Results) -> Headline:
    for part in atelier.parts:
        if part in HEADLINES and (text := HEADLINES[part](results)):
            return Headline(title=atelier.title, text=text[:1].upper() + text[1:])
    # Nothing a part can tell: the facilitator's own summary, if written.
    summary = Truncator(" ".join(atelier.summary.split())).chars(HEADLINE_SUMMARY)
    return Headline(title=atelier.title, text=summary)


def idea_count(results: Results) -> int:
    """Every idea given, revealed or not."""
    return len(results.ideas) + results.hidden_ideas


def _photo_src(photo: Photo, *, for_pdf: bool) -> str:
    if for_pdf:
        return print_copy(photo).as_uri()
    return reverse("ateliers:photo-file", args=[photo.pk, "thumb"])


def _moment(photo: Photo) -> date | None:
    """The day of the workshop in the agenda, else the day the photo was added."""
    item = photo.atelier.agenda_item
    if item is not None:
        return item.day.date
    return localdate(photo.created_at) if photo.created_at else None


def parts_of(
    session: Session,
    *,
    atelier_ids: list[int] | None,
    photo_ids: list[int] | None,
    for_pdf: bool,
) -> dict[str, object]:
    """The workshops chosen, each with its results, charts, themes and photos, and their
    actions. ``None`` for a choice means all of them."""
    ateliers, photos = choices_of(session)
    if atelier_ids is not None:
        ateliers = ateliers.filter(pk__in=atelier_ids)
    if photo_ids is not None:
        photos = photos.filter(pk__in=photo_ids)
    kept_photos: defaultdict[int, list[PartPhoto]] = defaultdict(list)
    for photo in photos.select_related("atelier__agenda_item__day"):
        kept_photos[photo.atelier_id].append(
            PartPhoto(
                src=_photo_src(photo, for_pdf=for_pdf),
                caption=photo.caption,
                workshop=photo.atelier.title,
                moment=_moment(photo),
            )
        )
    chosen = list(ateliers.select_related("commande"))
    # Every workshop's results at once: a fixed number of queries, however many workshops.
    found = results_of_many(chosen, voter=NO_VOTER)
    scores = rating_counts(list(found))
    parts = [
        WorkshopPart(
            atelier=atelier,
            results=found[atelier.pk],
            charts=_charts(atelier, found[atelier.pk], scores.get(atelier.pk, {})),
            themes=_themes(found[atelier.pk]),
            photos=kept_photos[atelier.pk],
        )
        for atelier in chosen
    ]
    actions = (
        Action.objects.filter(atelier__in=[part.atelier for part in parts])
        .select_related("owner", "atelier")
        # The same on every database: the most urgent first, those with no date last.
        .order_by("done", F("due_on").asc(nulls_last=True), "pk")
    )
    return {
        "parts": parts,
        "actions": actions,
        "headlines": [headline_of(part.atelier, part.results) for part in parts],
        "idea_count": sum(idea_count(part.results) for part in parts),
        "empty_parts": [part for part in parts if part.empty],
    }

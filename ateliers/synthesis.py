"""The workshops' part of a session's synthesis: each workshop in the shape of its format,
its photos and the actions. Registered with sessions.synthesis at start-up."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from django.db.models import Count, QuerySet
from django.urls import reverse
from django.utils.timezone import localdate
from django.utils.translation import gettext as _

from ateliers.formats import Part
from ateliers.models import Action, Atelier, Photo, Rating
from ateliers.photos import print_copy
from ateliers.queries import Results, results_of
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
        )
        return not (logged or self.photos or self.atelier.summary)


def choices_of(session: Session) -> tuple[QuerySet[Atelier], QuerySet[Photo]]:
    """What the facilitator may leave out: the workshops and the photos of the session."""
    ateliers = Atelier.objects.filter(session=session).order_by("agenda_item__day__date", "pk")
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


def _ratings_chart(atelier: Atelier) -> BarChart | None:
    counts = dict(
        Rating.objects.filter(atelier=atelier).values_list("score").annotate(n=Count("pk"))
    )
    if not counts:
        return None
    rows: list[tuple[str, float | None]] = [
        (f"{score}/5", counts.get(score, 0)) for score in range(5, 0, -1)
    ]
    return bar_chart(_("Ratings of the methods"), rows)


def _charts(atelier: Atelier, results: Results) -> list[BarChart]:
    charts = []
    for part in atelier.parts:
        if part in CHARTS:
            charts.extend(CHARTS[part](results))
    ratings = _ratings_chart(atelier)
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
    parts = []
    for atelier in ateliers.select_related("commande"):
        results = results_of(atelier, voter=NO_VOTER)
        parts.append(
            WorkshopPart(
                atelier=atelier,
                results=results,
                charts=_charts(atelier, results),
                themes=_themes(results),
                photos=kept_photos[atelier.pk],
            )
        )
    actions = (
        Action.objects.filter(atelier__in=[part.atelier for part in parts])
        .select_related("owner", "atelier")
        .order_by("done", "due_on", "pk")
    )
    return {
        "parts": parts,
        "actions": actions,
        "empty_parts": [part for part in parts if part.empty],
    }

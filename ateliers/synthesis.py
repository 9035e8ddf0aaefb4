"""The workshops' part of a session's synthesis: each workshop in the shape of its format,
its photos and the actions. Registered with sessions.synthesis at start-up."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from ateliers.models import Action, Atelier, Photo, Rating
from ateliers.photos import print_copy
from ateliers.queries import Results, results_of
from labo.lib.charts import bar_chart, stacked_chart
from sessions.models import Session

# The synthesis is read by people who did not vote: no idea is marked as "mine".
NO_VOTER = ""


@dataclass
class WorkshopPart:
    atelier: Atelier
    results: Results
    charts: list = field(default_factory=list)  # bar charts of the whole workshop
    themes: list = field(default_factory=list)  # (theme name, ideas)
    photos: list = field(default_factory=list)


def choices_of(session: Session) -> tuple[QuerySet[Atelier], QuerySet[Photo]]:
    """What the facilitator may leave out: the workshops and the photos of the session."""
    ateliers = Atelier.objects.filter(session=session).order_by("agenda_item__day__date", "pk")
    photos = Photo.objects.filter(atelier__session=session).select_related("atelier")
    return ateliers, photos


def _ratings_chart(atelier: Atelier):
    counts = dict(
        Rating.objects.filter(atelier=atelier).values_list("score").annotate(n=Count("pk"))
    )
    if not counts:
        return None
    rows = [(f"{score}/5", counts.get(score, 0)) for score in range(5, 0, -1)]
    return bar_chart(_("Ratings of the methods"), rows)


def _charts(atelier: Atelier, results: Results) -> list:
    """The charts of the part as a whole; a statement's or a case's own chart is set on it."""
    for question in results.questions:
        rows = [(label, value) for _key, label, value in question.tally]
        question.chart = bar_chart(_("Positions on the statement"), rows)
    for case in results.cases:
        series = [_("Convinced"), _("Sceptical"), _("Undecided")]
        rows = [
            (_("Before"), [case.before_for, case.before_against, case.before_undecided]),
            (_("After"), [case.after_for, case.after_against, case.after_undecided]),
        ]
        case.chart = stacked_chart(_("Positions before and after the trial"), series, rows)
    charts = []
    if results.stands:
        for attr, title in (
            ("understanding", _("Understanding of each stand (average, out of 5)")),
            ("interest", _("Interest in each stand (average, out of 5)")),
        ):
            rows = [(stand.name, getattr(stand, attr) or 0) for stand in results.stands]
            charts.append(bar_chart(title, rows, maximum=5, unit="/5", decimals=1))
    ratings = _ratings_chart(atelier)
    if ratings:
        charts.append(ratings)
    return charts


def _themes(results: Results) -> list:
    groups = defaultdict(list)
    for number, idea in enumerate(results.ideas, start=1):
        idea.number = number  # the number drawn on the criteria grid
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


def parts_of(
    session: Session,
    *,
    atelier_ids: list[int] | None,
    photo_ids: list[int] | None,
    for_pdf: bool,
) -> dict:
    """The workshops chosen, each with its results, charts, themes and photos, and their
    actions. ``None`` for a choice means all of them."""
    ateliers, photos = choices_of(session)
    if atelier_ids is not None:
        ateliers = ateliers.filter(pk__in=atelier_ids)
    if photo_ids is not None:
        photos = photos.filter(pk__in=photo_ids)
    kept_photos = defaultdict(list)
    for photo in photos:
        photo.src = _photo_src(photo, for_pdf=for_pdf)
        kept_photos[photo.atelier_id].append(photo)
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
    return {"parts": parts, "actions": actions}

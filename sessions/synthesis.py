"""What a session produced, gathered once for its synthesis: the HTML preview the
facilitator chooses from and the PDF management reads are drawn from the same context."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from ateliers.models import Action, Atelier, Photo, Rating
from ateliers.photos import print_copy
from ateliers.queries import Results, results_of
from labo.charts import bar_chart, stacked_chart
from labo.models import Person
from labo.queries import grade_mix
from sessions.models import Attendance, AttendanceRole, Day, Session
from sessions.queries import agenda_of

# The synthesis is read by people who did not vote: no idea is marked as "mine".
NO_VOTER = ""


@dataclass
class WorkshopPart:
    atelier: Atelier
    results: Results
    charts: list = field(default_factory=list)  # bar charts of the whole workshop
    themes: list = field(default_factory=list)  # (theme name, ideas)
    photos: list = field(default_factory=list)


def choices_of(session: Session):
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


def participation_of(session: Session) -> dict:
    present = Attendance.objects.filter(day__session=session, present=True)
    people = Person.objects.filter(
        pk__in=present.values("person"),
    )
    per_day = Day.objects.filter(session=session).annotate(
        present=Count("attendances", filter=Q(attendances__present=True))
    )
    labels = dict(AttendanceRole.choices)
    by_role = [
        (labels.get(role, role), n)
        for role, n in present.order_by("role")
        .values_list("role")
        .annotate(n=Count("person", distinct=True))
    ]
    return {"mix": grade_mix(people), "per_day": per_day, "by_role": by_role}


def synthesis_of(
    session: Session,
    *,
    atelier_ids: list[int] | None = None,
    photo_ids: list[int] | None = None,
    for_pdf: bool = False,
) -> dict:
    """Everything the synthesis shows. ``None`` for a choice means all of them."""
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
    return {
        "session": session,
        "programme": session.programme,
        "agenda": agenda_of(Day.objects.filter(session=session)),
        "participation": participation_of(session),
        "parts": parts,
        "actions": actions,
        "for_pdf": for_pdf,
    }


def document_context(document) -> dict:
    """The PDF's context, from the choices stored with the request."""
    options = document.options or {}
    return synthesis_of(
        document.session,
        atelier_ids=options.get("ateliers"),
        photo_ids=options.get("photos"),
        for_pdf=True,
    )

"""A lab's activity over a period: the management dashboard and the programme review PDF
("one year of the lab") read the same figures, in a fixed number of queries."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TypedDict

from django.conf import settings
from django.db.models import Avg, Count
from django.db.models.functions import TruncQuarter
from django.utils.translation import gettext as _

from ateliers.models import Atelier, Format, Idea, Photo, Rating
from commandes.models import Commande, Status
from commandes.queries import waiting_at_gate
from labo.lib.charts import BarChart, StackedChart, bar_chart, stacked_chart
from labo.lib.disclosure import suppress
from labo.models import Document, Grade, Programme
from sessions.models import Attendance, Day, Session

# A day longer than this counts as two half-days of workshop, else as one.
HALF_DAY_MAX = datetime.timedelta(hours=4, minutes=30)


@dataclass
class Period:
    start: datetime.date
    end: datetime.date

    @classmethod
    def last_year(cls, today: datetime.date) -> Period:
        return cls(start=today - datetime.timedelta(days=364), end=today)


@dataclass(frozen=True)
class SessionFigures:
    """A session's line in the review: what it is and what it took."""

    pk: int
    number: int
    title: str
    starts_on: datetime.date
    workshop_count: int
    preparation_half_days: Decimal | None
    half_days: int
    ratio: Decimal | None


class Totals(TypedDict):
    sessions: int
    workshops: int
    participants: int
    ideas: int
    photos: int
    commandes: int


class Preparation(TypedDict):
    preparation: Decimal | int
    workshop: int
    ratio: Decimal | None


class Review(TypedDict):
    """The figures of a period, as the dashboard and the review PDF receive them."""

    programme: Programme | None
    period: Period
    sessions: list[SessionFigures]
    sessions_left_out: int
    totals: Totals
    by_session: StackedChart
    by_quarter: StackedChart
    by_format: BarChart
    ratings: BarChart
    funnel: BarChart
    at_gate: list[Commande]
    preparation: Preparation


GRADES = [*Grade.values, ""]  # the series of the grade charts, unknown last


def _grade_counts(counts: dict[str, int]) -> list[int]:
    return [counts.get(grade, 0) for grade in GRADES]


def _grade_values(counts: dict[str, int], *, forced: Iterable[int] = ()) -> list[int | None]:
    """Counts per grade as management may see them (labo.lib.disclosure): None is masked."""
    return suppress(_grade_counts(counts), settings.LABO_MIN_GROUP_SIZE, forced=forced).values


def _grade_series() -> list[str]:
    return [str(label) for label in Grade.labels] + [_("Unknown")]


def _quarter(day: datetime.date) -> str:
    return f"{day.year} T{(day.month - 1) // 3 + 1}"


def workshop_half_days(days: Iterable[Day]) -> int:
    total = 0
    for day in days:
        length = datetime.datetime.combine(day.date, day.ends_at) - datetime.datetime.combine(
            day.date, day.starts_at
        )
        total += 1 if length <= HALF_DAY_MAX else 2
    return total


def _ratio(preparation: Decimal | int | None, workshop: int) -> Decimal | None:
    if not workshop or preparation is None:
        return None
    return (Decimal(preparation) / workshop).quantize(Decimal("0.1"))


def review_of(programme: Programme | None, period: Period, *, latest: int | None = None) -> Review:
    """The figures of the period. ``latest`` keeps the session-by-session table and chart to
    the newest sessions (the dashboard); totals and quarters always cover the whole period."""

    in_period = Session.objects.filter(starts_on__gte=period.start, starts_on__lte=period.end)
    commandes = Commande.objects.all()
    if programme is not None:
        in_period = in_period.filter(programme=programme)
        commandes = commandes.filter(programme=programme)
    # Filters below take the queryset, not the list: the same queries whether it is empty or not.
    found = list(
        in_period.annotate(workshop_count=Count("ateliers", distinct=True)).order_by(
            "starts_on", "number"
        )
    )
    days: defaultdict[int, list[Day]] = defaultdict(list)
    for day in Day.objects.filter(session__in=in_period).order_by("date"):
        days[day.session_id].append(day)

    present = Attendance.objects.filter(day__session__in=in_period, present=True)
    per_session: defaultdict[int, defaultdict[str, int]] = defaultdict(lambda: defaultdict(int))
    for session_id, grade, n in (
        present.order_by()
        .values_list("day__session", "person__grade")
        .annotate(n=Count("person", distinct=True))
    ):
        per_session[session_id][grade] = n
    per_quarter: defaultdict[str, defaultdict[str, int]] = defaultdict(lambda: defaultdict(int))
    for quarter, grade, n in (
        present.order_by()
        .annotate(quarter=TruncQuarter("day__date"))
        .values_list("quarter", "person__grade")
        .annotate(n=Count("person", distinct=True))
    ):
        per_quarter[_quarter(quarter)][grade] = n
    participants = present.values("person").distinct().count()

    sessions = []
    for session in found:
        half_days = workshop_half_days(days[session.pk])
        sessions.append(
            SessionFigures(
                pk=session.pk,
                number=session.number,
                title=session.title,
                starts_on=session.starts_on,
                workshop_count=session.workshop_count,
                preparation_half_days=session.preparation_half_days,
                half_days=half_days,
                ratio=_ratio(session.preparation_half_days, half_days),
            )
        )
    preparation = sum((s.preparation_half_days or 0) for s in sessions)
    shown = sessions[-latest:] if latest else sessions
    workshop = sum(s.half_days for s in sessions)

    minimum = {"n": settings.LABO_MIN_GROUP_SIZE}
    grade_note = _("groups of fewer than %(n)s people are not shown") % minimum
    masked = _("fewer than %(n)s") % minimum
    by_session = stacked_chart(
        _("Participants by grade, session by session"),
        _grade_series(),
        [(f"n° {s.number} {s.title}", _grade_values(per_session[s.pk])) for s in shown],
        note=grade_note,
        masked_label=masked,
        short=[*Grade.values, "?"],
    )
    # A quarter's cell minus the cells of its sessions shown elsewhere would give back a cell
    # masked in one session: a cell masked in any session of the quarter is masked there too.
    masked_in_quarter: defaultdict[str, set[int]] = defaultdict(set)
    for session in found:
        values = _grade_values(per_session[session.pk])
        for quarter in {_quarter(day.date) for day in days[session.pk]}:
            masked_in_quarter[quarter].update(i for i, v in enumerate(values) if v is None)
    by_quarter = stacked_chart(
        _("Participants by grade, quarter by quarter"),
        _grade_series(),
        [
            (quarter, _grade_values(grades, forced=masked_in_quarter[quarter]))
            for quarter, grades in sorted(per_quarter.items())
        ],
        note=grade_note,
        masked_label=masked,
        short=[*Grade.values, "?"],
    )

    ateliers = Atelier.objects.filter(session__in=in_period)
    formats = dict(ateliers.order_by().values_list("format").annotate(n=Count("pk")))
    by_format = bar_chart(
        _("Workshops by format"),
        [(label, formats[value]) for value, label in Format.choices if formats.get(value)],
    )
    rating_rows = (
        Rating.objects.filter(atelier__in=ateliers)
        .order_by()
        .values_list("atelier__format")
        .annotate(avg=Avg("score"), n=Count("pk"))
    )
    labels = dict(Format.choices)
    ratings = bar_chart(
        _("Average rating of the methods, by format (out of 5)"),
        [(f"{labels[fmt]} ({n})", avg) for fmt, avg, n in rating_rows],
        maximum=5,
        unit="/5",
        decimals=1,
    )
    statuses = dict(commandes.order_by().values_list("status").annotate(n=Count("pk")))
    funnel = bar_chart(
        _("Commandes by status"),
        [(label, statuses.get(value, 0)) for value, label in Status.choices],
    )
    gate = waiting_at_gate()
    if programme is not None:
        gate = gate.filter(programme=programme)
    # Two counts rather than one aggregate over both joins (ideas × photos would multiply).
    counts = {
        "ideas": Idea.objects.filter(atelier__in=ateliers, atelier__ideas_revealed=True).count(),
        "photos": Photo.objects.filter(atelier__in=ateliers).count(),
    }
    return {
        "programme": programme,
        "period": period,
        "sessions": shown,
        "sessions_left_out": len(sessions) - len(shown),
        "totals": {
            "sessions": len(sessions),
            "workshops": sum(formats.values()),
            "participants": participants,
            "ideas": counts["ideas"],
            "photos": counts["photos"],
            "commandes": sum(statuses.values()),
        },
        "by_session": by_session,
        "by_quarter": by_quarter,
        "by_format": by_format,
        "ratings": ratings,
        "funnel": funnel,
        "at_gate": list(gate),
        "preparation": {
            "preparation": preparation,
            "workshop": workshop,
            "ratio": _ratio(preparation, workshop),
        },
    }


def document_context(document: Document) -> Review:
    options = document.options
    period = Period(
        start=datetime.date.fromisoformat(options["start"]),
        end=datetime.date.fromisoformat(options["end"]),
    )
    return review_of(document.programme, period)

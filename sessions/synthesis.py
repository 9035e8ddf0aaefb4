"""What a session produced, gathered once for its synthesis: the HTML preview the
facilitator chooses from and the PDF management reads are drawn from the same context.

The workshops' part comes from the app that holds them (ateliers registers it at start-up,
see ``register_workshops``): sessions knows the agenda and who came, not the formats."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from labo.models import Document, Person
from labo.queries import grade_mix
from sessions.models import Attendance, AttendanceRole, Day, Session
from sessions.queries import DayAgenda, PrintedBlock, agenda_of, printed_agendas_of


@dataclass(frozen=True)
class WorkshopsSource:
    """The workshops and photos a facilitator may leave out, and the part they make."""

    choices: Callable[[Session], tuple[QuerySet, QuerySet]]
    parts: Callable[..., dict]  # (session, *, atelier_ids, photo_ids, for_pdf) -> context


_workshops: list[WorkshopsSource] = []


def register_workshops(source: WorkshopsSource) -> None:
    """Called once at start-up by the app that holds the workshops."""
    _workshops[:] = [source]


def choices_of(session: Session) -> tuple[QuerySet, QuerySet]:
    """What the facilitator may leave out: the workshops and the photos of the session."""
    return _workshops[0].choices(session)


def participation_of(session: Session) -> dict:
    present = Attendance.objects.filter(day__session=session, present=True)
    people = Person.objects.filter(
        pk__in=present.values("person"),
    )
    per_day = list(
        Day.objects.filter(session=session)
        .annotate(
            registered=Count("attendances"),
            present=Count("attendances", filter=Q(attendances__present=True)),
            guests=Count(
                "attendances",
                filter=Q(attendances__present=True, attendances__role=AttendanceRole.GUEST),
            ),
        )
        .order_by("date", "pk")  # Meta.ordering is not kept with GROUP BY on PostgreSQL
    )
    labels = dict(AttendanceRole.choices)
    by_role = [
        (labels.get(role, role), n)
        for role, n in present.order_by("role")
        .values_list("role")
        .annotate(n=Count("person", distinct=True))
    ]
    return {"mix": grade_mix(people), "per_day": per_day, "by_role": by_role}


@dataclass(frozen=True)
class DayFigure:
    """A day's attendance as page 1 says it: who was expected against who came (or that of
    all the days together, see MAX_DAY_FIGURES)."""

    label: str  # "Le Grand Atelier, 11 juillet", or "5 jours, du 6 au 10 juillet"
    expected: int  # the day's expected attendance, else those registered; 0: unknown
    present: int
    guests: int  # of those present

    @property
    def fell_short(self) -> bool:
        """Fewer than half of those expected came: the fact page 1 must not hide."""
        return self.present * 2 < self.expected


NEXT_ACTIONS = 5  # on page 1; all of them follow in the details
# Page 1 gives each day's attendance up to this many days, then all the days as one figure
# (each day is in "Who took part"), so that its 3 to 6 figures stay on one page.
MAX_DAY_FIGURES = 3


def _day_figures(per_day: list[Day]) -> list[DayFigure]:
    figures = [
        DayFigure(
            label=f"{day.title}, {date_format(day.date, 'j F')}"
            if day.title
            else date_format(day.date, "j F"),
            expected=day.capacity or day.registered,  # type: ignore[attr-defined]
            present=day.present,  # type: ignore[attr-defined]
            guests=day.guests,  # type: ignore[attr-defined]
        )
        for day in per_day
    ]
    if len(figures) <= MAX_DAY_FIGURES:
        return figures
    label = _("%(n)s days, %(first)s to %(last)s") % {
        "n": len(per_day),
        "first": date_format(per_day[0].date, "j F"),
        "last": date_format(per_day[-1].date, "j F"),
    }
    return [
        DayFigure(
            label=label,
            # Unknown on one day (0): unknown for all, rather than a total that misleads.
            expected=sum(f.expected for f in figures) if all(f.expected for f in figures) else 0,
            present=sum(f.present for f in figures),
            guests=sum(f.guests for f in figures),
        )
    ]


def summary_of(session: Session, *, per_day: list[Day], workshops: dict) -> dict:
    """Page 1 of the synthesis, read in two minutes: attendance against what was planned,
    the key figures, the "À retenir", each workshop in one line and what comes next. Asks
    the database nothing: it reads what the rest of the synthesis has loaded."""
    actions = workshops["actions"]
    open_actions = [action for action in actions if not action.done]
    return {
        "days": _day_figures(per_day),
        "workshop_count": len(workshops["parts"]),
        "idea_count": workshops["idea_count"],
        "action_count": len(actions),
        "actions_done": len(actions) - len(open_actions),
        "next_actions": open_actions[:NEXT_ACTIONS],
        "more_actions": max(0, len(open_actions) - NEXT_ACTIONS),
        "headlines": workshops["headlines"],
        "key_messages": session.key_message_list(),
    }


def synthesis_of(
    session: Session,
    *,
    atelier_ids: list[int] | None = None,
    photo_ids: list[int] | None = None,
    for_pdf: bool = False,
) -> dict:
    """Everything the synthesis shows. ``None`` for a choice means all of them."""
    workshops = _workshops[0].parts(
        session, atelier_ids=atelier_ids, photo_ids=photo_ids, for_pdf=for_pdf
    )
    workshops["actions"] = list(workshops["actions"])  # page 1 and the details: one query
    participation = participation_of(session)
    agenda = agenda_of(Day.objects.filter(session=session))
    return {
        "session": session,
        "programme": session.programme,
        # As printed: who ran each block (its own runners, else its workshop's facilitators).
        "held": [
            HeldDay(entry, blocks)
            for entry, blocks in zip(agenda, printed_agendas_of(agenda), strict=True)
        ],
        "participation": participation,
        "summary": summary_of(session, per_day=participation["per_day"], workshops=workshops),
        "parts": workshops["parts"],
        "actions": workshops["actions"],
        "empty_parts": workshops.get("empty_parts", []),
        "for_pdf": for_pdf,
    }


@dataclass(frozen=True)
class HeldDay:
    """A day of the agenda as held, for the synthesis."""

    entry: DayAgenda
    blocks: list[PrintedBlock]

    @property
    def has_runners(self) -> bool:
        return any(block.runners for block in self.blocks)


def document_context(document: Document) -> dict:
    """The PDF's context, from the choices stored with the request."""
    options = document.options or {}
    if document.session is None:
        raise ValueError("A synthesis is requested for a session.")
    return synthesis_of(
        document.session,
        atelier_ids=options.get("ateliers"),
        photo_ids=options.get("photos"),
        for_pdf=True,
    )

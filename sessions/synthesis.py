"""What a session produced, gathered once for its synthesis: the HTML preview the
facilitator chooses from and the PDF management reads are drawn from the same context.

The workshops' part comes from the app that holds them (ateliers registers it at start-up,
see ``register_workshops``): sessions knows the agenda and who came, not the formats."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from labo.models import Document, Person
from labo.queries import grade_mix
from sessions.models import Attendance, AttendanceRole, Day, Session
from sessions.queries import agenda_of


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
    workshops = _workshops[0].parts(
        session, atelier_ids=atelier_ids, photo_ids=photo_ids, for_pdf=for_pdf
    )
    return {
        "session": session,
        "programme": session.programme,
        "agenda": agenda_of(Day.objects.filter(session=session)),
        "participation": participation_of(session),
        "parts": workshops["parts"],
        "actions": workshops["actions"],
        "empty_parts": workshops.get("empty_parts", []),
        "for_pdf": for_pdf,
    }


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

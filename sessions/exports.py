"""A session's tables as CSV or XLSX: who came, and what its workshops produced.

The results' rows come from the app that holds the workshops (ateliers registers them at
start-up, see ``register_result_rows``); grades stay out (HR data)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from django.utils.translation import gettext as _

from sessions.models import Attendance, Session

Row = tuple[object, ...]
_result_sources: list[Callable[[Session], Iterable[Row]]] = []


def register_result_rows(source: Callable[[Session], Iterable[Row]]) -> None:
    """Called once at start-up by each app that has results to export."""
    if source not in _result_sources:
        _result_sources.append(source)


def attendance_header() -> list[str]:
    return [_("Date"), _("last name"), _("first name"), _("Direction"), _("Role"), _("Present")]


def results_header() -> list[str]:
    return [_("Workshop"), _("format"), _("kind"), _("text"), _("value"), _("detail")]


def attendance_rows(session: Session) -> Iterator[Row]:

    for a in (
        Attendance.objects.filter(day__session=session)
        .select_related("day", "person__direction")
        .order_by("day__date", "person__last_name")
    ):
        yield (
            a.day.date,
            a.person.last_name,
            a.person.first_name,
            a.person.direction.name if a.person.direction else "",
            a.get_role_display(),
            _("yes") if a.present else _("no"),
        )


def result_rows(session: Session) -> Iterator[Row]:
    for source in _result_sources:
        yield from source(session)

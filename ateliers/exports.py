"""The rows a session's results export takes from its workshops (see sessions.exports):
those of each part of a format, then what every workshop has (ratings, actions)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from django.db.models import Count
from django.utils.translation import gettext as _

from ateliers.formats import Part
from ateliers.models import (
    Action,
    Atelier,
    DebateQuestion,
    Idea,
    Rating,
    RetroEntry,
    StandFeedback,
    TribunalCase,
)
from sessions.exports import Row
from sessions.models import Session

Ateliers = dict[int, Atelier]  # the session's workshops by id


def _head(atelier: Atelier) -> tuple[str, str]:
    return atelier.title, atelier.get_format_display()


def _statements(session: Session, ateliers: Ateliers) -> Iterator[Row]:
    for q in DebateQuestion.objects.filter(atelier__session=session):
        yield (
            *_head(ateliers[q.atelier_id]),
            _("statement"),
            q.text,
            f"{_('yes')} {q.yes} / {_('no')} {q.no} / {_('mixed')} {q.mixed}",
            q.arguments,
        )


def _cases(session: Session, ateliers: Ateliers) -> Iterator[Row]:
    for c in TribunalCase.objects.filter(atelier__session=session):
        yield (
            *_head(ateliers[c.atelier_id]),
            _("case"),
            c.question,
            f"{c.before_for}/{c.before_against}/{c.before_undecided} → "
            f"{c.after_for}/{c.after_against}/{c.after_undecided}",
            c.verdict,
        )


def _ideas(session: Session, ateliers: Ateliers) -> Iterator[Row]:
    revealed = [pk for pk, a in ateliers.items() if a.ideas_revealed]
    for i in (
        Idea.objects.filter(atelier__in=revealed)
        .annotate(dots=Count("votes"))
        .select_related("theme")
    ):
        yield (
            *_head(ateliers[i.atelier_id]),
            _("idea"),
            i.text,
            i.dots,
            i.theme.name if i.theme else "",
        )


def _retro(session: Session, ateliers: Ateliers) -> Iterator[Row]:
    for r in RetroEntry.objects.filter(atelier__session=session):
        yield (*_head(ateliers[r.atelier_id]), r.get_kind_display(), r.text, "", r.step)


def _feedback(session: Session, ateliers: Ateliers) -> Iterator[Row]:
    for f in StandFeedback.objects.filter(stand__atelier__session=session).select_related("stand"):
        yield (
            *_head(ateliers[f.stand.atelier_id]),
            f.stand.name,
            f.comment,
            f"{f.understanding}/{f.interest}",
            "",
        )


def _ratings(session: Session, ateliers: Ateliers) -> Iterator[Row]:
    for r in Rating.objects.filter(atelier__session=session):
        yield (*_head(ateliers[r.atelier_id]), _("rating"), r.comment, r.score, "")


def _actions(session: Session, ateliers: Ateliers) -> Iterator[Row]:
    for x in Action.objects.filter(atelier__session=session).select_related("owner"):
        yield (
            *_head(ateliers[x.atelier_id]),
            _("action"),
            x.what,
            x.due_on.isoformat() if x.due_on else "",
            x.owner.full_name if x.owner else x.owner_name,
        )


RowsOf = Callable[[Session, Ateliers], Iterator[Row]]

# The rows of each part of a format, in the export's order (an interview report and a
# criteria grid have none).
ROWS: dict[Part, RowsOf] = {
    Part.QUESTIONS: _statements,
    Part.CASES: _cases,
    Part.IDEAS: _ideas,
    Part.RETRO: _retro,
    Part.STANDS: _feedback,
}
COMMON_ROWS: tuple[RowsOf, ...] = (_ratings, _actions)


def result_rows(session: Session) -> Iterator[Row]:
    ateliers = {a.pk: a for a in Atelier.objects.filter(session=session)}
    for rows in (*ROWS.values(), *COMMON_ROWS):
        yield from rows(session, ateliers)

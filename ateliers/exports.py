"""The rows a session's results export takes from its workshops (see sessions.exports):
those of each part of a format, then what every workshop has (ratings, actions)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import cast

from django.db.models import Count, Field
from django.utils.translation import gettext as _

from ateliers.formats import Part
from ateliers.models import (
    Action,
    Atelier,
    CriteriaGrid,
    DebateQuestion,
    DemarreurReport,
    DemarreurRole,
    Idea,
    InterviewQuestion,
    Observation,
    Rating,
    RetroEntry,
    Stand,
    StandFeedback,
    SuggestedOffer,
    TribunalCase,
)
from ateliers.queries import with_phones, words_given
from sessions.exports import Row
from sessions.models import Session

Ateliers = dict[int, Atelier]  # the session's workshops by id


def _head(atelier: Atelier) -> tuple[str, str]:
    return atelier.title, atelier.get_format_display()


def _phones(counts: dict[str, int], keys: tuple[str, ...]) -> str:
    return "/".join(str(counts.get(key, 0)) for key in keys)


def _statements(session: Session, ateliers: Ateliers) -> Iterator[Row]:
    questions = list(DebateQuestion.objects.filter(atelier__session=session))
    with_phones(questions, [])
    for q in questions:
        value = f"{_('yes')} {q.yes} / {_('no')} {q.no} / {_('mixed')} {q.mixed}"
        if q.phone_tally:
            value += " ; " + _("by phone: yes %(yes)s / no %(no)s / mixed %(mixed)s") % {
                key: q.phones.get(key, 0) for key in ("yes", "no", "mixed")
            }
        yield (*_head(ateliers[q.atelier_id]), _("statement"), q.text, value, q.arguments)


def _cases(session: Session, ateliers: Ateliers) -> Iterator[Row]:
    cases = list(TribunalCase.objects.filter(atelier__session=session))
    with_phones([], cases)
    positions = ("for", "against", "undecided")
    for c in cases:
        value = (
            f"{c.before_for}/{c.before_against}/{c.before_undecided} → "
            f"{c.after_for}/{c.after_against}/{c.after_undecided}"
        )
        if c.has_phones:
            value += " ; " + _("by phone: %(before)s → %(after)s") % {
                "before": _phones(c.phones_before, positions),
                "after": _phones(c.phones_after, positions),
            }
        yield (*_head(ateliers[c.atelier_id]), _("case"), c.question, value, c.verdict)


REPORT_SECTIONS = (
    "reformulated_request",
    "phases_observed",
    "hypotheses",
    "options_retained",
    "next_steps",
)


def _report(session: Session, ateliers: Ateliers) -> Iterator[Row]:
    reports = DemarreurReport.objects.filter(atelier__session=session)
    for r in reports:
        head = _head(ateliers[r.atelier_id])
        yield (*head, _("report"), r.get_status_display(), r.used_minutes, r.timebox_minutes)
        for name in REPORT_SECTIONS:
            if text := getattr(r, name):
                label = str(cast(Field, DemarreurReport._meta.get_field(name)).verbose_name)
                yield (*head, label, text, "", "")
    by_report = {r.pk: r.atelier_id for r in reports}
    for role in DemarreurRole.objects.filter(report__in=reports).select_related("person"):
        yield (
            *_head(ateliers[by_report[role.report_id]]),
            _("role"),
            role.person.full_name,
            role.get_role_display(),
            "",
        )
    for q in InterviewQuestion.objects.filter(report__in=reports):
        yield (
            *_head(ateliers[by_report[q.report_id]]),
            _("interview question"),
            q.text,
            _("uncomfortable") if q.uncomfortable else "",
            "",
        )
    for o in Observation.objects.filter(report__in=reports):
        yield (
            *_head(ateliers[by_report[o.report_id]]),
            _("observation"),
            o.note,
            o.phase,
            o.observer,
        )


def _stands(session: Session, ateliers: Ateliers) -> Iterator[Row]:
    for s in Stand.objects.filter(atelier__session=session):
        yield (*_head(ateliers[s.atelier_id]), _("stand"), s.name, "", s.offers)
    yield from _feedback(session, ateliers)
    for o in SuggestedOffer.objects.filter(stand__atelier__session=session).select_related("stand"):
        yield (
            *_head(ateliers[o.stand.atelier_id]),
            _("suggested offer"),
            o.text,
            _("adopted") if o.adopted else "",
            o.stand.name,
        )


def _grid(session: Session, ateliers: Ateliers) -> Iterator[Row]:
    for g in CriteriaGrid.objects.filter(atelier__session=session):
        yield (
            *_head(ateliers[g.atelier_id]),
            _("criteria grid"),
            f"{g.x_low} → {g.x_high} / {g.y_low} → {g.y_high}",
            "",
            g.zones,
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


def _words(session: Session, ateliers: Ateliers) -> Iterator[Row]:
    """The live room's word cloud: one row per word, with how many gave it."""
    for atelier_id, words in words_given(list(ateliers), limit=200).items():
        for word, count in words:
            yield (*_head(ateliers[atelier_id]), _("word cloud"), word, count, "")


def _actions(session: Session, ateliers: Ateliers) -> Iterator[Row]:
    for x in Action.objects.filter(atelier__session=session).select_related("owner"):
        yield (
            *_head(ateliers[x.atelier_id]),
            _("action"),
            x.what,
            x.due_on,
            x.owner.full_name if x.owner else x.owner_name,
        )


RowsOf = Callable[[Session, Ateliers], Iterator[Row]]

# The rows of each part of a format, in the export's order (a test checks every part has
# some).
ROWS: dict[Part, RowsOf] = {
    Part.QUESTIONS: _statements,
    Part.CASES: _cases,
    Part.REPORT: _report,
    Part.STANDS: _stands,
    Part.GRID: _grid,
    Part.IDEAS: _ideas,
    Part.RETRO: _retro,
}
COMMON_ROWS: tuple[RowsOf, ...] = (_words, _ratings, _actions)


def result_rows(session: Session) -> Iterator[Row]:
    ateliers = {a.pk: a for a in Atelier.objects.filter(session=session)}
    for rows in (*ROWS.values(), *COMMON_ROWS):
        yield from rows(session, ateliers)

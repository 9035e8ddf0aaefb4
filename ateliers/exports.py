"""The rows a session's results export takes from its workshops (see sessions.exports)."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Count
from django.utils.translation import gettext as _

from ateliers import models as m
from ateliers.models import Atelier
from sessions.exports import Row
from sessions.models import Session


def result_rows(session: Session) -> Iterator[Row]:

    ateliers = {a.pk: a for a in Atelier.objects.filter(session=session)}
    for q in m.DebateQuestion.objects.filter(atelier__session=session):
        a = ateliers[q.atelier_id]
        yield (
            a.title,
            a.get_format_display(),
            _("statement"),
            q.text,
            f"{_('yes')} {q.yes} / {_('no')} {q.no} / {_('mixed')} {q.mixed}",
            q.arguments,
        )
    for c in m.TribunalCase.objects.filter(atelier__session=session):
        a = ateliers[c.atelier_id]
        yield (
            a.title,
            a.get_format_display(),
            _("case"),
            c.question,
            f"{c.before_for}/{c.before_against}/{c.before_undecided} → "
            f"{c.after_for}/{c.after_against}/{c.after_undecided}",
            c.verdict,
        )
    revealed = [pk for pk, a in ateliers.items() if a.ideas_revealed]
    for i in (
        m.Idea.objects.filter(atelier__in=revealed)
        .annotate(dots=Count("votes"))
        .select_related("theme")
    ):
        a = ateliers[i.atelier_id]
        yield (
            a.title,
            a.get_format_display(),
            _("idea"),
            i.text,
            i.dots,
            i.theme.name if i.theme else "",
        )
    for r in m.RetroEntry.objects.filter(atelier__session=session):
        a = ateliers[r.atelier_id]
        yield (a.title, a.get_format_display(), r.get_kind_display(), r.text, "", r.step)
    for f in m.StandFeedback.objects.filter(stand__atelier__session=session).select_related(
        "stand"
    ):
        a = ateliers[f.stand.atelier_id]
        yield (
            a.title,
            a.get_format_display(),
            f.stand.name,
            f.comment,
            f"{f.understanding}/{f.interest}",
            "",
        )
    for r in m.Rating.objects.filter(atelier__session=session):
        a = ateliers[r.atelier_id]
        yield (a.title, a.get_format_display(), _("rating"), r.comment, r.score, "")
    for x in m.Action.objects.filter(atelier__session=session).select_related("owner"):
        a = ateliers[x.atelier_id]
        yield (
            a.title,
            a.get_format_display(),
            _("action"),
            x.what,
            x.due_on.isoformat() if x.due_on else "",
            x.owner.full_name if x.owner else x.owner_name,
        )

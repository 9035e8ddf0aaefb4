"""What the audit log follows of the workshops: the models of each part of a format and of
every workshop, each entry tagged with its session and workshop (see labo.history.audit)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import Model
from django.urls import reverse

from ateliers import models as m
from ateliers import services
from ateliers.formats import Part
from labo.history import audit, display

Scope = Callable[[Any], dict[str, int]]


def _of_atelier(atelier: m.Atelier) -> dict[str, int]:
    return audit.in_atelier(atelier.pk, atelier.session_id)


def _of_result(result: Any) -> dict[str, int]:
    return {"session": result.atelier.session_id, "atelier": result.atelier_id}


def _of_stand(obj: Any) -> dict[str, int]:
    return {"session": obj.stand.atelier.session_id, "atelier": obj.stand.atelier_id}


def _of_report(obj: Any) -> dict[str, int]:
    return {"session": obj.report.atelier.session_id, "atelier": obj.report.atelier_id}


def _before_report_child_restored(obj: Model) -> None:
    try:
        services.before_report_child_restored(obj)
    except services.ReportSent as error:
        raise audit.RestoreRefused(str(error)) from error


@dataclass(frozen=True)
class Tracked:
    models: tuple[type[models.Model], ...]
    scope: Scope
    restorable: bool = False  # a deleted one can be brought back from the history page
    before_restore: Callable[[Model], None] | None = None


TRACKED: dict[Part, tuple[Tracked, ...]] = {
    Part.QUESTIONS: (Tracked((m.DebateQuestion,), _of_result, restorable=True),),
    Part.CASES: (Tracked((m.TribunalCase,), _of_result, restorable=True),),
    Part.REPORT: (
        Tracked((m.DemarreurReport,), _of_result),
        Tracked(
            (m.DemarreurRole, m.InterviewQuestion, m.Observation),
            _of_report,
            restorable=True,
            before_restore=_before_report_child_restored,
        ),
    ),
    Part.STANDS: (
        Tracked((m.Stand,), _of_result, restorable=True),
        Tracked((m.StandFeedback, m.SuggestedOffer), _of_stand, restorable=True),
        Tracked((m.StandVisit,), _of_stand),
    ),
    Part.GRID: (Tracked((m.CriteriaGrid,), _of_result),),
    Part.RETRO: (Tracked((m.RetroEntry,), _of_result, restorable=True),),
    Part.IDEAS: (Tracked((m.Theme, m.Idea), _of_result, restorable=True),),
}
# Every workshop's own; ratings are anonymous and never logged.
COMMON: tuple[Tracked, ...] = (
    Tracked((m.Atelier,), _of_atelier),
    Tracked((m.GuestLink,), _of_result),
    Tracked((m.Photo, m.Action), _of_result, restorable=True),
)


def track() -> None:
    """Called once at start-up."""
    for tracked in (*COMMON, *(t for part in Part for t in TRACKED[part])):
        audit.track(
            *tracked.models,
            scope=tracked.scope,
            restorable=tracked.restorable,
            before_restore=tracked.before_restore,
        )
    # A photo's entry shows the photo, small, instead of the path of its file.
    display.show_thumbnail(m.Photo, lambda pk: reverse("ateliers:photo-file", args=[pk, "thumb"]))

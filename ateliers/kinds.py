"""The kinds of result a workshop's page logs through one generic form: their form, their
model, what they hang on, and the part of a format they belong to."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from django import forms
from django.db import models

from ateliers import forms as f
from ateliers.formats import Part
from ateliers.models import (
    Action,
    Atelier,
    DebateQuestion,
    DemarreurReport,
    DemarreurRole,
    Idea,
    InterviewQuestion,
    Observation,
    Photo,
    Rating,
    RetroEntry,
    Stand,
    StandFeedback,
    SuggestedOffer,
    Theme,
    TribunalCase,
)
from ateliers.queries import people_around


@dataclass(frozen=True)
class Kind:
    """One kind of result: its form, its model, and how it hangs on the workshop."""

    name: str
    form: type[forms.ModelForm]
    model: type[models.Model]
    part: Part | None  # None: every workshop has it
    parent: Literal["atelier", "report", "stand"] = "atelier"  # what it hangs on
    editable: bool = False

    def bind(
        self,
        atelier: Atelier,
        data: Mapping[str, Any] | None = None,
        instance: models.Model | None = None,
    ) -> forms.ModelForm:
        """Its form, for a new result or for one of the workshop's."""
        prefix = f"{self.name}{instance.pk}" if instance is not None else self.name
        form = self.form(data, instance=instance, prefix=prefix)
        if data is not None and instance is None:
            # The parent is known before validation so that duplicates are caught on the form.
            if self.parent == "atelier":
                form.instance.atelier = atelier
            elif self.parent == "report":
                report = DemarreurReport.objects.filter(atelier=atelier).first()
                if report is not None:
                    form.instance.report = report
        if self.model is Idea and not atelier.places_ideas:
            del form.fields["x"], form.fields["y"]  # no grid to place them on
        for field_name, field in form.fields.items():
            if not isinstance(field, forms.ModelChoiceField):
                continue
            if field_name == "stand":
                field.queryset = Stand.objects.filter(atelier=atelier)
            elif field_name in ("person", "owner"):
                field.queryset = people_around(atelier)
        return form

    def of(self, atelier: Atelier) -> models.QuerySet[Any]:
        """Its objects that belong to this workshop (ids from elsewhere are 404)."""
        objects = self.model._default_manager
        if self.parent == "report":
            return objects.filter(report__atelier=atelier)
        if self.parent == "stand":
            return objects.filter(stand__atelier=atelier)
        return objects.filter(atelier=atelier)


KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        Kind("question", f.DebateQuestionForm, DebateQuestion, Part.QUESTIONS, editable=True),
        Kind("case", f.TribunalCaseForm, TribunalCase, Part.CASES, editable=True),
        Kind("role", f.DemarreurRoleForm, DemarreurRole, Part.REPORT, parent="report"),
        Kind("interview", f.InterviewQuestionForm, InterviewQuestion, Part.REPORT, parent="report"),
        Kind("observation", f.ObservationForm, Observation, Part.REPORT, parent="report"),
        Kind("stand", f.StandForm, Stand, Part.STANDS, editable=True),
        Kind("feedback", f.StandFeedbackForm, StandFeedback, Part.STANDS, parent="stand"),
        Kind("suggestion", f.SuggestedOfferForm, SuggestedOffer, Part.STANDS, parent="stand"),
        Kind("retro", f.RetroEntryForm, RetroEntry, Part.RETRO),
        Kind("idea", f.IdeaForm, Idea, Part.IDEAS),
        Kind("theme", f.ThemeForm, Theme, Part.IDEAS),
        Kind("action", f.ActionForm, Action, None, editable=True),
        Kind("rating", f.RatingForm, Rating, None),
    )
}


# What a facilitator may delete from a workshop's page: every kind of result, and photos.
# Each is logged by the audit with its data, so it can be brought back (labo.history).
DELETABLE: dict[str, Callable[[Atelier], models.QuerySet[Any]]] = {
    **{name: kind.of for name, kind in KINDS.items()},
    "photo": lambda atelier: Photo.objects.filter(atelier=atelier),
}


def kinds_of(parts: tuple[Part, ...]) -> set[str]:
    """The kinds of result of a format made of these parts."""
    return {name for name, kind in KINDS.items() if kind.part is None or kind.part in parts}


def kinds_for(atelier: Atelier) -> set[str]:
    """The results a workshop's page shows, hence the only ones it accepts."""
    return kinds_of(atelier.parts)

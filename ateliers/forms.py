from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ateliers import reports
from ateliers.models import (
    Action,
    Atelier,
    CriteriaGrid,
    DebateQuestion,
    DemarreurReport,
    DemarreurRole,
    GuestLink,
    Idea,
    InterviewQuestion,
    Observation,
    Position,
    Rating,
    RetroEntry,
    Stand,
    StandFeedback,
    SuggestedOffer,
    Theme,
    TribunalCase,
)
from labo.lib.text import SHORT_TEXT
from labo.lib.versions import VersionedForm
from labo.lib.widgets import ScaleSelect
from labo.models import Person
from sessions.models import AgendaItem

TAPS_AT_ONCE = 500  # taps a phone may send in one request (a room holds fewer people)
TEXTAREA = forms.Textarea(attrs={"rows": 3})
SCORE = ScaleSelect()


class AtelierForm(VersionedForm):
    class Meta:
        model = Atelier
        fields = [
            "title",
            "format",
            "objectives",
            "agenda_item",
            "commande",
            "facilitators",
            "participants",
            "guest_count",
            "votes_per_person",
            "summary",
        ]
        widgets = {
            "objectives": TEXTAREA,
            "summary": TEXTAREA,
            "facilitators": forms.CheckboxSelectMultiple,
            "participants": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, session, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agenda_item"].queryset = AgendaItem.objects.filter(
            day__session=session, parent__isnull=True
        ).select_related("day")
        self.fields["participants"].queryset = Person.objects.filter(
            attendances__day__session=session
        ).distinct()
        self.fields["facilitators"].queryset = Person.objects.filter(
            Q(attendances__day__session=session) | Q(facilitated_sessions=session)
        ).distinct()
        self.fields["commande"].queryset = session.programme.commandes.all()


class DebateQuestionForm(VersionedForm):
    # The counts are never in a form read earlier: taps and corrections write them (TapForm).
    class Meta:
        model = DebateQuestion
        fields = ["text", "arguments"]
        widgets = {"arguments": TEXTAREA}


class TribunalCaseForm(VersionedForm):
    class Meta:
        model = TribunalCase
        fields = [
            "question",
            "prosecution",
            "defence",
            "before_for",
            "before_against",
            "before_undecided",
            "after_for",
            "after_against",
            "after_undecided",
            "verdict",
            "lessons",
        ]
        widgets = {
            "prosecution": TEXTAREA,
            "defence": TEXTAREA,
            "verdict": TEXTAREA,
            "lessons": TEXTAREA,
        }


class DemarreurReportForm(VersionedForm):
    class Meta:
        model = DemarreurReport
        fields = list(reports.FIELDS)  # what a review freezes is what this form edits
        widgets = {
            name: TEXTAREA
            for name in [
                "phases_observed",
                "reformulated_request",
                "hypotheses",
                "options_retained",
                "next_steps",
            ]
        }


class WithinParentForm(forms.ModelForm):
    """A form whose parent (the workshop, the report) is set by the view rather than typed:
    the unique constraints that involve the parent are checked too, so a duplicate is an
    error in French on the form, never a database error."""

    def validate_unique(self) -> None:
        super().validate_unique()
        for model, constraints in self.instance.get_constraints():
            for constraint in constraints:
                try:
                    constraint.validate(model, self.instance)
                except ValidationError as error:
                    # Next to the last typed field it involves ("name" of a theme).
                    typed = [f for f in getattr(constraint, "fields", ()) if f in self.fields]
                    self.add_error(typed[-1] if typed else None, error)


class DemarreurRoleForm(WithinParentForm):
    class Meta:
        model = DemarreurRole
        fields = ["role", "person"]


class InterviewQuestionForm(forms.ModelForm):
    class Meta:
        model = InterviewQuestion
        fields = ["text", "uncomfortable"]


class ObservationForm(forms.ModelForm):
    class Meta:
        model = Observation
        fields = ["observer", "phase", "note"]
        widgets = {"note": TEXTAREA}


class StandForm(VersionedForm):
    class Meta:
        model = Stand
        fields = ["name", "offers"]
        widgets = {"offers": TEXTAREA}


class StandFeedbackForm(forms.ModelForm):
    class Meta:
        model = StandFeedback
        fields = ["stand", "understanding", "interest", "comment"]
        widgets = {"understanding": SCORE, "interest": SCORE, "comment": TEXTAREA}


class SuggestedOfferForm(forms.ModelForm):
    class Meta:
        model = SuggestedOffer
        fields = ["stand", "text"]


class RotationForm(forms.Form):
    groups = forms.CharField(
        label=_("Groups, one per line"), max_length=SHORT_TEXT, widget=TEXTAREA
    )

    def clean_groups(self) -> list[str]:
        names = [" ".join(line.split()) for line in self.cleaned_data["groups"].splitlines()]
        names = [name[:60] for name in names if name]
        if len(set(names)) != len(names):
            raise forms.ValidationError(_("Two groups have the same name."))
        return names


class CriteriaGridForm(VersionedForm):
    class Meta:
        model = CriteriaGrid
        fields = ["x_low", "x_high", "y_low", "y_high", "zones"]
        widgets = {"zones": TEXTAREA}


class RetroEntryForm(forms.ModelForm):
    class Meta:
        model = RetroEntry
        fields = ["step", "kind", "text"]
        widgets = {"text": TEXTAREA}


class IdeaForm(forms.ModelForm):
    anonymous = forms.BooleanField(label=_("Anonymous: my name is not kept"), required=False)

    class Meta:
        model = Idea
        fields = ["text", "x", "y"]
        widgets = {"text": TEXTAREA}


class ClassifyIdeaForm(forms.Form):
    """Give an idea of this workshop a theme and a place on the grid."""

    idea = forms.ModelChoiceField(label=_("Idea"), queryset=Idea.objects.none())
    theme = forms.ModelChoiceField(label=_("Theme"), queryset=Theme.objects.none(), required=False)
    x = forms.IntegerField(
        label=_("Horizontal (0–100)"), min_value=0, max_value=100, required=False
    )
    y = forms.IntegerField(label=_("Vertical (0–100)"), min_value=0, max_value=100, required=False)

    def __init__(self, *args, atelier, **kwargs):
        super().__init__(*args, **kwargs)
        if not atelier.places_ideas:
            del self.fields["x"], self.fields["y"]  # no grid to place them on
        self.fields["idea"].queryset = Idea.objects.filter(atelier=atelier)
        self.fields["theme"].queryset = Theme.objects.filter(atelier=atelier)


class ThemeForm(WithinParentForm):
    class Meta:
        model = Theme
        fields = ["name"]


class ActionForm(VersionedForm):
    class Meta:
        model = Action
        fields = ["what", "owner", "owner_name", "due_on", "done"]
        widgets = {"due_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


class RatingForm(forms.ModelForm):
    class Meta:
        model = Rating
        fields = ["score", "comment"]
        widgets = {"score": SCORE, "comment": TEXTAREA}


class PhotoForm(forms.Form):
    image = forms.FileField(
        label=_("Photo of a board (JPEG, PNG or WebP, up to 15 MB)"),
        # No "capture": a phone offers its camera and its gallery (a photo already taken).
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    caption = forms.CharField(label=_("Caption"), max_length=200, required=False)


class GuestLinkForm(forms.ModelForm):
    class Meta:
        model = GuestLink
        fields = ["purpose"]


class TapForm(forms.Form):
    """One more (or less) in a position, or a correction: "set to" with the count it
    replaces, refused if the count is no longer that (taps were made meanwhile)."""

    position = forms.ChoiceField(choices=Position.choices)
    # +1 or −1 from a button; the capture client sends the taps it holds as one number.
    delta = forms.IntegerField(min_value=-TAPS_AT_ONCE, max_value=TAPS_AT_ONCE, required=False)
    set_to = forms.IntegerField(label=_("Set to"), min_value=0, max_value=100_000, required=False)
    replacing = forms.IntegerField(min_value=0, required=False, widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if self.has_error("delta") or self.has_error("set_to"):
            return data  # said next to the number already
        if data.get("delta") == 0:
            raise forms.ValidationError(_("Tap +1 or −1, or give the corrected count."))
        if data.get("delta") is None and (
            data.get("set_to") is None or data.get("replacing") is None
        ):
            raise forms.ValidationError(_("Tap +1 or −1, or give the corrected count."))
        return data

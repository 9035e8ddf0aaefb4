"""The forms of a live room: the facilitator's (open, act) and the phone's, one per kind of
step. The forms that log a workshop's own results (feedback, observation, rating) are the
workshop page's, bound the same way (ateliers.kinds)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ateliers import forms as f
from ateliers.kinds import KINDS
from ateliers.live.services import ACTIONS, CODE_LENGTH
from ateliers.live.steps import (
    CHOICE,
    DOTS,
    IDEAS,
    OBSERVE,
    RATING,
    STANDS,
    WORDS,
    Step,
)
from ateliers.models import Atelier, Idea
from labo.lib.text import SHORT_TEXT


class OpenForm(forms.Form):
    prompt = forms.CharField(
        label=_("Word cloud question"),
        max_length=200,
        required=False,
        help_text=_("Asked first, on every phone. Empty: “One word for our lab?”"),
    )
    clear = forms.BooleanField(
        label=_("Clear the positions and words already given live to this workshop"),
        required=False,
    )

    def __init__(self, *args: Any, earlier: int = 0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not earlier:
            del self.fields["clear"]  # nothing to clear


class ActionForm(forms.Form):
    action = forms.ChoiceField(choices=[(action, action) for action in ACTIONS])
    step = forms.CharField(max_length=40, required=False)


class JoinForm(forms.Form):
    code = forms.CharField(
        label=_("Code shown on the screen"),
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "inputmode": "text",
                "class": "join-code",
            }
        ),
    )

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split()).upper()
        # Six letters and digits: one outside the alphabet is a code no room has (said so by
        # the view), not a malformed one.
        if len(code) != CODE_LENGTH or not code.isalnum() or not code.isascii():
            raise forms.ValidationError(
                _("A code has %(count)d letters and digits, as shown on the screen."),
                params={"count": CODE_LENGTH},
            )
        return code


class WordsForm(forms.Form):
    value = forms.CharField(
        label=_("Up to three words, separated by commas"),
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "off", "enterkeyhint": "send"}),
    )


class ChoiceForm(forms.Form):
    value = forms.ChoiceField(label=_("Your answer"))

    def __init__(self, *args: Any, step: Step, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["value"].choices = list(step.choices)  # type: ignore[attr-defined]


class IdeaForm(forms.Form):
    text = forms.CharField(
        label=_("Your idea"),
        max_length=SHORT_TEXT,
        widget=forms.Textarea(attrs={"rows": 3, "enterkeyhint": "send"}),
        help_text=_("Anonymous: shown on the screen when the facilitator reveals the ideas."),
    )


class DotForm(forms.Form):
    idea = forms.ModelChoiceField(queryset=Idea.objects.none(), required=False)
    remove = forms.ModelChoiceField(queryset=Idea.objects.none(), required=False)

    def __init__(self, *args: Any, atelier: Atelier, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("idea", "remove"):
            self.fields[name].queryset = Idea.objects.filter(atelier=atelier)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("idea") and not data.get("remove"):
            raise forms.ValidationError(_("Choose an idea."))
        data["remove"], data["idea"] = bool(data.get("remove")), data.get("remove") or data["idea"]
        return data


def form_for(step: Step, atelier: Atelier, data=None) -> forms.BaseForm:
    """The phone's form for a step, bound to what was sent (or empty)."""
    if step.kind == WORDS:
        return WordsForm(data, prefix="live")
    if step.kind == CHOICE:
        return ChoiceForm(data, step=step, prefix="live")
    if step.kind == IDEAS:
        return IdeaForm(data, prefix="live")
    if step.kind == DOTS:
        return DotForm(data, atelier=atelier)
    if step.kind == STANDS:
        return KINDS["feedback"].bind(atelier, data)
    if step.kind == OBSERVE:
        return KINDS["observation"].bind(atelier, data)
    if step.kind == RATING:
        return f.RatingForm(data, prefix="rating")
    raise ValueError(step.kind)

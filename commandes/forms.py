from __future__ import annotations

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from commandes.models import Commande, Deliverable, GateReview, Status, Task, TeamMember
from labo.lib.text import LONG_TEXT, SHORT_TEXT
from labo.lib.widgets import LongSelect, ScaleSelect
from labo.models import Direction, Person, Programme, Skill

TEXTAREA = forms.Textarea(attrs={"rows": 3})
SCORE = ScaleSelect()


class CommandeForm(forms.ModelForm):
    class Meta:
        model = Commande
        fields = [
            "programme",
            "title",
            "commanditaire",
            "commanditaire_role",
            "direction",
            "initial_wording",
            "context",
        ]
        widgets = {"initial_wording": TEXTAREA, "context": TEXTAREA}


class MoveForm(forms.Form):
    to_status = forms.ChoiceField(label=_("Move to"), choices=Status.choices)
    # The status the user saw: a move chosen on a view older than the last move is refused.
    expected_status = forms.ChoiceField(
        choices=Status.choices,
        widget=forms.HiddenInput,
        error_messages={
            "required": _(
                "This move comes from a page that says no status: reload it and try again."
            )
        },
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, max_length=SHORT_TEXT, widget=TEXTAREA
    )
    reformulated_wording = forms.CharField(
        label=_("Reformulated request"), required=False, max_length=LONG_TEXT, widget=TEXTAREA
    )
    shelved_until = forms.DateField(
        label=_("Look at it again on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    abandon_reason = forms.CharField(
        label=_("Reason for abandoning"), required=False, max_length=SHORT_TEXT, widget=TEXTAREA
    )

    def clean_to_status(self) -> Status:
        return Status(self.cleaned_data["to_status"])

    def clean_expected_status(self) -> Status:
        return Status(self.cleaned_data["expected_status"])


class GateReviewForm(forms.ModelForm):
    class Meta:
        model = GateReview
        fields = ["value", "feasibility", "alignment", "urgency", "comment"]
        widgets = {
            "value": SCORE,
            "feasibility": SCORE,
            "alignment": SCORE,
            "urgency": SCORE,
            "comment": TEXTAREA,
        }


class TeamMemberForm(forms.ModelForm):
    class Meta:
        model = TeamMember
        fields = ["person", "role"]

    def __init__(self, *args, commande, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = Person.objects.active().exclude(
            team_memberships__commande=commande
        )


class WantedSkillsForm(forms.Form):
    skills = forms.ModelMultipleChoiceField(
        label=_("Skills and appetites wanted"),
        queryset=Skill.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class TaskForm(forms.ModelForm):
    class Meta:
        model = Task
        fields = ["title", "owner", "due_on"]
        widgets = {"due_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


class DeliverableForm(forms.ModelForm):
    MAX_BYTES = 20 * 1024 * 1024

    # Django 6's default for a link typed without its scheme; the model's bound (a longer
    # link was a database error on PostgreSQL).
    url = forms.URLField(label=_("link"), required=False, max_length=200, assume_scheme="https")

    class Meta:
        model = Deliverable
        fields = ["kind", "title", "file", "url"]

    def clean_file(self):
        file = self.cleaned_data.get("file")
        if file and file.size > self.MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        return file

    def clean(self):
        data = super().clean()
        if not data.get("file") and not data.get("url"):
            raise forms.ValidationError(_("Give a file or a link."))
        return data


class BoardFilterForm(forms.Form):
    """The board's and the list's filters. Their choices come from the commandes the viewer
    may see: an ambassador is offered neither the lab's other commanditaires nor a choice
    that would show nothing."""

    programme = forms.ModelChoiceField(
        label=_("Programme"),
        queryset=Programme.objects.none(),
        required=False,
        empty_label=_("All programmes"),
        widget=LongSelect,
    )
    commanditaire = forms.ModelChoiceField(
        label=_("Commanditaire"),
        required=False,
        empty_label=_("All commanditaires"),
        queryset=Person.objects.none(),
        widget=LongSelect,
    )
    direction = forms.ModelChoiceField(
        label=_("Direction"),
        queryset=Direction.objects.none(),
        required=False,
        empty_label=_("All directions"),
        widget=LongSelect,
    )
    q = forms.CharField(label=_("Search"), required=False, max_length=100)

    def __init__(self, *args, commandes: QuerySet[Commande], **kwargs):
        super().__init__(*args, **kwargs)
        for name, model in (
            ("programme", Programme),
            ("commanditaire", Person),
            ("direction", Direction),
        ):
            self.fields[name].queryset = model.objects.filter(  # type: ignore[attr-defined]
                pk__in=commandes.order_by().values(name)
            )

    def filter(self, commandes: QuerySet[Commande]) -> QuerySet[Commande]:
        """The commandes that match the filters and every word searched."""
        data = self.cleaned_data
        for name in ("programme", "commanditaire", "direction"):
            if data.get(name):
                commandes = commandes.filter(**{name: data[name]})
        for word in (data.get("q") or "").split():
            commandes = commandes.filter(
                Q(title__icontains=word)
                | Q(initial_title__icontains=word)
                | Q(initial_wording__icontains=word)
                | Q(reformulated_wording__icontains=word)
            )
        return commandes

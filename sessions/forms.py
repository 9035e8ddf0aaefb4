from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from labo.lib.versions import VersionedForm, keep_initials
from labo.models import Person, Programme
from labo.roles import FACILITATOR
from sessions.models import (
    AgendaItem,
    Attendance,
    AttendanceRole,
    Day,
    Method,
    RunAction,
    Session,
    SessionTemplate,
)
from sessions.synthesis import choices_of

MAX_SESSION_DAYS = 14
MAX_KEY_MESSAGES = 5
MAX_KEY_MESSAGE_LENGTH = 200


class SessionForm(VersionedForm):
    template = forms.ModelChoiceField(
        label=_("Start from a template"),
        queryset=SessionTemplate.objects.all(),
        required=False,
        empty_label=_("No template: empty days"),
    )

    class Meta:
        model = Session
        fields = [
            "programme",
            "number",
            "title",
            "place",
            "starts_on",
            "ends_on",
            "objectives",
            "facilitators",
            "status",
            "preparation_half_days",
        ]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "objectives": forms.Textarea(attrs={"rows": 3}),
            "facilitators": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, programmes=None, **kwargs):
        super().__init__(*args, **kwargs)
        if programmes is not None:
            self.fields["programme"].queryset = programmes
        self.fields["facilitators"].queryset = Person.objects.filter(
            user__groups__name=FACILITATOR
        ).distinct()
        if self.instance.pk:
            del self.fields["template"]
        else:
            del self.fields["status"]

    def clean(self):
        data = super().clean()
        start, end = data.get("starts_on"), data.get("ends_on")
        if start and end:
            if end < start:
                self.add_error("ends_on", _("The end date must be on or after the start date."))
            elif (end - start).days + 1 > MAX_SESSION_DAYS:
                self.add_error(
                    "ends_on",
                    _("A session lasts at most %(days)d days.") % {"days": MAX_SESSION_DAYS},
                )
        return data


class DayForm(VersionedForm):
    class Meta:
        model = Day
        fields = ["title", "starts_at", "ends_at", "capacity"]
        widgets = {
            "starts_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "ends_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }

    def clean(self):
        data = super().clean()
        start, end = data.get("starts_at"), data.get("ends_at")
        if start and end and end <= start:
            self.add_error("ends_at", _("The day must end after it starts."))
        return data


class ItemForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    class Meta:
        model = AgendaItem
        fields = [
            "title",
            "kind",
            "duration_minutes",
            "fixed_start",
            "description",
            "facilitators",
            "materials",
            "alternative_plan",
        ]
        widgets = {
            "fixed_start": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "duration_minutes": forms.NumberInput(attrs={"min": 1, "max": 720, "step": 5}),
            "description": forms.Textarea(attrs={"rows": 2}),
            "materials": forms.Textarea(attrs={"rows": 2}),
            "alternative_plan": forms.Textarea(attrs={"rows": 2}),
            "facilitators": forms.CheckboxSelectMultiple,
        }
        error_messages = {
            "duration_minutes": {
                "min_value": _("A block lasts at least one minute."),
                "max_value": _("A block lasts at most 12 hours (720 minutes)."),
                "invalid": _("Enter a duration in whole minutes."),
            }
        }

    def __init__(self, *args, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version
        keep_initials(self)
        self.fields["facilitators"].queryset = (
            people if people is not None else Person.objects.none()
        )

    def values(self) -> dict[str, Any]:
        """The block as edited, for services.save_item: its fields, the version the form was
        loaded at, and its runners only when they changed (the form read them once already,
        as its initial value), else None."""
        data = self.cleaned_data
        runners = data["facilitators"] if "facilitators" in self.changed_data else None
        fields = [name for name in self.Meta.fields if name != "facilitators"]
        return {
            **{name: data[name] for name in fields},
            "version": data["version"],
            "runners": runners,
        }


class QuickItemForm(forms.ModelForm):
    """The short form at the foot of a day: enough to add a block, the rest is edited inline."""

    class Meta:
        model = AgendaItem
        fields = ["title", "kind", "duration_minutes", "fixed_start"]
        widgets = ItemForm.Meta.widgets
        error_messages = ItemForm.Meta.error_messages


class SubgroupForm(forms.Form):
    title = forms.CharField(label=_("Parallel sub-group"), max_length=200)


class MoveToDayForm(forms.Form):
    day = forms.ModelChoiceField(
        label=_("Move to"),
        queryset=Day.objects.none(),
        error_messages={"invalid_choice": _("Choose a day of this session.")},
    )
    position = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
    # The block's start where it is: on the new day it goes after the blocks starting before.
    at = forms.TimeField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, session: Session, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["day"]).queryset = session.days.all()


STALE = _("The agenda changed since you loaded it: here it is as it is now. Try again.")


class ReorderForm(forms.Form):
    # Room for the ids of a few hundred blocks.
    order = forms.CharField(max_length=20_000, widget=forms.HiddenInput)
    # The revision of the day the order was drawn from: an order drawn from a day that
    # changed since would undo what changed (sessions.services.reorder_day).
    revision = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=0,
        error_messages={
            "required": STALE,
            "invalid": STALE,
        },
    )

    def clean_order(self) -> list[int]:
        try:
            ids = [int(part) for part in self.cleaned_data["order"].split(",") if part.strip()]
        except ValueError as error:
            raise forms.ValidationError(_("The new order is not readable.")) from error
        return ids


class MoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", _("Up")), ("down", _("Down"))])

    @property
    def offset(self) -> int:
        return -1 if self.cleaned_data["direction"] == "up" else 1


class RunActionForm(forms.Form):
    action = forms.ChoiceField(choices=RunAction.choices)
    # Starting again or resetting a day under way is asked twice (sessions.services).
    confirm = forms.BooleanField(required=False)


class MethodPickForm(forms.Form):
    EMPTY_LABEL = _("Choose a method")

    method = forms.ModelChoiceField(
        label=_("From the method library"),
        queryset=Method.objects.all(),
        empty_label=EMPTY_LABEL,
    )

    def __init__(self, *args, choices: list[tuple[object, str]] | None = None, **kwargs) -> None:
        """``choices``: the library as options read once for a whole page, instead of a
        query per form drawn."""
        super().__init__(*args, **kwargs)
        if choices is not None:
            cast(forms.ModelChoiceField, self.fields["method"]).choices = choices


class TemplateForm(forms.ModelForm):
    class Meta:
        model = SessionTemplate
        fields = ["name", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


class AttendanceForm(VersionedForm):
    class Meta:
        model = Attendance
        fields = ["role", "present"]


# edit_only: the sheet changes the day's attendances, a forged form count creates none.
AttendanceFormSet = forms.modelformset_factory(
    Attendance, form=AttendanceForm, extra=0, can_delete=True, edit_only=True
)


class AddAttendeesForm(forms.Form):
    people = forms.ModelMultipleChoiceField(
        label=_("Add people"),
        queryset=Person.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    role = forms.ChoiceField(
        label=_("Role"), choices=AttendanceRole.choices, initial=AttendanceRole.AMBASSADOR
    )

    def __init__(self, *args, day: Day, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelMultipleChoiceField, self.fields["people"]).queryset = (
            Person.objects.active().exclude(attendances__day=day).select_related("direction")
        )


def programmes_of(user) -> QuerySet[Programme]:
    if user.is_superuser:
        return Programme.objects.all()
    return Programme.objects.filter(facilitators__user=user)


class SynthesisForm(forms.Form):
    """Which workshops and photos go into the synthesis (all of them unless unticked)."""

    ateliers: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        label=_("Workshops"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    photos: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        label=_("Photos"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, session, **kwargs) -> None:

        super().__init__(*args, **kwargs)
        ateliers, photos = choices_of(session)
        cast(forms.ModelMultipleChoiceField, self.fields["ateliers"]).queryset = ateliers
        cast(forms.ModelMultipleChoiceField, self.fields["photos"]).queryset = photos
        if not self.is_bound:
            self.initial.update(ateliers=list(ateliers), photos=list(photos))

    def clean_photos(self):
        photos = self.cleaned_data["photos"]
        if len(photos) > settings.LABO_SYNTHESIS_MAX_PHOTOS:
            raise forms.ValidationError(
                _("At most %(n)s photos can go into the synthesis.")
                % {"n": settings.LABO_SYNTHESIS_MAX_PHOTOS}
            )
        return photos

    def chosen_ids(self) -> dict[str, list[int]]:
        """The choice as stored with the document: the ids, sorted."""
        return {
            name: sorted(obj.pk for obj in self.cleaned_data[name])
            for name in ("ateliers", "photos")
        }


class KeyMessagesForm(VersionedForm):
    """The synthesis's "À retenir": a few short messages, one a line."""

    class Meta:
        model = Session
        fields = ["key_messages"]
        labels = {"key_messages": _("Write or edit the key messages")}
        help_texts = {
            "key_messages": _(
                "One message per line: three to five, of at most 200 characters each."
            )
        }
        widgets = {"key_messages": forms.Textarea(attrs={"rows": 5})}

    def clean_key_messages(self) -> str:
        lines = [line.strip() for line in self.cleaned_data["key_messages"].splitlines()]
        messages = [line for line in lines if line]
        if len(messages) > MAX_KEY_MESSAGES:
            raise forms.ValidationError(
                _("At most %(max)s messages: there are %(n)s.")
                % {"max": MAX_KEY_MESSAGES, "n": len(messages)}
            )
        for number, message in enumerate(messages, start=1):
            if len(message) > MAX_KEY_MESSAGE_LENGTH:
                raise forms.ValidationError(
                    _("Message %(number)s is too long: %(length)s characters, at most %(max)s.")
                    % {"number": number, "length": len(message), "max": MAX_KEY_MESSAGE_LENGTH}
                )
        return "\n".join(messages)


class DurationForm(forms.Form):
    """A block's duration changed in place: typed, or a step (± 5 min) from what it is."""

    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"),
        required=False,
        min_value=1,
        max_value=720,
        error_messages=ItemForm.Meta.error_messages["duration_minutes"],
    )
    step = forms.TypedChoiceField(
        choices=[("", ""), ("-5", "-5"), ("5", "5")], coerce=int, required=False, empty_value=None
    )

    def clean(self):
        data = super().clean()
        if not data.get("step") and data.get("duration_minutes") is None and not self.errors:
            self.add_error("duration_minutes", _("Enter a duration in whole minutes."))
        return data

    def minutes_from(self, current: int) -> int:
        """The new duration: the step applied to the current one (kept within a minute and
        12 hours), or the typed one."""
        step = self.cleaned_data["step"]
        if step:
            return max(5 if current > 5 else 1, min(720, current + step))
        return self.cleaned_data["duration_minutes"]

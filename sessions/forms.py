from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from labo.lib.versions import VersionedForm, keep_initials
from labo.models import Person, Programme
from labo.roles import FACILITATOR
from sessions import services
from sessions.models import (
    AgendaItem,
    Attendance,
    AttendanceRole,
    Day,
    Method,
    MethodStep,
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

    def __init__(self, *args, programmes=None, creator: Person | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        programme_field = cast(forms.ModelChoiceField, self.fields["programme"])
        if programmes is not None:
            programme_field.queryset = programmes
        cast(
            forms.ModelMultipleChoiceField, self.fields["facilitators"]
        ).queryset = Person.objects.filter(user__groups__name=FACILITATOR).distinct()
        if self.instance.pk:
            del self.fields["template"]
            return
        del self.fields["status"]
        # A new session: its number may be left to the lab (the next free one of the
        # programme), the only programme is chosen, and its creator runs it.
        self.fields["number"].required = False
        self.fields["number"].help_text = _(
            "Leave it empty for the next free number of the programme."
        )
        if creator is not None and not self.is_bound:
            self.initial.setdefault("facilitators", [creator.pk])
        numbers = services.next_session_numbers(cast(QuerySet[Programme], programme_field.queryset))
        if len(numbers) == 1:
            [(programme, number)] = numbers.items()
            self.initial.setdefault("programme", programme.pk)
            self.initial.setdefault("number", number)
        elif numbers:
            self.fields["number"].help_text = _(
                "Leave it empty for the next free number of the programme (%(numbers)s)."
            ) % {"numbers": ", ".join(f"{p.name} : {n}" for p, n in numbers.items())}

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
        programme = data.get("programme")
        if programme is not None and "number" not in self.errors:
            number = data.get("number")
            if number is None:
                data["number"] = services.next_session_number(programme)
            else:
                self.check_number(programme, number)
        return data

    def check_number(self, programme: Programme, number: int) -> None:
        """A sentence about the number instead of Django's "Session with this Programme and
        Number already exists"."""
        taken = Session.objects.filter(programme=programme, number=number)
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            self.add_error("number", number_taken(programme, number))


def number_taken(programme: Programme, number: int) -> str:
    return _(
        "Number %(number)s is already taken in this programme: the next free one is %(next)s."
    ) % {"number": number, "next": services.next_session_number(programme)}


def name_taken(name: str) -> str:
    return _("The name “%(name)s” is already used: choose another one.") % {"name": name}


def check_name_free(model, name: str, instance=None) -> None:
    """A sentence about the name when another row of ``model`` already has it."""
    others = model.objects.filter(name__iexact=name)
    if instance is not None and instance.pk:
        others = others.exclude(pk=instance.pk)
    if others.exists():
        raise forms.ValidationError(name_taken(name))


class TemplateDaysForm(forms.Form):
    """Which day of a template each day of a new session takes, asked when their numbers of
    days differ: nothing is applied until the facilitator confirms."""

    def __init__(self, *args, template: SessionTemplate, dates: list, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.template, self.dates = template, dates
        choices: list[tuple[str, str]] = [("", str(_("An empty day")))]
        for index, spec in enumerate(template.days):
            label = _("Day %(n)s of the template") % {"n": index + 1}
            title = spec.get("title") or ""
            count = len(spec.get("items", []))
            choices.append((str(index), f"{label}{f' — {title}' if title else ''} ({count} bl.)"))
        for position, date in enumerate(dates):
            self.fields[f"day{position}"] = forms.TypedChoiceField(
                label=_("%(date)s (day %(n)s)")
                % {"date": date_format(date, "l j F"), "n": position + 1},
                choices=choices,
                coerce=int,
                empty_value=None,
                required=False,
                initial=str(position) if position < len(template.days) else "",
            )

    def chosen(self) -> list[int | None]:
        return [self.cleaned_data[f"day{n}"] for n in range(len(self.dates))]

    def left_out(self) -> list[int]:
        """The template's days (numbered from 1) the choice leaves out."""
        kept = set(self.chosen())
        return [n + 1 for n in range(len(self.template.days)) if n not in kept]


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

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        check_name_free(SessionTemplate, name, self.instance)
        return name

    def validate_unique(self) -> None:
        """clean_name says it in a sentence (a race is caught by the view)."""


class TemplateDeleteForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Yes, delete this template"),
        error_messages={"required": _("Tick the box to confirm the deletion.")},
    )


class MethodForm(forms.ModelForm):
    whole_day = forms.BooleanField(
        label=_("A whole (or half) day made of steps"),
        required=False,
        help_text=_("Added to a day, the method gives its steps instead of one block."),
    )

    class Meta:
        model = Method
        fields = list(services.METHOD_FIELDS)  # what services writes of a method
        labels = {"alternative_plan": _("Plan B")}
        help_texts = {"alternative_plan": _("What we do if far fewer (or more) people come.")}
        widgets = {
            "fixed_start": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "duration_minutes": forms.NumberInput(attrs={"min": 1, "max": 720, "step": 5}),
            "instructions": forms.Textarea(attrs={"rows": 4}),
            "materials": forms.Textarea(attrs={"rows": 2}),
            "alternative_plan": forms.Textarea(attrs={"rows": 2}),
            "subgroups": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = ItemForm.Meta.error_messages

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound and self.instance.pk:
            self.initial["whole_day"] = self.instance.steps.exists()

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        check_name_free(Method, name, self.instance)
        return name

    def validate_unique(self) -> None:
        """clean_name says it in a sentence (a race is caught by the view)."""


class MethodStepForm(forms.ModelForm):
    class Meta:
        model = MethodStep
        fields = ["title", "kind", "duration_minutes", "fixed_start", "description"]
        widgets = {
            "fixed_start": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "duration_minutes": forms.NumberInput(attrs={"min": 1, "max": 720, "step": 5}),
            "description": forms.Textarea(attrs={"rows": 2}),
        }
        error_messages = ItemForm.Meta.error_messages


class BaseMethodStepFormSet(forms.BaseInlineFormSet):
    def steps(self) -> list[dict[str, Any]]:
        """The steps kept, in order, as plain values (blank and deleted rows left out)."""
        return [
            form.cleaned_data
            for form in self.forms
            if form.has_changed() and form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]


MethodStepFormSet = forms.inlineformset_factory(
    Method,
    MethodStep,
    form=MethodStepForm,
    formset=BaseMethodStepFormSet,
    extra=3,
    max_num=30,
    validate_max=True,
    can_delete=True,
)


def check_whole_day(form: MethodForm, steps: BaseMethodStepFormSet) -> bool:
    """A whole-day method needs steps, a single block none (nothing dropped unasked)."""
    whole_day = form.cleaned_data.get("whole_day")
    count = len(steps.steps())
    if whole_day and count == 0:
        form.add_error("whole_day", _("Give the whole-day method at least one step below."))
        return False
    if not whole_day and count:
        form.add_error(
            "whole_day",
            _(
                "The method has %(n)s step(s): tick this box, or delete the steps to make it "
                "a single block."
            )
            % {"n": count},
        )
        return False
    return True


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

"""Edits made through a form read earlier: the form carries the version of the row it was
read at, and the save is refused when someone else saved the row since.

A model opts in with a ``version`` field (``version_field()``); its form mixes in
``VersionedForm``; its service calls ``claim(obj, version)`` inside its transaction, before
writing only the fields the form edits. The check and the bump are one UPDATE, so two
saves of the same version cannot both pass, and the row stays locked until the save ends.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django import forms
from django.db import models
from django.db.models import F
from django.utils.translation import gettext_lazy as _

STALE = _(
    "Someone else changed this while you were editing it. Your text is still in the form: "
    "check what changed and save again to keep your version."
)


class StaleVersion(Exception):
    """The row changed since the form was read; the message (French) says what to do."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(str(message or STALE))


def version_field() -> models.PositiveIntegerField:
    """The counter of saves made through forms; never edited, never written back from a copy."""
    return models.PositiveIntegerField(_("version"), default=0, editable=False)


def claim(obj: models.Model, version: int | None) -> None:
    """Move the row's version on if it is still ``version``, else raise StaleVersion. To be
    called inside the transaction that then writes the row (it holds the row's lock).
    ``version`` None: the form was read before the row existed, so it is stale as soon as
    anyone saved the row through a form (version 0 is a row never saved through one)."""
    expected = 0 if version is None else version
    manager = type(obj)._default_manager
    if not manager.filter(pk=obj.pk, version=expected).update(version=F("version") + 1):
        raise StaleVersion
    obj.version = expected + 1  # type: ignore[attr-defined]


def bump(obj: models.Model) -> None:
    """Move the row's version on whatever it is: a change made elsewhere than in its form
    (a toggle, a move) makes the forms read before it stale."""
    type(obj)._default_manager.filter(pk=obj.pk).update(version=F("version") + 1)


def keep_initials(form: forms.BaseForm) -> None:
    """Each field also sends, hidden, the value the form was drawn with: on a conflict,
    ``rebind`` tells what the user changed (kept) from what they did not (today's value)."""
    for name, field in form.fields.items():
        if name != "version":
            field.show_hidden_initial = True


class VersionedForm(forms.ModelForm):
    """A model form that carries, hidden, the version of the row it was read at (required
    when it edits an existing row, absent for a new one): ``cleaned_data.get("version")``
    is for ``claim``,
    ``edited(form)`` for the write."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            del self.fields["version"]  # a new row: nothing to be stale against
        else:
            self.fields["version"].initial = self.instance.version
            keep_initials(self)

    def clean(self) -> dict[str, Any] | None:
        data = super().clean()
        if self.has_error("version"):
            # A hidden field's error would show nowhere: said once, for the whole form.
            self.add_error(None, str(STALE))
        return data


def edited(form: forms.BaseForm) -> dict[str, Any]:
    """What a (versioned) form edits: its cleaned data without its version."""
    return {k: v for k, v in form.cleaned_data.items() if k != "version"}


AnyForm = TypeVar("AnyForm", bound=forms.BaseForm)


def rebind(
    form: AnyForm, instance: models.Model, *, message: str | None = None, **kwargs: Any
) -> AnyForm:
    """The refused form again over the row as it is now, its version the current one: what
    the user changed is kept (saving again keeps it on purpose, and a field someone else
    changed too says so); what they did not change shows today's value, so that saving again
    does not put back what the other person changed."""
    data = form.data.copy()  # type: ignore[attr-defined]
    today = type(form)(instance=instance, prefix=form.prefix, **kwargs)  # type: ignore[call-arg]
    theirs = []
    for name in form.fields:
        if name == "version":
            continue
        if name in form.changed_data:
            if _changed_since_drawn(form, today, name):
                theirs.append(name)
            continue
        _put(data, today[name])
    data[form.add_prefix("version")] = str(instance.version)  # type: ignore[attr-defined]
    again = type(form)(data, instance=instance, prefix=form.prefix, **kwargs)  # type: ignore[call-arg]
    again.is_valid()
    again.add_error(None, str(message or STALE))
    for name in theirs:
        if name in again.fields:
            again.add_error(name, str(CHANGED_TOO))
    return again


CHANGED_TOO = _("Changed meanwhile by someone else too: your version is the one shown here.")


def _changed_since_drawn(form: forms.BaseForm, today: forms.BaseForm, name: str) -> bool:
    """Whether the row's value of ``name`` differs from the one the form was drawn with."""
    field = form.fields[name]
    if not field.show_hidden_initial:
        return False
    bound = form[name]
    drawn = field.hidden_widget().value_from_datadict(
        form.data, form.files, bound.html_initial_name
    )
    return field.has_changed(today[name].initial, drawn)


def _put(data: Any, bound: forms.BoundField) -> None:
    """Write a field's value as a browser would post it."""
    value = bound.value()
    if isinstance(bound.field.widget, forms.CheckboxInput):
        if value:
            data[bound.html_name] = "on"
        else:
            data.pop(bound.html_name, None)
    elif isinstance(value, list | tuple):
        data.setlist(bound.html_name, [str(v) for v in value])
    else:
        data[bound.html_name] = "" if value is None else str(value)

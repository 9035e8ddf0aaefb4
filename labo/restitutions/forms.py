"""The period a dashboard or review looks at, and the search box."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from labo.models import Programme


class ReviewForm(forms.Form):
    """The period (and programme) the dashboard and the programme review look at."""

    MAX_DAYS = 5 * 366

    programme = forms.ModelChoiceField(
        label=_("Programme"),
        queryset=Programme.objects.all(),
        required=False,
        empty_label=_("All programmes"),
    )
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                self.add_error("end", _("The end of the period comes before its start."))
            elif (end - start).days > self.MAX_DAYS:
                self.add_error("end", _("The period cannot be longer than five years."))
        return data

    @classmethod
    def default_data(cls, today: datetime.date) -> dict:
        """The last twelve months of the newest programme."""
        programme = Programme.objects.order_by(F("starts_on").desc(nulls_last=True), "-pk").first()
        return {
            "programme": programme.pk if programme else "",
            "start": (today - datetime.timedelta(days=364)).isoformat(),
            "end": today.isoformat(),
        }


class ReviewRequestForm(ReviewForm):
    """The programme review is the review of one programme."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programme"].required = True
        self.fields["programme"].error_messages["required"] = _("Choose the programme to review.")


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        min_length=2,
        max_length=200,
        error_messages={"min_length": _("Type at least two characters.")},
    )

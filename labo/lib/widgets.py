"""Widgets of our own, where Django's would be too slow for what a page holds."""

from __future__ import annotations

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

# Django's blank choice of a select (BLANK_CHOICE_DASH, ModelChoiceField.empty_label), and
# how our selects write it: the project's select template and LongSelect alike.
DJANGO_BLANK = "---------"
CHOOSE = _("— Choose —")


class LongSelect(forms.Select):
    """A select for hundreds of options (every commanditaire of five years), written by
    Python in one pass instead of one template step per option: the same markup as the
    project's ``django/forms/widgets/select.html``, without option groups."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        chosen = {str(v) for v in self.format_value(value)}
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (
                    key,
                    mark_safe(" selected") if str(key) in chosen else "",
                    CHOOSE if label == DJANGO_BLANK else label,
                )
                for key, label in self.choices
            ),
        )
        return format_html(
            '<select name="{}"{}>{}</select>',
            name,
            _attributes(self.build_attrs(self.attrs, attrs)),
            options,
        )


def _attributes(attrs: dict) -> SafeString:
    """As django/forms/widgets/attrs.html writes them: in order, True as a bare name."""
    return format_html_join(
        "",
        "{}",
        (
            (format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value),)
            for name, value in attrs.items()
            if value is not False
        ),
    )


class ScaleSelect(forms.RadioSelect):
    """A 1–5 scale: one row of large targets, each radio inside its own label with its
    number (the field is drawn in a fieldset whose legend is its label)."""

    template_name = "labo/widgets/scale.html"

    def __init__(self, attrs=None, choices=()) -> None:
        super().__init__(attrs, choices or [(n, str(n)) for n in range(1, 6)])

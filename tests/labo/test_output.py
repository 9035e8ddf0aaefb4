"""What pages print: French labels, a French blank choice, machine times without
microseconds."""

import datetime
import zoneinfo

import pytest
from django import forms
from django.apps import apps
from django.template import Context, Template
from django.utils import translation

from labo.lib.widgets import LongSelect
from labo.models import Person
from labo.templatetags.datetimes import iso
from sessions.models import AttendanceRole

# Words that are the same in both languages.
SAME_IN_FRENCH = {"Commanditaire", "Scribe", "Prototype", "Prototype / test", "Questionnaire"}
PROJECT_APPS = {"labo", "labo_sessions", "ateliers", "commandes"}


def test_every_choice_of_the_models_is_in_french():
    english = []
    for model in apps.get_models():
        if model._meta.app_label not in PROJECT_APPS:
            continue
        for field in model._meta.get_fields():
            for _value, label in getattr(field, "flatchoices", None) or []:
                with translation.override("fr"):
                    french = str(label)
                with translation.override("en"):
                    source = str(label)
                if french == source and french not in SAME_IN_FRENCH:
                    english.append(f"{model._meta.label}.{field.name}: {french}")

    assert english == []


def test_attendance_roles_are_in_french():
    with translation.override("fr"):
        assert [str(label) for _value, label in AttendanceRole.choices] == [
            "Ambassadeur",
            "Animateur",
            "Invité",
            "Observateur",
            "Direction",
        ]


class _Form(forms.Form):
    mentor = forms.ModelChoiceField(queryset=Person.objects.none(), required=False)
    kind = forms.ChoiceField(choices=[("", "---------"), ("a", "A")], required=False)
    everyone = forms.ChoiceField(choices=[("", "Tous"), ("a", "A")], required=False)
    many = forms.ChoiceField(choices=[("", "---------"), ("a", "A")], widget=LongSelect)


@pytest.mark.django_db
def test_a_selects_blank_choice_reads_choose_in_french():
    with translation.override("fr"):
        html = Template("{{ form }}").render(Context({"form": _Form()}))

    assert "---------" not in html
    assert html.count('<option value="" selected>— Choisir —</option>') == 3  # LongSelect too
    assert '<option value="" selected>Tous</option>' in html  # a blank of its own stays


PARIS = zoneinfo.ZoneInfo("Europe/Paris")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (
            datetime.datetime(2026, 11, 3, 13, 5, 7, 123456, tzinfo=datetime.UTC),
            "2026-11-03T14:05:07+01:00",
        ),
        (datetime.datetime(2026, 7, 1, 9, 30, 0, 999, tzinfo=PARIS), "2026-07-01T09:30:00+02:00"),
        (datetime.date(2026, 7, 1), "2026-07-01"),
        (None, ""),
    ],
)
def test_a_machine_time_is_to_the_second_with_its_offset(value, expected):
    assert iso(value) == expected

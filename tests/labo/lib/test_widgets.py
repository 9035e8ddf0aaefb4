"""LongSelect writes the same markup as the project's select template, faster."""

from django import forms

from labo.lib.widgets import LongSelect

CHOICES = [("", "Tous"), (1, "Marc <Aubert>"), (2, "Sophie & Co"), (3, "Claire")]


def _pair(value, attrs=None):
    plain = forms.Select(choices=CHOICES).render("who", value, attrs=attrs)
    quick = LongSelect(choices=CHOICES).render("who", value, attrs=attrs)
    return plain, quick


def test_the_markup_is_the_templates_own_with_a_choice_and_attributes():
    plain, quick = _pair(2, {"id": "id_who", "aria-invalid": "true", "required": True})

    assert quick == plain
    assert '<option value="2" selected>Sophie &amp; Co</option>' in quick
    assert "Marc &lt;Aubert&gt;" in quick


def test_without_a_choice_nothing_is_selected():
    plain, quick = _pair(None)

    assert quick == plain
    assert quick.count("selected") == 1 and '<option value="" selected>' in quick

"""LongSelect writes the same markup as the project's select template, faster; a score is
one group of labelled radios."""

from html.parser import HTMLParser

import pytest
from django import forms
from django.template.loader import render_to_string

from ateliers.forms import RatingForm
from commandes.forms import GateReviewForm
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


class _Groups(HTMLParser):
    """Each radio with the tags around it, and each fieldset with its legend's text."""

    VOID = {"input", "br", "img", "meta", "link", "hr", "source", "wbr"}

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, dict]] = []
        self.radios: list[tuple[dict, list[str]]] = []
        self.fieldsets: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("type") == "radio":
            self.radios.append((attrs, [t for t, _ in self.stack]))
        if tag == "fieldset":
            self.fieldsets.append({"attrs": attrs, "legend": ""})
        if tag not in self.VOID:
            self.stack.append((tag, attrs))

    def handle_endtag(self, tag):
        while self.stack and self.stack.pop()[0] != tag:
            pass

    def handle_data(self, data):
        if any(t == "legend" for t, _ in self.stack):
            self.fieldsets[-1]["legend"] += data


def groups_of(html: str) -> _Groups:
    parser = _Groups()
    parser.feed(html)
    return parser


def _drawn(form) -> str:
    return render_to_string("labo/_form_fields.html", {"form": form})


@pytest.mark.parametrize(
    ("form", "legends"),
    [
        (RatingForm(prefix="rating"), ["Note (1 à 5) *"]),
        (GateReviewForm(), None),  # four scores
    ],
)
def test_a_score_is_a_fieldset_with_a_legend_and_labels_around_its_radios(form, legends):
    groups = groups_of(_drawn(form))

    assert groups.radios and len(groups.radios) % 5 == 0
    for _attrs, around in groups.radios:
        assert around[-1] == "label" and "fieldset" in around
    assert '<label for="">' not in _drawn(form)
    assert len(groups.fieldsets) == len(groups.radios) // 5
    assert all(g["legend"].strip() for g in groups.fieldsets)
    if legends:
        assert [" ".join(g["legend"].split()) for g in groups.fieldsets] == legends


def test_a_score_refused_says_why_next_to_its_group():
    form = RatingForm({"rating-score": "9", "rating-comment": ""}, prefix="rating")
    html = _drawn(form)

    (group,) = groups_of(html).fieldsets
    assert group["attrs"]["aria-describedby"] == "id_rating-score_error"
    assert '<p class="error" id="id_rating-score_error">' in html

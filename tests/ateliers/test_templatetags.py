"""The post-it list written by Python is the markup the template wrote, item for item."""

import re

import pytest
from django.template import Context, Template

from ateliers.models import Idea, Theme
from ateliers.templatetags.ateliers import postits
from labo.models import Person

# The template's loop, as it was before Python wrote the list.
REFERENCE = Template(
    """{% load i18n %}{% translate "anonymous" as l_anonymous %}"""
    """{% translate "Put a dot" as l_dot %}{% translate "Take a dot back" as l_undot %}"""
    """{% translate "on idea" as l_on_idea %}{% translate "dot" as l_dot1 %}"""
    """{% translate "dots" as l_dots %}
      {% for idea in results.ideas %}
      <li class="postit" id="idea-{{ idea.pk }}">
        <p class="multiline">{{ idea.text }}</p>
        <p class="meta">{% if idea.theme %}{{ idea.theme.name }} · {% endif %}{% if idea.created_by %}{{ idea.created_by.full_name }}{% else %}{{ l_anonymous }}{% endif %} · {{ idea.dots }} {% if idea.dots > 1 %}{{ l_dots }}{% else %}{{ l_dot1 }}{% endif %}</p>
        {% if can_log %}
        <button type="submit" name="idea" value="{{ idea.pk }}" class="button small"{% if not results.dots_left %} disabled{% endif %}>{{ l_dot }}<span class="visually-hidden"> {{ l_on_idea }} {{ idea.number }}</span></button>
        {% if idea.mine %}<button type="submit" name="remove" value="{{ idea.pk }}" class="button small secondary">{{ l_undot }}<span class="visually-hidden"> {{ l_on_idea }} {{ idea.number }}</span></button>{% endif %}
        {% endif %}
      </li>
      {% endfor %}"""  # noqa: E501
)


def _idea(pk, text, *, theme=None, author=None, dots=0, mine=0):
    idea = Idea(pk=pk, text=text, theme=Theme(name=theme) if theme else None)
    idea.created_by = Person(first_name=author, last_name="Martin") if author else None
    idea.dots, idea.mine, idea.number = dots, mine, pk
    return idea


IDEAS = [
    _idea(1, "Un guichet <unique> & simple", theme="Accueil", author="Léa", dots=2, mine=1),
    _idea(2, "Des horaires\nélargis", dots=1),
    _idea(3, "Ouvrir le samedi", theme="Horaires « étendus »", dots=0, mine=0),
]


def _squeezed(html: str) -> str:
    return re.sub(r">\s+<", "><", html.strip())


@pytest.mark.parametrize("can_log", [True, False])
@pytest.mark.parametrize("dots_left", [0, 3])
def test_the_post_its_are_the_templates_markup(can_log, dots_left):
    context = {"results": {"ideas": IDEAS, "dots_left": dots_left}, "can_log": can_log}
    reference = REFERENCE.render(Context(context))

    written = postits(IDEAS, can_log, dots_left)

    assert written == _squeezed(reference)
    assert "Un guichet &lt;unique&gt; &amp; simple" in written
    assert ("disabled" in written) == (can_log and not dots_left)
    assert written.count('name="remove"') == (1 if can_log else 0)

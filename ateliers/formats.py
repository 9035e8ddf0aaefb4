"""The workshop formats, each declared once: its label, the parts of results it is made of
and its section of the workshop's page.

A format is a set of parts (statements, cases, an interview report, stands, a grid, a
retrospective, ideas); each part says in one table per concern what it means there: its
result kinds and forms (ateliers.kinds), how its results are read (ateliers.queries),
the forms of the page (ateliers.views), its rows in a session's export (ateliers.exports),
its charts in the synthesis (ateliers.synthesis), the models the audit follows
(ateliers.history). A new format made of known parts is one entry below and one template,
``templates/ateliers/formats/_<format>.html``.

This module imports no model: ateliers.models takes ``Format`` from here.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class Format(models.TextChoices):
    TRIBUNAL = "tribunal", _("Innovation tribunal")
    DEBAT_MOUVANT = "debat_mouvant", _("Moving debate")
    DEMARREUR = "demarreur", _("Benevolent starter interview")
    LABO_STANDS = "labo_stands", _("Lab stands")
    CRITERIA_GRID = "criteria_grid", _("Criteria grid")
    SCENARIO_TABLES = "scenario_tables", _("Scenario tables")
    RETROSPECTIVE = "retrospective", _("Retrospective")
    FREE = "free", _("Free format")


class Part(enum.Enum):
    """A kind of results a format is made of (every workshop also has photos, actions,
    ratings and guest links)."""

    QUESTIONS = "questions"  # statements the room stands for or against
    CASES = "cases"  # questions put on trial
    REPORT = "report"  # the interview's report, its roles, questions and observations
    STANDS = "stands"  # stands, their feedback, suggested offers and rotation
    GRID = "grid"  # two axes to place the ideas on
    RETRO = "retro"  # what worked, what did not, how to improve
    IDEAS = "ideas"  # post-its, their themes and dots


@dataclass(frozen=True)
class FormatSpec:
    format: Format
    parts: tuple[Part, ...]
    has_section: bool = True  # a section of its own on the workshop's page

    @property
    def label(self) -> str:
        return str(self.format.label)

    @property
    def collects_ideas(self) -> bool:
        return Part.IDEAS in self.parts

    @property
    def template(self) -> str | None:
        """Its section of the workshop's page."""
        return f"ateliers/formats/_{self.format.value}.html" if self.has_section else None


# In the order of their sections on the workshop's page.
FORMATS: dict[str, FormatSpec] = {
    spec.format: spec
    for spec in (
        FormatSpec(Format.DEBAT_MOUVANT, (Part.QUESTIONS,)),
        FormatSpec(Format.TRIBUNAL, (Part.CASES, Part.IDEAS)),
        FormatSpec(Format.DEMARREUR, (Part.REPORT,)),
        FormatSpec(Format.LABO_STANDS, (Part.STANDS,)),
        FormatSpec(Format.CRITERIA_GRID, (Part.GRID, Part.IDEAS)),
        FormatSpec(Format.RETROSPECTIVE, (Part.RETRO, Part.IDEAS)),
        FormatSpec(Format.SCENARIO_TABLES, (Part.IDEAS,), has_section=False),
        FormatSpec(Format.FREE, (Part.IDEAS,), has_section=False),
    )
}

# The page has one slot per format with a section, so that its text stays the same
# whatever the workshop's format.
SECTIONS: tuple[FormatSpec, ...] = tuple(spec for spec in FORMATS.values() if spec.has_section)


def parts_of(value: str) -> tuple[Part, ...]:
    """The parts of a format (none for a value that is no format)."""
    spec = FORMATS.get(value)
    return spec.parts if spec is not None else ()

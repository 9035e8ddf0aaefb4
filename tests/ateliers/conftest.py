"""Fixtures shared by the workshops' tests."""

import pytest

from ateliers.models import DemarreurReport, DemarreurRole
from tests import factories


@pytest.fixture
def demarreur_report(world):
    """The world's workshop as a démarreur, its report written, an elected official in its
    commanditaire role (the report's one recipient)."""
    world.atelier.format = "demarreur"
    world.atelier.save()
    report = DemarreurReport.objects.create(
        atelier=world.atelier, reformulated_request="Un guichet numérique"
    )
    elue = factories.PersonFactory(email="elue@region.example")
    DemarreurRole.objects.create(report=report, role="commanditaire", person=elue)
    return report

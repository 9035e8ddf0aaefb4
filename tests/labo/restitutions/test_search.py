"""Search over what the lab produced, through HTTP and on PostgreSQL."""

import pytest
from django.db import connection
from django.urls import reverse

from ateliers.models import Idea
from labo.lib.typography import french_text
from tests import factories


def test_search_finds_results_and_leaves_hidden_ideas_out(world, facilitator_client):
    shown = factories.AtelierFactory(
        session=world.session, ideas_revealed=True, title="Atelier visible"
    )
    hidden = factories.AtelierFactory(session=world.session, title="Atelier caché")
    Idea.objects.create(atelier=shown, text="Un guichet numérique d'accueil")
    Idea.objects.create(atelier=hidden, text="Un guichet secret")
    world.commande.reformulated_wording = "Un guichet pensé avec les agents"
    world.commande.save()

    response = facilitator_client.get(reverse("labo:search"), {"q": "guichet"})

    page = response.content.decode()
    assert response.status_code == 200
    assert french_text("Un guichet numérique d&#x27;accueil") in page
    assert "Un guichet pensé avec les agents" in page
    assert "secret" not in page
    assert "2 résultats" in page


def test_search_covers_actions_observations_and_rating_comments(world, facilitator_client):
    from ateliers.models import Action, DemarreurReport, Observation, Rating

    report = DemarreurReport.objects.create(atelier=world.atelier)
    Observation.objects.create(
        report=report, observer="Lina", phase="Accueil", note="Un silence gêné"
    )
    Action.objects.create(atelier=world.atelier, what="Relancer la direction des lycées")
    Rating.objects.create(atelier=world.atelier, score=4, comment="Méthode très vivante")

    found = [
        facilitator_client.get(reverse("labo:search"), {"q": q}).content.decode()
        for q in ("silence", "lycées", "vivante")
    ]

    assert "Un silence gêné" in found[0]
    assert "Relancer la direction des lycées" in found[1]
    assert "Méthode très vivante" in found[2]


def test_search_of_one_letter_is_refused_in_french(world, facilitator_client):
    response = facilitator_client.get(reverse("labo:search"), {"q": "a"})

    assert response.status_code == 422
    assert "Tapez au moins deux caractères." in response.content.decode()


@pytest.mark.postgres
def test_search_on_postgresql_uses_french_stemming(world, facilitator_client):
    if connection.vendor != "postgresql":
        pytest.skip("French full-text search runs on PostgreSQL; CI runs it there.")
    atelier = factories.AtelierFactory(session=world.session, ideas_revealed=True)
    Idea.objects.create(atelier=atelier, text="Former les agents d'accueil aux démarches")

    response = facilitator_client.get(reverse("labo:search"), {"q": "agent démarche"})

    assert "Former les agents" in response.content.decode()


@pytest.mark.postgres
def test_search_on_postgresql_ranks_the_newest_matches_and_follows_changes(world):
    if connection.vendor != "postgresql":
        pytest.skip("French full-text search runs on PostgreSQL; CI runs it there.")
    from labo.restitutions.search import PER_SOURCE, RANKED, search

    atelier = factories.AtelierFactory(session=world.session, ideas_revealed=True)
    Idea.objects.bulk_create(
        Idea(atelier=atelier, text=f"Idée {n} pour l'accueil") for n in range(RANKED + 5)
    )
    best = Idea.objects.create(atelier=atelier, text="Accueil, accueil et encore accueil")

    ideas = [hit for hit in search("accueil") if hit.source == "Idée"]
    best.text = "Une permanence le samedi"
    best.save()
    changed = [hit.snippet for hit in search("permanences")]

    assert len(ideas) == PER_SOURCE
    assert ideas[0].snippet == "Accueil, accueil et encore accueil"
    assert ideas[0].rank > ideas[1].rank
    assert changed == ["Une permanence le samedi"]


def test_the_postgresql_search_vectors_cover_what_search_searches():
    """The migration's frozen copy must follow labo.restitutions.search: a change there
    needs a migration."""
    import importlib

    from labo.restitutions.search import FIELDS, SEARCH_COLUMN

    migration = importlib.import_module("labo.migrations.0007_search_vectors")

    assert migration.FIELDS == FIELDS
    assert migration.COLUMN == SEARCH_COLUMN

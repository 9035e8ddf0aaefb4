"""Every change is in the audit log with who made it; a deleted result comes back."""

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from ateliers import models as m
from labo.history import audit
from tests import factories
from tests.conftest import client_for

HTMX = {"HX-Request": "true"}


def deletions():
    return LogEntry.objects.filter(action=LogEntry.Action.DELETE)


def test_an_agenda_edit_is_logged_with_its_author_and_session(world, facilitator_client):
    item = world.item
    facilitator_client.post(
        reverse("sessions:item-update", args=[item.pk]),
        {
            f"item{item.pk}-title": "Procès fictif",
            f"item{item.pk}-kind": item.kind,
            f"item{item.pk}-duration_minutes": 45,
            f"item{item.pk}-version": item.version,
        },
        headers=HTMX,
    )

    entry = audit.history(session=world.session.pk).first()

    assert entry.actor == world.facilitator
    assert entry.changes_dict["title"] == ["Tribunal de l'innovation", "Procès fictif"]


def test_a_deleted_result_is_restored_with_its_id_from_the_history_page(world, facilitator_client):
    action = m.Action.objects.create(atelier=world.atelier, what="Relancer les directions")
    facilitator_client.post(
        reverse("ateliers:result-delete", args=[world.atelier.pk, "action", action.pk])
    )
    entry = deletions().get()
    page = facilitator_client.get(reverse("sessions:session-history", args=[world.session.pk]))
    assert "Relancer les directions" in page.content.decode()
    assert reverse("labo:history-restore", args=[entry.pk]) in page.content.decode()

    response = facilitator_client.post(
        reverse("labo:history-restore", args=[entry.pk]), follow=True
    )

    assert m.Action.objects.get(pk=action.pk).what == "Relancer les directions"
    assert "est revenu(e) à sa place" in response.content.decode()
    again = facilitator_client.post(reverse("labo:history-restore", args=[entry.pk]), follow=True)
    assert "Ce résultat est déjà revenu." in again.content.decode()
    assert m.Action.objects.count() == 1


def test_a_result_whose_workshop_is_gone_cannot_come_back(world):
    atelier = factories.AtelierFactory(session=world.session)
    m.Action.objects.create(atelier=atelier, what="Orpheline")
    atelier.delete()
    entry = deletions().get(object_repr__contains="Orpheline")

    with pytest.raises(audit.RestoreRefused, match="n'existe plus"):
        audit.restore(entry)
    assert not m.Action.objects.exists()


def test_only_deleted_results_are_restorable(world):
    world.session.title = "Nouveau titre"
    world.session.save()
    entry = audit.history(session=world.session.pk).first()

    assert not audit.restorable(entry)
    with pytest.raises(audit.RestoreRefused):
        audit.restore(entry)


def test_a_member_cannot_restore(world, member_client):
    action = m.Action.objects.create(atelier=world.atelier, what="x")
    action.delete()

    response = member_client.post(reverse("labo:history-restore", args=[deletions().get().pk]))

    assert response.status_code == 403
    assert not m.Action.objects.exists()


def test_an_anonymous_idea_leaves_no_trace_of_its_author(world, member_client):
    world.atelier.format = "free"
    world.atelier.save()

    member_client.post(
        reverse("ateliers:result-add", args=[world.atelier.pk, "idea"]),
        {"idea-text": "Une idée sans nom", "idea-anonymous": "on"},
        headers=HTMX,
    )

    idea = m.Idea.objects.get()
    assert idea.created_by is None
    assert not LogEntry.objects.filter(actor=world.member).exists()
    assert not LogEntry.objects.get_for_object(idea).exists()


def test_ratings_and_votes_are_not_logged(world):
    m.Rating.objects.create(atelier=world.atelier, score=4)
    idea = m.Idea.objects.create(atelier=world.atelier, text="x")
    m.Vote.objects.create(idea=idea, voter="user:1")

    kinds = set(LogEntry.objects.values_list("content_type__model", flat=True))

    assert "rating" not in kinds and "vote" not in kinds


def test_commande_history_shows_its_moves_to_facilitators(world):
    world.commande.title = "Occiline"
    world.commande.save()

    page = client_for(world, "facilitator").get(
        reverse("commandes:commande-history", args=[world.commande.pk])
    )

    assert page.status_code == 200
    assert "Occiline" in page.content.decode()

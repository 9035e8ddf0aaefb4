"""Object ids taken from another session, workshop or commande are refused, even by a
facilitator who may change both: nothing moves across (IDOR)."""

import pytest
from django.urls import reverse

from ateliers import models as m
from commandes.models import Task
from sessions.models import AgendaItem
from tests import factories

HTMX = {"HX-Request": "true"}


@pytest.fixture
def other(world):
    """A second session of the same programme, with a workshop holding one of everything."""
    session = factories.SessionFactory(programme=world.programme, number=99)
    day = factories.DayFactory(session=session)
    item = factories.AgendaItemFactory(day=day, title="Ailleurs")
    atelier = factories.AtelierFactory(session=session, format="free", ideas_revealed=True)
    stand = m.Stand.objects.create(atelier=atelier, name="Stand ailleurs")
    return {
        "session": session,
        "day": day,
        "item": item,
        "atelier": atelier,
        "idea": m.Idea.objects.create(atelier=atelier, text="Idée d'ailleurs"),
        "theme": m.Theme.objects.create(atelier=atelier, name="Thème d'ailleurs"),
        "action": m.Action.objects.create(atelier=atelier, what="Action d'ailleurs"),
        "stand": stand,
        "suggestion": m.SuggestedOffer.objects.create(stand=stand, text="Offre d'ailleurs"),
        "question": m.DebateQuestion.objects.create(atelier=atelier, text="Question d'ailleurs"),
    }


@pytest.fixture
def here(world):
    world.atelier.format = "free"
    world.atelier.ideas_revealed = True
    world.atelier.save()
    m.Idea.objects.create(atelier=world.atelier, text="Idée d'ici")
    return world.atelier


@pytest.mark.parametrize("kind", ["idea", "action", "question"])
def test_a_result_of_another_workshop_is_neither_changed_nor_deleted(
    world, here, other, facilitator_client, kind
):
    obj = other[kind]
    before = type(obj).objects.filter(pk=obj.pk).values().get()

    updated = facilitator_client.post(
        reverse("ateliers:result-update", args=[here.pk, kind, obj.pk]), {"text": "piraté"}
    )
    deleted = facilitator_client.post(
        reverse("ateliers:result-delete", args=[here.pk, kind, obj.pk])
    )

    assert updated.status_code == 404
    assert deleted.status_code == 404
    assert type(obj).objects.filter(pk=obj.pk).values().get() == before


def test_a_dot_on_an_idea_of_another_workshop_is_refused(world, here, other, member_client):
    response = member_client.post(
        reverse("ateliers:vote", args=[here.pk]), {"idea": other["idea"].pk}
    )

    assert response.status_code == 404
    assert not m.Vote.objects.exists()


def test_an_action_of_another_workshop_is_not_ticked(world, here, other, facilitator_client):
    response = facilitator_client.post(
        reverse("ateliers:action-toggle", args=[here.pk]), {"action": other["action"].pk}
    )

    assert response.status_code == 404
    other["action"].refresh_from_db()
    assert not other["action"].done


@pytest.mark.parametrize("field", ["idea", "theme"])
def test_classifying_with_an_idea_or_theme_of_another_workshop_is_refused(
    world, here, other, facilitator_client, field
):
    mine = m.Idea.objects.get(atelier=here)
    data = {"idea": mine.pk, "theme": "", "x": 10, "y": 10, field: other[field].pk}

    response = facilitator_client.post(reverse("ateliers:idea-classify", args=[here.pk]), data)

    assert response.status_code == 422
    assert "Choisissez une idée de cet atelier" in response.content.decode()
    assert m.Idea.objects.filter(theme__isnull=False).count() == 0
    assert m.Idea.objects.filter(x=10).count() == 0


def test_feedback_on_a_stand_of_another_workshop_is_refused(world, here, other, member_client):
    here.format = "labo_stands"
    here.save()

    response = member_client.post(
        reverse("ateliers:result-add", args=[here.pk, "feedback"]),
        {"feedback-stand": other["stand"].pk, "feedback-understanding": 4, "feedback-interest": 4},
    )

    assert response.status_code == 422
    assert not m.StandFeedback.objects.exists()


def test_a_member_cannot_adopt_an_offer_or_tap_in_a_session_they_are_not_in(
    world, other, member_client
):
    adopt = member_client.post(reverse("ateliers:offer-adopt", args=[other["suggestion"].pk]))
    tap = member_client.post(
        reverse("ateliers:tap", args=[other["question"].pk]), {"position": "yes", "delta": 1}
    )

    assert adopt.status_code == tap.status_code == 404
    other["question"].refresh_from_db()
    assert other["question"].yes == 0
    assert not m.SuggestedOffer.objects.get().adopted


def test_reordering_a_day_with_a_block_of_another_day_is_refused(world, other, facilitator_client):
    order = f"{other['item'].pk}"

    response = facilitator_client.post(
        reverse("sessions:day-reorder", args=[world.day.pk]), {"order": order}, headers=HTMX
    )

    assert response.status_code == 409
    assert AgendaItem.objects.get(pk=other["item"].pk).day == other["day"]


def test_moving_a_block_to_a_day_of_another_session_is_refused(world, other, facilitator_client):
    response = facilitator_client.post(
        reverse("sessions:item-move-to-day", args=[world.item.pk]),
        {"day": other["day"].pk},
        headers=HTMX,
    )

    assert response.status_code == 422  # the form offers only the session's days
    assert AgendaItem.objects.get(pk=world.item.pk).day == world.day


def test_a_task_of_a_commande_outside_the_team_is_not_toggled(world, member_client):
    elsewhere = factories.CommandeFactory(programme=world.programme)
    task = Task.objects.create(commande=elsewhere, title="Relancer")

    response = member_client.post(reverse("commandes:task-toggle", args=[task.pk]))

    assert response.status_code == 404
    task.refresh_from_db()
    assert not task.done


def test_a_synthesis_cannot_carry_a_workshop_of_another_session(world, other, facilitator_client):
    response = facilitator_client.post(
        reverse("sessions:session-synthesis", args=[world.session.pk]),
        {"action": "generate", "ateliers": [other["atelier"].pk]},
    )

    assert response.status_code == 422
    assert "Sélectionnez un choix valide" in response.content.decode()


def test_a_guest_link_of_one_workshop_does_not_open_another(world, other, client):
    from ateliers.access import guest_token

    link = m.GuestLink.objects.create(atelier=world.atelier, purpose="rate")
    token = guest_token(link)
    link.revoked_at = link.created_at
    link.save()

    assert client.get(reverse("ateliers:guest", args=[token])).status_code == 404
    assert client.get(reverse("ateliers:guest", args=[token[:-2] + "xx"])).status_code == 404

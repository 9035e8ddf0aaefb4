"""A submission sent twice with its key (a retry after a lost answer, the outbox sending
again, a double tap) is done once and answered with the state as it is now."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ateliers import services
from ateliers.access import guest_token
from ateliers.models import Action, DebateQuestion, GuestPurpose, Idea, Rating, Vote
from labo.idempotency import REPLAY_HEADER
from labo.models import Submission
from tests import factories
from tests.conftest import client_for

HTMX = {"HX-Request": "true"}
KEY = "k-0123456789abcdef"


def post_twice(client, url, data, key=KEY):
    headers = {**HTMX, "Idempotency-Key": key}
    return client.post(url, data, headers=headers), client.post(url, data, headers=headers)


def test_an_idea_sent_twice_with_its_key_is_one_row(world, member_client):
    world.atelier.format = "free"
    world.atelier.save()
    url = reverse("ateliers:result-add", args=[world.atelier.pk, "idea"])

    first, again = post_twice(member_client, url, {"idea-text": "Un guichet unique"})

    assert (first.status_code, again.status_code) == (200, 200)
    assert list(Idea.objects.values_list("text", flat=True)) == ["Un guichet unique"]
    assert REPLAY_HEADER not in first
    assert again[REPLAY_HEADER] == "1"
    assert "Un guichet unique" in again.content.decode() or "1 idée" in again.content.decode()


def test_two_submissions_with_two_keys_are_two_rows(world, member_client):
    world.atelier.format = "free"
    world.atelier.save()
    url = reverse("ateliers:result-add", args=[world.atelier.pk, "idea"])

    post_twice(member_client, url, {"idea-text": "Même texte"}, key="k-aaaaaaaaaaaaaaaa")
    post_twice(member_client, url, {"idea-text": "Même texte"}, key="k-bbbbbbbbbbbbbbbb")

    assert Idea.objects.count() == 2


def test_a_plain_post_sent_twice_with_the_drawn_key_is_one_row(world, member_client):
    world.atelier.format = "free"
    world.atelier.save()
    page = member_client.get(reverse("ateliers:atelier-detail", args=[world.atelier.pk]))
    assert 'name="idempotency_key"' in page.content.decode()
    url = reverse("ateliers:result-add", args=[world.atelier.pk, "idea"])
    data = {"idea-text": "Double tap", "idempotency_key": KEY}

    first = member_client.post(url, data)
    again = member_client.post(url, data)

    assert (first.status_code, again.status_code) == (302, 302)
    assert Idea.objects.count() == 1


def test_a_refused_submission_keeps_no_key_and_is_judged_again(world, member_client):
    world.atelier.format = "free"
    world.atelier.save()
    url = reverse("ateliers:result-add", args=[world.atelier.pk, "idea"])
    headers = {**HTMX, "Idempotency-Key": KEY}

    refused = member_client.post(url, {"idea-text": ""}, headers=headers)
    accepted = member_client.post(url, {"idea-text": "Corrigée"}, headers=headers)

    assert (refused.status_code, accepted.status_code) == (422, 200)
    assert list(Idea.objects.values_list("text", flat=True)) == ["Corrigée"]
    assert Submission.objects.get().status == 200


def test_a_key_belongs_to_its_sender(world, member_client, facilitator_client):
    world.atelier.format = "free"
    world.atelier.save()
    url = reverse("ateliers:result-add", args=[world.atelier.pk, "idea"])
    headers = {**HTMX, "Idempotency-Key": KEY}

    member_client.post(url, {"idea-text": "De Bob"}, headers=headers)
    facilitator_client.post(url, {"idea-text": "D'Alice"}, headers=headers)

    assert Idea.objects.count() == 2


def test_a_malformed_key_is_no_key(world, member_client):
    world.atelier.format = "free"
    world.atelier.save()
    url = reverse("ateliers:result-add", args=[world.atelier.pk, "idea"])

    post_twice(member_client, url, {"idea-text": "Sans clé"}, key="court")

    assert Idea.objects.count() == 2
    assert Submission.objects.count() == 0


def test_taps_held_on_the_phone_count_once_each(world, member_client):
    question = DebateQuestion.objects.create(atelier=world.atelier, text="Budget ?", yes=2)
    url = reverse("ateliers:tap", args=[question.pk])

    first, again = post_twice(member_client, url, {"position": "yes", "delta": "12"})

    assert (first.status_code, again.status_code) == (200, 200)
    question.refresh_from_db()
    assert question.yes == 14
    assert 'data-position="yes">14<' in again.content.decode()


@pytest.mark.parametrize("delta", ["0", "501", "-501", "un"])
def test_a_tap_out_of_bounds_is_refused(world, member_client, delta):
    question = DebateQuestion.objects.create(atelier=world.atelier, text="Budget ?", yes=2)

    response = member_client.post(
        reverse("ateliers:tap", args=[question.pk]), {"position": "yes", "delta": delta}
    )

    assert response.status_code == 422
    question.refresh_from_db()
    assert question.yes == 2


def test_taps_taken_back_never_go_below_zero(world, member_client):
    question = DebateQuestion.objects.create(atelier=world.atelier, text="Budget ?", yes=2)

    member_client.post(
        reverse("ateliers:tap", args=[question.pk]), {"position": "yes", "delta": "-5"}
    )

    question.refresh_from_db()
    assert question.yes == 0


def test_a_dot_and_an_action_toggle_sent_twice_happen_once(world, member_client):
    world.atelier.format = "free"
    world.atelier.ideas_revealed = True
    world.atelier.save()
    idea = Idea.objects.create(atelier=world.atelier, text="Une idée")
    action = Action.objects.create(atelier=world.atelier, what="Écrire le compte rendu")

    post_twice(member_client, reverse("ateliers:vote", args=[world.atelier.pk]), {"idea": idea.pk})
    post_twice(
        member_client,
        reverse("ateliers:action-toggle", args=[world.atelier.pk]),
        {"action": action.pk},
        key="k-toggle-toggle-01",
    )

    assert Vote.objects.count() == 1
    action.refresh_from_db()
    assert action.done is True


def test_a_guest_rating_sent_twice_is_one_rating(world):
    link = services.create_guest_link(
        atelier=world.atelier, purpose=GuestPurpose.RATE, created_by=None
    )
    guest = Client()
    url = reverse("ateliers:guest", args=[guest_token(link)])
    guest.get(url)  # the guest's cookie

    first, again = post_twice(guest, url, {"rating-score": "4", "rating-comment": "Bien"})

    assert (first.status_code, again.status_code) == (302, 302)
    assert again[REPLAY_HEADER] == "1"
    assert list(Rating.objects.values_list("score", "comment")) == [(4, "Bien")]


def test_old_keys_of_a_sender_are_forgotten(world, member_client, settings):
    settings.LABO_SUBMISSION_KEY_DAYS = 7
    owner = f"p{world.member.pk}"
    old = Submission.objects.create(
        owner=owner,
        key="k-old-old-old-old-1",
        path="/",
        status=200,
        created_at=timezone.now() - datetime.timedelta(days=8),
    )
    recent = Submission.objects.create(owner=owner, key="k-recent-recent-1", path="/", status=200)
    question = DebateQuestion.objects.create(atelier=world.atelier, text="Budget ?")

    post_twice(
        member_client,
        reverse("ateliers:tap", args=[question.pk]),
        {"position": "yes", "delta": "1"},
    )

    assert set(Submission.objects.values_list("pk", flat=True)) == {
        recent.pk,
        Submission.objects.get(key=KEY).pk,
    }
    assert not Submission.objects.filter(pk=old.pk).exists()


def test_the_service_worker_is_served_for_its_scope(db):
    response = Client().get(reverse("ateliers:service-worker"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Cache-Control"] == "no-cache"
    body = response.content.decode()
    assert '"/static/js/capture.js"' in body
    assert "{{" not in body


def test_ideas_have_no_place_fields_where_the_format_has_no_grid(world, member_client):
    world.atelier.format = "free"
    world.atelier.save()
    page = member_client.get(reverse("ateliers:atelier-detail", args=[world.atelier.pk]))
    assert 'name="idea-x"' not in page.content.decode()

    grid = factories.AtelierFactory(session=world.session, format="criteria_grid")
    grid.participants.add(world.member.person)
    member_client.post(
        reverse("ateliers:result-add", args=[grid.pk, "idea"]),
        {"idea-text": "Placée", "idea-x": "20", "idea-y": "80"},
    )
    assert list(Idea.objects.filter(atelier=grid).values_list("x", "y")) == [(20, 80)]


def test_the_guest_page_and_the_workshop_page_load_the_capture_client(world):
    client = client_for(world, "member")
    page = client.get(reverse("ateliers:atelier-detail", args=[world.atelier.pk])).content.decode()
    assert "js/capture.js" in page
    assert 'id="capture"' in page


def test_a_correction_out_of_bounds_keeps_the_question_and_says_why(world, member_client):
    question = DebateQuestion.objects.create(atelier=world.atelier, text="Budget ?", yes=8)

    response = member_client.post(
        reverse("ateliers:tap", args=[question.pk]),
        {"position": "yes", "set_to": "200000", "replacing": "8"},
        headers=HTMX,
    )

    body = response.content.decode()
    assert response.status_code == 422
    assert f'id="question-{question.pk}"' in body  # the card is drawn again, not emptied
    assert ": Assurez-vous que cette valeur est inférieure ou égale à 100000.</p>" in body
    question.refresh_from_db()
    assert question.yes == 8


def test_a_refused_edit_is_drawn_where_it_was_typed_with_the_text(world, member_client):
    world.atelier.format = "labo_stands"
    world.atelier.save()
    stand = services.add_result(
        atelier=world.atelier,
        kind="stand",
        fields={"name": "Labo citoyen", "offers": ""},
        author=None,
    )
    prefix = f"stand{stand.pk}"

    response = member_client.post(
        reverse("ateliers:result-update", args=[world.atelier.pk, "stand", stand.pk]),
        {
            f"{prefix}-name": "x" * 130,
            f"{prefix}-offers": "Débats citoyens",
            f"{prefix}-version": stand.version,
        },
        headers=HTMX,
    )

    body = response.content.decode()
    assert response.status_code == 422
    assert "Débats citoyens</textarea>" in body
    assert f'id="id_{prefix}-name_error"' in body  # next to its field
    stand.refresh_from_db()
    assert (stand.name, stand.offers) == ("Labo citoyen", "")


def test_a_guest_dot_past_the_limit_is_refused_and_says_why(world):
    world.atelier.format = "free"
    world.atelier.ideas_revealed = True
    world.atelier.votes_per_person = 1
    world.atelier.save()
    idea = Idea.objects.create(atelier=world.atelier, text="Une idée")
    link = services.create_guest_link(
        atelier=world.atelier, purpose=GuestPurpose.VOTE, created_by=None
    )
    guest = Client()
    url = reverse("ateliers:guest", args=[guest_token(link)])
    guest.get(url)

    first = guest.post(url, {"idea": idea.pk})
    second = guest.post(url, {"idea": idea.pk}, headers=HTMX)

    assert first.status_code == 302
    assert second.status_code == 422  # an outbox sending it lists it as not taken
    assert "Vous avez utilisé votre gommette." in second.content.decode()
    assert Vote.objects.count() == 1

"""The commandes board (#18): every status reachable, filters from what the viewer may see,
the moved card and the news of its move."""

import pytest
from django.urls import reverse

from commandes.models import Commande, TeamMember
from commandes.models import Status as S
from commandes.queries import STAGES
from labo.lib.typography import french_text
from tests import factories
from tests.conftest import client_for

HTMX = {"HX-Request": "true"}
FOLDED = [S.SHELVED, S.REFUSED, S.CLOSED, S.ABANDONED]


def columns_of(response) -> dict[str, int]:
    return {column.status: column.total for column in response.context["columns"]}


def test_stages_hold_every_status_once_and_fold_the_set_aside_and_ended():
    statuses = [status for _label, statuses, _folded in STAGES for status in statuses]
    folded = [status for _label, statuses, folded in STAGES if folded for status in statuses]

    assert sorted(statuses) == sorted(S.values)
    assert folded == FOLDED


def test_board_shows_every_status_with_its_count_to_management(world):
    for status in (S.SUBMITTED, S.SHELVED, S.REFUSED, S.REFUSED, S.IN_PROGRESS):
        factories.CommandeFactory(programme=world.programme, status=status)

    response = client_for(world, "management").get(reverse("commandes:commande-board"))
    page = response.content.decode()

    assert response.status_code == 200
    assert columns_of(response)[S.REFUSED] == 2
    for status in S:
        assert f'<a href="#col-{status.value}">' in page  # the overview, first on the board
    for status in FOLDED:
        assert f'<details class="board-column board-column-folded" id="column-{status}">' in page
    assert page.count("<details") == len(FOLDED)


def test_ambassador_of_no_commande_sees_no_commanditaire_and_is_told_why(world):
    elue = factories.PersonFactory(first_name="Sophie", last_name="Delorme")
    factories.CommandeFactory(programme=world.programme, commanditaire=elue)

    response = client_for(world, "outsider").get(reverse("commandes:commande-board"))
    page = response.content.decode()

    assert response.status_code == 200
    assert "Delorme" not in page
    assert world.commande.commanditaire.last_name not in page
    assert 'id="board"' not in page
    assert french_text("Vous n’êtes encore dans l’équipe d’aucune commande") in page


def test_filters_offer_only_what_the_commandes_of_the_team_hold(world):
    TeamMember.objects.create(commande=world.commande, person=world.member.person)
    other = factories.CommandeFactory(
        commanditaire=factories.PersonFactory(last_name="Delorme"),
        direction=factories.DirectionFactory(name="Direction des sports"),
    )

    form = client_for(world, "member").get(reverse("commandes:commande-board")).context["form"]

    assert list(form.fields["commanditaire"].queryset) == [world.commande.commanditaire]
    assert list(form.fields["programme"].queryset) == [world.commande.programme]
    assert other.direction not in form.fields["direction"].queryset
    assert other.programme not in form.fields["programme"].queryset


def test_filtering_by_a_commanditaire_the_ambassador_may_not_see_says_so(world):
    TeamMember.objects.create(commande=world.commande, person=world.member.person)
    hidden = factories.CommandeFactory(title="Secret")

    response = client_for(world, "member").get(
        reverse("commandes:commande-board"), {"commanditaire": hidden.commanditaire.pk}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["commanditaire"]
    assert "Secret" not in response.content.decode()


@pytest.mark.parametrize("count", [1, 40])
def test_board_query_count_is_constant_for_management(world, django_assert_num_queries, count):
    client = client_for(world, "management")
    for n in range(count):
        factories.CommandeFactory(
            programme=world.programme,
            status=S.values[n % len(S.values)],
            direction=factories.DirectionFactory(),
        )

    with django_assert_num_queries(5):
        response = client.get(reverse("commandes:commande-board"))

    assert sum(columns_of(response).values()) == count + 1


@pytest.mark.parametrize("count", [1, 40])
def test_board_query_count_is_constant_for_a_team_member(world, django_assert_num_queries, count):
    client = client_for(world, "member")
    for n in range(count):
        commande = factories.CommandeFactory(status=S.values[n % len(S.values)])
        TeamMember.objects.create(commande=commande, person=world.member.person)

    with django_assert_num_queries(5):
        response = client.get(reverse("commandes:commande-board"))

    assert sum(columns_of(response).values()) == count


def test_move_from_the_board_says_it_and_marks_the_moved_card(world, facilitator_client):
    world.commande.title = "Occiline"
    world.commande.save()

    response = facilitator_client.post(
        reverse("commandes:commande-move", args=[world.commande.pk]),
        {"to_status": S.CLARIFICATION, "expected_status": S.RECEIVED, "from": "board"},
        headers=HTMX,
    )
    page = response.content.decode()

    assert response.status_code == 200
    assert (
        '<p id="board-news" data-hx-swap-oob="innerHTML">'
        + french_text("Commande « Occiline » déplacée vers « En clarification ».")
        + "</p>"
    ) in page
    assert page.count("data-focus") == 1
    assert f'data-id="{world.commande.pk}" data-status="clarification"' in page


def test_refused_move_from_the_board_keeps_the_focus_on_the_card_and_says_nothing_moved(
    world, facilitator_client
):
    response = facilitator_client.post(
        reverse("commandes:commande-move", args=[world.commande.pk]),
        {"to_status": S.VALIDATED, "expected_status": S.RECEIVED, "from": "board"},
        headers=HTMX,
    )
    page = response.content.decode()

    assert response.status_code == 409
    assert '<p id="board-news" data-hx-swap-oob="innerHTML"></p>' in page
    assert page.count("data-focus") == 1
    assert Commande.objects.get(pk=world.commande.pk).status == S.RECEIVED
    # What the card cannot ask (a date, a reason) is asked on the commande's page.
    detail = reverse("commandes:commande-detail", args=[world.commande.pk])
    assert f'<a href="{detail}#move-title">' in page


def test_moves_from_a_filtered_board_keep_its_filters(world, facilitator_client):
    move = reverse("commandes:commande-move", args=[world.commande.pk])
    query = {"programme": world.programme.pk, "q": "demande", "direction": ""}

    board = facilitator_client.get(reverse("commandes:commande-board"), query)
    answer = facilitator_client.post(
        f"{move}?programme={world.programme.pk}&q=demande",
        {"to_status": S.CLARIFICATION, "expected_status": S.RECEIVED, "from": "board"},
    )

    assert f'action="{move}?programme={world.programme.pk}&amp;q=demande"' in (
        board.content.decode()
    )
    assert answer.status_code == 302
    assert answer["Location"] == (
        reverse("commandes:commande-board") + f"?programme={world.programme.pk}&q=demande"
    )
    followed = facilitator_client.get(answer["Location"]).content.decode()
    assert french_text("déplacée vers « En clarification »") in followed

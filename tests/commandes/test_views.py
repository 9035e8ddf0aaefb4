import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from commandes.models import Commande, Deliverable, GateReview, Task, TeamMember
from commandes.models import Status as S
from labo.lib.typography import french_text
from tests import factories

HTMX = {"HX-Request": "true"}


@pytest.mark.parametrize("count", [1, 300])
def test_board_query_count_is_constant(world, facilitator_client, django_assert_num_queries, count):
    commanditaire = factories.PersonFactory()
    Commande.objects.bulk_create(
        Commande(
            programme=world.programme,
            title=f"C{n}",
            commanditaire=commanditaire,
            initial_wording="x",
            status=S.values[n % len(S.values)],
        )
        for n in range(count)
    )

    with django_assert_num_queries(5):
        response = facilitator_client.get(reverse("commandes:commande-board"))

    assert response.status_code == 200


def test_board_filters_by_commanditaire_and_searches(world, facilitator_client):
    elue = factories.PersonFactory(last_name="Delorme")
    wanted = factories.CommandeFactory(commanditaire=elue, title="Gérer les courriels")
    factories.CommandeFactory(title="Hub PME")

    response = facilitator_client.get(
        reverse("commandes:commande-list"), {"commanditaire": elue.pk, "q": "courriels"}
    )

    assert list(response.context["commandes"]) == [wanted]


def test_move_from_the_board_by_keyboard_form(world, facilitator_client):
    response = facilitator_client.post(
        reverse("commandes:commande-move", args=[world.commande.pk]),
        {"to_status": S.CLARIFICATION, "expected_status": S.RECEIVED, "from": "board"},
        headers=HTMX,
    )

    assert response.status_code == 200
    assert '<div id="board"' in response.content.decode()
    assert Commande.objects.get(pk=world.commande.pk).status == S.CLARIFICATION


def test_refused_move_from_the_board_says_why_and_changes_nothing(world, facilitator_client):
    response = facilitator_client.post(
        reverse("commandes:commande-move", args=[world.commande.pk]),
        {"to_status": S.VALIDATED, "expected_status": S.RECEIVED, "from": "board"},
        headers=HTMX,
    )

    assert response.status_code == 409
    assert french_text("ne peut pas passer de « Reçue » à « Validée »") in response.content.decode()
    assert Commande.objects.get(pk=world.commande.pk).status == S.RECEIVED


def test_reformulation_from_the_detail_page_needs_the_wording(world, facilitator_client):
    world.commande.status = S.CLARIFICATION
    world.commande.save()
    url = reverse("commandes:commande-move", args=[world.commande.pk])

    refused = facilitator_client.post(
        url, {"to_status": S.REFORMULATED, "expected_status": S.CLARIFICATION}
    )
    accepted = facilitator_client.post(
        url,
        {
            "to_status": S.REFORMULATED,
            "expected_status": S.CLARIFICATION,
            "reformulated_wording": "Un guichet",
        },
    )

    assert refused.status_code == 409
    assert "Rédigez la demande reformulée" in refused.content.decode()
    assert accepted.status_code == 302
    assert Commande.objects.get(pk=world.commande.pk).reformulated_wording == "Un guichet"


def test_management_scorecard_and_mean(world, client):
    other = factories.UserFactory(username="dg2", roles=["management"])
    GateReview.objects.create(
        commande=world.commande, reviewer=other, value=2, feasibility=2, alignment=2, urgency=2
    )
    client.force_login(world.management)

    client.post(
        reverse("commandes:commande-review", args=[world.commande.pk]),
        {"review-value": 4, "review-feasibility": 4, "review-alignment": 4, "review-urgency": 4},
    )
    response = client.get(reverse("commandes:commande-detail", args=[world.commande.pk]))

    assert response.context["review_mean"] == 3.0
    assert "Moyenne 3,0/5 pour 2 évaluateurs." in response.content.decode()


def test_scorecard_out_of_range_is_refused(world, client):
    client.force_login(world.management)

    response = client.post(
        reverse("commandes:commande-review", args=[world.commande.pk]),
        {"review-value": 9, "review-feasibility": 4, "review-alignment": 4, "review-urgency": 4},
    )

    assert response.status_code == 422
    assert not GateReview.objects.exists()


def test_team_warnings_on_grade_direction_and_load(world, facilitator_client, settings):
    settings.LABO_MAX_ACTIVE_COMMANDES = 1
    direction = factories.DirectionFactory(name="DSI")
    busy = factories.PersonFactory(grade="A", direction=direction, first_name="Inès")
    other = factories.CommandeFactory(status=S.IN_PROGRESS)
    TeamMember.objects.create(commande=other, person=busy)
    for person in (busy, factories.PersonFactory(grade="A", direction=direction)):
        TeamMember.objects.create(commande=world.commande, person=person)

    response = facilitator_client.get(
        reverse("commandes:commande-detail", args=[world.commande.pk])
    )

    warnings = response.context["warnings"]
    assert "Aucun membre de catégorie B ou C dans l'équipe." in warnings
    assert "Toute l'équipe vient de la même direction." in warnings
    assert any(w.startswith("Inès") for w in warnings)


def test_suggestions_rank_people_by_skills_and_appetites(world, facilitator_client):
    proto = factories.SkillFactory(name="Prototypage")
    enquete = factories.SkillFactory(name="Enquête")
    both = factories.PersonFactory(user=factories.UserFactory(roles=["ambassador"]))
    both.skills.add(proto)
    both.appetites.add(enquete)
    one = factories.PersonFactory(user=factories.UserFactory(roles=["ambassador"]))
    one.appetites.add(proto)

    response = facilitator_client.get(
        reverse("commandes:commande-detail", args=[world.commande.pk]),
        {"skills": [proto.pk, enquete.pk]},
    )

    assert [s.person for s in response.context["suggested"]][:2] == [both, one]


def test_tasks_overdue_and_toggled_by_their_owner(world, member_client):
    TeamMember.objects.create(commande=world.commande, person=world.member.person)
    task = Task.objects.create(
        commande=world.commande,
        title="Questionnaire",
        owner=world.member.person,
        due_on=timezone.localdate() - datetime.timedelta(days=2),
    )

    home = member_client.get(reverse("labo:home")).content.decode()
    assert "en retard" in home

    member_client.post(reverse("commandes:task-toggle", args=[task.pk]), {"next": "home"})
    assert Task.objects.get(pk=task.pk).done is True


def test_deliverable_is_downloaded_never_rendered(world, facilitator_client):
    facilitator_client.post(
        reverse("commandes:deliverable-add", args=[world.commande.pk]),
        {
            "deliverable-kind": "questionnaire",
            "deliverable-title": "Questionnaire V1",
            "deliverable-file": SimpleUploadedFile("q.html", b"<script>alert(1)</script>"),
        },
    )
    deliverable = Deliverable.objects.get()

    response = facilitator_client.get(reverse("commandes:deliverable-file", args=[deliverable.pk]))

    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")


def test_deliverable_needs_a_file_or_a_link(world, facilitator_client):
    response = facilitator_client.post(
        reverse("commandes:deliverable-add", args=[world.commande.pk]),
        {"deliverable-kind": "other", "deliverable-title": "Rien"},
    )

    assert response.status_code == 422
    assert "Donnez un fichier ou un lien." in response.content.decode()


def test_ambassador_sees_only_the_commandes_of_their_teams(world, member_client):
    TeamMember.objects.create(commande=world.commande, person=world.member.person)
    hidden = factories.CommandeFactory(title="Secret")

    board = member_client.get(reverse("commandes:commande-board"))

    cards = [c.commande for _s, _l, column, _more in board.context["columns"] for c in column]
    assert cards == [world.commande]
    assert (
        member_client.get(reverse("commandes:commande-detail", args=[hidden.pk])).status_code == 404
    )


def test_record_a_commande_writes_its_first_history_line(world, facilitator_client):
    elue = factories.PersonFactory()

    response = facilitator_client.post(
        reverse("commandes:commande-create"),
        {
            "programme": world.programme.pk,
            "title": "Occiborne",
            "commanditaire": elue.pk,
            "initial_wording": "Une borne d'accueil",
        },
    )

    commande = Commande.objects.get(title="Occiborne")
    assert response.status_code == 302
    assert commande.initial_title == "Occiborne"
    assert list(commande.history.values_list("to_status", flat=True)) == [S.RECEIVED]


def test_ended_columns_show_their_latest_cards_and_count_the_rest(world, facilitator_client):
    from commandes.queries import ENDED_CARDS

    for n in range(ENDED_CARDS + 3):
        factories.CommandeFactory(programme=world.programme, status="closed", title=f"Close {n}")

    response = facilitator_client.get(reverse("commandes:commande-board"))

    (closed,) = [c for c in response.context["columns"] if c[0] == "closed"]
    assert len(closed[2]) == ENDED_CARDS
    assert closed[3] == 3
    assert f"Close {ENDED_CARDS + 2}" in response.content.decode()  # the newest first
    assert french_text("et 3 autres : voir la liste") in response.content.decode()

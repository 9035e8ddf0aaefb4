"""Commandes in Chromium: drag and keyboard moves on the board, the gate as management, a
team with the grade warning; axe finds nothing."""

import pytest
from playwright.sync_api import expect

from commandes.models import Commande, TeamMember
from commandes.models import Status as S
from labo.lib.typography import french_text
from labo.roles import AMBASSADOR, FACILITATOR, MANAGEMENT
from tests import factories
from tests.browser.test_roles import PASSWORD, assert_accessible, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def pipeline(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    programme = factories.ProgrammeFactory(name="La Transfo")
    for username, role in (("animateur", FACILITATOR), ("direction", MANAGEMENT)):
        user = factories.UserFactory(username=username, roles=[role], password=PASSWORD)
        factories.PersonFactory(user=user, first_name=username.capitalize())
    elue = factories.PersonFactory(first_name="Sophie", last_name="Delorme")
    return {
        "occiline": factories.CommandeFactory(
            programme=programme, title="Occiline", commanditaire=elue, status=S.RECEIVED
        ),
        "hub": factories.CommandeFactory(
            programme=programme,
            title="Hub PME",
            commanditaire=elue,
            status=S.SUBMITTED,
            reformulated_wording="Un réseau",
        ),
        "comptoir": factories.CommandeFactory(
            programme=programme,
            title="Comptoir des services",
            commanditaire=elue,
            status=S.VALIDATED,
        ),
    }


def card(page, commande):
    return page.locator(f".board-card[data-id='{commande.pk}']")


def drag(page, commande, status):
    """Drag a card by the mouse, in small steps as a hand does, to a column, once the board
    is still (a drag begun on a board being swapped in is lost, as it would be by hand)."""
    page.wait_for_function(
        "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling, "
        ".sortable-chosen, .sortable-fallback')"
    )
    start = card(page, commande).locator(".meta").bounding_box()
    end = page.locator(f"ol.board-cards[data-status='{status}']").bounding_box()
    page.mouse.move(start["x"] + 10, start["y"] + 5)
    page.mouse.down()
    page.mouse.move(start["x"] + 30, start["y"] + 20, steps=5)
    page.mouse.move(end["x"] + end["width"] / 2, end["y"] + 10, steps=20)
    page.mouse.up()


def test_move_cards_by_keyboard_and_by_drag(page, live_server, pipeline):
    page.set_viewport_size({"width": 4200, "height": 1000})  # all twelve columns on screen
    log_in(page, live_server, "animateur")
    page.goto(f"{live_server.url}/commandes/")
    assert_accessible(page)

    occiline = pipeline["occiline"]
    card(page, occiline).get_by_label("Déplacer « Occiline » vers").select_option(S.CLARIFICATION)
    card(page, occiline).get_by_role("button", name="Déplacer Occiline").click()
    expect(page.locator("section[aria-labelledby='col-clarification']")).to_contain_text("Occiline")
    assert Commande.objects.get(pk=occiline.pk).status == S.CLARIFICATION

    page.locator("#column-abandoned summary").click()  # a folded column, opened to drop on it
    drag(page, occiline, "abandoned")
    expect(page.locator("#board [role='alert']")).to_contain_text("Dites pourquoi")
    assert Commande.objects.get(pk=occiline.pk).status == S.CLARIFICATION

    drag(page, occiline, "reformulated")
    expect(page.locator("#board [role='alert']")).to_contain_text("Rédigez la demande reformulée")

    Commande.objects.filter(pk=occiline.pk).update(reformulated_wording="Un guichet numérique")
    drag(page, occiline, "reformulated")
    expect(page.locator("#board-news")).to_have_text(
        french_text("Commande « Occiline » déplacée vers « Reformulée ».")
    )
    expect(page.locator("section[aria-labelledby='col-reformulated']")).to_contain_text("Occiline")
    assert Commande.objects.get(pk=occiline.pk).status == S.REFORMULATED


def test_management_validates_at_the_gate(page, live_server, pipeline):
    hub = pipeline["hub"]
    log_in(page, live_server, "direction")
    page.goto(f"{live_server.url}/commandes/{hub.pk}/")
    assert_accessible(page)

    page.locator("#id_review-value_3").check()
    page.locator("#id_review-feasibility_3").check()
    page.locator("#id_review-alignment_4").check()
    page.locator("#id_review-urgency_2").check()
    page.get_by_role("button", name="Enregistrer ma grille").click()
    expect(page.locator("#gate")).to_be_visible()
    page.get_by_label("Déplacer vers").select_option(S.VALIDATED)
    page.get_by_role("button", name="Déplacer", exact=True).click()

    expect(page.locator(".facts")).to_contain_text("Validée")
    assert Commande.objects.get(pk=hub.pk).status == S.VALIDATED
    assert hub.reviews.get().mean == 4.0


def test_build_a_team_and_see_the_grade_warning(page, live_server, pipeline):
    comptoir = pipeline["comptoir"]
    cadre = factories.PersonFactory(
        first_name="Chloé",
        last_name="Bonnet",
        grade="A",
        user=factories.UserFactory(roles=[AMBASSADOR]),
    )
    log_in(page, live_server, "animateur")
    page.goto(f"{live_server.url}/commandes/{comptoir.pk}/")

    page.locator("#id_member-person").select_option(str(cadre.pk))
    page.locator("#id_member-role").select_option("pilot")
    page.get_by_role("button", name=french_text("Ajouter à l'équipe")).click()

    expect(page.locator("#team").locator("..")).to_contain_text(
        french_text("Aucun membre de catégorie B ou C dans l'équipe.")
    )
    assert TeamMember.objects.get(commande=comptoir).person == cadre
    assert_accessible(page)

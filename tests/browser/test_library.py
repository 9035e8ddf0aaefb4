"""A facilitator plans a session from a template of another length, then adds a method to
the library, in Chromium; axe finds nothing on the pages (#18)."""

import pytest
from playwright.sync_api import expect

from labo.roles import FACILITATOR
from sessions.models import Method, Session, SessionTemplate
from tests import factories
from tests.browser.test_roles import PASSWORD, assert_accessible, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def facilitator(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    programme = factories.ProgrammeFactory(name="La Transfo")
    factories.SessionFactory(programme=programme, number=11)
    user = factories.UserFactory(username="animateur", roles=[FACILITATOR], password=PASSWORD)
    person = factories.PersonFactory(user=user, first_name="Camille")
    programme.facilitators.add(person)
    SessionTemplate.objects.create(
        name="Trois jours types",
        days=[
            {"title": f"Jour {n}", "starts_at": "09:00", "ends_at": "17:00",
             "items": [{"title": f"Bloc {n}", "duration_minutes": 30}]}
            for n in (1, 2, 3)
        ],
    )  # fmt: skip
    return person


def test_session_from_a_longer_template_asks_which_days(page, live_server, facilitator):
    log_in(page, live_server, "animateur")
    page.goto(f"{live_server.url}/sessions/new/")
    expect(page.get_by_label("Numéro")).to_have_value("12")
    expect(page.get_by_label("Camille")).to_be_checked()
    page.get_by_label("Titre").fill("Deux jours")
    page.get_by_label("Début").fill("2027-03-01")
    page.get_by_label("Fin").fill("2027-03-02")
    page.get_by_label("Partir d’un modèle").select_option(label="Trois jours types")
    page.get_by_role("button", name="Créer la session").click()

    expect(page.locator("#template-days")).to_contain_text("a 3 jours et la session 2")
    assert not Session.objects.filter(title="Deux jours").exists()
    assert_accessible(page)
    page.get_by_label("mardi 2 mars (jour 2)").select_option(
        label="Jour 3 du modèle — Jour 3 (1 bl.)"
    )
    page.get_by_role("button", name="Confirmer et créer la session").click()

    page.wait_for_url("**/agenda/")
    session = Session.objects.get(title="Deux jours")
    assert session.number == 12
    assert list(session.facilitators.all()) == [facilitator]
    assert [day.title for day in session.days.order_by("date")] == ["Jour 1", "Jour 3"]


def test_facilitator_adds_a_whole_day_method(page, live_server, facilitator):
    log_in(page, live_server, "animateur")
    page.get_by_role("link", name="Bibliothèque").click()
    page.get_by_role("link", name="Nouvelle méthode").click()
    assert_accessible(page)
    page.get_by_label("Nom").fill("Journée prototype")
    step = page.locator(".method-step").first
    expect(step).to_be_hidden()
    page.get_by_label("Une journée (ou demi-journée) faite d’étapes").check()
    step.get_by_label("Titre").fill("Prototyper")
    step.get_by_label("Durée (minutes)").fill("120")
    page.get_by_role("button", name="Enregistrer la méthode").click()

    expect(page.locator("main")).to_contain_text("Une journée en 1 étape")
    method = Method.objects.get(name="Journée prototype")
    assert list(method.steps.values_list("title", "duration_minutes")) == [("Prototyper", 120)]

"""Each role logs in through the real login page and walks its pages; axe finds nothing."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from labo.lib.typography import french_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
PASSWORD = "un-mot-de-passe-solide"


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Nom d’utilisateur").fill(username)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Connexion").click()
    page.wait_for_url(f"{live_server.url}/")


def assert_accessible(page):
    results = Axe().run(page, options=WCAG_AA)
    assert results.violations_count == 0, results.generate_report()


def visit(page, live_server, path, heading):
    page.goto(f"{live_server.url}{path}")
    assert page.get_by_role("heading", level=1).inner_text() == french_text(heading)
    assert_accessible(page)


def test_login_page_is_accessible(page, live_server, lab):
    visit(page, live_server, "/login/", "Connexion")


def test_facilitator_walks_their_pages(page, live_server, lab):
    log_in(page, live_server, "animateur")
    assert page.get_by_role("heading", name="Sessions à venir").is_visible()
    assert_accessible(page)

    visit(page, live_server, "/sessions/", "Sessions")
    visit(page, live_server, f"/sessions/{lab.pk}/", "Session n° 9 : Préparer le Grand Atelier")
    visit(page, live_server, "/people/", "Personnes")
    page.get_by_label("Activité").select_option("inactive")
    page.wait_for_url("**activity=inactive**")
    assert page.locator("#people-results").inner_text().startswith("0 personne")
    visit(page, live_server, "/people/import/", "Importer la liste RH")
    visit(page, live_server, "/me/", "Mon profil")


def test_ambassador_keeps_their_profile(page, live_server, lab):
    log_in(page, live_server, "ambassadrice")
    assert page.get_by_role("link", name="#9 Préparer le Grand Atelier").first.is_visible()
    assert_accessible(page)

    visit(page, live_server, "/me/", "Mon profil")
    page.get_by_role("group", name="appétences").get_by_label("Prototypage").check()
    page.get_by_role("button", name="Enregistrer mon profil").click()
    assert page.get_by_role("status").inner_text() == "Votre profil est enregistré."
    assert_accessible(page)
    visit(page, live_server, f"/sessions/{lab.pk}/", "Session n° 9 : Préparer le Grand Atelier")


def test_management_reads_the_latest_syntheses(page, live_server, lab):
    log_in(page, live_server, "direction")
    assert page.get_by_role("heading", name="Dernières synthèses").is_visible()
    assert_accessible(page)

    visit(page, live_server, f"/sessions/{lab.pk}/", "Session n° 9 : Préparer le Grand Atelier")


@pytest.mark.parametrize("username", ["animateur", "ambassadrice", "direction"])
def test_pages_fit_a_320_pixel_screen(page, live_server, lab, username):
    page.set_viewport_size({"width": 320, "height": 640})
    log_in(page, live_server, username)

    for path in ["/", "/sessions/", f"/sessions/{lab.pk}/", "/me/"]:
        page.goto(f"{live_server.url}{path}")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 320, f"{path} is {width} px wide"


def test_skip_link_moves_focus_to_the_content(page, live_server, lab):
    log_in(page, live_server, "ambassadrice")

    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Aller au contenu")
    assert skip.evaluate("el => el === document.activeElement")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"

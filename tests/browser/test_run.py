"""Run mode in two windows: the facilitator's console and the room's screen. The screen has
nothing to click and follows the console without being reloaded (tests run against the
WSGI live server: the stream answers once and EventSource comes back within a second)."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from labo.lib.typography import french_text
from labo.roles import FACILITATOR
from tests import factories
from tests.browser.test_roles import PASSWORD, assert_accessible, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FOLLOWS = 5_000  # ms: a second for EventSource to come back, the rest for a busy machine


def make_day(date):
    programme = factories.ProgrammeFactory(name="La Transfo")
    session = factories.SessionFactory(programme=programme, title="Grand Atelier", starts_on=date)
    day = factories.DayFactory(session=session)
    factories.AgendaItemFactory(day=day, title="Tribunal de l'innovation", position=0)
    factories.AgendaItemFactory(day=day, title="Déjeuner", position=1, duration_minutes=60)
    user = factories.UserFactory(username="animateur", roles=[FACILITATOR], password=PASSWORD)
    programme.facilitators.add(factories.PersonFactory(user=user, first_name="Camille"))
    return day


@pytest.fixture
def day(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return make_day(timezone.localdate())


@pytest.fixture
def rehearsed_day(settings):
    """A day run before its date: a rehearsal, its delays counted from its own start."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return make_day(timezone.localdate() + datetime.timedelta(days=3))


def test_the_projector_follows_the_console_without_reload(page, live_server, rehearsed_day):
    day = rehearsed_day
    log_in(page, live_server, "animateur")
    console = page
    screen = page.context.new_page()
    screen.goto(f"{live_server.url}/sessions/days/{day.pk}/run/?projector=1")
    console.goto(f"{live_server.url}/sessions/days/{day.pk}/run/")
    expect(screen.locator(".run-title")).to_have_text(
        french_text("La journée n'a pas encore commencé.")
    )
    expect(screen.locator(".run-rehearsal")).to_have_text("Répétition")
    screen.evaluate("window.sameScreen = true")

    console.get_by_role("button", name="Démarrer la journée").click()
    expect(screen.locator(".run-title")).to_have_text(
        french_text("Tribunal de l'innovation"), timeout=FOLLOWS
    )
    expect(screen.locator(".run-delay")).to_have_text(french_text("À l'heure"))  # counted from now
    console.get_by_role("button", name="Ajouter cinq minutes").click()
    # The console says it first (its own answer), then the screen follows.
    expect(console.locator(".run-delay")).to_contain_text("5 min de retard", timeout=FOLLOWS)
    expect(screen.locator(".run-delay")).to_contain_text("5 min de retard", timeout=FOLLOWS)
    console.get_by_role("button", name="Bloc suivant").click()
    expect(screen.locator(".run-title")).to_have_text("Déjeuner", timeout=FOLLOWS)

    # The countdown keeps ticking between two events.
    first = screen.locator("time.countdown").inner_text()
    # A tick a second; a page in the background of a busy machine may wait a little more.
    expect(screen.locator("time.countdown")).not_to_have_text(first, timeout=5_000)
    assert screen.evaluate("window.sameScreen") is True
    controls = screen.locator("main a, main button, main form, main input, main select")
    assert controls.count() == 0
    assert "animateur" not in screen.content()
    assert_accessible(screen)


def test_reset_is_confirmed_before_the_screen_changes(page, live_server, day):
    log_in(page, live_server, "animateur")
    screen = page.context.new_page()
    screen.goto(f"{live_server.url}/sessions/days/{day.pk}/run/?projector=1")
    page.goto(f"{live_server.url}/sessions/days/{day.pk}/run/")
    page.get_by_role("button", name="Démarrer la journée").click()
    expect(screen.locator(".run-title")).to_have_text(
        french_text("Tribunal de l'innovation"), timeout=FOLLOWS
    )

    page.get_by_role("button", name="Réinitialiser").click()
    expect(page.get_by_role("heading", name="La journée a commencé")).to_be_visible()
    assert_accessible(page)
    screen.wait_for_timeout(1_500)
    expect(screen.locator(".run-title")).to_have_text(french_text("Tribunal de l'innovation"))
    page.get_by_role("button", name="Oui, réinitialiser").click()

    expect(screen.locator(".run-title")).to_have_text(
        french_text("La journée n'a pas encore commencé."), timeout=FOLLOWS
    )
    expect(page.get_by_role("button", name="Démarrer la journée")).to_be_visible()


def test_the_console_works_without_javascript(browser, live_server, day):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    log_in(page, live_server, "animateur")
    page.goto(f"{live_server.url}/sessions/days/{day.pk}/run/")

    page.get_by_role("button", name="Démarrer la journée").click()
    page.get_by_role("button", name="Recommencer").click()
    expect(page.get_by_role("heading", name="La journée a commencé")).to_be_visible()
    page.get_by_role("button", name="Oui, recommencer").click()

    expect(page.locator(".run-title")).to_have_text(french_text("Tribunal de l'innovation"))
    expect(page.get_by_role("button", name="Démarrer la journée")).to_have_count(0)
    context.close()

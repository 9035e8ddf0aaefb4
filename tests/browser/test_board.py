"""The commandes board as management on a laptop and on a phone (#18): every status on
screen or one tap away, no sideways scrolling, a keyboard move that keeps the focus on the
card and is said aloud."""

import pytest
from playwright.sync_api import expect

from commandes.models import Commande
from commandes.models import Status as S
from labo.lib.typography import french_text
from labo.roles import MANAGEMENT
from tests import factories
from tests.browser.test_roles import PASSWORD, assert_accessible, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NO_SIDEWAYS_SCROLLING = """() => {
  const page = document.documentElement;
  const board = document.getElementById("board");
  return page.scrollWidth <= page.clientWidth && board.scrollWidth <= board.clientWidth;
}"""


@pytest.fixture
def every_status(settings):
    """Management, and commandes in every status: three where the work piles up."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    user = factories.UserFactory(username="direction", roles=[MANAGEMENT], password=PASSWORD)
    factories.PersonFactory(user=user, first_name="Diane")
    programme = factories.ProgrammeFactory(name="La Transfo")
    elue = factories.PersonFactory(first_name="Sophie", last_name="Delorme")
    commandes = {}
    for status in S:
        for n in range(3 if status in (S.RECEIVED, S.IN_PROGRESS, S.CLOSED) else 1):
            commandes[status] = factories.CommandeFactory(
                programme=programme,
                commanditaire=elue,
                status=status,
                title=f"{status.label} {n + 1}",
                reformulated_wording="Une demande reformulée.",
            )
    Commande.objects.filter(pk=commandes[S.SUBMITTED].pk).update(title="Hub PME")
    return commandes


def overview(page, status):
    return page.locator(f".board-overview a[href='#col-{status}']")


def check_every_status_is_reachable(page, counts, *, scroll):
    expect(page.locator("#board")).to_be_visible()
    assert page.evaluate(NO_SIDEWAYS_SCROLLING)
    if scroll:  # below the filters on a phone
        page.locator(".board-overview").evaluate("nav => nav.scrollIntoView({block: 'center'})")
    for status in S:
        expect(overview(page, status)).to_be_in_viewport(ratio=1)
        expect(overview(page, status).locator(".count")).to_have_text(str(counts[status]))


def test_management_reaches_every_status_and_moves_by_keyboard_at_1366(
    page, live_server, every_status
):
    page.set_viewport_size({"width": 1366, "height": 800})
    log_in(page, live_server, "direction")
    page.goto(f"{live_server.url}/commandes/")
    counts = {s: 3 if s in (S.RECEIVED, S.IN_PROGRESS, S.CLOSED) else 1 for s in S}

    check_every_status_is_reachable(page, counts, scroll=False)
    assert page.evaluate("window.scrollY") == 0
    for status in (S.SHELVED, S.REFUSED, S.CLOSED, S.ABANDONED):
        expect(page.locator(f"#column-{status} summary")).to_contain_text(str(counts[status]))
        expect(page.locator(f"#column-{status} .board-card").first).to_be_hidden()
    overview(page, S.SHELVED).click()
    expect(page.locator(f"#column-{S.SHELVED} .board-card")).to_be_in_viewport()
    assert_accessible(page)

    hub = every_status[S.SUBMITTED]
    choice = page.get_by_label("Déplacer « Hub PME » vers")
    choice.focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(choice).to_have_value(S.REFUSED)
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")

    expect(page.locator("#board-news")).to_have_text(
        french_text("Commande « Hub PME » déplacée vers « Refusée ».")
    )
    moved = page.locator(f".board-card[data-id='{hub.pk}']")
    expect(moved).to_be_focused()
    expect(moved).to_be_in_viewport()
    expect(page.locator(f"#column-{S.REFUSED}")).to_have_attribute("open", "")
    expect(page.locator(f"#column-{S.SHELVED}")).to_have_attribute("open", "")  # still open
    expect(overview(page, S.REFUSED).locator(".count")).to_have_text("2")
    assert Commande.objects.get(pk=hub.pk).status == S.REFUSED
    assert page.evaluate(NO_SIDEWAYS_SCROLLING)
    assert_accessible(page)


def test_management_reaches_every_status_on_a_phone(browser, live_server, every_status):
    context = browser.new_context(viewport={"width": 360, "height": 740}, has_touch=True)
    page = context.new_page()
    log_in(page, live_server, "direction")
    page.goto(f"{live_server.url}/commandes/")
    counts = {s: 3 if s in (S.RECEIVED, S.IN_PROGRESS, S.CLOSED) else 1 for s in S}

    check_every_status_is_reachable(page, counts, scroll=True)
    overview(page, S.CLOSED).tap()

    expect(page.locator(f"#column-{S.CLOSED}")).to_have_attribute("open", "")
    expect(page.locator(f"#column-{S.CLOSED} .board-card").first).to_be_in_viewport()
    assert page.evaluate(NO_SIDEWAYS_SCROLLING)
    assert_accessible(page)
    context.close()

"""On a 320 px touch screen every capture page and the ambassador's home fit the width (no
table cut off) and every target in them is at least 44 px high; the site menu folds."""

import pytest
from playwright.sync_api import expect

from ateliers import models as m
from ateliers.access import guest_token
from ateliers.models import Format, GuestPurpose
from labo.roles import AMBASSADOR
from tests import factories
from tests.browser.test_ateliers import atelier_of
from tests.browser.test_roles import PASSWORD, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"viewport": {"width": 320, "height": 640}, "has_touch": True, "is_mobile": True}

# What a page hides sideways, and the targets under 44 px in <main>: links, buttons, fields,
# summaries (a radio or a checkbox counts by the label around it). A link inside a sentence
# of a paragraph is left out: WCAG 2.5.8 exempts inline targets, and padding it would break
# the line's reading.
MEASURE = """() => {
  const small = [];
  const targets = 'a[href], button, input:not([type=hidden]), select, textarea, summary';
  for (const el of document.querySelectorAll('main details')) el.open = true;
  for (const el of document.querySelectorAll('main :is(' + targets + ')')) {
    let box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    if (!box.width || style.visibility === 'hidden' || el.closest('.visually-hidden')) continue;
    const label = el.closest('label');
    const choice = el.type === 'radio' || el.type === 'checkbox';
    if (choice && label) box = label.getBoundingClientRect();
    if (el.tagName === 'A' && style.display === 'inline') {
      const sentence = el.closest('p, blockquote');
      if (sentence && sentence.textContent.trim() !== el.textContent.trim()) continue;
    }
    if (box.height < 44) small.push(el.outerHTML.slice(0, 120) + ' ' + Math.round(box.height));
  }
  for (const wrap of document.querySelectorAll('main .table-wrap')) {
    const cut = wrap.scrollWidth > wrap.clientWidth + 1;
    if (cut) small.push('cut: ' + wrap.getAttribute('aria-label'));
  }
  return {wide: document.documentElement.scrollWidth - window.innerWidth, small};
}"""


@pytest.fixture
def ambassador_session(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    session = factories.SessionFactory(title="Grand Atelier")
    user = factories.UserFactory(username="ambassadrice", roles=[AMBASSADOR], password=PASSWORD)
    person = factories.PersonFactory(user=user, first_name="Léa")
    factories.AttendanceFactory(day=factories.DayFactory(session=session), person=person)
    return session


@pytest.fixture
def capture_pages(ambassador_session):
    session = ambassador_session
    tribunal = atelier_of(session, Format.TRIBUNAL)
    m.TribunalCase.objects.create(
        atelier=tribunal, question="Ouvrir le samedi ?", before_undecided=12, after_for=11
    )
    stands = atelier_of(session, Format.LABO_STANDS)
    for number in range(3):
        stand = m.Stand.objects.create(atelier=stands, name=f"Stand {number}")
        m.StandVisit.objects.create(stand=stand, group=f"Groupe {number}", round=1)
    retro = atelier_of(session, Format.RETROSPECTIVE, ideas_revealed=True)
    for text in ("Un guichet unique", "Des horaires élargis"):
        m.Idea.objects.create(atelier=retro, text=text)
    debate = atelier_of(session, Format.DEBAT_MOUVANT)
    m.DebateQuestion.objects.create(atelier=debate, text="Le Labo est-il un catalyseur ?")
    demarreur = atelier_of(session, Format.DEMARREUR)
    grid = atelier_of(session, Format.CRITERIA_GRID, ideas_revealed=True)
    m.Idea.objects.create(atelier=grid, text="Une idée placée", x=30, y=60)
    workshops = [tribunal, stands, retro, debate, demarreur, grid]
    links = [
        m.GuestLink.objects.create(atelier=retro, purpose=GuestPurpose.VOTE),
        m.GuestLink.objects.create(atelier=retro, purpose=GuestPurpose.RATE),
        m.GuestLink.objects.create(atelier=demarreur, purpose=GuestPurpose.OBSERVE),
    ]
    return [f"/ateliers/{a.pk}/" for a in workshops], [
        f"/ateliers/g/{guest_token(link)}/" for link in links
    ]


def _assert_fits(page, url):
    page.goto(url)
    measured = page.evaluate(MEASURE)
    assert measured["wide"] <= 0, f"{url} is {measured['wide']} px too wide"
    assert measured["small"] == [], f"{url}: {measured['small']}"


def test_capture_pages_and_home_fit_a_320_px_phone(browser, live_server, capture_pages):
    workshops, guest_pages = capture_pages
    ambassador = browser.new_context(**PHONE)
    page = ambassador.new_page()
    log_in(page, live_server, "ambassadrice")
    for path in ["/", *workshops]:
        _assert_fits(page, live_server.url + path)
    guest = browser.new_context(**PHONE).new_page()
    for path in guest_pages:
        _assert_fits(guest, live_server.url + path)


def test_the_site_menu_folds_on_a_phone_and_stays_open_on_a_wide_screen(
    browser, live_server, ambassador_session
):
    page = browser.new_context(**PHONE).new_page()
    log_in(page, live_server, "ambassadrice")
    toggle = page.get_by_role("button", name="Menu")
    menu = page.get_by_role("navigation", name="Menu principal")

    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(menu).to_be_hidden()
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(menu.get_by_role("link", name="Mon profil")).to_be_visible()
    menu.get_by_role("link", name="Accueil").focus()
    page.keyboard.press("Escape")
    expect(menu).to_be_hidden()
    expect(toggle).to_be_focused()

    page.set_viewport_size({"width": 1366, "height": 800})
    expect(menu).to_be_visible()
    expect(toggle).to_be_hidden()


def test_the_site_menu_is_open_without_javascript(browser, live_server, ambassador_session):
    page = browser.new_context(**PHONE, java_script_enabled=False).new_page()
    log_in(page, live_server, "ambassadrice")

    expect(page.get_by_role("navigation", name="Menu principal")).to_be_visible()
    expect(page.locator(".menu-toggle")).to_be_hidden()

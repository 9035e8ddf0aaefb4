"""A facilitator builds a day in Chromium: add, reorder by drag and by keyboard, pin lunch,
undo a delete; then runs the day. axe finds nothing on the planner or the run mode."""

import datetime

import pytest
from playwright.sync_api import expect

from labo.lib.typography import french_text
from labo.roles import FACILITATOR
from sessions.models import AgendaItem
from tests import factories
from tests.browser.test_roles import PASSWORD, assert_accessible, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def planned(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    programme = factories.ProgrammeFactory(name="La Transfo")
    session = factories.SessionFactory(
        programme=programme,
        number=9,
        title="Grand Atelier",
        starts_on=datetime.date(2026, 6, 25),
        ends_on=datetime.date(2026, 6, 26),
    )
    first = factories.DayFactory(session=session, date=session.starts_on)
    factories.DayFactory(session=session, date=session.ends_on)
    user = factories.UserFactory(username="animateur", roles=[FACILITATOR], password=PASSWORD)
    person = factories.PersonFactory(user=user, first_name="Camille")
    programme.facilitators.add(person)
    return session, first


def titles(page, day):
    return page.locator(f"#day-{day.pk} ol.agenda-edit > li .item-title strong").all_inner_texts()


def add_block(page, day, title, minutes, kind="free"):
    form = page.locator(f"#day-{day.pk} .add-block form").first
    form.get_by_label("Titre").fill(title)
    form.get_by_label("Type").select_option(kind)
    form.get_by_label("durée (minutes)").fill(str(minutes))
    form.get_by_role("button", name="Ajouter le bloc").click()
    expect(page.locator(f"#day-{day.pk} ol.agenda-edit")).to_contain_text(title)


def test_build_reorder_pin_and_undo(page, live_server, planned):
    session, day = planned
    log_in(page, live_server, "animateur")
    page.goto(f"{live_server.url}/sessions/{session.pk}/agenda/")

    add_block(page, day, "Brise-glace", 20, "icebreaker")
    add_block(page, day, "Atelier long", 240, "workshop")
    add_block(page, day, "Déjeuner", 60, "meal")
    assert titles(page, day) == ["Brise-glace", "Atelier long", "Déjeuner"]
    expect(page.locator(f"#day-{day.pk}")).to_contain_text("09:20–13:20")
    assert_accessible(page)

    # Keyboard: move "Déjeuner" up; focus stays on its button, the move is announced.
    lunch = AgendaItem.objects.get(title="Déjeuner")
    page.locator(f"#item-{lunch.pk}-up").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#planner-status")).to_have_text(
        "« Déjeuner » déplacé en position 2 sur 3."
    )
    assert titles(page, day) == ["Brise-glace", "Déjeuner", "Atelier long"]
    assert page.evaluate("document.activeElement.id") == f"item-{lunch.pk}-up"

    # Drag: put "Atelier long" back above "Déjeuner".
    long_block = AgendaItem.objects.get(title="Atelier long")
    page.locator(f"#item-{long_block.pk} .time").drag_to(page.locator(f"#item-{lunch.pk} .time"))
    expect(page.locator("#planner-status")).to_have_text("Nouvel ordre enregistré.")
    assert titles(page, day) == ["Brise-glace", "Atelier long", "Déjeuner"]
    assert list(
        AgendaItem.objects.filter(day=day).order_by("position").values_list("title", flat=True)
    ) == ["Brise-glace", "Atelier long", "Déjeuner"]

    # Pin lunch at 12:30: the long workshop runs into it, a warning appears.
    page.locator(f"#item-{lunch.pk}-more").click()  # the block's other actions
    page.locator(f"#item-{lunch.pk}").get_by_role("link", name="Modifier").click()
    page.locator(f"#id_item{lunch.pk}-fixed_start").fill("12:30")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.locator(f"#item-{lunch.pk}")).to_contain_text(
        "Le bloc précédent déborde sur cet horaire fixe."
    )
    expect(page.locator(f"#item-{lunch.pk}")).to_contain_text("12:30–13:30")

    # Delete and undo.
    page.locator(f"#item-{long_block.pk}-more").click()
    page.locator(f"#item-{long_block.pk}").get_by_role("button", name="Supprimer").click()
    expect(page.locator(f"#day-{day.pk} .undo")).to_be_visible()
    assert titles(page, day) == ["Brise-glace", "Déjeuner"]
    page.get_by_role("button", name="Annuler").click()
    expect(page.locator("#planner-status")).to_have_text("Bloc « Atelier long » rétabli.")
    assert titles(page, day) == ["Brise-glace", "Atelier long", "Déjeuner"]
    assert_accessible(page)


def test_move_a_block_to_the_next_day(page, live_server, planned):
    session, day = planned
    block = factories.AgendaItemFactory(day=day, title="Débrief", position=0)
    other = session.days.exclude(pk=day.pk).get()
    log_in(page, live_server, "animateur")
    page.goto(f"{live_server.url}/sessions/{session.pk}/agenda/")

    page.locator(f"#item-{block.pk}-more").click()
    page.locator(f"#item-{block.pk}").get_by_role("button", name="Déplacer").click()

    expect(page.locator(f"#day-{other.pk} ol.agenda-edit")).to_contain_text("Débrief")
    assert titles(page, day) == []


def test_run_mode_is_accessible_and_runs(page, live_server, planned):
    _session, day = planned
    factories.AgendaItemFactory(day=day, title="Tribunal de l'innovation", position=0)
    factories.AgendaItemFactory(day=day, title="Déjeuner", position=1)
    log_in(page, live_server, "animateur")
    page.goto(f"{live_server.url}/sessions/days/{day.pk}/run/")
    assert_accessible(page)

    page.get_by_role("button", name="Démarrer la journée").click()
    expect(page.locator(".run-title")).to_have_text(french_text("Tribunal de l'innovation"))
    page.get_by_role("button", name="Bloc suivant").click()
    expect(page.locator(".run-title")).to_have_text("Déjeuner")
    assert_accessible(page)

    page.goto(f"{live_server.url}/sessions/days/{day.pk}/run/?projector=1")
    expect(page.locator("body.projector .run-title")).to_have_text("Déjeuner")

    page.set_viewport_size({"width": 360, "height": 740})
    for view in ("", "?projector=1"):
        page.goto(f"{live_server.url}/sessions/days/{day.pk}/run/{view}")
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, view


def test_drag_a_block_to_the_next_day(page, live_server, planned):
    session, day = planned
    other = session.days.exclude(pk=day.pk).get()
    moving = factories.AgendaItemFactory(day=day, title="Rétrospective", position=0)
    target = factories.AgendaItemFactory(day=other, title="Accueil", position=0)
    log_in(page, live_server, "animateur")
    page.goto(f"{live_server.url}/sessions/{session.pk}/agenda/")
    page.set_viewport_size({"width": 1280, "height": 2400})  # both days on screen

    page.locator(f"#item-{moving.pk} .time").drag_to(page.locator(f"#item-{target.pk} .time"))

    # The list changes in the browser at once; the announcement comes with the server's answer.
    expect(page.locator("#planner-status")).to_contain_text("« Rétrospective » déplacé")
    expect(page.locator(f"#day-{other.pk} ol.agenda-edit")).to_contain_text("Rétrospective")
    assert AgendaItem.objects.get(pk=moving.pk).day_id == other.pk
    assert titles(page, day) == []

"""A facilitator plans a day on a desktop and on a phone (#18): six blocks, lunch pinned,
durations changed in place, a block moved to the next day at its time, a delete undone, all
by keyboard as well; the planner fits 320 and 360 px."""

import datetime

import pytest
from playwright.sync_api import expect

from labo.roles import FACILITATOR
from sessions.models import AgendaItem
from tests import factories
from tests.browser.test_roles import PASSWORD, assert_accessible, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENS = {
    "desktop": {"viewport": {"width": 1366, "height": 800}},
    "phone": {"viewport": {"width": 360, "height": 740}, "has_touch": True, "is_mobile": True},
}


@pytest.fixture
def two_days(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    programme = factories.ProgrammeFactory(name="La Transfo")
    session = factories.SessionFactory(
        programme=programme,
        number=9,
        starts_on=datetime.date(2026, 6, 25),
        ends_on=datetime.date(2026, 6, 26),
    )
    first = factories.DayFactory(session=session, date=session.starts_on)
    second = factories.DayFactory(session=session, date=session.ends_on)
    for position, title in enumerate(["Ouverture", "Plénière", "Restitution"]):
        factories.AgendaItemFactory(day=second, title=title, duration_minutes=60, position=position)
    user = factories.UserFactory(username="animateur", roles=[FACILITATOR], password=PASSWORD)
    programme.facilitators.add(factories.PersonFactory(user=user))
    return session, first, second


@pytest.fixture(params=list(SCREENS))
def screen(request, browser):
    context = browser.new_context(**SCREENS[request.param])
    yield request.param, context.new_page()
    context.close()


def titles(page, day):
    return page.locator(f"#day-{day.pk} ol.agenda-edit > li .item-title strong").all_inner_texts()


def times(page, day):
    return [
        t.replace("⠿", "").strip()
        for t in page.locator(f"#day-{day.pk} ol.agenda-edit > li .time").all_inner_texts()
    ]


def add_block(page, day, title, minutes, fixed=""):
    form = page.locator(f"#day-{day.pk} .add-block form").first
    form.get_by_label("Titre").fill(title)
    form.get_by_label("durée (minutes)").fill(str(minutes))
    form.get_by_label("Horaire fixe").fill(fixed)
    form.get_by_role("button", name="Ajouter le bloc").click()
    expect(page.locator(f"#day-{day.pk} ol.agenda-edit")).to_contain_text(title)


def wide(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def test_plan_a_day_by_pointer_and_keyboard(live_server, two_days, screen):
    name, page = screen
    session, day, next_day = two_days
    log_in(page, live_server, "animateur")
    page.goto(f"{live_server.url}/sessions/{session.pk}/agenda/")

    for title, minutes, fixed in [
        ("Accueil", 30, ""),
        ("Brise-glace", 20, ""),
        ("Atelier du matin", 90, ""),
        ("Déjeuner", 60, "12:30"),
        ("Atelier après déjeuner", 120, ""),
        ("Débrief", 30, ""),
    ]:
        add_block(page, day, title, minutes, fixed)
    blocks = {b.title: b for b in AgendaItem.objects.filter(day=day)}
    assert times(page, day)[:4] == ["09:00–09:30", "09:30–09:50", "09:50–11:20", "12:30–13:30"]
    expect(page.locator(f"#day-{day.pk}-summary")).to_contain_text("5 h 50 prévues")
    expect(page.locator(f"#item-{blocks['Déjeuner'].pk} .gap")).to_contain_text("1 h 10")
    assert wide(page) <= 0
    if name == "desktop":
        heights = page.locator(f"#day-{day.pk} ol.agenda-edit > li .row-line").evaluate_all(
            "rows => rows.map(r => r.getBoundingClientRect().height)"
        )
        assert max(h for h in heights) <= 56, heights  # one line, 48 px (44 px targets)

    # A tap (or a click) on "+": five minutes more, the following blocks follow, focus stays.
    icebreaker = blocks["Brise-glace"].pk
    plus = page.locator(f"#item-{icebreaker}-longer")
    plus.tap() if name == "phone" else plus.click()
    expect(page.locator(f"#item-{icebreaker}-duration")).to_have_value("25")
    expect(page.locator(f"#item-{blocks['Atelier du matin'].pk} .time")).to_contain_text(
        "09:55–11:25"
    )
    expect(page.locator(f"#item-{icebreaker}-longer")).to_be_focused()

    # By keyboard: "−" twice, then a duration typed and Enter.
    page.keyboard.press("Enter")
    expect(page.locator(f"#item-{icebreaker}-duration")).to_have_value("30")
    page.locator(f"#item-{icebreaker}-shorter").focus()
    page.keyboard.press("Enter")
    expect(page.locator(f"#item-{icebreaker}-duration")).to_have_value("25")
    expect(page.locator(f"#item-{icebreaker}-shorter")).to_be_focused()
    morning = blocks["Atelier du matin"].pk
    page.locator(f"#item-{morning}-duration").fill("100")
    page.keyboard.press("Enter")
    expect(page.locator("#planner-status")).to_contain_text("dure maintenant 1 h 40")
    expect(page.locator(f"#item-{morning}-duration")).to_be_focused()
    expect(page.locator(f"#item-{morning} .time")).to_contain_text("09:55–11:35")

    # Keyboard reorder: the focus follows the block.
    page.locator(f"#item-{icebreaker}-up").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#planner-status")).to_contain_text("position 1 sur 6")
    assert titles(page, day)[:2] == ["Brise-glace", "Accueil"]
    expect(page.locator(f"#item-{icebreaker}-down")).to_be_focused()  # first now: "up" is disabled

    # Move the morning workshop (09:55) to the next day: after "Ouverture" (09:00), at 10:00.
    page.locator(f"#item-{morning}-more").focus()
    page.keyboard.press("Enter")
    page.locator(f"#move-{morning}").select_option(str(next_day.pk))
    page.locator(f"#item-{morning}-to-day").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#planner-status")).to_contain_text("à 10:00")
    assert titles(page, next_day) == ["Ouverture", "Atelier du matin", "Plénière", "Restitution"]
    assert "Atelier du matin" not in titles(page, day)
    expect(page.locator(f"#item-{morning}")).to_be_focused()

    # Delete "Débrief" and undo by keyboard: the restored block has the focus.
    debrief = blocks["Débrief"].pk
    page.locator(f"#item-{debrief}-more").focus()
    page.keyboard.press("Enter")
    page.locator(f"#item-{debrief}").get_by_role("button", name="Supprimer").focus()
    page.keyboard.press("Enter")
    expect(page.locator(f"#day-{day.pk} .undo")).to_be_visible()
    expect(page.locator("#undo")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#planner-status")).to_have_text("Bloc « Débrief » rétabli.")
    expect(page.locator(f"#item-{debrief}")).to_be_focused()
    assert titles(page, day)[-1] == "Débrief"
    assert wide(page) <= 0
    assert_accessible(page)


@pytest.mark.parametrize("width", [320, 360])
def test_the_planner_fits_a_phone(live_server, two_days, browser, width):
    session, day, _next_day = two_days
    factories.AgendaItemFactory(
        day=day, title="Un atelier au titre vraiment très long pour un téléphone", position=0
    )
    context = browser.new_context(
        viewport={"width": width, "height": 740}, has_touch=True, is_mobile=True
    )
    page = context.new_page()
    log_in(page, live_server, "animateur")
    page.goto(f"{live_server.url}/sessions/{session.pk}/agenda/")

    for summary in page.locator("main details > summary").all():
        summary.click()
    assert wide(page) <= 0
    for control in page.locator(f"#day-{day.pk} ol.agenda-edit button:visible").all():
        box = control.bounding_box()
        assert box is not None
        assert box["x"] >= 0 and box["x"] + box["width"] <= width
    context.close()


def test_a_typed_duration_is_saved_when_the_field_is_left_and_sent_once_on_enter(
    live_server, two_days, page
):
    _session, _first, second = two_days
    opening = second.items.get(title="Ouverture")
    log_in(page, live_server, "animateur")
    page.goto(f"{live_server.url}/sessions/{second.session.pk}/agenda/")
    posts = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    field = page.locator(f"#item-{opening.pk}-duration")

    field.fill("45")
    page.keyboard.press("Tab")  # left without Enter
    expect(page.locator("#planner-status")).to_contain_text("dure maintenant 45 min")
    expect(page.locator(f"#item-{opening.pk} .time")).to_contain_text("09:00–09:45")
    page.locator(f"#item-{opening.pk}-duration").fill("50")
    page.keyboard.press("Enter")
    expect(page.locator("#planner-status")).to_contain_text("dure maintenant 50 min")

    opening.refresh_from_db()
    assert opening.duration_minutes == 50
    assert len(posts) == 2  # one for the field left, one for Enter: never twice

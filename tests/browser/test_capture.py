"""On a phone in the workshop room, on a slow network or none (issue #15): every tap
counted once, every post-it stored once with its own text, what was sent offline stored
once when the network returns, a draft back after a reload, focus where the user was."""

import time

import pytest
from playwright.sync_api import expect

from ateliers import models as m
from ateliers import services
from ateliers.access import guest_token
from ateliers.models import Format, GuestPurpose
from labo.lib.typography import french_text
from labo.roles import AMBASSADOR, FACILITATOR
from tests import factories
from tests.browser.test_ateliers import PHONE, atelier_of
from tests.browser.test_roles import PASSWORD, assert_accessible, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The phone network of the issue: 400 ms latency, 3 Mbit/s up (10 down).
SLOW = {
    "offline": False,
    "latency": 400,
    "downloadThroughput": 1_250_000,
    "uploadThroughput": 375_000,
}


@pytest.fixture
def browser_context_args(browser_context_args):
    return {
        **browser_context_args,
        "viewport": PHONE,
        "has_touch": True,
        "is_mobile": True,
        "service_workers": "allow",  # offline, the pages come from it
    }


@pytest.fixture
def phone(page):
    return page


def slow_down(page):
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", SLOW)
    return cdp


def all_sent(page):
    expect(page.locator(".capture-pending")).to_be_empty(timeout=30_000)


def focused(page):
    return page.evaluate(
        "({id: document.activeElement.id, name: document.activeElement.name,"
        " value: document.activeElement.value, tag: document.activeElement.tagName})"
    )


def test_twelve_quick_taps_on_a_slow_network_count_twelve(phone, live_server, ambassador_session):
    atelier = atelier_of(ambassador_session, Format.DEBAT_MOUVANT)
    question = m.DebateQuestion.objects.create(atelier=atelier, text="Catalyseur ?", yes=2)
    log_in(phone, live_server, "ambassadrice")
    phone.goto(f"{live_server.url}/ateliers/{atelier.pk}/")
    slow_down(phone)
    plus = phone.locator(f"#question-{question.pk} .tally-row").first.get_by_role(
        "button", name="+1 Oui"
    )

    for _ in range(12):
        plus.tap()
        phone.wait_for_timeout(90)
    shown_while_sending = phone.locator(f"#question-{question.pk} .count").first.inner_text()
    all_sent(phone)

    assert shown_while_sending == "14"  # the server's count plus what waits, at once
    expect(phone.locator(f"#question-{question.pk} .count").first).to_have_text("14")
    assert m.DebateQuestion.objects.get(pk=question.pk).yes == 14
    assert focused(phone)["value"] == "1"  # still on the +1 the thumb is on
    expect(phone.locator("#announce")).to_have_text("Oui : 14")


def test_three_post_its_in_a_row_are_three_rows_with_their_own_text(
    phone, live_server, ambassador_session
):
    atelier = atelier_of(ambassador_session, Format.FREE)
    log_in(phone, live_server, "ambassadrice")
    phone.goto(f"{live_server.url}/ateliers/{atelier.pk}/")
    slow_down(phone)
    phone.get_by_text("Ajouter une idée").click()
    form = phone.locator("form[data-draft$='-idea']")
    horizontal = french_text("Position sur l'axe horizontal")
    expect(form.get_by_label(horizontal)).to_have_count(0)  # no grid here

    boxes_before = []
    for text in ("Un guichet unique", "Des horaires élargis", "Un agent d’accueil mobile"):
        box = phone.locator("#id_idea-text")
        boxes_before.append(box.input_value())
        box.fill(text)
        form.get_by_role("button", name="Enregistrer").click()
    all_sent(phone)

    assert boxes_before == ["", "", ""]
    texts = list(
        m.Idea.objects.filter(atelier=atelier).order_by("pk").values_list("text", flat=True)
    )
    assert texts == ["Un guichet unique", "Des horaires élargis", "Un agent d’accueil mobile"]
    expect(phone.locator("#id_idea-text")).to_have_value("")
    expect(phone.locator("#id_idea-text")).to_be_focused()  # open, ready for the next
    assert phone.locator("details:has(form[data-draft$='-idea'])").evaluate("d => d.open")


def until_offline(page, seconds: float = 5.0) -> None:
    """Wait until the page itself knows it is offline: the emulation reaches a document
    loaded from the service worker a moment after it (in CI, a save sent at once had gone
    out to the server)."""
    deadline = time.monotonic() + seconds
    while page.evaluate("navigator.onLine"):
        assert time.monotonic() < deadline, "the page never went offline"
        page.wait_for_timeout(50)


def test_what_is_sent_offline_is_stored_once_when_the_network_returns(
    phone, live_server, ambassador_session
):
    debate = atelier_of(ambassador_session, Format.DEBAT_MOUVANT)
    question = m.DebateQuestion.objects.create(atelier=debate, text="Catalyseur ?")
    ideas = atelier_of(ambassador_session, Format.FREE)
    log_in(phone, live_server, "ambassadrice")
    for atelier in (ideas, debate):  # visited once online: the pages are kept for offline use
        phone.goto(f"{live_server.url}/ateliers/{atelier.pk}/")
        phone.evaluate("navigator.serviceWorker.ready.then(() => true)")
        phone.reload()

    phone.context.set_offline(True)
    phone.goto(f"{live_server.url}/ateliers/{ideas.pk}/")  # from the service worker
    until_offline(phone)
    phone.get_by_text("Ajouter une idée").click()
    phone.locator("#id_idea-text").fill("Écrite au sous-sol")
    phone.locator("form[data-draft$='-idea']").get_by_role("button", name="Enregistrer").click()
    expect(phone.locator(".capture-pending")).to_contain_text("1 en attente d’envoi")
    phone.goto(f"{live_server.url}/ateliers/{debate.pk}/")
    plus = phone.locator(f"#question-{question.pk} .tally-row").first.get_by_role(
        "button", name="+1 Oui"
    )
    for _ in range(3):
        plus.tap()
    phone.get_by_text("Noter les méthodes").click()
    rating = phone.locator("form[data-draft$='-rating']")
    rating.locator("input[value='4']").check()
    rating.get_by_label("Commentaire").fill("Bien, même sans réseau")
    rating.get_by_role("button", name="Enregistrer").click()
    expect(phone.locator(".capture-pending")).to_contain_text("5 en attente d’envoi")
    assert m.Idea.objects.count() + m.Rating.objects.count() == 0

    phone.context.set_offline(False)
    all_sent(phone)

    assert list(m.Idea.objects.values_list("atelier", "text")) == [(ideas.pk, "Écrite au sous-sol")]
    assert m.DebateQuestion.objects.get(pk=question.pk).yes == 3
    assert list(m.Rating.objects.values_list("atelier", "score", "comment")) == [
        (debate.pk, 4, "Bien, même sans réseau")
    ]


def test_reload_while_typing_in_an_edit_form_gives_the_text_back(
    phone, live_server, ambassador_session
):
    atelier = atelier_of(ambassador_session, Format.TRIBUNAL)
    case = m.TribunalCase.objects.create(atelier=atelier, question="Faut-il un guichet ?")
    log_in(phone, live_server, "ambassadrice")
    phone.goto(f"{live_server.url}/ateliers/{atelier.pk}/")
    phone.locator(f"#case-{case.pk}").get_by_text("Modifier").click()
    verdict = phone.locator(f"#case-{case.pk}").get_by_label("Verdict")
    verdict.fill("Oui, à titre expérimental, pendant six mois")

    phone.reload()

    card = phone.locator(f"#case-{case.pk}")
    expect(card.get_by_label("Verdict")).to_have_value(
        "Oui, à titre expérimental, pendant six mois"
    )
    expect(card.locator(".draft-notice")).to_contain_text("Brouillon restauré")
    assert card.locator("details").first.evaluate("d => d.open")
    card.get_by_role("button", name="Enregistrer").click()
    all_sent(phone)
    assert (
        m.TribunalCase.objects.get(pk=case.pk).verdict
        == "Oui, à titre expérimental, pendant six mois"
    )
    phone.reload()
    expect(phone.locator(".draft-notice")).to_have_count(0)  # sent: the draft is gone


def test_a_refusal_after_waiting_keeps_the_text_to_copy(phone, live_server, ambassador_session):
    atelier = atelier_of(ambassador_session, Format.DEMARREUR)
    link = services.create_guest_link(
        atelier=atelier, purpose=GuestPurpose.OBSERVE, created_by=None
    )

    phone.goto(f"{live_server.url}/ateliers/g/{guest_token(link)}/")
    phone.evaluate("navigator.serviceWorker.ready.then(() => true)")
    phone.context.set_offline(True)
    phone.get_by_label("Observateur").fill("Camille")
    phone.get_by_label("Phase").fill("Reformulation")
    phone.get_by_label("Ce qui a été observé").fill("La cheffe de service reformule trois fois")
    phone.get_by_role("button", name="Envoyer").click()
    expect(phone.locator(".capture-pending")).to_contain_text("1 en attente d’envoi")
    link.revoked_at = link.created_at
    link.save()

    phone.context.set_offline(False)
    all_sent(phone)

    refused = phone.locator(".capture-refused-item")
    expect(refused).to_have_count(1)
    expect(refused.locator("textarea")).to_have_value(
        "Camille — Reformulation — La cheffe de service reformule trois fois"
    )
    assert m.Observation.objects.count() == 0


def test_keyboard_alone_tap_vote_add_and_rate_keep_focus(phone, live_server, ambassador_session):
    debate = atelier_of(ambassador_session, Format.DEBAT_MOUVANT)
    question = m.DebateQuestion.objects.create(atelier=debate, text="Catalyseur ?")
    log_in(phone, live_server, "ambassadrice")
    phone.goto(f"{live_server.url}/ateliers/{debate.pk}/")
    plus = phone.locator(f"#question-{question.pk} .tally-row").first.get_by_role(
        "button", name="+1 Oui"
    )
    plus.focus()
    phone.keyboard.press("Enter")
    phone.keyboard.press("Space")
    all_sent(phone)
    assert m.DebateQuestion.objects.get(pk=question.pk).yes == 2
    assert focused(phone)["value"] == "1"

    ideas = atelier_of(ambassador_session, Format.FREE, ideas_revealed=True, votes_per_person=3)
    for n in range(8):
        m.Idea.objects.create(atelier=ideas, text=f"Idée {n}")
    last = m.Idea.objects.filter(atelier=ideas).order_by("pk").last()
    phone.goto(f"{live_server.url}/ateliers/{ideas.pk}/")
    vote = phone.locator(f"#idea-{last.pk} button[name=idea]")
    vote.focus()
    top_before = vote.evaluate("b => b.getBoundingClientRect().top")
    phone.keyboard.press("Enter")
    all_sent(phone)
    expect(phone.locator(f"#idea-{last.pk} .meta")).to_contain_text("1 gommette")
    assert focused(phone) == {"id": "", "name": "idea", "value": str(last.pk), "tag": "BUTTON"}
    top_after = phone.locator(f"#idea-{last.pk} button[name=idea]").evaluate(
        "b => b.getBoundingClientRect().top"
    )
    assert abs(top_after - top_before) <= 2  # the list did not move under the thumb

    phone.get_by_text("Ajouter une idée").focus()
    phone.keyboard.press("Enter")
    phone.keyboard.press("Tab")
    assert focused(phone)["id"] == "id_idea-text"
    phone.keyboard.type("Au clavier seulement")
    phone.keyboard.press("Tab")
    for _ in range(5):
        if focused(phone)["tag"] == "BUTTON":
            break
        phone.keyboard.press("Tab")
    phone.keyboard.press("Enter")
    all_sent(phone)
    assert m.Idea.objects.filter(atelier=ideas, text="Au clavier seulement").count() == 1
    assert focused(phone)["id"] == "id_idea-text"

    phone.get_by_text("Noter les méthodes").focus()
    phone.keyboard.press("Enter")
    phone.keyboard.press("Tab")  # into the row of scores: the first one
    phone.keyboard.press("ArrowRight")
    phone.keyboard.press("ArrowRight")
    phone.keyboard.press("ArrowRight")  # 4
    phone.keyboard.press("Tab")
    phone.keyboard.type("Clair, au clavier")
    phone.keyboard.press("Tab")
    assert focused(phone)["tag"] == "BUTTON"
    phone.keyboard.press("Enter")
    all_sent(phone)
    assert list(m.Rating.objects.filter(atelier=ideas).values_list("score", "comment")) == [
        (4, "Clair, au clavier")
    ]
    assert focused(phone)["name"] == "rating-score"  # back in the form, ready to rate again
    assert_accessible(phone)


def log_out(page):
    toggle = page.locator(".menu-toggle")
    if toggle.is_visible():
        toggle.click()
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_url("**/login/**")


def test_on_a_shared_phone_each_person_sees_and_sends_only_their_own(
    phone, live_server, ambassador_session
):
    atelier = atelier_of(ambassador_session, Format.FREE)
    other = factories.UserFactory(username="camille", roles=[AMBASSADOR], password=PASSWORD)
    factories.AttendanceFactory(
        day=ambassador_session.days.first(), person=factories.PersonFactory(user=other)
    )
    log_in(phone, live_server, "ambassadrice")
    phone.goto(f"{live_server.url}/ateliers/{atelier.pk}/")
    phone.route("**/add/idea/", lambda route: route.abort())  # the network drops it
    phone.get_by_text("Ajouter une idée").click()
    phone.locator("#id_idea-text").fill("L'idée de Léa")
    phone.locator("form[data-draft$='-idea']").get_by_role("button", name="Enregistrer").click()
    expect(phone.locator(".capture-pending")).to_contain_text("1 en attente d’envoi")
    phone.get_by_text("Ajouter une action").click()
    phone.locator("#id_action-what").fill("Brouillon de Léa")
    log_out(phone)
    phone.unroute("**/add/idea/")

    log_in(phone, live_server, "camille")
    phone.goto(f"{live_server.url}/ateliers/{atelier.pk}/")
    expect(phone.locator("#capture")).to_be_hidden()
    expect(phone.locator(".draft-notice")).to_have_count(0)
    phone.get_by_text("Ajouter une action").click()
    expect(phone.locator("#id_action-what")).to_have_value("")
    phone.wait_for_timeout(1500)
    assert m.Idea.objects.count() == 0
    log_out(phone)

    log_in(phone, live_server, "ambassadrice")
    phone.goto(f"{live_server.url}/ateliers/{atelier.pk}/")
    all_sent(phone)
    assert list(m.Idea.objects.values_list("text", "created_by__user__username")) == [
        ("L'idée de Léa", "ambassadrice")
    ]
    expect(phone.locator(".draft-notice")).to_contain_text("Brouillon restauré")


def test_a_double_tap_on_delete_deletes_once_and_says_so(phone, live_server, ambassador_session):
    atelier = atelier_of(ambassador_session, Format.TRIBUNAL)
    m.TribunalCase.objects.create(atelier=atelier, question="Faut-il un guichet ?")
    ambassador_session.facilitators.add(
        factories.PersonFactory(
            user=factories.UserFactory(
                username="animatrice", roles=[FACILITATOR], password=PASSWORD
            )
        )
    )
    log_in(phone, live_server, "animatrice")
    phone.goto(f"{live_server.url}/ateliers/{atelier.pk}/")
    slow_down(phone)
    delete = phone.get_by_role("button", name="Supprimer : Faut-il un guichet ?")

    delete.dblclick()
    all_sent(phone)

    assert m.TribunalCase.objects.count() == 0
    expect(phone.locator(".capture-refused-item")).to_have_count(0)
    expect(phone.locator("#results .message")).to_have_text("Supprimé.")
    expect(phone.get_by_text("Faut-il un guichet ?")).to_have_count(0)


def test_a_correction_after_ones_own_taps_is_taken(phone, live_server, ambassador_session):
    atelier = atelier_of(ambassador_session, Format.DEBAT_MOUVANT)
    question = m.DebateQuestion.objects.create(atelier=atelier, text="Catalyseur ?", yes=5)
    log_in(phone, live_server, "ambassadrice")
    phone.goto(f"{live_server.url}/ateliers/{atelier.pk}/")
    row = phone.locator(f"#question-{question.pk} .tally-row").first
    for _ in range(3):
        row.get_by_role("button", name="+1 Oui").tap()
    all_sent(phone)

    row.locator("summary").click()
    expect(row.get_by_label("Corriger à (actuellement 8)")).to_have_value("8")
    row.get_by_label("Corriger à (actuellement 8)").fill("10")
    row.get_by_role("button", name="Corriger", exact=True).click()
    all_sent(phone)

    assert m.DebateQuestion.objects.get(pk=question.pk).yes == 10
    expect(phone.locator(f"#question-{question.pk} .errorlist-box")).to_have_count(0)


def test_dots_that_wait_count_against_what_is_left(phone, live_server, ambassador_session):
    atelier = atelier_of(ambassador_session, Format.FREE, ideas_revealed=True, votes_per_person=2)
    idea = m.Idea.objects.create(atelier=atelier, text="Un guichet unique")
    log_in(phone, live_server, "ambassadrice")
    phone.goto(f"{live_server.url}/ateliers/{atelier.pk}/")
    slow_down(phone)
    put = phone.locator(f"#idea-{idea.pk} button[name=idea]")

    for _ in range(4):
        if put.is_enabled():
            put.tap()
    all_sent(phone)

    assert m.Vote.objects.count() == 2
    expect(phone.locator(".capture-refused-item")).to_have_count(0)
    expect(put).to_be_disabled()

    take_back = phone.locator(f"#idea-{idea.pk} button[name=remove]")
    take_back.focus()
    phone.keyboard.press("Enter")
    all_sent(phone)
    phone.keyboard.press("Enter")
    all_sent(phone)
    assert m.Vote.objects.count() == 0
    # The last dot taken back: its button is gone, focus stays on the idea.
    assert focused(phone)["name"] == "idea"


def test_an_action_is_marked_done_from_the_phone(phone, live_server, ambassador_session):
    # The form's button is named "action": form.action was that button, the post went to
    # "/ateliers/3/[object HTMLButtonElement]" and the action was said deleted.
    atelier = atelier_of(ambassador_session, Format.TRIBUNAL)
    atelier.facilitators.add(ambassador_session.days.get().attendances.get().person)
    action = m.Action.objects.create(atelier=atelier, what="Relancer les directions")
    log_in(phone, live_server, "ambassadrice")
    phone.goto(f"{live_server.url}/ateliers/{atelier.pk}/")

    phone.get_by_role("button", name=french_text("Fait : Relancer les directions")).click()
    all_sent(phone)

    action.refresh_from_db()
    assert action.done
    expect(phone.locator(".capture-refused-item")).to_have_count(0)

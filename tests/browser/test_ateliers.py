"""An ambassador on a phone logs results; axe finds nothing on any format's page."""

import pytest
from playwright.sync_api import expect

from ateliers import models as m
from ateliers.models import Format
from tests import factories
from tests.ateliers.test_photos import image_bytes
from tests.browser.test_roles import assert_accessible, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 360, "height": 740}


def atelier_of(session, fmt, **fields):
    return factories.AtelierFactory(session=session, format=fmt, title=f"Atelier {fmt}", **fields)


def test_log_a_moving_debate_live_on_a_phone(page, live_server, ambassador_session):
    atelier = atelier_of(ambassador_session, Format.DEBAT_MOUVANT)
    question = m.DebateQuestion.objects.create(
        atelier=atelier, text="Le Labo est-il un catalyseur ?"
    )
    page.set_viewport_size(PHONE)
    log_in(page, live_server, "ambassadrice")
    page.goto(f"{live_server.url}/ateliers/{atelier.pk}/")

    yes = page.locator(f"#question-{question.pk} .tally-row").first
    for _ in range(3):
        yes.get_by_role("button", name="+1 Oui").click()
        page.wait_for_timeout(150)

    expect(
        page.locator(f"#question-{question.pk} .tally-row").first.locator(".count")
    ).to_have_text("3")
    assert m.DebateQuestion.objects.get(pk=question.pk).yes == 3
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert_accessible(page)


def test_add_a_photo_from_a_phone(page, live_server, ambassador_session, tmp_path):
    atelier = atelier_of(ambassador_session, Format.FREE)
    photo = tmp_path / "tableau.jpg"
    photo.write_bytes(image_bytes("JPEG", size=(1200, 900)))
    page.set_viewport_size(PHONE)
    log_in(page, live_server, "ambassadrice")
    page.goto(f"{live_server.url}/ateliers/{atelier.pk}/")

    page.locator("#id_photo-image").set_input_files(str(photo))
    page.get_by_role("button", name="Ajouter la photo").click()

    expect(page.locator(".photos img")).to_have_count(1)
    assert m.Photo.objects.get().width == 1200


def test_a_draft_survives_a_reload(page, live_server, ambassador_session):
    atelier = atelier_of(ambassador_session, Format.FREE)
    page.set_viewport_size(PHONE)
    log_in(page, live_server, "ambassadrice")
    page.goto(f"{live_server.url}/ateliers/{atelier.pk}/")

    page.get_by_text("Ajouter une idée").click()
    page.locator("#id_idea-text").fill("Un Labo qui va dans les directions")
    page.reload()

    # The section is open again and says what it holds.
    expect(page.locator("#id_idea-text")).to_have_value("Un Labo qui va dans les directions")
    expect(page.locator("form[data-draft$='-idea'] .draft-notice")).to_contain_text(
        "Brouillon restauré"
    )
    page.locator("form[data-draft$='-idea']").get_by_role("button", name="Enregistrer").click()
    expect(page.locator("#results")).to_contain_text("1 idée, cachée")
    page.reload()
    page.get_by_text("Ajouter une idée").click()
    expect(page.locator("#id_idea-text")).to_have_value("")


@pytest.mark.parametrize("fmt", [f.value for f in Format])
def test_every_format_page_is_accessible_on_a_phone(page, live_server, ambassador_session, fmt):
    atelier = atelier_of(ambassador_session, fmt, ideas_revealed=True)
    m.Idea.objects.create(atelier=atelier, text="Une idée", x=20, y=70)
    m.DebateQuestion.objects.create(atelier=atelier, text="Une question ?", yes=2)
    m.TribunalCase.objects.create(atelier=atelier, question="Un procès ?")
    stand = m.Stand.objects.create(atelier=atelier, name="Un stand", offers="Une offre")
    m.SuggestedOffer.objects.create(stand=stand, text="Une suggestion")
    m.CriteriaGrid.objects.create(
        atelier=atelier, x_low="Autonomie", x_high="Présence", y_low="Rare", y_high="Fréquent"
    )
    m.RetroEntry.objects.create(atelier=atelier, kind="worked", text="Le rythme")
    m.DemarreurReport.objects.create(atelier=atelier, reformulated_request="Un guichet")
    m.Rating.objects.create(atelier=atelier, score=4, comment="Bien")
    page.set_viewport_size(PHONE)
    log_in(page, live_server, "ambassadrice")

    page.goto(f"{live_server.url}/ateliers/{atelier.pk}/")

    assert page.get_by_role("heading", level=1).inner_text() == f"Atelier {fmt}"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert_accessible(page)

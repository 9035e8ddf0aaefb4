"""A facilitator generates a synthesis and watches it being drawn; management opens it."""

import re

import pytest
from playwright.sync_api import expect

from ateliers.models import TribunalCase
from labo import documents
from labo.lib.typography import french_text
from labo.models import Document
from tests import factories
from tests.browser.test_roles import assert_accessible, log_in, visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker_stopped(settings):
    """Tasks are queued and wait, as with a worker that has not picked them up yet."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def test_synthesis_is_generated_with_progress_and_read_by_management(
    page, live_server, lab, worker_stopped
):
    tribunal = lab.ateliers.get()
    TribunalCase.objects.create(
        atelier=tribunal, question="L'innovation bouscule-t-elle l'expertise ?", verdict="Acquittée"
    )
    factories.AtelierFactory(session=lab, title="Un atelier à laisser de côté")
    log_in(page, live_server, "animateur")

    visit(page, live_server, f"/sessions/{lab.pk}/synthesis/", "Préparer la synthèse")
    preview = page.locator("#synthesis-preview")
    expect(preview).to_contain_text("Un atelier à laisser de côté")
    page.get_by_label("Un atelier à laisser de côté").uncheck()
    expect(preview).not_to_contain_text("Un atelier à laisser de côté")
    expect(preview).to_contain_text(french_text("L'innovation bouscule-t-elle l'expertise ?"))

    page.get_by_role("button", name="Générer le PDF").click()
    status = page.locator("#documents").get_by_role("status")
    expect(status).to_contain_text("En attente")
    expect(page.locator("#documents progress")).to_be_visible()
    assert_accessible(page)

    # The worker picks the task up; the page, polling, offers the file when it is ready.
    document = Document.objects.get()
    assert document.options["ateliers"] == [tribunal.pk]
    documents.build(document.pk)
    link = page.get_by_role("link", name="Ouvrir le PDF")
    expect(link).to_be_visible(timeout=5000)

    page.context.clear_cookies()
    log_in(page, live_server, "direction")
    page.goto(f"{live_server.url}/sessions/{lab.pk}/")
    synthesis = page.get_by_role("link", name=re.compile("Synthèse de la session n° 9"))
    response = page.request.get(live_server.url + synthesis.get_attribute("href"))
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")


def test_management_dashboard_and_search_are_accessible(page, live_server, lab):
    log_in(page, live_server, "direction")

    around = f"start={lab.starts_on.replace(day=1)}&end={lab.ends_on}&programme={lab.programme_id}"
    visit(page, live_server, f"/dashboard/?{around}", "Tableau de bord")
    expect(page.get_by_role("img").first).to_be_visible()
    visit(page, live_server, "/search/?q=tribunal", "Rechercher")
    expect(page.locator("#hits")).to_contain_text("Le tribunal")

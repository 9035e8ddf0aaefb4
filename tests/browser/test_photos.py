"""A phone photo of a board, sent from the workshop page on a slow network (static/js/photo.js)."""

import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from ateliers import models as m
from ateliers.models import Format
from labo.devtools.photo_bench import phone_photo
from labo.lib.typography import french_text
from tests import factories
from tests.browser.test_ateliers import PHONE
from tests.browser.test_roles import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SLOW_UPLOAD = {
    "offline": False,
    "latency": 400,
    "uploadThroughput": 3_000_000 / 8,
    "downloadThroughput": 10_000_000 / 8,
}
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


@pytest.fixture
def photo_page(page, live_server, ambassador_session, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    atelier = factories.AtelierFactory(
        session=ambassador_session, format=Format.FREE, title="Atelier libre"
    )
    page.set_viewport_size(PHONE)
    log_in(page, live_server, "ambassadrice")
    page.goto(f"{live_server.url}/ateliers/{atelier.pk}/")
    return page


def network(page, **conditions):
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", {**SLOW_UPLOAD, **conditions})
    return cdp


def test_a_large_phone_photo_is_sent_upright_at_2000_px_with_progress(photo_page, tmp_path):
    page = photo_page
    photo = phone_photo(tmp_path / "IMG_0001.jpg", noise=8)  # 4000 × 3000, orientation 6
    button = page.get_by_role("button", name="Ajouter la photo")
    network(page)

    page.locator("#id_photo-image").set_input_files(str(photo))
    with page.expect_request(lambda r: r.method == "POST" and "/photos/" in r.url) as sent:
        button.click()
        expect(button).to_be_disabled()
        expect(page.locator(".photo-progress progress")).to_be_visible()

    expect(page.locator(".photos img")).to_have_count(1)
    expect(button).to_be_enabled()
    expect(page.locator(".photo-status")).to_have_text("Photo ajoutée")
    expect(page.locator("#id_photo-image")).to_be_focused()
    expect(page.locator(".photo-progress")).to_be_hidden()
    headers = sent.value.headers
    assert headers["hx-request"] == "true"
    assert headers["hx-target"] == "results"
    assert UUID.match(headers["idempotency-key"])
    # The browser sent a 2,000 px JPEG, not the camera's file.
    assert int(sent.value.header_value("content-length")) < photo.stat().st_size / 4
    stored = m.Photo.objects.get()
    with Image.open(stored.image.path) as image:
        assert (image.width, image.height) == (1500, 2000)  # upright: portrait
        red, green, blue = image.getpixel((image.width - 20, 20))  # the marker, turned
        assert red > 200 and green < 60 and blue < 60


def test_cancel_aborts_the_upload_and_stores_nothing(photo_page, tmp_path):
    page = photo_page
    photo = phone_photo(tmp_path / "IMG_0002.jpg", noise=8)
    button = page.get_by_role("button", name="Ajouter la photo")
    network(page, uploadThroughput=200_000 / 8)  # ~10 s for the downscaled photo

    page.locator("#id_photo-image").set_input_files(str(photo))
    button.click()
    expect(page.locator(".photo-status")).to_have_text("Envoi de la photo…")
    expect(button).to_be_disabled()
    page.get_by_role("button", name="Annuler").click()

    expect(page.locator(".photo-status")).to_contain_text("Envoi annulé")
    expect(button).to_be_enabled()
    expect(page.locator(".photo-progress")).to_be_hidden()
    assert page.evaluate("document.querySelector('#id_photo-image').files.length") == 1
    page.wait_for_timeout(1500)
    assert m.Photo.objects.count() == 0
    expect(page.locator(".photos img")).to_have_count(0)


def test_a_network_failure_keeps_the_photo_and_says_so(photo_page, tmp_path):
    page = photo_page
    photo = phone_photo(tmp_path / "IMG_0003.jpg", size=(2400, 1800), noise=8)
    button = page.get_by_role("button", name="Ajouter la photo")
    page.locator("#id_photo-image").set_input_files(str(photo))
    cdp = network(page, offline=True)

    button.click()

    expect(page.locator(".photo-status")).to_contain_text("n’a pas pu être envoyée")
    expect(button).to_be_enabled()
    assert page.evaluate("document.querySelector('#id_photo-image').files.length") == 1
    assert m.Photo.objects.count() == 0
    cdp.send("Network.emulateNetworkConditions", SLOW_UPLOAD)
    button.click()
    expect(page.locator(".photos img")).to_have_count(1)
    assert m.Photo.objects.count() == 1


def test_a_refused_photo_shows_the_error_next_to_the_field_and_keeps_the_file(photo_page, tmp_path):
    page = photo_page
    fake = tmp_path / "tableau.jpg"
    fake.write_bytes(b"\xff\xd8 not a picture at all")  # unreadable here: sent as it is

    page.locator("#id_photo-image").set_input_files(str(fake))
    page.get_by_role("button", name="Ajouter la photo").click()

    expect(page.locator("#id_photo-image_error")).to_contain_text(
        french_text("n'est pas une photo")
    )
    assert page.evaluate("document.querySelector('#id_photo-image').files.length") == 1
    expect(page.get_by_role("button", name="Ajouter la photo")).to_be_enabled()
    assert m.Photo.objects.count() == 0

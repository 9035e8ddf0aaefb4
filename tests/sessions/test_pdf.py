import os
import subprocess

import pytest
from django.urls import reverse

from labo.lib.pdf import StaticOnlyFetcher, render_pdf
from labo.lib.typography import french_text
from tests import factories


def pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(content)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


@pytest.fixture(autouse=True)
def _need_pdftotext():
    import shutil

    if shutil.which("pdftotext") is None:
        if os.environ.get("CI"):
            pytest.fail("CI needs pdftotext: apt-get install poppler-utils")
        pytest.skip("pdftotext (poppler-utils) is needed to read PDFs back; CI runs these.")


def test_printed_agenda_has_the_blocks_and_their_times(world, member_client, tmp_path):
    world.item.alternative_plan = "Un seul procès si moins de 15 personnes"
    world.item.save()

    response = member_client.get(reverse("sessions:day-agenda-pdf", args=[world.day.pk]))

    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content, tmp_path)
    assert "Préparer le Grand Atelier" in text
    assert "09:00–09:30" in text
    assert french_text("Tribunal de l'innovation") in text
    assert "Un seul procès si moins de 15 personnes" in text


def test_sign_in_sheet_lists_attendees_with_signature_columns(world, facilitator_client, tmp_path):
    person = world.member.person
    person.last_name = "Fontaine"
    person.save()

    response = facilitator_client.get(reverse("sessions:day-sign-in-pdf", args=[world.day.pk]))

    text = pdf_text(response.content, tmp_path)
    assert french_text("Feuille d'émargement") in text
    assert "FONTAINE" in text
    assert "Matin" in text
    assert "Après-midi" in text


def test_a_day_without_blocks_still_prints(world, member_client, tmp_path):
    empty = factories.DayFactory(
        session=world.session, date=world.session.starts_on.replace(day=28)
    )

    response = member_client.get(reverse("sessions:day-agenda-pdf", args=[empty.pk]))

    assert "Aucun bloc prévu ce jour" in pdf_text(response.content, tmp_path)


def test_user_text_cannot_make_the_pdf_fetch_anything(world, member_client):
    world.item.title = (
        '<img src="http://127.0.0.1:9/x.png"><link rel=stylesheet href="file:///etc/passwd">'
    )
    world.item.description = "@import url(http://127.0.0.1:9/a.css);"
    world.item.save()

    response = member_client.get(reverse("sessions:day-agenda-pdf", args=[world.day.pk]))

    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")


def test_fetcher_refuses_everything_but_static_files():
    fetcher = StaticOnlyFetcher()

    for url in (
        "http://127.0.0.1:9/",
        "https://example.org/x.css",
        "file:///etc/passwd",
        "data:text/css,body{}",
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    assert len(fetcher.refused) == 4


def test_render_pdf_makes_a_tagged_pdf(world, tmp_path):
    context = {"session": world.session, "day": world.day, "attendances": [], "blanks": range(2)}
    path = tmp_path / "doc.pdf"
    path.write_bytes(render_pdf("sessions/pdf/sign_in.html", context))

    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)

    assert "Tagged:          yes" in info.stdout


def test_fetcher_serves_processed_photos_and_static_files_only(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    photos = tmp_path / "photos"
    photos.mkdir()
    (photos / "board.jpg").write_bytes(b"\xff\xd8small")
    (tmp_path / "original.jpg").write_bytes(b"\xff\xd8secret")
    fetcher = StaticOnlyFetcher()

    fetcher.fetch(f"file://{photos / 'board.jpg'}")
    with pytest.raises(ValueError):
        fetcher.fetch(f"file://{tmp_path / 'original.jpg'}")
    with pytest.raises(ValueError):
        fetcher.fetch(f"file://{photos / '..' / 'original.jpg'}")
    assert fetcher.refused == [
        f"file://{tmp_path / 'original.jpg'}",
        f"file://{photos / '..' / 'original.jpg'}",
    ]


def test_fetcher_refuses_a_file_over_the_limit(tmp_path, settings, monkeypatch):
    from labo.lib import pdf

    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "photos").mkdir()
    big = tmp_path / "photos" / "big.jpg"
    big.write_bytes(b"0" * 2048)
    monkeypatch.setattr(pdf, "MAX_FETCH_BYTES", 1024)

    with pytest.raises(ValueError):
        pdf.StaticOnlyFetcher().fetch(f"file://{big}")

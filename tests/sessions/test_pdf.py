import io
import os
import re
import subprocess

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from pypdf import PdfReader

from ateliers import models as m
from labo.lib.pdf import StaticOnlyFetcher, html_to_pdf, render_pdf
from labo.lib.typography import french_text
from sessions.synthesis import synthesis_of
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
    assert "Un seul procès si moins de 15 personnes" not in text  # the facilitators' version has it


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


# The synthesis as its reader gets it: numbers on the charts, nothing cut or hyphenated.

LONG_STAND = "Le labo d’accompagnement de projets transversaux des directions métiers"


def synthesis_pdf(session) -> bytes:
    html = render_to_string("sessions/pdf/synthesis.html", synthesis_of(session, for_pdf=True))
    return html_to_pdf(html)


def plain_text(content: bytes, tmp_path, *, first_page: int = 1) -> str:
    """The text in reading order, every run of blanks and line ends made one space."""
    path = tmp_path / "plain.pdf"
    path.write_bytes(content)
    text = subprocess.run(
        ["pdftotext", "-f", str(first_page), str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return " ".join(text.split())


def details_text(content: bytes, tmp_path) -> str:
    """The synthesis after its summary (page 1, which quotes each workshop in one line)."""
    return plain_text(content, tmp_path, first_page=2)


@pytest.fixture
def restitution(world):
    tribunal = factories.AtelierFactory(
        session=world.session, format="tribunal", title="Le tribunal de l'innovation"
    )
    m.TribunalCase.objects.create(
        atelier=tribunal,
        question="L'innovation peut-elle bousculer l'expertise technique ?",
        before_for=2,
        before_against=6,
        before_undecided=3,
        after_for=7,
        after_against=1,
        after_undecided=3,
    )
    stands = factories.AtelierFactory(
        session=world.session, format="labo_stands", title="Trois stands"
    )
    stand = m.Stand.objects.create(atelier=stands, name=LONG_STAND)
    m.StandFeedback.objects.create(stand=stand, understanding=4, interest=3)
    for score in (5, 5, 3):
        m.Rating.objects.create(atelier=stands, score=score)
    owner = factories.PersonFactory(first_name="Maximilienne", last_name="Fontainebleau")
    for what in ("Relancer les directions", "Écrire la charte"):
        m.Action.objects.create(atelier=tribunal, what=what, owner=owner)
    return world.session


def test_the_tribunal_prints_each_position_before_and_after(restitution, tmp_path):
    text = plain_text(synthesis_pdf(restitution), tmp_path)

    for shift, before, after in (
        ("Convaincus 2 → 7", "2 avant", "7 après"),
        ("Sceptiques 6 → 1", "6 avant", "1 après"),
        ("Indécis 3 → 3", "3 avant", "3 après"),
    ):
        assert shift in text
        assert before in text
        assert after in text


def test_a_long_stand_label_is_whole_on_its_chart(restitution, tmp_path):
    text = details_text(synthesis_pdf(restitution), tmp_path)

    # Once as the stand's heading, twice on its charts (understanding, interest).
    assert text.count(LONG_STAND) == 3
    assert "…" not in text


def test_every_chart_prints_its_numbers(restitution, tmp_path):
    parts = synthesis_of(restitution, for_pdf=True)["parts"]
    charts = [chart for part in parts for chart in part.charts]
    charts += [case.chart for part in parts for case in part.results.cases]

    assert len(charts) == 4  # understanding, interest, ratings; the tribunal's shift
    for chart in charts:
        drawn = re.findall(r"<(?:text|tspan)[^>]*>([^<]+)<", str(chart.svg))
        if hasattr(chart, "bars"):  # each bar's number, after it
            numbers = [f"{bar.display}{chart.unit}" for bar in chart.bars if bar.value is not None]
        else:  # a shift: each position before and after
            numbers = [f"{row.before} avant" for row in chart.rows]
            numbers += [f"{row.after} après" for row in chart.rows]
        assert numbers and all(n in drawn for n in numbers), chart.title
    text = plain_text(synthesis_pdf(restitution), tmp_path)
    assert "4,0/5" in text and "3,0/5" in text  # the stand's averages, on its bars


def test_names_headings_and_table_headers_are_never_hyphenated(restitution, world, tmp_path):
    world.item.facilitators.add(factories.PersonFactory(first_name="Hippolyte", last_name="Z"))
    content = synthesis_pdf(restitution)
    text = pdf_text(content, tmp_path)

    # WeasyPrint hyphenates with U+2010 (‐), a reader would type "-": neither.
    for cut in ("Fon-", "Fon‐", "Fontaine‐", "Maxi‐", "Maximi‐"):
        assert cut not in text
    # She owns both actions: on page 1 (the next steps) and in the details.
    assert text.count("Fontainebleau") == 4
    # Headers may wrap between words, never inside one.
    plain = plain_text(content, tmp_path)
    assert "Animé par" in plain and "Pour quand" in plain and "Ate‐" not in plain
    for line in text.splitlines():
        words = line.split()
        assert not (words and words[-1][-1:] in "-‐" and words[-1][:-1].istitle()), line


def test_an_empty_workshop_is_one_line_not_a_page(restitution, world, tmp_path):
    factories.AtelierFactory(session=restitution, title="Atelier sans rien")
    content = synthesis_pdf(restitution)

    text = details_text(content, tmp_path)
    names = f"Sans résultat saisi : Atelier sans rien, {world.atelier.title}."
    assert text.count(names) == 1
    assert text.count("Atelier sans rien") == 1  # no section, no heading of its own

    def titles(outline):
        for entry in outline:
            yield from titles(entry) if isinstance(entry, list) else [entry.title]

    found = list(titles(PdfReader(io.BytesIO(content)).outline))
    assert french_text("Le tribunal de l'innovation") in found
    assert "Atelier sans rien" not in found


def test_the_agenda_as_held_names_who_ran_a_workshop(restitution, world, tmp_path):
    runner = factories.PersonFactory(first_name="Eulalie", last_name="Vauban")
    world.atelier.facilitators.add(runner)  # the workshop's, the block having none of its own

    text = details_text(synthesis_pdf(restitution), tmp_path)

    assert "Animé par" in text
    assert "Eulalie Vauban" in text


def test_the_agenda_as_held_leaves_out_an_empty_run_by_column(restitution, tmp_path):
    text = details_text(synthesis_pdf(restitution), tmp_path)

    assert "Le déroulé" in text
    assert "Animé par" not in text

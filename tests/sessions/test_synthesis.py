"""The session synthesis: every format drawn in its shape, read back from the PDF."""

import io
import socket
import threading

import pytest
from django.template.loader import render_to_string
from pypdf import PdfReader

from ateliers import models as m
from ateliers.services import add_photo
from labo.lib.pdf import StaticOnlyFetcher, html_to_pdf
from labo.lib.typography import french_text
from sessions.synthesis import synthesis_of
from tests import factories
from tests.ateliers.test_photos import png_upload
from tests.sessions.test_pdf import _need_pdftotext, pdf_text  # noqa: F401


def render(session, fetcher=None, **choices) -> bytes:
    html = render_to_string(
        "sessions/pdf/synthesis.html", synthesis_of(session, for_pdf=True, **choices)
    )
    return html_to_pdf(html, fetcher=fetcher)


@pytest.fixture
def grand_atelier(world):
    session = world.session
    session.debrief = "Sept invités au lieu de quatre-vingts, presque tous de catégorie A."
    session.next_steps = "Aller chercher les agents de catégorie B et C."
    session.save()
    for grade, count in (("A", 6), ("B", 2)):
        for _ in range(count):
            person = factories.PersonFactory(grade=grade)
            factories.AttendanceFactory(day=world.day, person=person, present=True)

    debate = factories.AtelierFactory(
        session=session, format="debat_mouvant", title="Débat mouvant"
    )
    m.DebateQuestion.objects.create(
        atelier=debate,
        text="Le Labo doit-il se mêler de tout ?",
        yes=9,
        no=3,
        mixed=2,
        arguments="Il faut des limites claires.",
    )
    tribunal = factories.AtelierFactory(session=session, format="tribunal", title="Le tribunal")
    m.TribunalCase.objects.create(
        atelier=tribunal,
        question="L'innovation peut-elle bousculer l'expertise technique ?",
        before_for=3,
        before_against=8,
        before_undecided=4,
        after_for=10,
        after_against=2,
        after_undecided=3,
        verdict="Acquittée, avec sursis.",
    )
    stands = factories.AtelierFactory(session=session, format="labo_stands", title="Trois stands")
    stand = m.Stand.objects.create(atelier=stands, name="Le labo citoyen", offers="Débats citoyens")
    m.StandFeedback.objects.create(stand=stand, understanding=4, interest=5, comment="Très concret")
    grid = factories.AtelierFactory(
        session=session, format="criteria_grid", title="Grille de critères", ideas_revealed=True
    )
    m.CriteriaGrid.objects.create(
        atelier=grid, x_low="Facile", x_high="Difficile", y_low="Peu utile", y_high="Très utile"
    )
    theme = m.Theme.objects.create(atelier=grid, name="Accueil des usagers")
    idea = m.Idea.objects.create(atelier=grid, text="Un guichet unique", theme=theme, x=20, y=80)
    for voter in ("a", "b", "c"):
        m.Vote.objects.create(idea=idea, voter=voter)
    m.Idea.objects.create(atelier=grid, text="Une charte d'accueil", theme=theme, x=70, y=30)
    secret = factories.AtelierFactory(session=session, format="free", title="Idées cachées")
    m.Idea.objects.create(atelier=secret, text="Une idée pas encore révélée")
    for score in (5, 4, 4):
        m.Rating.objects.create(atelier=debate, score=score)
    m.Action.objects.create(atelier=tribunal, what="Relancer les directions", owner_name="Camille")
    add_photo(atelier=stands, upload=png_upload(), caption="Le tableau des stands", author=None)
    return session


def test_each_format_is_drawn_in_its_shape(grand_atelier, tmp_path):
    text = pdf_text(render(grand_atelier), tmp_path)

    assert "Synthèse de la session" in text
    assert "Préparer le Grand Atelier" in text
    # Vote bars of the statement, positions of the trial before and after.
    assert "Le Labo doit-il se mêler de tout ?" in text
    assert "Il faut des limites claires." in text
    assert "Positions avant et après le procès" in text
    assert "Acquittée, avec sursis." in text
    # Stand feedback, the criteria grid, ideas by theme with their votes, the ratings.
    assert "Le labo citoyen" in text
    assert "Très concret" in text
    assert "Facile" in text and "Très utile" in text
    assert "Accueil des usagers" in text
    assert "Un guichet unique" in text and "3 points" in text
    assert "4,3/5 sur 3 notes" in text
    assert "Le tableau des stands" in text
    # The debrief, actions and next steps; a grade under five people is masked.
    assert "Sept invités au lieu de quatre-vingts" in text
    assert "Relancer les directions" in text
    assert "Aller chercher les agents de catégorie B et C." in text
    assert "moins de 5" in text
    # Ideas the facilitator has not revealed stay out.
    assert "Une idée pas encore révélée" not in text


def test_the_svg_charts_carry_the_figures_in_their_text_alternative(grand_atelier):
    context = synthesis_of(grand_atelier)
    html = render_to_string("sessions/_synthesis.html", context)

    assert 'role="img"' in html
    assert "Positions sur l&#x27;affirmation. Oui : 9 ; Non : 3 ; Mitigé : 2." in html
    assert "Avant : Convaincus 3, Sceptiques 8, Indécis 4" in html


def test_every_section_is_a_bookmark(grand_atelier):
    reader = PdfReader(io.BytesIO(render(grand_atelier)))

    def titles(outline):
        for entry in outline:
            if isinstance(entry, list):
                yield from titles(entry)
            else:
                yield entry.title

    found = list(titles(reader.outline))
    for section in (
        "Le déroulé tel qu'il s'est tenu",
        "Qui a participé",
        "Le tribunal",
        "Trois stands",
        "Débrief",
        "Actions et suites",
    ):
        assert french_text(section) in found


def test_the_photos_chosen_are_embedded_and_the_others_left_out(grand_atelier):
    def images(content):
        # Pages may share their resources: count distinct pictures.
        pages = PdfReader(io.BytesIO(content)).pages
        return len({image.data for page in pages for image in page.images})

    assert images(render(grand_atelier)) == 1
    assert images(render(grand_atelier, photo_ids=[])) == 0


def test_a_workshop_left_out_is_not_in_the_document(grand_atelier, tmp_path):
    kept = m.Atelier.objects.filter(session=grand_atelier).exclude(title="Le tribunal")

    text = pdf_text(render(grand_atelier, atelier_ids=[a.pk for a in kept]), tmp_path)

    assert "Trois stands" in text
    assert "Acquittée, avec sursis." not in text


def test_a_session_with_no_result_renders_a_clean_document(db, tmp_path):
    session = factories.SessionFactory(title="Une session sans rien")

    text = pdf_text(render(session), tmp_path)

    assert "Une session sans rien" in text
    assert french_text("Aucun atelier n'a été consigné pour cette session.") in text
    assert "Pas encore de débrief." in text
    for leftover in ("None", "{{", "{%", "[]"):
        assert leftover not in text


@pytest.fixture
def listener():
    """A local port that records any connection: nothing must ever reach it."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(0.2)
    seen = []
    stop = threading.Event()

    def serve():
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            seen.append(conn.recv(200))
            conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield server.getsockname()[1], seen
    stop.set()
    thread.join()
    server.close()


def test_hostile_text_in_results_fetches_nothing(grand_atelier, listener, tmp_path):
    port, seen = listener
    atelier = m.Atelier.objects.get(title="Grille de critères")
    for text in (
        '<img src="file:///etc/passwd">',
        f'<img src="http://127.0.0.1:{port}/idea.png">',
        f"<style>@import url(http://127.0.0.1:{port}/a.css);</style>",
        "file:///etc/passwd",
    ):
        m.Idea.objects.create(atelier=atelier, text=text)
    grand_atelier.debrief = f'<link rel="stylesheet" href="http://127.0.0.1:{port}/b.css">'
    grand_atelier.save()
    fetcher = StaticOnlyFetcher()

    content = render(grand_atelier, fetcher=fetcher)

    assert content.startswith(b"%PDF")
    assert fetcher.refused == []
    assert all("/photos/" in url for url in fetcher.fetched)
    assert seen == []
    # The text is printed as text.
    assert "file:///etc/passwd" in pdf_text(content, tmp_path)


def test_hostile_markup_reaching_weasyprint_is_refused_by_the_fetcher(db, listener, settings):
    port, seen = listener
    html = f"""<html><head>
      <link rel="stylesheet" href="http://127.0.0.1:{port}/x.css">
      <style>@import url("http://127.0.0.1:{port}/y.css");</style></head>
      <body><img src="file:///etc/passwd"><img src="http://127.0.0.1:{port}/z.png">
      <img src="{settings.BASE_DIR}/labo/settings.py"><p>Reste lisible</p></body></html>"""
    fetcher = StaticOnlyFetcher()

    content = html_to_pdf(html, fetcher=fetcher)

    assert content.startswith(b"%PDF")
    assert f"http://127.0.0.1:{port}/x.css" in fetcher.refused
    assert f"http://127.0.0.1:{port}/y.css" in fetcher.refused
    assert f"http://127.0.0.1:{port}/z.png" in fetcher.refused
    assert "file:///etc/passwd" in fetcher.refused
    assert f"file://{settings.BASE_DIR}/labo/settings.py" in fetcher.refused
    assert fetcher.fetched == []
    assert seen == []

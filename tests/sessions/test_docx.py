"""The synthesis as an editable .docx, opened again with python-docx."""

import io

import docx
import pytest
from django.urls import reverse

from sessions.docx import DOCX_TYPE, synthesis_docx
from sessions.synthesis import synthesis_of
from tests.conftest import PERSONAS, client_for
from tests.sessions.test_synthesis import grand_atelier  # noqa: F401


def opened(content: bytes) -> docx.document.Document:
    return docx.Document(io.BytesIO(content))


def headings(document, level: int) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name == f"Heading {level}"]


def table_texts(document) -> list[list[list[str]]]:
    return [[[cell.text for cell in row.cells] for row in t.rows] for t in document.tables]


@pytest.fixture
def synthesis(grand_atelier):  # noqa: F811
    return opened(synthesis_docx(synthesis_of(grand_atelier, for_pdf=True)))


def test_docx_has_the_sections_as_real_headings(synthesis, grand_atelier):  # noqa: F811
    titles = [p.text for p in synthesis.paragraphs if p.style.name == "Title"]
    assert titles == [f"Session n° {grand_atelier.number} : Préparer le Grand Atelier"]
    top = headings(synthesis, 1)
    assert top[:2] == ["Le déroulé tel qu'il s'est tenu", "Qui a participé"]
    workshops = ["Débat mouvant", "Le tribunal", "Trois stands", "Grille de critères"]
    assert [title for title in top if title in workshops] == workshops
    assert top[-2:] == ["Débrief", "Actions et suites"]
    assert "Le Labo doit-il se mêler de tout ?" in headings(synthesis, 2)
    assert "Accueil des usagers" in headings(synthesis, 3)


def test_docx_tables_carry_the_agenda_the_figures_and_the_actions(synthesis):
    tables = table_texts(synthesis)
    headers = [table[0] for table in tables]

    assert ["Horaire", "Séquence", "Animé par"] in headers
    assert ["Quoi", "Qui", "Pour quand", "Atelier"] in headers
    actions = next(t for t in tables if t[0] == ["Quoi", "Qui", "Pour quand", "Atelier"])
    assert actions[1][:2] == ["Relancer les directions", "Camille"]
    # A chart is the table of its numbers: the statement's 9 yes.
    assert any(row[:2] == ["Oui", "9"] for table in tables for row in table)
    ideas = next(t for t in tables if t[0] == ["#", "Idée", "Points"])
    assert ideas[1][1:] == ["Un guichet unique", "3"]
    assert "Sept invités au lieu de quatre-vingts, presque tous de catégorie A." in [
        p.text for p in synthesis.paragraphs
    ]


def test_docx_embeds_the_photos_with_their_text_alternative(synthesis):
    assert len(synthesis.inline_shapes) == 1
    assert synthesis.inline_shapes[0]._inline.docPr.get("descr") == "Le tableau des stands"
    captions = [
        p.text
        for table in synthesis.tables
        for cell in table._cells
        for p in cell.paragraphs
        if p.style.name == "Caption"
    ]
    assert captions == ["Le tableau des stands"]


def test_docx_leaves_out_what_the_query_leaves_out(grand_atelier, facilitator_client):  # noqa: F811
    kept = grand_atelier.ateliers.get(title="Le tribunal")
    url = reverse("sessions:session-synthesis-docx", args=[grand_atelier.pk])

    response = facilitator_client.get(url, {"ateliers": [kept.pk]})

    document = opened(response.content)
    assert response["Content-Type"] == DOCX_TYPE
    assert "Le tribunal" in headings(document, 1)
    assert "Débat mouvant" not in headings(document, 1)
    assert len(document.inline_shapes) == 0


@pytest.mark.parametrize(
    ("persona", "status"),
    list(zip(PERSONAS, [302, 403, 403, 200, 403], strict=True)),
)
def test_docx_access_for_every_persona(world, persona, status):
    client = client_for(world, persona)

    response = client.get(reverse("sessions:session-synthesis-docx", args=[world.session.pk]))

    assert response.status_code == status
    if status == 200:
        assert opened(response.content).paragraphs[0].text != ""


def test_docx_pages_are_a4_with_their_number(synthesis):
    section = synthesis.sections[0]

    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    assert "PAGE" in section.footer.paragraphs[0]._p.xml


def test_docx_reads_no_file_but_the_processed_photos(tmp_path, settings):
    from sessions.docx import _photo_path

    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "photos").mkdir()
    board = tmp_path / "photos" / "board.jpg"
    board.write_bytes(b"\xff\xd8")
    (tmp_path / "secret.jpg").write_bytes(b"\xff\xd8")

    assert _photo_path(board.as_uri()) == board
    assert _photo_path((tmp_path / "photos" / ".." / "secret.jpg").as_uri()) is None
    assert _photo_path("/ateliers/photos/1/thumb/") is None

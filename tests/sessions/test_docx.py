"""The synthesis as an editable .docx, opened again with python-docx."""

import io

import docx
import pytest
from django.urls import reverse
from django.utils import formats
from django.utils.timezone import localdate
from docx.oxml.ns import qn

from labo.lib.charts import bar_chart, shift_chart, stacked_chart
from labo.lib.typography import french_text
from sessions.docx import AFTER_TABLE, DOCX_TYPE, SHORT_FALL, _chart, synthesis_docx
from sessions.synthesis import synthesis_of
from tests import factories
from tests.conftest import PERSONAS, client_for
from tests.sessions.test_synthesis import grand_atelier  # noqa: F401


def opened(content: bytes) -> docx.document.Document:
    return docx.Document(io.BytesIO(content))


def headings(document, level: int) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name == f"Heading {level}"]


def table_texts(document) -> list[list[list[str]]]:
    return [[[cell.text for cell in row.cells] for row in t.rows] for t in document.tables]


def table_headed(document, header: list[str]) -> list[list[str]]:
    return next(t for t in table_texts(document) if t[0] == header)


def under(document, heading: str) -> list[str]:
    """The texts of the paragraphs between a heading and the next one."""
    texts, inside = [], False
    for paragraph in document.paragraphs:
        if paragraph.style.name.startswith("Heading"):
            inside = paragraph.text == heading
        elif inside:
            texts.append(paragraph.text)
    return texts


@pytest.fixture
def synthesis(grand_atelier):  # noqa: F811
    return opened(synthesis_docx(synthesis_of(grand_atelier, for_pdf=True)))


def test_docx_has_the_sections_as_real_headings(synthesis, grand_atelier):  # noqa: F811
    titles = [p.text for p in synthesis.paragraphs if p.style.name == "Title"]
    assert titles == [french_text(f"Session n° {grand_atelier.number} : Préparer le Grand Atelier")]
    top = headings(synthesis, 1)
    assert top[:5] == [
        "Chiffres clés",
        "Chaque atelier en une ligne",
        "Suites à donner",
        "Le déroulé tel qu’il s’est tenu",
        "Qui a participé",
    ]
    workshops = ["Débat mouvant", "Le tribunal", "Trois stands", "Grille de critères"]
    assert [title for title in top if title in workshops] == workshops
    assert top[-2:] == ["Débrief", "Actions et suites"]
    assert french_text("Le Labo doit-il se mêler de tout ?") in headings(synthesis, 2)
    assert "Accueil des usagers" in headings(synthesis, 3)


@pytest.fixture
def summarised(grand_atelier, world):  # noqa: F811
    world.day.title = "Le Grand Atelier"
    world.day.capacity = 80
    world.day.save()
    grand_atelier.key_messages = (
        "7 invités sur 80 attendus\nLe tribunal a fait bouger les pessimistes\n"
        "Aller chercher les catégories B et C"
    )
    grand_atelier.save()
    return opened(synthesis_docx(synthesis_of(grand_atelier, for_pdf=True)))


def test_docx_opens_on_the_summary_figures_against_what_was_planned(summarised, world):
    first = summarised.tables[0]
    rows = [[cell.text for cell in row.cells] for row in first.rows]
    day = f"Le Grand Atelier, {formats.date_format(world.day.date, 'j F')}"

    assert rows == [
        [day, "9 / 80 présents / attendus"],
        ["Ateliers tenus", "6"],
        ["Idées émises", "3"],
        ["Actions décidées", "1"],
    ]
    figure = first.rows[0].cells[1].paragraphs[0].runs[0]
    assert (figure.text, figure.bold, figure.font.color.rgb) == ("9 / 80", True, SHORT_FALL)
    assert first.rows[1].cells[1].paragraphs[0].runs[0].font.color.rgb is None


def test_docx_summary_carries_the_key_messages_headlines_and_next_steps(summarised):
    top = headings(summarised, 1)

    assert top.index("À retenir") < top.index("Le déroulé tel qu’il s’est tenu")
    assert under(summarised, "À retenir") == [
        "7 invités sur 80 attendus",
        "Le tribunal a fait bouger les pessimistes",
        "Aller chercher les catégories B et C",
    ]
    headlines = under(summarised, "Chaque atelier en une ligne")
    assert "Le tribunal — Convaincus 3 → 10, sceptiques 8 → 2" in headlines
    stands = french_text("Trois stands — « Le labo citoyen » a le plus convaincu (intérêt 5,0/5)")
    assert stands in headlines
    assert table_headed(summarised, ["Quoi", "Qui", "Pour quand"])[1:] == [
        ["Relancer les directions", "Camille", "—"]
    ]


def test_docx_summary_without_messages_leaves_their_heading_out(synthesis):
    assert "À retenir" not in headings(synthesis, 1)


def test_docx_tribunal_is_a_table_of_each_position_before_and_after(synthesis):
    table = table_headed(synthesis, ["Position", "Avant", "Après", "Évolution"])

    assert table[1:] == [
        ["Convaincus", "3", "10", "+7"],
        ["Sceptiques", "8", "2", "−6"],
        ["Indécis", "4", "3", "−1"],
    ]


def test_docx_draws_every_kind_of_chart_as_the_table_of_its_numbers():
    document = docx.Document()

    _chart(
        document,
        bar_chart("Notes", [("Clair", 4.5), ("Petit groupe", None)], unit="/5", decimals=1),
    )
    _chart(
        document,
        stacked_chart(
            "Par session",
            ["Cat. A", "Cat. B"],
            [("Session 1", [6, None]), ("Session 2", [None, None]), ("Session 3", [3, 7])],
        ),
    )
    _chart(document, shift_chart("Le procès", [("Convaincus", 2, 4), ("Indécis", 3, 3)]))

    assert table_texts(document) == [
        [["Élément", "Valeur"], ["Clair", "4,5/5"], ["Petit groupe", "masqué"]],
        [
            ["Élément", "Cat. A", "Cat. B"],
            ["Session 1", "6", "masqué"],
            ["Session 2", "masqué", "masqué"],
            ["Session 3", "3", "7"],
        ],
        [
            ["Position", "Avant", "Après", "Évolution"],
            ["Convaincus", "2", "4", "+2"],
            ["Indécis", "3", "3", "0"],
        ],
    ]
    captions = [p.text for p in document.paragraphs if p.style.name == "Caption"]
    assert captions == ["Notes", "Par session", "Le procès"]


def test_docx_names_the_empty_workshops_in_one_line(grand_atelier, world):  # noqa: F811
    factories.AtelierFactory(session=grand_atelier, title="Atelier sans trace")

    document = opened(synthesis_docx(synthesis_of(grand_atelier, for_pdf=True)))

    top = headings(document, 1)
    assert "Atelier sans trace" not in top
    assert world.atelier.title not in top
    # In the order of the workshops: those outside the agenda first.
    line = french_text(f"Sans résultat saisi : Atelier sans trace, {world.atelier.title}.")
    assert [p.text for p in document.paragraphs if p.text.startswith("Sans résultat")] == [line]


def test_docx_with_only_empty_workshops_gives_them_one_heading(world):
    document = opened(synthesis_docx(synthesis_of(world.session, for_pdf=True)))

    assert under(document, "Ateliers") == [
        french_text(f"Sans résultat saisi : {world.atelier.title}.")
    ]


def test_docx_tables_carry_the_agenda_the_figures_and_the_actions(synthesis):
    tables = table_texts(synthesis)
    headers = [table[0] for table in tables]

    assert ["Horaire", "Séquence"] in headers  # nobody ran a block: no empty column
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
    moment = formats.date_format(localdate(), "j F Y")
    assert captions == [f"Le tableau des stands\nTrois stands · {moment}"]


def test_docx_leaves_out_what_the_query_leaves_out(grand_atelier, facilitator_client):  # noqa: F811
    kept = grand_atelier.ateliers.get(title="Le tribunal")
    url = reverse("sessions:session-synthesis-docx", args=[grand_atelier.pk])

    response = facilitator_client.get(url, {"ateliers": [kept.pk]})

    document = opened(response.content)
    assert response["Content-Type"] == DOCX_TYPE
    assert "Le tribunal" in headings(document, 1)
    assert "Débat mouvant" not in headings(document, 1)
    assert len(document.inline_shapes) == 0


def test_docx_button_of_the_preview_follows_the_boxes_ticked(grand_atelier, facilitator_client):  # noqa: F811
    url = reverse("sessions:session-synthesis", args=[grand_atelier.pk])
    chosen = grand_atelier.ateliers.filter(title__in=["Le tribunal", "Trois stands"])
    photo = grand_atelier.ateliers.get(title="Trois stands").photos.get()

    page = facilitator_client.get(url)
    response = facilitator_client.post(
        url, {"action": "docx", "ateliers": [a.pk for a in chosen], "photos": [photo.pk]}
    )

    assert '<button type="submit" name="action" value="docx"' in page.content.decode()
    assert response["Content-Type"] == DOCX_TYPE
    assert response["Content-Disposition"].startswith("attachment;")
    document = opened(response.content)
    workshops = ["Débat mouvant", "Le tribunal", "Trois stands", "Grille de critères"]
    assert [title for title in headings(document, 1) if title in workshops] == [
        "Le tribunal",
        "Trois stands",
    ]
    assert len(document.inline_shapes) == 1
    assert under(document, "Chaque atelier en une ligne")[0].startswith("Le tribunal — ")


def test_docx_button_without_photos_ticked_leaves_them_out(grand_atelier, facilitator_client):  # noqa: F811
    url = reverse("sessions:session-synthesis", args=[grand_atelier.pk])
    everything = [a.pk for a in grand_atelier.ateliers.all()]

    response = facilitator_client.post(url, {"action": "docx", "ateliers": everything})

    document = opened(response.content)
    assert "Trois stands" in headings(document, 1)
    assert len(document.inline_shapes) == 0


def test_docx_button_with_too_many_photos_shows_the_error(
    grand_atelier,  # noqa: F811
    facilitator_client,
    settings,
):
    settings.LABO_SYNTHESIS_MAX_PHOTOS = 0
    url = reverse("sessions:session-synthesis", args=[grand_atelier.pk])
    photo = grand_atelier.ateliers.get(title="Trois stands").photos.get()

    response = facilitator_client.post(url, {"action": "docx", "photos": [photo.pk]})

    assert response.status_code == 422
    assert response["Content-Type"].startswith("text/html")


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


def test_docx_with_a_choice_that_does_not_exist_is_refused_not_widened(world):
    client = client_for(world, "facilitator")
    url = reverse("sessions:session-synthesis-docx", args=[world.session.pk])

    response = client.get(url, {"ateliers": ["999999"]})

    assert response.status_code == 422
    assert "999999" in response.content.decode()


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


def test_docx_rows_stay_on_one_page_and_text_after_a_table_has_room(synthesis):
    rows = [row for table in synthesis.tables for row in table.rows]
    assert all(row._tr.trPr.find(qn("w:cantSplit")) is not None for row in rows)
    verdict = next(p for p in synthesis.paragraphs if p.text.startswith(french_text("Verdict :")))
    assert verdict._p.getprevious().tag == qn("w:tbl")
    assert verdict.paragraph_format.space_before == AFTER_TABLE


def test_docx_is_typeset_in_french_in_one_place(grand_atelier):  # noqa: F811
    grand_atelier.key_messages = "L'essai : « réussi » ; à refaire !"
    grand_atelier.save()

    document = opened(synthesis_docx(synthesis_of(grand_atelier, for_pdf=True)))

    texts = [p.text for p in document.paragraphs]
    assert "L’essai\u00a0: «\u202fréussi\u202f»\u202f; à refaire\u202f!" in texts
    assert document.core_properties.title.endswith("\u00a0: Préparer le Grand Atelier")


def test_docx_agenda_names_who_ran_a_workshop_as_the_pdf_does(world):
    runner = factories.PersonFactory(first_name="Eulalie", last_name="Vauban")
    world.atelier.facilitators.add(runner)  # the workshop's, the block having none of its own

    document = opened(synthesis_docx(synthesis_of(world.session, for_pdf=True)))

    agenda = table_headed(document, ["Horaire", "Séquence", "Animé par"])
    assert [row[2] for row in agenda[1:]] == [str(runner)]

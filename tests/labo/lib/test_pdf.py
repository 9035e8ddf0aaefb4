import io
import re
from pathlib import Path

from django.conf import settings
from pypdf import PdfReader

from labo.lib.pdf import html_to_pdf, stylesheet_digest
from labo.lib.typography import NARROW_NBSP, NBSP

HTML = """<!doctype html>
<html lang="fr">
<head><meta charset="utf-8"><title>Synthèse : l'essai</title></head>
<body>
<h1>Synthèse : l'atelier</h1>
<table>
  <thead><tr><th scope="col">Qui</th><th scope="col">Quoi</th></tr></thead>
  <tbody><tr><th scope="row">Léa</th><td>Une idée ?</td></tr></tbody>
</table>
<svg viewBox="0 0 10 10" width="40" role="img"><title>Un carré rouge</title>
<rect width="5" height="5" fill="red"/></svg>
</body>
</html>"""


def structure(reader: PdfReader) -> list[dict]:
    """Every structure element of a tagged PDF, depth first."""
    found = []
    stack = list(reader.trailer["/Root"]["/StructTreeRoot"]["/K"])
    while stack:
        node = stack.pop().get_object()
        if not isinstance(node, dict) or node.get("/Type") != "/StructElem":
            continue
        found.append(node)
        kids = node.get("/K")
        if isinstance(kids, list):
            stack.extend(kids)
    return found


def xmp(reader: PdfReader) -> str:
    return reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()


def test_a_document_is_pdf_ua_1_with_title_and_language():
    reader = PdfReader(io.BytesIO(html_to_pdf(HTML)))

    root = reader.trailer["/Root"]
    assert reader.pdf_header == "%PDF-1.7"
    assert 'pdfuaid:part="1"' in xmp(reader)
    assert root["/Lang"] == "fr"
    assert root["/MarkInfo"] == {"/Marked": True}
    assert reader.metadata.title == f"Synthèse{NBSP}: l’essai"
    assert "<dc:title>" in xmp(reader)


def test_table_headers_carry_their_scope_and_figures_their_alt():
    elements = structure(PdfReader(io.BytesIO(html_to_pdf(HTML))))

    scopes = [e["/A"].get("/Scope") for e in elements if e["/S"] == "/TH"]
    figures = [e.get("/Alt") for e in elements if e["/S"] == "/Figure"]
    assert sorted(scopes) == ["/Column", "/Column", "/Row"]
    assert figures == ["Un carré rouge"]


def test_a_header_without_scope_stays_without_for_the_tests_to_find():
    html = HTML.replace('<th scope="row">', "<th>")

    elements = structure(PdfReader(io.BytesIO(html_to_pdf(html))))

    scopes = [e["/A"].get("/Scope") for e in elements if e["/S"] == "/TH"]
    assert sorted(scopes, key=str) == ["/Column", "/Column", None]


def test_a_document_gets_french_typography():
    reader = PdfReader(io.BytesIO(html_to_pdf(HTML)))

    text = reader.pages[0].extract_text()
    assert f"Synthèse{NBSP}: l’atelier" in text
    assert f"Une idée{NARROW_NBSP}?" in text


def test_the_drawing_is_part_of_a_documents_fingerprint(monkeypatch):
    before = stylesheet_digest()

    monkeypatch.setattr("labo.lib.pdf.DRAWING_VERSION", "another drawing")

    assert stylesheet_digest() != before


def test_every_table_header_in_the_templates_has_a_scope():
    missing = []
    for path in sorted(Path(settings.BASE_DIR, "templates").rglob("*.html")):
        for tag in re.findall(r"<th\b[^>]*>", path.read_text()):
            if "scope=" not in tag:
                missing.append(f"{path.name}: {tag}")

    assert missing == []


def test_every_image_in_the_templates_has_a_text_alternative():
    missing = []
    for path in sorted(Path(settings.BASE_DIR, "templates").rglob("*.html")):
        for tag in re.findall(r"<img\b[^>]*>", path.read_text()):
            if "alt=" not in tag:
                missing.append(f"{path.name}: {tag}")

    assert missing == []


def test_an_svg_described_by_its_aria_label_gets_it_as_alt():
    html = HTML.replace(
        '<svg viewBox="0 0 10 10" width="40" role="img"><title>Un carré rouge</title>',
        '<svg viewBox="0 0 10 10" width="40" role="img" aria-label="Grille : deux idées">',
    )

    elements = structure(PdfReader(io.BytesIO(html_to_pdf(html))))

    figures = [e.get("/Alt") for e in elements if e["/S"] == "/Figure"]
    assert figures == [f"Grille{NBSP}: deux idées"]


def test_the_collector_runs_less_often_while_documents_are_drawn_then_as_before():
    import gc

    from labo.lib.pdf import DRAWING_GC_THRESHOLD, fewer_collections

    before = gc.get_threshold()
    with fewer_collections():
        during = gc.get_threshold()
        with fewer_collections():  # a second document drawn by another thread
            pass
        still = gc.get_threshold()

    assert during[0] == max(before[0], DRAWING_GC_THRESHOLD)
    assert during[1:] == before[1:]
    assert still == during
    assert gc.get_threshold() == before


def text_placements(content: bytes) -> int:
    """How many times a text is placed (Tm) in a page and the drawings it shows."""
    reader = PdfReader(io.BytesIO(content))
    count, seen = 0, set()
    stack = [reader.pages[0]]
    while stack:
        drawn = stack.pop()
        data = drawn.get_contents().get_data() if "/Contents" in drawn else drawn.get_data()
        count += len(re.findall(rb"\bTm\b", data))
        objects = drawn.get("/Resources", {}).get("/XObject", {})
        for reference in objects.values():
            if reference.idnum not in seen:
                seen.add(reference.idnum)
                stack.append(reference.get_object())
    return count


def svg_page(text: str) -> str:
    return (
        '<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Essai</title></head>'
        '<body><svg viewBox="0 0 100 20" width="300" role="img" aria-label="Essai">'
        f"{text}</svg></body></html>"
    )


def test_a_chart_text_is_laid_out_whole_and_letters_placed_one_by_one_stay_so():
    page = text_placements(html_to_pdf(svg_page("")))  # the page's own texts (its number)
    whole = html_to_pdf(svg_page('<text x="1" y="10">Convaincus 2 → 4</text>'))
    by_letter = html_to_pdf(svg_page('<text x="1 8 15" y="10">abc</text>'))
    spaced = html_to_pdf(svg_page('<text x="1" y="10" letter-spacing="2">abcd</text>'))

    assert text_placements(whole) - page == 1  # WeasyPrint alone: one per letter
    assert text_placements(by_letter) - page == 3
    assert text_placements(spaced) - page == 4
    assert "Convaincus 2 → 4" in PdfReader(io.BytesIO(whole)).pages[0].extract_text()

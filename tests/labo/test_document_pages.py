import os
import shutil

import pytest
from pypdf import PdfReader

from ateliers.models import DemarreurReport
from labo.devtools.document_pages import draw_all
from tests.labo.lib.test_pdf import structure, xmp


@pytest.fixture(autouse=True)
def _need_pdftoppm():
    if shutil.which("pdftoppm") is None:
        if os.environ.get("CI"):
            pytest.fail("CI needs pdftoppm: apt-get install poppler-utils")
        pytest.skip("pdftoppm (poppler-utils) is needed to draw pages; CI runs these.")


@pytest.fixture
def drawn(world, tmp_path):
    DemarreurReport.objects.create(atelier=world.atelier, reformulated_request="Occiline")
    return {item.name: item for item in draw_all(tmp_path, dpi=20, username="alice")}


def test_every_kind_of_document_is_drawn_to_png_pages(world, drawn):
    number, date = world.session.number, f"{world.day.date:%Y-%m-%d}"

    names = set(drawn)
    assert f"session-{number}-synthese" in names
    assert f"session-{number}-{date}-emargement" in names
    assert any(name.startswith(f"session-{number}-{date}-deroule") for name in names)
    assert any(name.startswith(f"demarreur-{world.atelier.pk}-") for name in names)
    assert any(name.startswith(f"commande-{world.commande.pk}-") for name in names)
    assert any(name.startswith("bilan-") for name in names)
    for item in drawn.values():
        assert item.pages, item.name
        assert all(page.stat().st_size > 0 for page in item.pages)
        assert len(item.pages) == len(PdfReader(item.pdf).pages)


def test_every_document_is_pdf_ua_in_french_with_scoped_headers_and_described_figures(drawn):
    for item in drawn.values():
        reader = PdfReader(item.pdf)
        elements = structure(reader)
        headers = [e for e in elements if e["/S"] == "/TH"]
        figures = [e for e in elements if e["/S"] == "/Figure"]

        assert 'pdfuaid:part="1"' in xmp(reader), item.name
        assert reader.trailer["/Root"]["/Lang"] == "fr", item.name
        assert reader.metadata.title, item.name
        assert [h for h in headers if "/Scope" not in h["/A"]] == [], item.name
        assert [f for f in figures if not f.get("/Alt")] == [], item.name

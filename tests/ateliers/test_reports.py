"""The démarreur report as printed: its summary first, then the details."""

import io
import re

from django.urls import reverse
from pypdf import PdfReader

from ateliers.models import DemarreurRole, InterviewQuestion, Observation
from labo.lib.typography import french_text
from tests.commandes.test_pdf import occiline  # noqa: F401
from tests.sessions.test_pdf import _need_pdftotext, pdf_text  # noqa: F401


def pages(content: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]


def test_report_opens_on_its_summary(occiline, facilitator_client, world):  # noqa: F811
    report = occiline.ateliers.get().demarreur
    report.next_steps = "Tester deux semaines dans une maison de la Région"
    report.save()
    DemarreurRole.objects.create(report=report, role="observer", person=world.member.person)
    InterviewQuestion.objects.create(report=report, text="Qui utilisera la borne ?")
    InterviewQuestion.objects.create(report=report, text="Et sinon ?", uncomfortable=True)
    Observation.objects.create(report=report, observer="Chloé", phase="Accueil", note="Tendu")

    response = facilitator_client.get(reverse("ateliers:report-pdf", args=[report.atelier_id]))

    first = pages(response.content)[0]
    summary = first[first.index("En bref") : first.index("La demande, initiale et reformulée")]
    assert occiline.commanditaire.full_name in summary
    assert "Brouillon" in summary
    assert "Prototyper avec une tablette" in summary
    assert "Tester deux semaines dans une maison de la Région" in summary
    assert "60 / 90 min" in summary
    assert re.search(r"\b2\s+personnes autour de la\s+table", summary)
    assert re.search(r"\b2\s+questions dans la grille,\s+dont 1 dérangeante", summary)
    assert re.search(r"\b1\s+observation notée", summary)
    assert "durée réelle / durée" in summary


def test_report_sets_the_commande_wording_beside_the_reformulation(
    occiline,  # noqa: F811
    facilitator_client,
    tmp_path,
):
    atelier = occiline.ateliers.get()

    response = facilitator_client.get(reverse("ateliers:report-pdf", args=[atelier.pk]))

    first, reformulated = french_text("Une borne d'accueil"), "Un guichet numérique"
    assert any(first in page and reformulated in page for page in pages(response.content))
    lines = pdf_text(response.content, tmp_path).splitlines()
    assert any(first in line and reformulated in line for line in lines)


def test_report_names_are_never_cut(occiline, facilitator_client, tmp_path):  # noqa: F811
    atelier = occiline.ateliers.get()

    response = facilitator_client.get(reverse("ateliers:report-pdf", args=[atelier.pk]))

    text = pdf_text(response.content, tmp_path)
    assert occiline.commanditaire.full_name in text
    assert "Commanditaire" in text

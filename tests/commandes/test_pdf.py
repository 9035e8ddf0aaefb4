import io
import re
import subprocess

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from ateliers.models import DemarreurReport, DemarreurRole
from commandes.models import StatusChange, Task, TeamMember
from labo.lib.typography import french_text
from tests import factories
from tests.sessions.test_pdf import _need_pdftotext, pdf_text  # noqa: F401


@pytest.fixture
def occiline(world):
    commande = world.commande
    commande.title, commande.initial_title = "Occiline", "Occiborne"
    commande.initial_wording = "Une borne d'accueil dans chaque maison de la Région"
    commande.reformulated_wording = "Un guichet numérique pensé avec les agents d'accueil"
    commande.save()
    atelier = factories.AtelierFactory(
        session=world.session, format="demarreur", commande=commande, title="Démarreur : Occiborne"
    )
    report = DemarreurReport.objects.create(
        atelier=atelier,
        timebox_minutes=90,
        used_minutes=60,
        hypotheses="Les usagers viennent pour être orientés",
        options_retained="Prototyper avec une tablette",
        reformulated_request="Un guichet numérique",
    )
    DemarreurRole.objects.create(report=report, role="commanditaire", person=commande.commanditaire)
    TeamMember.objects.create(commande=commande, person=world.member.person, role="pilot")
    Task.objects.create(commande=commande, title="Tester deux semaines")
    return commande


def test_commande_file_has_both_wordings_findings_team_and_calendar(
    occiline, client, world, tmp_path
):
    client.force_login(world.management)

    response = client.get(reverse("commandes:commande-pdf", args=[occiline.pk]))

    text = pdf_text(response.content, tmp_path)
    assert "Dossier de commande" in text
    assert "Occiline" in text
    assert "« Occiborne »" in text
    assert "Un guichet numérique pensé avec les agents" in text
    assert "Les usagers viennent pour être orientés" in text
    assert "Pilote" in text
    assert "Tester deux semaines" in text


def test_demarreur_report_pdf_for_the_commanditaire(occiline, facilitator_client, tmp_path):
    atelier = occiline.ateliers.get()

    response = facilitator_client.get(reverse("ateliers:report-pdf", args=[atelier.pk]))

    text = pdf_text(response.content, tmp_path)
    assert "Compte rendu du démarreur bienveillant" in text
    assert re.search(r"60\s*/\s*90\s+min", text)
    assert "durée réelle / durée" in text
    assert "Un guichet numérique" in text
    info = tmp_path / "r.pdf"
    info.write_bytes(response.content)
    assert (
        "Tagged:          yes"
        in subprocess.run(["pdfinfo", str(info)], capture_output=True, text=True, check=True).stdout
    )


def test_a_workshop_without_report_has_no_report_pdf(world, facilitator_client):
    response = facilitator_client.get(reverse("ateliers:report-pdf", args=[world.atelier.pk]))

    assert response.status_code == 404


def page_texts(content: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]


def test_commande_file_opens_on_its_summary(occiline, client, world):
    StatusChange.objects.create(
        commande=occiline,
        from_status="submitted",
        to_status="validated",
        changed_at=timezone.now(),
        comment="Validée en comité de direction",
    )
    occiline.status = "validated"
    occiline.save()
    client.force_login(world.management)

    response = client.get(reverse("commandes:commande-pdf", args=[occiline.pk]))

    first = page_texts(response.content)[0]
    summary = first[first.index("En bref") : first.index("La demande, initiale et reformulée")]
    assert french_text("Un guichet numérique pensé avec les agents d'accueil") in summary
    assert occiline.commanditaire.full_name in summary
    assert "Validée" in summary
    assert "Validée en comité de direction" in summary
    assert re.search(r"1\s+entretien de démarreur", summary)
    assert re.search(r"1\s+personne dans l’équipe", summary)
    assert re.search(r"0 / 1\s+tâches faites", summary)


def test_commande_file_sets_both_wordings_side_by_side(occiline, client, world, tmp_path):
    client.force_login(world.management)

    response = client.get(reverse("commandes:commande-pdf", args=[occiline.pk]))

    pages = page_texts(response.content)
    first, reformulated = french_text("Une borne d'accueil"), "Un guichet numérique"
    assert any(first in page and reformulated in page for page in pages)
    # Side by side: the two wordings start on the same line of the page.
    lines = pdf_text(response.content, tmp_path).splitlines()
    assert any(first in line and reformulated in line for line in lines)


@pytest.mark.parametrize("template", ["commandes/pdf/file.html", "ateliers/pdf/demarreur.html"])
def test_every_table_header_has_a_scope(occiline, template):
    from ateliers import reports
    from commandes.queries import file_context

    report = occiline.ateliers.get().demarreur
    context = (
        file_context(occiline)
        if template.startswith("commandes")
        else (reports.pdf_context(report))
    )

    html = render_to_string(template, context)

    headers = re.findall(r"<th\b[^>]*>", html)
    assert headers
    assert [th for th in headers if "scope=" not in th] == []

import re
import subprocess

import pytest
from django.urls import reverse

from ateliers.models import DemarreurReport, DemarreurRole
from commandes.models import Task, TeamMember
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
    assert "Dossier de commande : Occiline" in text
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
    assert re.search(r"durée\s+réelle\s*:\s*60\s+min", text)
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
